package throttle_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/throttle"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestWindowHoldsAcrossLimiters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}
		// Two limiters on one database stand for two nodes.
		a, b := throttle.New(db), throttle.New(db)
		a.SetClock(clk.now)
		b.SetClock(clk.now)
		var wg sync.WaitGroup
		var mu sync.Mutex
		allowed := 0
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l := a
				if i%2 == 1 {
					l = b
				}
				d, err := l.Allow(ctx, "stash:203.0.113.7", 5, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if d.Allowed {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if allowed != 5 {
			t.Fatalf("%d of 20 hits allowed with a limit of 5", allowed)
		}
		d, err := a.Allow(ctx, "stash:203.0.113.7", 5, time.Hour)
		if err != nil || d.Allowed || d.RetryAfter <= 0 || d.RetryAfter > time.Hour {
			t.Fatalf("over the limit: %+v %v", d, err)
		}
		// Another name has its own count; a new window starts afresh.
		if d, _ := a.Allow(ctx, "stash:198.51.100.1", 5, time.Hour); !d.Allowed || d.Remaining != 4 {
			t.Fatalf("other name: %+v", d)
		}
		clk.add(time.Hour + time.Second)
		if d, _ := b.Allow(ctx, "stash:203.0.113.7", 5, time.Hour); !d.Allowed {
			t.Fatalf("next window: %+v", d)
		}
	})
}

func TestBackoffGrows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}
		l := throttle.New(db)
		l.SetClock(clk.now)
		b := throttle.Backoff{Free: 3, Max: time.Minute, Window: time.Hour}
		var waits []time.Duration
		for range 10 {
			w, err := l.Fail(ctx, "login:a@example.org", b)
			if err != nil {
				t.Fatal(err)
			}
			waits = append(waits, w)
		}
		want := []time.Duration{0, 0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute}
		for i := range want {
			if waits[i] != want[i] {
				t.Fatalf("waits %v, want %v", waits, want)
			}
		}
		if w, _ := l.Blocked(ctx, "login:a@example.org"); w != time.Minute {
			t.Fatalf("blocked for %v", w)
		}
		clk.add(61 * time.Second)
		if w, _ := l.Blocked(ctx, "login:a@example.org"); w != 0 {
			t.Fatalf("still blocked after the wait: %v", w)
		}
		if err := l.Reset(ctx, "login:a@example.org"); err != nil {
			t.Fatal(err)
		}
		if w, _ := l.Fail(ctx, "login:a@example.org", b); w != 0 {
			t.Fatalf("after reset: %v", w)
		}
		clk.add(2 * time.Hour)
		if n, err := l.Purge(ctx, time.Hour); err != nil || n != 1 {
			t.Fatalf("purged %d, %v", n, err)
		}
	})
}

// A gate lets a client's first quarter through on each node without the
// database and holds the rest to the limit across nodes.
func TestGateHoldsAcrossNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}
		a, b := throttle.New(db), throttle.New(db)
		a.SetClock(clk.now)
		b.SetClock(clk.now)
		ga, gb := a.NewGate("search", 40, time.Minute), b.NewGate("search", 40, time.Minute)
		allowed := 0
		for i := range 200 {
			g := ga
			if i%2 == 1 {
				g = gb
			}
			d, err := g.Allow(ctx, "203.0.113.7")
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed {
				allowed++
			}
		}
		// Each node passes 10 on its own; the database passes 30 more.
		if allowed != 50 {
			t.Fatalf("%d of 200 allowed with a limit of 40 on two nodes", allowed)
		}
		var rows int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM throttle`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != 1 {
			t.Fatalf("%d counters", rows)
		}
		// A light client never reaches the database.
		if d, _ := ga.Allow(ctx, "198.51.100.1"); !d.Allowed {
			t.Fatal("light client refused")
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM throttle`).Scan(&rows); err != nil || rows != 1 {
			t.Fatalf("%d counters, %v", rows, err)
		}
		clk.add(time.Minute)
		if d, _ := gb.Allow(ctx, "203.0.113.7"); !d.Allowed {
			t.Fatal("next window refused")
		}
	})
}
