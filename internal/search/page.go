package search

import (
	"context"
	"slices"

	"github.com/tekotori/tekotori/internal/analysis"
	"github.com/tekotori/tekotori/internal/store"
)

// Segment is a piece of a snippet; Mark is set on the words the query
// matched.
type Segment struct {
	Text string
	Mark bool
}

// Item is one found deed as a result page shows it.
type Item struct {
	DeedID  int64
	Score   float64
	Title   []Segment
	Snippet []Segment
}

// Page is a searched page: the result with snippets for its hits.
type Page struct {
	Result
	Items []Item
}

// snippetTokens is how many words a snippet shows.
const snippetTokens = 32

// Search runs req and adds highlighted titles and snippets to the hits.
func (s *Service) Search(ctx context.Context, req Request) (*Page, error) {
	res := s.cur.Load().Search(req)
	p := &Page{Result: res}
	if len(res.Hits) == 0 {
		return p, nil
	}
	ids := make([]any, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.DeedID
	}
	srcs, err := s.read(ctx, false, "d.id IN ("+store.Placeholders(len(ids))+")", ids...)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Source{}
	for _, src := range srcs {
		byID[src.DeedID] = src
	}
	for _, h := range res.Hits {
		it := Item{DeedID: h.DeedID, Score: h.Score}
		if src := byID[h.DeedID]; src != nil {
			it.Title, it.Snippet = Highlight(src, h.Positions)
		}
		p.Items = append(p.Items, it)
	}
	return p, nil
}

// Highlight marks the matched positions in the title and picks the
// passage of the rest with the most matches (the summary when the query
// matched only the title, or there was no query).
func Highlight(src *Source, matched []uint32) (title, snippet []Segment) {
	fields := src.Fields()
	type tok struct {
		field      int
		start, end int
		pos        uint32
	}
	var toks [][]tok
	pos := uint32(0)
	for i, text := range fields {
		var ft []tok
		for _, t := range analysis.Tokenize(text) {
			ft = append(ft, tok{field: i, start: t.Start, end: t.End, pos: pos})
			pos++
		}
		pos += fieldGap
		toks = append(toks, ft)
	}
	isMatch := func(p uint32) bool {
		_, ok := slices.BinarySearch(matched, p)
		return ok
	}
	segments := func(text string, ts []tok, from, to int, ellipsis bool) []Segment {
		var out []Segment
		if len(ts) == 0 {
			return []Segment{{Text: text}}
		}
		start := 0
		if from > 0 {
			start = ts[from].start
			if ellipsis {
				out = append(out, Segment{Text: "… "})
			}
		}
		end := len(text)
		if to < len(ts) {
			end = ts[to-1].end
		}
		cur := start
		for _, t := range ts[from:to] {
			if !isMatch(t.pos) {
				continue
			}
			if t.start > cur {
				out = append(out, Segment{Text: text[cur:t.start]})
			}
			out = append(out, Segment{Text: text[t.start:t.end], Mark: true})
			cur = t.end
		}
		if end > cur {
			out = append(out, Segment{Text: text[cur:end]})
		}
		if to < len(ts) && ellipsis {
			out = append(out, Segment{Text: " …"})
		}
		return out
	}
	title = segments(fields[0], toks[0], 0, len(toks[0]), false)
	bestField, bestFrom, bestCount := 1, 0, -1
	for f := 1; f < len(fields)-1; f++ { // the last field is names, not prose
		ts := toks[f]
		for from := 0; from < max(1, len(ts)-snippetTokens+1); from += 4 {
			n := 0
			for _, t := range ts[from:min(len(ts), from+snippetTokens)] {
				if isMatch(t.pos) {
					n++
				}
			}
			if n > bestCount {
				bestField, bestFrom, bestCount = f, from, n
			}
		}
	}
	if bestCount <= 0 {
		bestField, bestFrom = 1, 0
	}
	ts := toks[bestField]
	to := min(len(ts), bestFrom+snippetTokens)
	snippet = segments(fields[bestField], ts, bestFrom, to, true)
	return title, snippet
}
