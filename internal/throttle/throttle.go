// Package throttle keeps the counters behind the platform's abuse limits in
// the database, so that a limit holds however many nodes serve the site:
// fixed-window counts (so many kept forms per address an hour) and a
// back-off that grows with each failure (sign-in attempts).
package throttle

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tekotori/tekotori/internal/store"
)

// Limiter counts hits per name.
type Limiter struct {
	db  *store.DB
	now func() time.Time
}

// New gives a Limiter on db.
func New(db *store.DB) *Limiter { return &Limiter{db: db, now: time.Now} }

// SetClock replaces the clock, for tests that move time.
func (l *Limiter) SetClock(now func() time.Time) { l.now = now }

// Decision is the answer to one hit.
type Decision struct {
	Allowed bool
	// RetryAfter is how long to wait before the next hit can pass.
	RetryAfter time.Duration
	// Remaining is how many more hits pass in this window.
	Remaining int
}

// count adds one hit to name in a window of length window and returns the
// hits so far and when the window started.
func (l *Limiter) count(ctx context.Context, name string, window time.Duration) (int, int64, error) {
	now := l.now().UnixMilli()
	stale := now - window.Milliseconds()
	var hits int
	var start int64
	err := l.db.QueryRow(ctx, `INSERT INTO throttle (name, hits, window_start, blocked_until) VALUES (?, 1, ?, 0)
		ON CONFLICT (name) DO UPDATE SET
			hits = CASE WHEN throttle.window_start <= ? THEN 1 ELSE throttle.hits + 1 END,
			window_start = CASE WHEN throttle.window_start <= ? THEN ? ELSE throttle.window_start END
		RETURNING hits, window_start`, name, now, stale, stale, now).Scan(&hits, &start)
	if err != nil {
		return 0, 0, fmt.Errorf("throttle: count %s: %w", name, err)
	}
	return hits, start, nil
}

// Allow counts one hit of name and lets at most limit of them through in a
// window; the hit that is refused still counts, so hammering does not help.
func (l *Limiter) Allow(ctx context.Context, name string, limit int, window time.Duration) (Decision, error) {
	hits, start, err := l.count(ctx, name, window)
	if err != nil {
		return Decision{}, err
	}
	if hits > limit {
		wait := time.Duration(start+window.Milliseconds()-l.now().UnixMilli()) * time.Millisecond
		return Decision{RetryAfter: max(wait, time.Second)}, nil
	}
	return Decision{Allowed: true, Remaining: limit - hits}, nil
}

// Backoff is a delay that grows with each failure after the first Free
// ones: 1 s, 2 s, 4 s … up to Max. Failures are forgotten Window after
// the first of them, or on Reset.
type Backoff struct {
	Free   int
	Max    time.Duration
	Window time.Duration
}

// Blocked tells how long name must still wait; zero when it may try.
func (l *Limiter) Blocked(ctx context.Context, name string) (time.Duration, error) {
	var until int64
	err := l.db.QueryRow(ctx, `SELECT blocked_until FROM throttle WHERE name = ?`, name).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("throttle: blocked %s: %w", name, err)
	}
	if wait := time.Duration(until-l.now().UnixMilli()) * time.Millisecond; wait > 0 {
		return wait, nil
	}
	return 0, nil
}

// Fail records a failure of name and returns the wait it now has.
func (l *Limiter) Fail(ctx context.Context, name string, b Backoff) (time.Duration, error) {
	hits, _, err := l.count(ctx, name, b.Window)
	if err != nil {
		return 0, err
	}
	if hits <= b.Free {
		return 0, nil
	}
	wait := b.Max
	if n := hits - b.Free - 1; n < 30 {
		wait = min(time.Duration(1<<n)*time.Second, b.Max)
	}
	until := l.now().Add(wait).UnixMilli()
	if _, err := l.db.Exec(ctx, `UPDATE throttle SET blocked_until = ? WHERE name = ? AND blocked_until < ?`, until, name, until); err != nil {
		return 0, fmt.Errorf("throttle: block %s: %w", name, err)
	}
	return wait, nil
}

// Reset forgets the failures of name, after a success.
func (l *Limiter) Reset(ctx context.Context, name string) error {
	if _, err := l.db.Exec(ctx, `DELETE FROM throttle WHERE name = ?`, name); err != nil {
		return fmt.Errorf("throttle: reset %s: %w", name, err)
	}
	return nil
}

// Purge deletes counters whose window ended before horizon ago and that
// block nothing, and reports how many went.
func (l *Limiter) Purge(ctx context.Context, horizon time.Duration) (int64, error) {
	now := l.now()
	res, err := l.db.Exec(ctx, `DELETE FROM throttle WHERE window_start < ? AND blocked_until < ?`,
		now.Add(-horizon).UnixMilli(), now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("throttle: purge: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("throttle: purge: %w", err)
	}
	return n, nil
}
