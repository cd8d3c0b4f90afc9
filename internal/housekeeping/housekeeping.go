// Package housekeeping runs the platform's periodic clean-up jobs (expired
// sessions, unclaimed uploads, old kept forms, spent abuse counters) on a
// schedule kept in the database. Every node runs the same loop, and a job
// is claimed by one conditional update of its row, so each due job runs on
// exactly one node however many there are.
package housekeeping

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tekotori/tekotori/internal/store"
)

// A Job is one clean-up task. Run reports what it did in a few words for
// the log (for example "3 sessions").
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) (string, error)
}

// Runner runs due jobs.
type Runner struct {
	db   *store.DB
	log  *slog.Logger
	jobs []Job
	now  func() time.Time
	// Lease is how long a claimed job is left to its node; a node that dies
	// mid-job leaves it to be taken over after that.
	Lease time.Duration
}

// New gives a Runner of jobs on db.
func New(db *store.DB, log *slog.Logger, jobs ...Job) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{db: db, log: log, jobs: jobs, now: time.Now, Lease: 10 * time.Minute}
}

// SetClock replaces the clock, for tests that move time.
func (r *Runner) SetClock(now func() time.Time) { r.now = now }

// RunDue runs every job that is due and not running elsewhere, and returns
// the names of those this call ran. A failing job is logged, recorded on
// its row and tried again at its next turn; the others still run.
func (r *Runner) RunDue(ctx context.Context) ([]string, error) {
	var ran []string
	for _, j := range r.jobs {
		now := r.now().UnixMilli()
		// A new job is due at once.
		if _, err := r.db.Exec(ctx, `INSERT INTO scheduled_jobs (name, next_run) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, j.Name, now); err != nil {
			return ran, fmt.Errorf("housekeeping: register %s: %w", j.Name, err)
		}
		res, err := r.db.Exec(ctx, `UPDATE scheduled_jobs SET running_until = ? WHERE name = ? AND next_run <= ? AND running_until < ?`,
			now+r.Lease.Milliseconds(), j.Name, now, now)
		if err != nil {
			return ran, fmt.Errorf("housekeeping: claim %s: %w", j.Name, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return ran, fmt.Errorf("housekeeping: claim %s: %w", j.Name, err)
		} else if n == 0 {
			continue
		}
		start := r.now()
		what, jobErr := j.Run(ctx)
		msg := ""
		if jobErr != nil {
			msg = jobErr.Error()
			r.log.Error("housekeeping job failed", "job", j.Name, "err", jobErr)
		} else {
			r.log.Info("housekeeping job done", "job", j.Name, "removed", what, "dur", r.now().Sub(start))
		}
		end := r.now().UnixMilli()
		if _, err := r.db.Exec(ctx, `UPDATE scheduled_jobs SET running_until = 0, next_run = ?, last_run = ?, last_error = ?, runs = runs + 1 WHERE name = ?`,
			end+j.Every.Milliseconds(), end, msg, j.Name); err != nil {
			return ran, fmt.Errorf("housekeeping: finish %s: %w", j.Name, err)
		}
		ran = append(ran, j.Name)
	}
	return ran, nil
}

// Start runs due jobs every tick until ctx ends; the returned function
// stops the loop and waits for it.
func (r *Runner) Start(ctx context.Context, tick time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			if _, err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
				r.log.Error("housekeeping", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); <-done }
}
