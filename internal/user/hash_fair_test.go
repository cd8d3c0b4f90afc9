package user

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A flood of hashes from one client does not starve another client: the
// flood waits in its own lane, and the other client's hash runs next to it.
func TestHashQueueIsFairBetweenClients(t *testing.T) {
	h := NewHasher(2)
	flood := WithClient(context.Background(), "203.0.113.9")
	var floodDone atomic.Int32
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.Hash(flood, "väärä salasana"); err != nil {
				t.Error(err)
			}
			floodDone.Add(1)
		}()
	}
	// Wait until the whole flood is queued.
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.mu.Lock()
		n := 0
		if l := h.lanes["203.0.113.9"]; l != nil {
			n = l.users
		}
		h.mu.Unlock()
		if n+int(floodDone.Load()) == 40 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the flood never queued")
		}
		time.Sleep(time.Millisecond)
	}
	before := floodDone.Load()
	if _, err := h.Hash(WithClient(context.Background(), "198.51.100.4"), "oikea salasana"); err != nil {
		t.Fatal(err)
	}
	// The flood runs one hash at a time beside the real one, so it finishes
	// a few while that one runs (more when the machine is busy); waiting
	// behind it, as first come first served would, means about 38.
	if ahead := floodDone.Load() - before; ahead >= 12 {
		t.Fatalf("%d of the flood's hashes finished while the other client waited for one", ahead)
	}
	wg.Wait()
	if len(h.lanes) != 0 {
		t.Fatalf("lanes left behind: %d", len(h.lanes))
	}
}
