package housekeeping_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/housekeeping"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
)

// Four nodes running the loop at once run each due job exactly once, and
// again only when it is due again.
func TestJobsRunOnceAcrossNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		var hourly, daily atomic.Int32
		jobs := []housekeeping.Job{
			{Name: "hourly", Every: time.Hour, Run: func(context.Context) (string, error) {
				hourly.Add(1)
				time.Sleep(20 * time.Millisecond) // long enough for the others to try
				return "1", nil
			}},
			{Name: "daily", Every: 24 * time.Hour, Run: func(context.Context) (string, error) { daily.Add(1); return "0", nil }},
		}
		var nodes []*housekeeping.Runner
		for range 4 {
			r := housekeeping.New(db, nil, jobs...)
			r.SetClock(clock)
			nodes = append(nodes, r)
		}
		runAll := func() {
			var wg sync.WaitGroup
			for _, n := range nodes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := n.RunDue(ctx); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		runAll()
		if hourly.Load() != 1 || daily.Load() != 1 {
			t.Fatalf("first round: hourly ran %d times, daily %d", hourly.Load(), daily.Load())
		}
		runAll()
		if hourly.Load() != 1 {
			t.Fatalf("ran again before it was due: %d", hourly.Load())
		}
		mu.Lock()
		now = now.Add(61 * time.Minute)
		mu.Unlock()
		runAll()
		if hourly.Load() != 2 || daily.Load() != 1 {
			t.Fatalf("an hour later: hourly %d, daily %d", hourly.Load(), daily.Load())
		}
	})
}
