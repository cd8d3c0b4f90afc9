package throttle

import (
	"context"
	"sync"
	"time"
)

// A Gate limits something frequent and cheap, such as searches, where a
// database write for every request would cost more than the request. Each
// node counts a client's first hits of a window in memory; only a client
// past a quarter of the limit on this node is counted in the database, so
// ordinary visitors never touch it and a heavy client is held to the limit
// across nodes (give or take a quarter of it per node).
type Gate struct {
	l      *Limiter
	name   string
	limit  int
	window time.Duration

	mu    sync.Mutex
	start time.Time
	local map[string]int
}

// maxGateClients bounds a Gate's memory: past it, the window's local
// counts start again (the database keeps counting those it has).
const maxGateClients = 100_000

// NewGate allows limit hits per window for each client.
func (l *Limiter) NewGate(name string, limit int, window time.Duration) *Gate {
	return &Gate{l: l, name: name, limit: limit, window: window, local: map[string]int{}}
}

// Allow counts one hit of client.
func (g *Gate) Allow(ctx context.Context, client string) (Decision, error) {
	if g == nil || g.limit <= 0 {
		return Decision{Allowed: true}, nil
	}
	now := g.l.now()
	g.mu.Lock()
	if now.Sub(g.start) >= g.window || len(g.local) >= maxGateClients {
		g.start, g.local = now, map[string]int{}
	}
	g.local[client]++
	n := g.local[client]
	g.mu.Unlock()
	if n <= max(g.limit/4, 1) {
		return Decision{Allowed: true, Remaining: g.limit - n}, nil
	}
	return g.l.Allow(ctx, g.name+":"+client, g.limit-max(g.limit/4, 1), g.window)
}
