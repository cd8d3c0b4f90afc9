package search

import (
	"encoding/binary"
	"math"
	"strings"
	"sync"
)

// The index lives in memory on every node and is rebuilt from the database
// at start; the database stays the one shared truth. Ranking, facets and
// highlights all come from here, so both engines give the same answers to
// the same query, and a broad query with every facet count stays within a
// few milliseconds at 100,000 deeds.

// Facet names, as the API and the search page use them.
const (
	FacetSector      = "sector"
	FacetTheme       = "theme"
	FacetClientGroup = "client_group"
	FacetRegion      = "region"
	FacetCounty      = "county"
	FacetOrgKind     = "org_kind"
	FacetOrg         = "organisation"
	FacetYear        = "year"
	FacetStatus      = "status"
	FacetLang        = "lang"
	FacetAward       = "award"
)

// Facets lists the facets in the order pages show them.
var Facets = []string{FacetSector, FacetTheme, FacetClientGroup, FacetRegion, FacetCounty, FacetOrgKind, FacetOrg,
	FacetYear, FacetStatus, FacetLang, FacetAward}

// Field weights: a word in the title says more about the deed than one
// deep in its description.
const (
	titleWeight   = 3.0
	summaryWeight = 1.5
	bodyWeight    = 1.0
	metaWeight    = 0.5 // names and vocabulary labels
)

// Doc is what the index keeps of one deed: where its fields begin among
// its tokens, its length, and its facet values.
type Doc struct {
	DeedID    int64
	Published int64 // unix seconds, for sorting by newest
	Length    int   // tokens
	// TitleEnd, SummaryEnd and BodyEnd are the token positions where the
	// title, the summary and the author's text end; names and labels follow.
	TitleEnd, SummaryEnd, BodyEnd int
	Facets                        map[string][]string
}

type docEntry struct {
	deedID     int64
	published  int64
	length     uint32
	titleEnd   uint32
	summaryEnd uint32
	bodyEnd    uint32
	deleted    bool
	facets     [][]uint32 // per facet (index in Facets), value ids
}

type posting struct {
	data []byte // per doc: varint doc delta, varint count, varint position deltas
	last uint32 // last doc number written, for the next delta
	n    int    // entries written, live or not
}

// Index is an inverted index of deeds with positions.
type Index struct {
	mu       sync.RWMutex
	terms    map[string]uint32 // term -> index in postings
	postings []posting
	docs     []docEntry
	byDeed   map[int64]uint32
	live     int
	totalLen int64
	values   []*valueDict // per facet
	gen      uint64       // bumped by every change
}

type valueDict struct {
	ids  map[string]uint32
	vals []string
}

func (d *valueDict) id(v string) uint32 {
	if id, ok := d.ids[v]; ok {
		return id
	}
	id := uint32(len(d.vals))
	d.ids[v] = id
	d.vals = append(d.vals, v)
	return id
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	ix := &Index{terms: map[string]uint32{}, byDeed: map[int64]uint32{}}
	for range Facets {
		ix.values = append(ix.values, &valueDict{ids: map[string]uint32{}})
	}
	return ix
}

// Put adds or replaces a deed. positions maps each term to the token
// positions it stands at.
func (ix *Index) Put(d Doc, positions map[string][]uint32) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeLocked(d.DeedID)
	ix.gen++
	n := uint32(len(ix.docs))
	e := docEntry{deedID: d.DeedID, published: d.Published, length: uint32(d.Length),
		titleEnd: uint32(d.TitleEnd), summaryEnd: uint32(d.SummaryEnd), bodyEnd: uint32(d.BodyEnd), facets: make([][]uint32, len(Facets))}
	for i, f := range Facets {
		for _, v := range d.Facets[f] {
			e.facets[i] = append(e.facets[i], ix.values[i].id(v))
		}
	}
	ix.docs = append(ix.docs, e)
	ix.byDeed[d.DeedID] = n
	ix.live++
	ix.totalLen += int64(d.Length)
	var buf [binary.MaxVarintLen64]byte
	var posBuf []byte
	for term, pos := range positions {
		// Postings live in one slice, numbered by the map: a million
		// terms would otherwise be a million small allocations for the
		// garbage collector to trace.
		id, ok := ix.terms[term]
		if !ok {
			id = uint32(len(ix.postings))
			ix.terms[term] = id
			ix.postings = append(ix.postings, posting{})
		}
		p := &ix.postings[id]
		delta := n - p.last
		if p.n == 0 {
			delta = n
		}
		// An entry is: document delta, field-weighted count (in quarters),
		// number of positions, their length in bytes, the position deltas.
		// Scoring reads the first three and skips the positions, which only
		// phrases need.
		// Compound parts and roots keep no positions: a phrase is matched
		// on the words as written and their base forms, and parts are a
		// third of all postings.
		keepPos := strings.IndexByte(term, '~') < 0
		posBuf = posBuf[:0]
		prev := uint32(0)
		tf := 0.0
		for _, q := range pos {
			if keepPos {
				posBuf = binary.AppendUvarint(posBuf, uint64(q-prev))
			}
			prev = q
			tf += fieldWeight(&e, q)
		}
		npos := len(pos)
		if !keepPos {
			npos = 0
		}
		p.data = append(p.data, buf[:binary.PutUvarint(buf[:], uint64(delta))]...)
		p.data = binary.AppendUvarint(p.data, uint64(math.Round(tf*tfScale)))
		p.data = binary.AppendUvarint(p.data, uint64(npos))
		p.data = binary.AppendUvarint(p.data, uint64(len(posBuf)))
		p.data = append(p.data, posBuf...)
		p.last = n
		p.n++
	}
}

// tfScale stores a field-weighted count in steps of a quarter.
const tfScale = 4

// Compact moves every term's postings into one block of memory sized to
// fit, after a build: growing slices leave spare capacity and scattered
// garbage behind, which at 100,000 deeds is hundreds of megabytes.
func (ix *Index) Compact() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	total := 0
	for i := range ix.postings {
		total += len(ix.postings[i].data)
	}
	block := make([]byte, 0, total)
	for i := range ix.postings {
		p := &ix.postings[i]
		start := len(block)
		block = append(block, p.data...)
		p.data = block[start:len(block):len(block)]
	}
}

// Remove takes a deed out of the index.
func (ix *Index) Remove(deedID int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeLocked(deedID)
}

func (ix *Index) removeLocked(deedID int64) {
	n, ok := ix.byDeed[deedID]
	if !ok {
		return
	}
	ix.gen++
	ix.docs[n].deleted = true
	ix.live--
	ix.totalLen -= int64(ix.docs[n].length)
	delete(ix.byDeed, deedID)
}

// Len is the number of deeds in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// Garbage is the share of stored documents that were replaced or removed;
// the indexer rebuilds when it grows large.
func (ix *Index) Garbage() float64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if len(ix.docs) == 0 {
		return 0
	}
	return float64(len(ix.docs)-ix.live) / float64(len(ix.docs))
}

// hit is one document's match of one query word.
type hit struct {
	doc uint32
	tf  float64  // field-weighted count of matched positions
	pos []uint32 // matched positions, sorted; only when asked for
}

// lookup decodes the live postings of the given terms and merges them per
// document: one query word may be found by several terms (its inflected
// surface form, its base forms, compound parts, a corrected spelling), and
// a document matches the word when it has any of them. weight scales a
// term's tf. Positions are decoded only when withPos is set (phrases).
// Hits come sorted by document.
func (ix *Index) lookup(terms []weighted, withPos bool) []hit {
	var arena positionArena
	var lists [][]hit
	for _, t := range terms {
		id, ok := ix.terms[t.term]
		if !ok {
			continue
		}
		lists = append(lists, ix.decode(&ix.postings[id], t.weight, withPos, &arena))
	}
	switch len(lists) {
	case 0:
		return nil
	case 1:
		return lists[0]
	}
	out := lists[0]
	for _, l := range lists[1:] {
		out = mergeHits(out, l)
	}
	return out
}

// decode reads one term's postings, skipping replaced documents.
func (ix *Index) decode(p *posting, weight float64, withPos bool, arena *positionArena) []hit {
	out := make([]hit, 0, p.n)
	data := p.data
	doc := uint32(0)
	first := true
	for len(data) > 0 {
		d, k := binary.Uvarint(data)
		data = data[k:]
		if first {
			doc = uint32(d)
			first = false
		} else {
			doc += uint32(d)
		}
		tfq, k := binary.Uvarint(data)
		data = data[k:]
		cnt, k := binary.Uvarint(data)
		data = data[k:]
		blen, k := binary.Uvarint(data)
		data = data[k:]
		posData := data[:blen]
		data = data[blen:]
		if ix.docs[doc].deleted {
			continue
		}
		h := hit{doc: doc, tf: float64(tfq) / tfScale * weight}
		if withPos {
			h.pos = arena.take(int(cnt))
			prev := uint32(0)
			for i := range h.pos {
				dp, k := binary.Uvarint(posData)
				posData = posData[k:]
				prev += uint32(dp)
				h.pos[i] = prev
			}
		}
		out = append(out, h)
	}
	return out
}

// positionArena hands out position slices from large chunks, so that a
// broad query decoding tens of thousands of documents does not allocate
// once per document.
type positionArena struct {
	chunk []uint32
}

func (a *positionArena) take(n int) []uint32 {
	if n > len(a.chunk) {
		a.chunk = make([]uint32, max(n, 1<<15))
	}
	out := a.chunk[:n:n]
	a.chunk = a.chunk[n:]
	return out
}

// mergeHits unions two document-sorted hit lists.
func mergeHits(a, b []hit) []hit {
	out := make([]hit, 0, max(len(a), len(b)))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].doc < b[j].doc:
			out = append(out, a[i])
			i++
		case a[i].doc > b[j].doc:
			out = append(out, b[j])
			j++
		default:
			h := hit{doc: a[i].doc, tf: a[i].tf + b[j].tf}
			if a[i].pos != nil || b[j].pos != nil {
				h.pos = mergePositions(a[i].pos, b[j].pos)
			}
			out = append(out, h)
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

func fieldWeight(e *docEntry, pos uint32) float64 {
	switch {
	case pos < e.titleEnd:
		return titleWeight
	case pos < e.summaryEnd:
		return summaryWeight
	case pos < e.bodyEnd:
		return bodyWeight
	default:
		return metaWeight
	}
}

// mergePositions unions two sorted position lists; a position found by two
// terms of the same word counts once.
func mergePositions(a, b []uint32) []uint32 {
	out := make([]uint32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// docFreq counts the live documents that have term, for suggestions.
func (ix *Index) docFreq(term string) int {
	id, ok := ix.terms[term]
	if !ok {
		return 0
	}
	return ix.postings[id].n
}

// scorer scores one query word's hits with BM25: the word's rarity and
// the average length are worked out once, not per document.
type scorer struct {
	ix  *Index
	idf float64
	avg float64
}

func (ix *Index) scorer(df int) scorer {
	n := float64(ix.live)
	avg := 1.0
	if ix.live > 0 {
		avg = float64(ix.totalLen) / n
	}
	return scorer{ix: ix, idf: math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5)), avg: avg}
}

func (sc scorer) score(h hit) float64 {
	const k1, b = 1.2, 0.75
	dl := float64(sc.ix.docs[h.doc].length)
	return sc.idf * h.tf * (k1 + 1) / (h.tf + k1*(1-b+b*dl/sc.avg))
}
