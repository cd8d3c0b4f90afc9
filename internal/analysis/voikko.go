package analysis

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// termsVersion changes whenever voikkoTerms would give other terms for the
// same analyses; it is part of the Voikko analyser's Name.
const termsVersion = "terms 1"

// voikkoAnalyzer analyses Finnish with Voikko, Swedish and English with
// Snowball.
type voikkoAnalyzer struct {
	lib   *voikkoLib
	pool  *handlePool
	name  string
	cache *termCache
}

// NewVoikko loads libvoikko at run time and opens its Finnish dictionary,
// or returns an error saying why it cannot (library missing, a symbol
// missing, dictionary missing). Voikko handles are not safe for concurrent
// use, so the analyser keeps a pool of them, one per concurrent caller,
// opened lazily up to runtime.GOMAXPROCS(0) (at most 64; each costs about
// 2 MB and 2 ms to open); callers beyond that wait for a free handle.
func NewVoikko() (Analyzer, error) {
	lib, err := openVoikko()
	if err != nil {
		return nil, fmt.Errorf("voikko: %w", err)
	}
	// Open one handle now: it proves the Finnish dictionary loads.
	h, err := lib.newHandle()
	if err != nil {
		return nil, fmt.Errorf("voikko %s: %w", lib.version, err)
	}
	name := "voikko " + lib.version + "/fi"
	if d := lib.dictionary(); d != "" {
		name += "-" + d
	}
	name += "/" + termsVersion
	pool := newHandlePool(lib, runtime.GOMAXPROCS(0))
	pool.add(h)
	return &voikkoAnalyzer{lib: lib, pool: pool, name: name, cache: newTermCache(cacheEntries)}, nil
}

func (a *voikkoAnalyzer) Name() string { return a.name }
func (a *voikkoAnalyzer) Voikko() bool { return true }
func (a *voikkoAnalyzer) ForgetCache() { a.cache.reset() }

// Close terminates the idle Voikko handles, and the busy ones as they come
// back. The library stays loaded: unloading a C++ library is not safe.
func (a *voikkoAnalyzer) Close() error {
	a.pool.close()
	return nil
}

func (a *voikkoAnalyzer) Terms(langCode, word string) []string {
	return analyse(a.cache, langCode, word, allTerms, a.compute)
}

func (a *voikkoAnalyzer) QueryTerms(langCode, word string) []string {
	return analyse(a.cache, langCode, word, queryTerms, a.compute)
}

func (a *voikkoAnalyzer) QueryRoots(langCode, word string) []string {
	return analyse(a.cache, langCode, word, rootTerms, a.compute)
}

func (a *voikkoAnalyzer) compute(l lang, folded string) (cacheEntry, bool) {
	if l != langFi {
		return snowballTerms(l, folded), true
	}
	as, err := a.analyze(folded)
	if err != nil {
		// No handle (closed, or Voikko failed to open another): answer like
		// for an unknown word, and do not cache it.
		return snowballTerms(langFi, folded), false
	}
	return voikkoTerms(folded, as), true
}

// analyze runs Voikko on one folded word with a handle from the pool.
func (a *voikkoAnalyzer) analyze(word string) ([]morAnalysis, error) {
	h, err := a.pool.get()
	if err != nil {
		return nil, err
	}
	defer a.pool.put(h)
	return a.lib.analyze(h, word), nil
}

var errPoolClosed = errors.New("voikko: analyser closed")

// handlePool hands out Voikko handles, one per concurrent user: a handle
// is not safe for concurrent use. It opens handles lazily, up to max, and
// when all are busy a caller waits for one to come back.
type handlePool struct {
	lib  *voikkoLib
	idle chan voikkoHandle // capacity max: a put never blocks
	done chan struct{}     // closed by close

	mu     sync.Mutex
	open   int // handles opened and not terminated
	max    int
	closed bool
}

func newHandlePool(lib *voikkoLib, n int) *handlePool {
	n = min(64, max(1, n))
	return &handlePool{lib: lib, idle: make(chan voikkoHandle, n), done: make(chan struct{}), max: n}
}

// add puts a handle opened elsewhere into the pool.
func (p *handlePool) add(h voikkoHandle) {
	p.mu.Lock()
	p.open++
	p.mu.Unlock()
	p.put(h)
}

func (p *handlePool) get() (voikkoHandle, error) {
	select {
	case h := <-p.idle:
		return h, nil
	default:
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, errPoolClosed
	}
	if p.open < p.max {
		p.open++
		p.mu.Unlock()
		h, err := p.lib.newHandle()
		if err == nil {
			return h, nil
		}
		p.mu.Lock()
		p.open--
		if p.open == 0 {
			p.mu.Unlock()
			return nil, fmt.Errorf("voikko: opening a handle: %w", err)
		}
	}
	p.mu.Unlock()
	select {
	case h := <-p.idle:
		return h, nil
	case <-p.done:
		return nil, errPoolClosed
	}
}

func (p *handlePool) put(h voikkoHandle) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		p.lib.terminate(h)
		p.open--
		return
	}
	p.idle <- h // never blocks: at most max handles exist
}

func (p *handlePool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	close(p.done)
	for {
		select {
		case h := <-p.idle:
			p.lib.terminate(h)
			p.open--
		default:
			return
		}
	}
}
