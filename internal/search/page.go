package search

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/analysis"
	"github.com/tekotori/tekotori/internal/i18n"
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
	Deed    Listing
}

// Listing is what a result list shows of a deed besides its text, read
// together with the text of the whole page in one query.
type Listing struct {
	ID           int64
	Ref          string
	Slug         string
	Lang         string
	Title        string
	Summary      string
	State        string
	Status       string
	Sector       string
	Themes       []string
	ClientGroups []string
	Year         int
	OrgCode      string
	OrgName      i18n.Text
	Municipality *Place
	Region       *Place
	County       *Place
	PublishedAt  *time.Time
	UpdatedAt    time.Time
}

// Place is a coded place with its names.
type Place struct {
	Code string
	Name i18n.Text
}

// Page is a searched page: the result with snippets for its hits.
type Page struct {
	Result
	Items []Item
}

// snippetTokens is how many words a snippet shows.
const snippetTokens = 32

// Search runs req and reads the hits' text and listing in one query,
// adding highlighted titles and snippets. A hit that is no longer
// published (changed since the index saw it, on another node a moment
// ago) is left out and the total counts one less.
func (s *Service) Search(ctx context.Context, req Request) (*Page, error) {
	sr := s.cur.Load()
	res := sr.SearchVocab(req, s.vocab.Load())
	p := &Page{Result: res}
	if len(res.Hits) == 0 {
		return p, nil
	}
	ids := make([]any, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.DeedID
	}
	found, err := s.readHits(ctx, ids)
	if err != nil {
		return nil, err
	}
	match := sr.matcher(res.Query, res.Corrected, res.Expanded)
	var gone []int64
	for _, h := range res.Hits {
		hit := found[h.DeedID]
		if hit == nil {
			gone = append(gone, h.DeedID)
			continue
		}
		it := Item{DeedID: h.DeedID, Score: h.Score, Deed: hit.listing}
		it.Title, it.Snippet = Highlight(hit.src, func(token string) bool { return match(hit.src.Lang, token) })
		p.Items = append(p.Items, it)
	}
	if len(gone) > 0 {
		p.Total = max(0, p.Total-len(gone))
		s.log.Info("search hits no longer published left out", "deeds", gone)
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
func (s *Searcher) matcher(q Query, corrected map[string]string, expanded []string) func(lang, token string) bool {
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
			for _, p := range s.splitParts(w) {
				alts = append(alts, weighted{"fi:" + p, splitWeight})
			}
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
	for _, label := range expanded {
		for _, w := range labelWords(label) {
			for _, a := range s.alternatives(w) {
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

type foundHit struct {
	src     *Source
	listing Listing
}

// hitSelect reads what a result page shows of a deed: the text that is
// highlighted and the listing.
const hitSelect = `SELECT d.id, d.ref, d.slug, d.lang, d.state, d.status, COALESCE(d.year_started, 0),
	d.title, d.summary, d.need, d.solution, d.results, d.lessons, d.adoption, d.partners,
	COALESCE(s.slug, ''), o.code, o.name_fi, o.name_sv, o.name_en,
	COALESCE(d.municipality_code, ''), COALESCE(m.name_fi, ''), COALESCE(m.name_sv, ''), COALESCE(m.language, ''),
	COALESCE(d.region_code, ''), COALESCE(r.name_fi, ''), COALESCE(r.name_sv, ''), COALESCE(r.name_en, ''),
	COALESCE(d.county_code, ''), COALESCE(c.name_fi, ''), COALESCE(c.name_sv, ''), COALESCE(c.name_en, ''),
	d.published_at, d.updated_at
FROM deeds d
JOIN organisations o ON o.id = d.org_id
LEFT JOIN terms s ON s.id = d.sector_id
LEFT JOIN municipalities m ON m.code = d.municipality_code
LEFT JOIN regions r ON r.code = d.region_code
LEFT JOIN counties c ON c.code = d.county_code`

// readHits reads the published deeds among ids for a result page: one
// query for the deeds and one for their themes and client groups,
// however many hits the page has.
func (s *Service) readHits(ctx context.Context, ids []any) (map[int64]*foundHit, error) {
	// The state is checked here, not in the WHERE clause: given a state
	// to match, SQLite walks the index on it through every published deed
	// instead of looking the page's ids up.
	rows, err := s.db.Query(ctx, hitSelect+` WHERE d.id IN (`+store.Placeholders(len(ids))+`)`, ids...)
	if err != nil {
		return nil, fmt.Errorf("search: read hits: %w", err)
	}
	defer rows.Close()
	out := map[int64]*foundHit{}
	for rows.Next() {
		src := &Source{Body: make([]string, 6)}
		var l Listing
		b := src.Body
		var mun, munFI, munSV, munLang, region, regFI, regSV, regEN, county, ctyFI, ctySV, ctyEN string
		var published sql.NullTime
		if err := rows.Scan(&l.ID, &l.Ref, &l.Slug, &l.Lang, &l.State, &l.Status, &l.Year,
			&src.Title, &src.Summary, &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
			&l.Sector, &l.OrgCode, &l.OrgName.FI, &l.OrgName.SV, &l.OrgName.EN,
			&mun, &munFI, &munSV, &munLang, &region, &regFI, &regSV, &regEN, &county, &ctyFI, &ctySV, &ctyEN,
			&published, &l.UpdatedAt); err != nil {
			return nil, fmt.Errorf("search: read hits: %w", err)
		}
		if l.State != "published" {
			continue
		}
		src.DeedID, src.Lang = l.ID, l.Lang
		l.Title, l.Summary = src.Title, src.Summary
		if published.Valid {
			t := published.Time
			l.PublishedAt = &t
		}
		if mun != "" {
			en := munFI
			if strings.HasPrefix(munLang, "sv") {
				en = munSV
			}
			l.Municipality = &Place{Code: mun, Name: i18n.Text{FI: munFI, SV: munSV, EN: en}}
		}
		if region != "" {
			l.Region = &Place{Code: region, Name: i18n.Text{FI: regFI, SV: regSV, EN: regEN}}
		}
		if county != "" {
			l.County = &Place{Code: county, Name: i18n.Text{FI: ctyFI, SV: ctySV, EN: ctyEN}}
		}
		l.Themes, l.ClientGroups = []string{}, []string{}
		out[l.ID] = &foundHit{src: src, listing: l}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: read hits: %w", err)
	}
	rows.Close()
	terms, err := s.db.Query(ctx, `SELECT dt.deed_id, t.kind, t.slug FROM deed_terms dt JOIN terms t ON t.id = dt.term_id
		WHERE dt.deed_id IN (`+store.Placeholders(len(ids))+`) AND t.kind IN ('theme', 'client_group') ORDER BY t.position, t.id`, ids...)
	if err != nil {
		return nil, fmt.Errorf("search: read hits' terms: %w", err)
	}
	defer terms.Close()
	for terms.Next() {
		var id int64
		var kind, slug string
		if err := terms.Scan(&id, &kind, &slug); err != nil {
			return nil, fmt.Errorf("search: read hits' terms: %w", err)
		}
		if h := out[id]; h != nil {
			if kind == "theme" {
				h.listing.Themes = append(h.listing.Themes, slug)
			} else {
				h.listing.ClientGroups = append(h.listing.ClientGroups, slug)
			}
		}
	}
	if err := terms.Err(); err != nil {
		return nil, fmt.Errorf("search: read hits' terms: %w", err)
	}
	return out, nil
}
