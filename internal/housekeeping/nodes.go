package housekeeping

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tekotori/tekotori/internal/store"
)

// Node heartbeats: a serving node's row in `nodes`, renewed every
// heartbeatEvery and removed when it stops; a row not renewed for
// nodeStale belongs to a node that died.
const (
	heartbeatEvery = 30 * time.Second
	nodeStale      = 90 * time.Second
)

// NodeID names this process: host, process id and a random part.
func NodeID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b) // a zero suffix still leaves host and pid
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Heartbeat keeps node id's row alive until ctx ends; the returned
// function stops it and removes the row.
func Heartbeat(ctx context.Context, db *store.DB, log *slog.Logger, id string) (stop func(), err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := time.Now().UnixMilli()
	if _, err := db.Exec(ctx, `INSERT INTO nodes (id, started_at, seen_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`, id, now, now); err != nil {
		return nil, fmt.Errorf("housekeeping: register node: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(heartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := db.Exec(ctx, `UPDATE nodes SET seen_at = ? WHERE id = ?`, time.Now().UnixMilli(), id); err != nil && ctx.Err() == nil {
					log.Warn("node heartbeat failed", "err", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
		// A fresh context: the row must go even though ctx has ended.
		rctx, rcancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer rcancel()
		if _, err := db.Exec(rctx, `DELETE FROM nodes WHERE id = ?`, id); err != nil {
			log.Warn("node could not sign off", "err", err)
		}
	}, nil
}

// LiveNodes lists the nodes seen within the last heartbeats.
func LiveNodes(ctx context.Context, db *store.DB) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT id FROM nodes WHERE seen_at > ? ORDER BY id`, time.Now().Add(-nodeStale).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("housekeeping: live nodes: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("housekeeping: live nodes: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
