// Package search is the idea bank's finder: Finnish-aware analysis of the
// deeds, an index with positions on every node (its bulk in a mapped
// file), relevance ranking, facet counts that narrow as filters are picked, highlighted
// snippets, typo tolerance, suggestions and similar deeds.
package search

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tekotori/tekotori/internal/analysis"
	"github.com/tekotori/tekotori/internal/store"
)

// Service keeps this node's index in step with the database and answers
// searches.
type Service struct {
	db  *store.DB
	an  analysis.Analyzer
	log *slog.Logger

	cur atomic.Pointer[Searcher]
	// vocab is the thesaurus queries are expanded through; nil for none.
	vocab atomic.Pointer[Vocabulary]

	// mu serialises applying changes to the current index and swapping
	// in a rebuilt one; it is held only for as long as that takes, never
	// while an index is built, so deed saves (which catch up at once) do
	// not wait for a rebuild.
	mu      sync.Mutex
	lastSeq int64
	gen     string // the rebuild generation this index was built for

	// building allows one rebuild at a time on this node.
	building sync.Mutex
	// bg is the context background rebuilds run in: it ends when the
	// service is stopped, not when the request that set one off ends.
	bg context.Context
	// afterBuild, when set (by tests), runs after a rebuild has read
	// every deed and before it swaps the new index in.
	afterBuild func()

	// Awards, when set, gives the award labels of deeds for the award
	// facet; campaigns provide it.
	Awards func(ctx context.Context) (map[int64][]string, error)

	// IndexDir is where the built index's file goes (the system's
	// temporary directory when empty). The file has no name once mapped
	// and goes away with the process.
	IndexDir string

	// MemoryHeadroom, when above zero, makes every rebuild set the
	// process's soft memory limit to the live heap plus this many bytes:
	// the index is nearly all of a node's memory and changes only then, and
	// without a limit the garbage collector lets the heap grow to twice
	// what is live. Leave it zero when GOMEMLIMIT is set.
	MemoryHeadroom int64
}

// NewService returns a Service; call Start to build the index.
func NewService(db *store.DB, an analysis.Analyzer, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{db: db, an: an, log: log}
	s.cur.Store(NewSearcher(NewIndex(), an))
	return s
}

// Analyzer is the analyser the index is built with.
func (s *Service) Analyzer() analysis.Analyzer { return s.an }

// Searcher is the current searcher.
func (s *Service) Searcher() *Searcher { return s.cur.Load() }

// search_meta keys: which analyser built the index last, and a generation
// that `tekotori reindex` moves on so that every node rebuilds.
const (
	metaAnalyser   = "analyser"
	metaGeneration = "generation"
)

// Start builds the index from the database and then follows the deeds'
// change sequence until ctx ends, so that a change made on another node
// shows here within pollInterval.
func (s *Service) Start(ctx context.Context) error {
	s.bg = ctx
	prev, err := s.recordedAnalyser(ctx)
	if err != nil {
		return err
	}
	if prev != "" && prev != s.an.Name() {
		s.log.Warn("search analyser changed; rebuilding the index", "was", prev, "now", s.an.Name())
	}
	if err := s.Rebuild(ctx); err != nil {
		return err
	}
	go s.follow(ctx)
	return nil
}

// pollInterval is how often a node looks for changes other nodes made.
const pollInterval = 300 * time.Millisecond

func (s *Service) follow(ctx context.Context) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.CatchUp(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("search catch-up failed", "err", err)
			}
		}
	}
}

func (s *Service) recordedAnalyser(ctx context.Context) (string, error) {
	return s.meta(ctx, metaAnalyser)
}

func (s *Service) meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRow(ctx, `SELECT value FROM search_meta WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("search: read meta: %w", err)
	}
	return v, nil
}

// Status describes the index for the admin page.
type Status struct {
	Analyser string
	Voikko   bool
	Deeds    int
}

// Status tells which analyser builds the index and how many deeds it has.
func (s *Service) Status() Status {
	return Status{Analyser: s.an.Name(), Voikko: s.an.Voikko(), Deeds: s.cur.Load().ix.Len()}
}

// IndexStats describes the current index's memory.
func (s *Service) IndexStats() Stats { return s.cur.Load().ix.Stats() }

// Rebuild builds a fresh index of every published deed and swaps it in.
// The old index keeps answering searches and taking changes meanwhile;
// the changes made while the new one was built are then replayed onto it
// from the deeds' change sequence, so none is lost. One rebuild runs at a
// time: a second caller waits for the first and then builds again.
func (s *Service) Rebuild(ctx context.Context) error {
	s.building.Lock()
	defer s.building.Unlock()
	return s.rebuild(ctx)
}

// rebuildInBackground starts a rebuild unless one is running already; a
// rebuild that was asked for meanwhile is noticed on a later catch-up,
// as the generation it read will be behind.
func (s *Service) rebuildInBackground(ctx context.Context, why string) {
	if !s.building.TryLock() {
		return
	}
	s.log.Info("search index rebuilding in the background", "why", why)
	if s.bg != nil {
		ctx = s.bg
	} else {
		ctx = context.WithoutCancel(ctx)
	}
	go func() {
		defer s.building.Unlock()
		if err := s.rebuild(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("search rebuild failed", "err", err)
		}
	}()
}

// rebuild does the work of Rebuild; the caller holds s.building.
func (s *Service) rebuild(ctx context.Context) error {
	start := time.Now()
	// Every change up to seq is in what the build reads: a change is
	// committed with the sequence number it moves the counter to, so one
	// the build cannot see has a higher number and is replayed below.
	var seq int64
	if err := s.db.QueryRow(ctx, `SELECT n FROM counters WHERE name = 'deeds'`).Scan(&seq); err != nil {
		return fmt.Errorf("search: read sequence: %w", err)
	}
	gen, err := s.meta(ctx, metaGeneration)
	if err != nil {
		return err
	}
	if s.MemoryHeadroom > 0 {
		// The build needs room above what the serving index holds (whose
		// bulk is a mapped file, outside this limit), but without a limit
		// the collector lets the heap grow to twice what is live: a
		// bounded allowance keeps the peak near the live heap.
		s.limitMemoryTo(buildHeadroom)
		defer s.limitMemoryTo(s.MemoryHeadroom)
	}
	ix := NewIndex()
	ix.UseFiles(s.IndexDir)
	// A smaller writable segment while building: Seal merges them all
	// into one anyway, and the writable one is most of a build's heap.
	ix.segmentDocs = buildSegmentDocs
	n, err := s.load(ctx, ix, "d.state = 'published'")
	if err != nil {
		return err
	}
	if err := ix.Seal(); err != nil {
		return err
	}
	ix.segmentDocs = segmentDocs
	if err := ix.FileError(); err != nil {
		s.log.Warn("search index kept in memory", "err", err)
	}
	if s.afterBuild != nil {
		s.afterBuild()
	}
	// Replay what changed during the build, first without the lock (it
	// may be much after a long build), then the rest under it, so that
	// nothing slips between the replay and the swap.
	if seq, err = s.apply(ctx, ix, seq); err != nil {
		return err
	}
	s.mu.Lock()
	seq, err = s.apply(ctx, ix, seq)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	// Searches still running on the old index finish on it; its mapped
	// file goes when nothing refers to it any more.
	s.cur.Store(NewSearcher(ix, s.an))
	s.lastSeq, s.gen = seq, gen
	s.mu.Unlock()
	if _, err := s.db.Exec(ctx, `INSERT INTO search_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		metaAnalyser, s.an.Name()); err != nil {
		return fmt.Errorf("search: write meta: %w", err)
	}
	s.log.Info("search index built", "deeds", n, "analyser", s.an.Name(), "took", time.Since(start).Round(time.Millisecond))
	// Building leaves much garbage behind (texts, position maps, the
	// analyses of every word of every deed); hand it back to the system
	// now rather than keep the peak for hours.
	s.an.ForgetCache()
	debug.FreeOSMemory()
	return nil
}

// buildHeadroom is what a build may allocate above what the process held
// when it began: the writable segment of up to segmentDocs deeds, the
// deeds being analysed, the analysis cache and the offsets of the
// segments frozen so far, some 150 MB at 100,000 long deeds.
const buildHeadroom = 192 << 20

// buildSegmentDocs is the writable segment's size during a build.
const buildSegmentDocs = 8192

// limitMemoryTo sets the soft memory limit to what the process holds now
// plus headroom.
func (s *Service) limitMemoryTo(headroom int64) {
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	// The limit counts all the runtime holds, not only live objects.
	held := int64(ms.Sys - ms.HeapReleased)
	limit := held + headroom
	debug.SetMemoryLimit(limit)
	s.log.Info("memory limit set", "live_mb", ms.HeapAlloc>>20, "held_mb", held>>20, "limit_mb", limit>>20)
}

// RequestRebuild asks every node, this one included, to rebuild its index
// on its next catch-up, as after a change of vocabulary or analyser.
func (s *Service) RequestRebuild(ctx context.Context) error {
	_, err := s.db.Exec(ctx, `INSERT INTO search_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		metaGeneration, time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("search: request rebuild: %w", err)
	}
	return nil
}

// CatchUp applies every deed change since the last one seen: published
// deeds are (re)indexed, others removed. The node that made a change calls
// it at once; the others on their next poll. When a rebuild was asked for,
// it is started in the background and the current index keeps being
// caught up meanwhile.
func (s *Service) CatchUp(ctx context.Context) error {
	gen, err := s.meta(ctx, metaGeneration)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.gen {
		s.rebuildInBackground(ctx, "requested")
	}
	ix := s.cur.Load().ix
	seq, err := s.apply(ctx, ix, s.lastSeq)
	if err != nil {
		return err
	}
	if seq == s.lastSeq {
		return nil
	}
	s.lastSeq = seq
	// Replaced documents stay in the postings until a rebuild, and new
	// ones pile up in segments of their own: rebuild when they have made
	// the index much larger or slower than a fresh one.
	if ix.Fragmented() {
		s.rebuildInBackground(ctx, "fragmented")
	}
	return nil
}

// apply puts into ix every deed change after since and returns the last
// sequence number applied.
func (s *Service) apply(ctx context.Context, ix *Index, since int64) (int64, error) {
	rows, err := s.db.Query(ctx, `SELECT id, seq, state FROM deeds WHERE seq > ? ORDER BY seq`, since)
	if err != nil {
		return since, fmt.Errorf("search: changes: %w", err)
	}
	var publish []any
	var remove []int64
	maxSeq := since
	for rows.Next() {
		var id, seq int64
		var state string
		if err := rows.Scan(&id, &seq, &state); err != nil {
			rows.Close()
			return since, fmt.Errorf("search: changes: %w", err)
		}
		maxSeq = max(maxSeq, seq)
		if state == "published" {
			publish = append(publish, id)
		} else {
			remove = append(remove, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return since, fmt.Errorf("search: changes: %w", err)
	}
	for _, id := range remove {
		ix.Remove(id)
	}
	for len(publish) > 0 {
		batch := publish[:min(len(publish), 200)]
		publish = publish[len(batch):]
		if _, err := s.load(ctx, ix, "d.id IN ("+store.Placeholders(len(batch))+")", batch...); err != nil {
			return since, err
		}
	}
	return maxSeq, nil
}

// load reads the deeds matching where, analyses them on every core as they
// stream in, and puts them into ix.
func (s *Service) load(ctx context.Context, ix *Index, where string, args ...any) (int, error) {
	type built struct {
		doc Doc
		occ map[string]Occurrences
	}
	// Short queues: an analysed deed holds every occurrence of every term
	// (some 150 kB for a long one) until it is put into the index.
	workers := runtime.GOMAXPROCS(0)
	in := make(chan *Source, 2*workers)
	out := make(chan built, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for src := range in {
				d, p := Build(s.an, src)
				out <- built{d, p}
			}
		}()
	}
	n := 0
	done := make(chan struct{})
	go func() {
		for b := range out {
			ix.Put(b.doc, b.occ)
			n++
		}
		close(done)
	}()
	err := s.each(ctx, true, where, args, func(src *Source) error {
		select {
		case in <- src:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(in)
	wg.Wait()
	close(out)
	<-done
	return n, err
}
