package search

import (
	"strconv"
	"time"

	"github.com/tekotori/tekotori/internal/analysis"
)

// Source is a deed as the search index reads it: its text in a fixed
// order of fields and its facet values.
type Source struct {
	DeedID    int64
	Lang      string
	Published time.Time
	Title     string
	Summary   string
	// Body holds the rest of the text: need, solution, results, lessons,
	// adoption, partners, and the names of the organisation, unit and
	// municipality, so that a query for a place finds its deeds.
	Body   []string
	Facets map[string][]string
}

// Fields gives the texts in the order their tokens are numbered; indexing
// and highlighting both go through it, so positions agree.
func (src *Source) Fields() []string {
	return append([]string{src.Title, src.Summary}, src.Body...)
}

// Build analyses src into an index document and the positions of every
// term. Terms carry the deed's language as a prefix ("fi:kunta"), so that a
// Finnish base form and a Swedish stem that happen to be spelled alike do
// not meet; a query is analysed in all three languages. Each field ends
// with a gap of one position, so a phrase never runs from the title into
// the summary.
func Build(an analysis.Analyzer, src *Source) (Doc, map[string][]uint32) {
	positions := map[string][]uint32{}
	pos := uint32(0)
	var titleEnd, summaryEnd int
	prefix := src.Lang + ":"
	for i, text := range src.Fields() {
		for _, t := range analysis.Tokenize(text) {
			for _, term := range an.Terms(src.Lang, t.Text) {
				key := prefix + term
				ps := positions[key]
				if len(ps) == 0 || ps[len(ps)-1] != pos {
					positions[key] = append(ps, pos)
				}
			}
			pos++
		}
		pos += fieldGap
		switch i {
		case 0:
			titleEnd = int(pos)
		case 1:
			summaryEnd = int(pos)
		}
	}
	facets := map[string][]string{}
	for k, v := range src.Facets {
		facets[k] = v
	}
	facets[FacetLang] = []string{src.Lang}
	return Doc{DeedID: src.DeedID, Published: src.Published.Unix(), Length: int(pos),
		TitleEnd: titleEnd, SummaryEnd: summaryEnd, Facets: facets}, positions
}

// fieldGap is the number of empty positions after each field.
const fieldGap = 1

func yearValue(y int) []string {
	if y == 0 {
		return nil
	}
	return []string{strconv.Itoa(y)}
}
