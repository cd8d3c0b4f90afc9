package search

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"sort"
	"sync"
)

// The index lives in memory on every node and is rebuilt from the database
// at start; the database stays the one shared truth. Ranking, facets and
// highlights all come from here, so both engines give the same answers to
// the same query.
//
// Memory decides the layout. At 100,000 deeds there are tens of millions
// of (term, deed) pairs, so postings are kept as compressed byte streams in
// a few large blocks that the garbage collector never has to look inside:
// a segment holds a sorted term dictionary and, per term, a stream of
// (document delta, field-weighted count) pairs and, for the terms phrases
// are matched on, a stream of positions. New deeds go to a small writable
// tail that is frozen into a segment every segmentDocs deeds; a rebuild
// merges every segment into one.

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

// tfScale stores a field-weighted count in halves, which every field
// weight is a whole number of.
const tfScale = 2

// segmentDocs is how many deeds the writable tail takes before it is
// frozen into a compressed segment.
const segmentDocs = 16384

// Doc is what the index keeps of one deed: its length and its facet
// values.
type Doc struct {
	DeedID    int64
	Published int64 // unix seconds, for sorting by newest
	Length    int   // tokens
	// TitleEnd, SummaryEnd and BodyEnd are the token positions where the
	// title, the summary and the author's text end; names and labels
	// follow. Phrases are weighted by where they stand.
	TitleEnd, SummaryEnd, BodyEnd int
	Facets                        map[string][]string
}

// Occurrences is what a deed has of one term: its field-weighted count,
// how often it stands in the text, and the positions phrases are matched
// on (none for terms phrases never use).
type Occurrences struct {
	TF    float64
	Count int
	Pos   []uint32
	at    uint32 // the last position counted, plus one
}

type docEntry struct {
	deedID                        int64
	published                     int64
	titleEnd, summaryEnd, bodyEnd uint32
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

// Index is an inverted index of deeds.
type Index struct {
	mu   sync.RWMutex
	segs []*segment // frozen, in document order
	tail *tailWriter

	docs   []docEntry
	dead   []bool   // replaced or removed
	lens   []uint32 // tokens per document
	byDeed map[int64]uint32
	live   int
	// totalLen sums the live documents' lengths, for BM25's average.
	totalLen int64

	// Facet values of every document, one column: the values of document
	// n are facetVals[facetOff[n]:facetOff[n+1]], as ids numbered across
	// all facets.
	facetOff  []uint32
	facetVals []uint32
	values    []valueDict // per facet: value -> id
	valFacet  []uint8     // id -> facet
	valName   []string    // id -> value

	scratch sync.Pool // *scratch

	// segmentDocs is how many deeds the tail takes before it is frozen;
	// tests make it small to exercise merging.
	segmentDocs int
	dir         string // where segment files go; "" keeps them in memory
	fileErr     error  // the first failure to use a file
}

type valueDict map[string]uint32

// NewIndex returns an empty index.
func NewIndex() *Index {
	ix := &Index{byDeed: map[int64]uint32{}, facetOff: []uint32{0}, tail: newTail(), segmentDocs: segmentDocs}
	for range Facets {
		ix.values = append(ix.values, valueDict{})
	}
	return ix
}

func (ix *Index) valueID(facet int, v string) uint32 {
	if id, ok := ix.values[facet][v]; ok {
		return id
	}
	id := uint32(len(ix.valName))
	ix.values[facet][v] = id
	ix.valFacet = append(ix.valFacet, uint8(facet))
	ix.valName = append(ix.valName, v)
	return id
}

// Put adds or replaces a deed with the occurrences of its terms.
func (ix *Index) Put(d Doc, terms map[string]Occurrences) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeLocked(d.DeedID)
	n := uint32(len(ix.docs))
	ix.docs = append(ix.docs, docEntry{deedID: d.DeedID, published: d.Published,
		titleEnd: uint32(d.TitleEnd), summaryEnd: uint32(d.SummaryEnd), bodyEnd: uint32(d.BodyEnd)})
	ix.dead = append(ix.dead, false)
	ix.lens = append(ix.lens, uint32(d.Length))
	for i, f := range Facets {
		for _, v := range d.Facets[f] {
			ix.facetVals = append(ix.facetVals, ix.valueID(i, v))
		}
	}
	ix.facetOff = append(ix.facetOff, uint32(len(ix.facetVals)))
	ix.byDeed[d.DeedID] = n
	ix.live++
	ix.totalLen += int64(d.Length)
	for term, o := range terms {
		ix.tail.add(term, n, o)
	}
	ix.tail.docs++
	if ix.tail.docs >= ix.segmentDocs {
		if sg, err := ix.freeze(ix.tail); err != nil {
			// The tail keeps growing in memory; searches still see it.
			if ix.fileErr == nil {
				ix.fileErr = err
			}
		} else {
			ix.segs = append(ix.segs, sg)
			ix.tail = newTail()
		}
	}
}

// Seal freezes the tail and merges every segment into one, after a build:
// one dictionary is smaller and faster to search than several.
func (ix *Index) Seal() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.tail.docs > 0 {
		sg, err := ix.freeze(ix.tail)
		if err != nil {
			return err
		}
		ix.segs = append(ix.segs, sg)
		ix.tail = newTail()
	}
	if len(ix.segs) <= 1 {
		return nil
	}
	merged, err := ix.mergeSegments(ix.segs)
	if err != nil {
		return err
	}
	ix.segs = []*segment{merged}
	return nil
}

// UseFiles makes the index write its frozen segments to unnamed files in
// dir (the temporary directory when empty) and map them into memory: the
// dictionary, postings and positions then live outside the Go heap, and
// the kernel keeps only the pages searches read. Call it before the first
// Put. Where files cannot be made, segments stay in memory; FileError
// tells why.
func (ix *Index) UseFiles(dir string) {
	if dir == "" {
		dir = os.TempDir()
	}
	ix.dir = dir
}

// FileError is why a segment was kept in memory rather than in a file.
func (ix *Index) FileError() error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.fileErr
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
	ix.dead[n] = true
	ix.live--
	ix.totalLen -= int64(ix.lens[n])
	delete(ix.byDeed, deedID)
}

// Len is the number of deeds in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// Fragmented reports whether so much of the index was replaced or added
// since it was built that a rebuild would make it smaller and faster.
func (ix *Index) Fragmented() bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if len(ix.docs) < 1000 {
		return false
	}
	return float64(len(ix.docs)-ix.live)/float64(len(ix.docs)) > 0.33 || len(ix.segs) > 4
}

// Stats describes the index's memory, for the benchmark.
type Stats struct {
	Terms                                  int
	DictBytes, PostingBytes, PositionBytes int
	OffsetBytes, Segments, Facet           int
	// MappedBytes are the dictionary, postings and positions that live in
	// a mapped file rather than the Go heap.
	MappedBytes int
}

// Stats adds up what the index holds.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var st Stats
	for _, sg := range ix.segs {
		st.Terms += sg.len()
		st.DictBytes += len(sg.dict)
		st.PostingBytes += len(sg.postings)
		st.PositionBytes += len(sg.positions)
		st.OffsetBytes += 4 * (len(sg.dictOff) + len(sg.postOff) + len(sg.posOff) + len(sg.df) + len(sg.last))
		if sg.mapped {
			st.MappedBytes += len(sg.dict) + len(sg.postings) + len(sg.positions)
		}
	}
	st.Segments = len(ix.segs)
	st.Facet = 4 * (len(ix.facetOff) + len(ix.facetVals))
	return st
}

// tailWriter collects the postings of new documents until they are frozen.
type tailWriter struct {
	terms map[string]*termWriter
	docs  int
}

type termWriter struct {
	postings  []byte
	positions []byte
	last      uint32
	n         uint32
}

func newTail() *tailWriter { return &tailWriter{terms: map[string]*termWriter{}} }

// appendPositions writes one document's positions of a term: a zero byte
// for none, else the first position plus one, shifted left by one with the
// low bit set when more follow, and then the number of the others minus
// one and their deltas. Most words stand once in a deed: two bytes.
func appendPositions(b []byte, pos []uint32) []byte {
	if len(pos) == 0 {
		return append(b, 0)
	}
	more := uint64(0)
	if len(pos) > 1 {
		more = 1
	}
	b = binary.AppendUvarint(b, uint64(pos[0]+1)<<1|more)
	if len(pos) > 1 {
		b = binary.AppendUvarint(b, uint64(len(pos)-2))
		for i := 1; i < len(pos); i++ {
			b = binary.AppendUvarint(b, uint64(pos[i]-pos[i-1]))
		}
	}
	return b
}

// readPositions reads what appendPositions wrote, appending the positions
// to dst when it is not nil and only skipping them otherwise.
func readPositions(b []byte, dst *[]uint32) []byte {
	h, n := binary.Uvarint(b)
	b = b[n:]
	if h == 0 {
		return b
	}
	first := uint32(h>>1) - 1
	if dst != nil {
		*dst = append(*dst, first)
	}
	if h&1 == 0 {
		return b
	}
	rest, n := binary.Uvarint(b)
	b = b[n:]
	prev := first
	for range rest + 1 {
		d, n := binary.Uvarint(b)
		b = b[n:]
		if dst != nil {
			prev += uint32(d)
			*dst = append(*dst, prev)
		}
	}
	return b
}

// A term's postings are, per document, one varint of the document delta
// shifted left by four with the count (in halves) in the low four bits,
// the value 15 meaning a second varint adds the rest. Most entries of
// common terms take one byte. The positions stream, when a term has one,
// has per document a varint count and the varint position deltas.
const tfBits, tfEscape = 4, 15

func appendEntry(b []byte, delta, tfq uint32) []byte {
	code := min(tfq, tfEscape)
	b = binary.AppendUvarint(b, uint64(delta)<<tfBits|uint64(code))
	if code == tfEscape {
		b = binary.AppendUvarint(b, uint64(tfq-tfEscape))
	}
	return b
}

func (t *tailWriter) add(term string, doc uint32, o Occurrences) {
	w := t.terms[term]
	if w == nil {
		w = &termWriter{}
		t.terms[term] = w
	}
	delta := doc - w.last
	if w.n == 0 {
		delta = doc
	}
	tfq := uint32(math.Round(o.TF * tfScale))
	w.postings = appendEntry(w.postings, delta, max(tfq, 1))
	if len(o.Pos) > 0 && len(w.positions) == 0 && w.n > 0 {
		// The first document with positions: the ones before it had none.
		w.positions = make([]byte, w.n, w.n+8)
	}
	if len(o.Pos) > 0 || len(w.positions) > 0 {
		w.positions = appendPositions(w.positions, o.Pos)
	}
	w.last = doc
	w.n++
}

// segment is a frozen part of the index: term i is
// dict[dictOff[i]:dictOff[i+1]], its postings
// postings[postOff[i]:postOff[i+1]], its positions (empty when it keeps
// none) positions[posOff[i]:posOff[i+1]], the number of documents df[i]
// and the last one last[i].
type segment struct {
	dict      []byte
	dictOff   []uint32
	postings  []byte
	postOff   []uint32
	positions []byte
	posOff    []uint32
	df        []uint32
	last      []uint32

	mapped  bool // the byte streams are a file's mapping
	lenOnce sync.Once
	byLen   map[int][]uint32 // word terms (not compound parts) by length in letters
}

func (sg *segment) len() int { return len(sg.df) }

func (sg *segment) termBytes(i int) []byte { return sg.dict[sg.dictOff[i]:sg.dictOff[i+1]] }
func (sg *segment) term(i int) string      { return string(sg.termBytes(i)) }

// find looks a term up by binary search.
func (sg *segment) find(term string) (int, bool) {
	n := sg.len()
	i := sort.Search(n, func(i int) bool { return string(sg.termBytes(i)) >= term })
	return i, i < n && string(sg.termBytes(i)) == term
}

func (sg *segment) postingsOf(i int) []byte  { return sg.postings[sg.postOff[i]:sg.postOff[i+1]] }
func (sg *segment) positionsOf(i int) []byte { return sg.positions[sg.posOff[i]:sg.posOff[i+1]] }

// maxSegmentBytes bounds one segment's streams, whose offsets are 32 bits:
// some three million deeds of the benchmark's size.
const maxSegmentBytes = math.MaxUint32

// segmentBuilder appends terms in sorted order, to memory or, when the
// index has a directory, straight to files that are then mapped: a build
// then never holds a second copy of the index in the heap.
type segmentBuilder struct {
	sg    *segment
	err   error
	out   *segmentFiles // nil: in memory
	sizes [3]int        // bytes of dictionary, postings, positions written
}

// The three streams of a segment, in files and in sizes.
const (
	partDict = iota
	partPostings
	partPositions
)

func (ix *Index) newSegmentBuilder(terms, dictBytes, postBytes, posBytes int) *segmentBuilder {
	sg := &segment{
		dictOff: make([]uint32, 1, terms+1),
		postOff: make([]uint32, 1, terms+1),
		posOff:  make([]uint32, 1, terms+1),
		df:      make([]uint32, 0, terms),
		last:    make([]uint32, 0, terms),
	}
	b := &segmentBuilder{sg: sg}
	if ix.dir != "" {
		out, err := createSegmentFiles(ix.dir)
		if err == nil {
			b.out = out
			return b
		}
		// Searching works as well from memory; say so once.
		if ix.fileErr == nil {
			ix.fileErr = err
		}
	}
	sg.dict = make([]byte, 0, dictBytes)
	sg.postings = make([]byte, 0, postBytes)
	sg.positions = make([]byte, 0, posBytes)
	return b
}

func (b *segmentBuilder) write(part int, p []byte) {
	if b.err != nil || len(p) == 0 {
		return
	}
	b.sizes[part] += len(p)
	if b.out != nil {
		b.err = b.out.write(part, p)
		return
	}
	switch part {
	case partDict:
		b.sg.dict = append(b.sg.dict, p...)
	case partPostings:
		b.sg.postings = append(b.sg.postings, p...)
	default:
		b.sg.positions = append(b.sg.positions, p...)
	}
}

func (b *segmentBuilder) finishTerm(term string, df, last uint32) {
	b.write(partDict, []byte(term))
	if b.err != nil {
		return
	}
	if b.sizes[partDict] > maxSegmentBytes || b.sizes[partPostings] > maxSegmentBytes || b.sizes[partPositions] > maxSegmentBytes {
		b.err = fmt.Errorf("search: index segment over %d bytes", uint64(maxSegmentBytes))
		return
	}
	sg := b.sg
	sg.dictOff = append(sg.dictOff, uint32(b.sizes[partDict]))
	sg.postOff = append(sg.postOff, uint32(b.sizes[partPostings]))
	sg.posOff = append(sg.posOff, uint32(b.sizes[partPositions]))
	sg.df = append(sg.df, df)
	sg.last = append(sg.last, last)
}

// finish ends the segment; a file-backed one is mapped.
func (b *segmentBuilder) finish() (*segment, error) {
	if b.out == nil || b.err != nil {
		if b.out != nil {
			b.out.close()
		}
		return b.sg, b.err
	}
	views, err := b.out.mapAll(b.sg)
	if err != nil {
		return nil, err
	}
	b.sg.dict, b.sg.postings, b.sg.positions = views[partDict], views[partPostings], views[partPositions]
	b.sg.mapped = true
	return b.sg, nil
}

// freeze turns the tail into a segment.
func (ix *Index) freeze(t *tailWriter) (*segment, error) {
	names := make([]string, 0, len(t.terms))
	dictBytes, postBytes, posBytes := 0, 0, 0
	for term, w := range t.terms {
		names = append(names, term)
		dictBytes += len(term)
		postBytes += len(w.postings)
		posBytes += len(w.positions)
	}
	sort.Strings(names)
	b := ix.newSegmentBuilder(len(names), dictBytes, postBytes, posBytes)
	for _, term := range names {
		w := t.terms[term]
		b.write(partPostings, w.postings)
		b.write(partPositions, w.positions)
		b.finishTerm(term, w.n, w.last)
	}
	return b.finish()
}

// mergeSegments joins segments of consecutive documents into one.
func (ix *Index) mergeSegments(segs []*segment) (*segment, error) {
	postBytes := 0
	for _, sg := range segs {
		postBytes += len(sg.postings)
	}
	// Terms shared by several segments are written once, and a term with
	// positions in one segment needs empty ones in the others: size the
	// output first so it is allocated once.
	unique, dictUnique, posBytes := 0, 0, 0
	mergeWalk(segs, func(term string, at []int) {
		unique++
		dictUnique += len(term)
		if n, withPos := mergedPositions(segs, at); withPos {
			posBytes += n
		}
	})
	// Sizing read every dictionary; the merge reads them again in order.
	for _, sg := range segs {
		sg.release(sg.len())
	}
	// read[k] is how far the merge has read segment k.
	read := make([]int, len(segs))
	b := ix.newSegmentBuilder(unique, dictUnique, postBytes, posBytes)
	var buf, zeros []byte
	terms := 0
	mergeWalk(segs, func(term string, at []int) {
		if b.err != nil {
			return
		}
		var df, last uint32
		started := false
		_, withPos := mergedPositions(segs, at)
		for k, i := range at {
			if i < 0 {
				continue
			}
			src := segs[k]
			p := src.postingsOf(i)
			if started {
				// The segment's first entry counts from document 0;
				// here it follows the previous segment's last.
				v, n := binary.Uvarint(p)
				first := uint32(v >> tfBits)
				buf = binary.AppendUvarint(buf[:0], uint64(first-last)<<tfBits|v&(1<<tfBits-1))
				b.write(partPostings, buf)
				p = p[n:]
			}
			b.write(partPostings, p)
			if withPos {
				if pos := src.positionsOf(i); len(pos) > 0 {
					b.write(partPositions, pos)
				} else {
					for len(zeros) < int(src.df[i]) {
						zeros = append(zeros, 0)
					}
					b.write(partPositions, zeros[:src.df[i]])
				}
			}
			df += src.df[i]
			last = src.last[i]
			started = true
		}
		b.finishTerm(term, df, last)
		for k, i := range at {
			if i >= 0 {
				read[k] = i
			}
		}
		// What has been read of mapped inputs need not stay resident.
		if terms++; terms%1024 == 0 {
			for k, sg := range segs {
				sg.release(read[k])
			}
		}
	})
	return b.finish()
}

// mergedPositions tells whether a term found at the given indexes keeps
// positions in any segment, and the bytes they take merged.
func mergedPositions(segs []*segment, at []int) (int, bool) {
	n, withPos := 0, false
	for k, i := range at {
		if i < 0 {
			continue
		}
		if l := len(segs[k].positionsOf(i)); l > 0 {
			n += l
			withPos = true
		} else {
			n += int(segs[k].df[i])
		}
	}
	return n, withPos
}

// mergeWalk calls fn for every term of the segments in order, with the
// term's index in each segment (-1 where it is missing).
func mergeWalk(segs []*segment, fn func(term string, at []int)) {
	next := make([]int, len(segs))
	at := make([]int, len(segs))
	for {
		least := ""
		found := false
		for k, sg := range segs {
			if next[k] >= sg.len() {
				continue
			}
			if t := sg.termBytes(next[k]); !found || string(t) < least {
				least, found = string(t), true
			}
		}
		if !found {
			return
		}
		for k, sg := range segs {
			at[k] = -1
			if next[k] < sg.len() && string(sg.termBytes(next[k])) == least {
				at[k] = next[k]
				next[k]++
			}
		}
		fn(least, at)
	}
}

// stream is one term's postings in one segment or the tail.
type stream struct {
	postings, positions []byte
}

// streams lists where term's postings are, in document order.
func (ix *Index) streams(term string, out []stream) []stream {
	for _, sg := range ix.segs {
		if i, ok := sg.find(term); ok {
			out = append(out, stream{sg.postingsOf(i), sg.positionsOf(i)})
		}
	}
	if w := ix.tail.terms[term]; w != nil {
		out = append(out, stream{w.postings, w.positions})
	}
	return out
}

// nextEntry decodes one posting entry, the document delta and the count.
func nextEntry(p []byte) (delta, tfq uint32, rest []byte) {
	var v uint64
	if p[0] < 0x80 {
		v, p = uint64(p[0]), p[1:]
	} else {
		x, n := binary.Uvarint(p)
		v, p = x, p[n:]
	}
	tfq = uint32(v & (1<<tfBits - 1))
	if tfq == tfEscape {
		x, n := binary.Uvarint(p)
		tfq += uint32(x)
		p = p[n:]
	}
	return uint32(v >> tfBits), tfq, p
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
// term's tf. Positions are decoded only when withPos is set (phrases), and
// then only of the documents in only (sorted), when it is not nil.
// Hits come sorted by document.
func (ix *Index) lookup(terms []weighted, withPos bool, only []uint32) []hit {
	var lists [][]hit
	var ss []stream
	for _, t := range terms {
		ss = ix.streams(t.term, ss[:0])
		if len(ss) == 0 {
			continue
		}
		var l []hit
		for _, s := range ss {
			l = ix.decode(l, s, t.weight, withPos, only)
		}
		lists = append(lists, l)
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

// decode appends one stream's live documents to out.
func (ix *Index) decode(out []hit, s stream, weight float64, withPos bool, only []uint32) []hit {
	p, pos := s.postings, s.positions
	if !withPos {
		pos, only = nil, nil
	}
	doc := uint32(0)
	k := 0 // next in only
	for len(p) > 0 {
		var delta, tfq uint32
		delta, tfq, p = nextEntry(p)
		doc += delta
		want := !ix.dead[doc]
		if want && only != nil {
			for k < len(only) && only[k] < doc {
				k++
			}
			want = k < len(only) && only[k] == doc
		}
		var ps []uint32
		if len(pos) > 0 {
			if want {
				pos = readPositions(pos, &ps)
			} else {
				pos = readPositions(pos, nil)
			}
		}
		if !want {
			if only != nil && k == len(only) {
				break
			}
			continue
		}
		out = append(out, hit{doc: doc, tf: float64(tfq) / tfScale * weight, pos: ps})
	}
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

// docFreq counts the documents that have term, replaced ones included
// until the next rebuild; suggestions and corrections only compare them.
func (ix *Index) docFreq(term string) int {
	n := 0
	for _, sg := range ix.segs {
		if i, ok := sg.find(term); ok {
			n += int(sg.df[i])
		}
	}
	if w := ix.tail.terms[term]; w != nil {
		n += int(w.n)
	}
	return n
}

// scorer scores one query word's hits with BM25: the word's rarity and
// the average length are worked out once, not per document.
type scorer struct {
	idf  float64
	avg  float64
	lens []uint32
}

func (ix *Index) scorer(df int) scorer {
	n := float64(ix.live)
	avg := 1.0
	if ix.live > 0 {
		avg = float64(ix.totalLen) / n
	}
	return scorer{idf: math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5)), avg: avg, lens: ix.lens}
}

func (sc scorer) score(doc uint32, tf float64) float64 {
	const k1, b = 1.2, 0.75
	dl := float64(sc.lens[doc])
	return sc.idf * tf * (k1 + 1) / (tf + k1*(1-b+b*dl/sc.avg))
}
