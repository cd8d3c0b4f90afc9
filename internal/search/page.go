package search

import (
	"context"
	"fmt"
	"strings"

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
	srcs, err := s.readText(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Source{}
	for _, src := range srcs {
		byID[src.DeedID] = src
	}
	match := s.cur.Load().matcher(res.Query, res.Corrected)
	for _, h := range res.Hits {
		it := Item{DeedID: h.DeedID, Score: h.Score}
		if src := byID[h.DeedID]; src != nil {
			it.Title, it.Snippet = Highlight(src, func(token string) bool { return match(src.Lang, token) })
		}
		p.Items = append(p.Items, it)
	}
	return p, nil
}

// Highlight marks the words match accepts in the title and picks the
// passage of the rest with the most of them (the summary when the query
// matched only the title, or there was no query).
func Highlight(src *Source, match func(token string) bool) (title, snippet []Segment) {
	fields := src.Fields()
	type tok struct {
		field      int
		start, end int
		hit        bool
	}
	var toks [][]tok
	// Names and labels end the fields: neither title nor snippet.
	for i, text := range fields[:len(fields)-2] {
		var ft []tok
		for _, t := range analysis.Tokenize(text) {
			ft = append(ft, tok{field: i, start: t.Start, end: t.End, hit: match(t.Text)})
		}
		toks = append(toks, ft)
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
			if !t.hit {
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
	for f := 1; f < len(fields)-2; f++ { // the last two fields are names and labels, not prose
		ts := toks[f]
		for from := 0; from < max(1, len(ts)-snippetTokens+1); from += 4 {
			n := 0
			for _, t := range ts[from:min(len(ts), from+snippetTokens)] {
				if t.hit {
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

// matcher tells whether a word of a deed written in lang matches one of
// the query's words (or a corrected spelling), the way the index matched
// it, so that highlighting needs no stored positions. The function it
// returns remembers its answers and is for one goroutine.
func (s *Searcher) matcher(q Query, corrected map[string]string) func(lang, token string) bool {
	// A query word's terms are looked up both as forms and as compound
	// parts, so a word of the text matches when any of its terms is one
	// of them, whichever kind.
	keys := map[string]map[string]bool{}
	for _, c := range q.Clauses {
		if c.Negate {
			continue
		}
		for _, w := range c.Words {
			alts := s.alternatives(w)
			if fixed, ok := corrected[w]; ok {
				alts = append(alts, s.alternatives(fixed)...)
			}
			for _, a := range alts {
				lang, term, _ := strings.Cut(strings.Replace(a.term, "~", ":", 1), ":")
				if keys[lang] == nil {
					keys[lang] = map[string]bool{}
				}
				keys[lang][term] = true
			}
		}
	}
	if len(keys) == 0 {
		return func(string, string) bool { return false }
	}
	// A page's deeds repeat their words: each is analysed once.
	memo := map[string]map[string]bool{}
	return func(lang, token string) bool {
		m := memo[lang]
		if m == nil {
			m = map[string]bool{}
			memo[lang] = m
		}
		if hit, ok := m[token]; ok {
			return hit
		}
		hit := false
		if k := keys[lang]; k != nil {
			for _, t := range s.an.Terms(lang, token) {
				if k[t] {
					hit = true
					break
				}
			}
		}
		m[token] = hit
		return hit
	}
}

// readText reads the deeds' text for highlighting: only what Highlight
// shows, in one query.
func (s *Service) readText(ctx context.Context, ids []any) ([]*Source, error) {
	rows, err := s.db.Query(ctx, `SELECT id, lang, title, summary, need, solution, results, lessons, adoption, partners
		FROM deeds WHERE id IN (`+store.Placeholders(len(ids))+`)`, ids...)
	if err != nil {
		return nil, fmt.Errorf("search: read text: %w", err)
	}
	defer rows.Close()
	var out []*Source
	for rows.Next() {
		src := &Source{Body: make([]string, 6)}
		b := src.Body
		if err := rows.Scan(&src.DeedID, &src.Lang, &src.Title, &src.Summary, &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]); err != nil {
			return nil, fmt.Errorf("search: read text: %w", err)
		}
		out = append(out, src)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: read text: %w", err)
	}
	return out, nil
}
