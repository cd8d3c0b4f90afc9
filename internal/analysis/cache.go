package analysis

import (
	"hash/maphash"
	"sync"
)

const (
	cacheShards = 64
	// cacheEntries bounds a cache: a shard that reaches cacheEntries /
	// cacheShards entries is emptied before the next insert. The distinct
	// words of 100k deeds fit (Finnish prose runs to ~150k word forms), and
	// at ~150 bytes an entry the cache stays around 30 MB.
	cacheEntries = 200_000
)

// cacheEntry is the analysis of one word: its terms, the first query of
// which are its query terms.
type cacheEntry struct {
	terms []string
	query int // terms[:query] are the query terms
	roots int // terms[query:roots] are the roots a query also looks up
}

// cacheKey is a folded word in one language.
type cacheKey struct {
	lang lang
	word string
}

// termCache is a bounded, concurrency-safe map from (language, folded word)
// to its terms. It is sharded to keep lock contention low; eviction is by
// dropping a whole shard, which is crude but cheap and keeps no per-entry
// bookkeeping. Cached slices are shared: nobody may modify them.
type termCache struct {
	seed     maphash.Seed
	shardCap int
	shards   [cacheShards]cacheShard
}

type cacheShard struct {
	mu sync.RWMutex
	m  map[cacheKey]cacheEntry
	_  [32]byte // keep shards on separate cache lines
}

func newTermCache(entries int) *termCache {
	c := &termCache{seed: maphash.MakeSeed(), shardCap: max(1, entries/cacheShards)}
	for i := range c.shards {
		c.shards[i].m = make(map[cacheKey]cacheEntry)
	}
	return c
}

func (c *termCache) shard(k cacheKey) *cacheShard {
	return &c.shards[maphash.String(c.seed, k.word)%cacheShards]
}

func (c *termCache) get(k cacheKey) (cacheEntry, bool) {
	s := c.shard(k)
	s.mu.RLock()
	v, ok := s.m[k]
	s.mu.RUnlock()
	return v, ok
}

func (c *termCache) put(k cacheKey, v cacheEntry) {
	s := c.shard(k)
	s.mu.Lock()
	if len(s.m) >= c.shardCap {
		if _, ok := s.m[k]; !ok {
			s.m = make(map[cacheKey]cacheEntry, c.shardCap)
		}
	}
	s.m[k] = v
	s.mu.Unlock()
}

// reset empties the cache.
func (c *termCache) reset() {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		s.m = make(map[cacheKey]cacheEntry)
		s.mu.Unlock()
	}
}

// len reports how many entries the cache holds.
func (c *termCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}
