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
	// adoption, partners.
	Body []string
	// Names are the organisation, unit and municipality, so that a query
	// for a place finds its deeds; Labels are the deed's sector, themes and
	// client groups in all three languages, so that a deed tagged with a
	// theme is found by the theme's name in any language. Both weigh less
	// than the author's own words and give no compound parts.
	Names  string
	Labels string
	Facets map[string][]string
}

// Fields gives the texts in the order their tokens are numbered; indexing
// and highlighting both go through it, so positions agree.
func (src *Source) Fields() []string {
	return append(append([]string{src.Title, src.Summary}, src.Body...), src.Names, src.Labels)
}

// Build analyses src into an index document and the occurrences of every
// term. Terms carry the deed's language as a prefix, so that a Finnish base
// form and a Swedish stem that happen to be spelled alike do not meet (a
// query is analysed in all three languages): "fi:kunta" for a word as
// written and its base forms, "fi~hyvinvointi" for compound parts and
// roots, which a query matches with less weight. Each field ends with a
// gap of one position, so a phrase never runs from the title into the
// summary.
//
// Positions are kept only where phrases look for them: on a word's first
// base form, or on the word as written when it has none. A phrase word is
// looked up by its base forms, so the same word in the text is found at
// the same positions; repeating them on the inflected form and on the
// other base forms of an ambiguous word would only double the largest part
// of the index. (A phrase word whose analyses share only a later base form
// with a word of the text does not match it as a phrase.) Compound parts
// are never part of a phrase.
func Build(an analysis.Analyzer, src *Source) (Doc, map[string]Occurrences) {
	occ := map[string]Occurrences{}
	pos := uint32(0)
	var titleEnd, summaryEnd, bodyEnd int
	fields := src.Fields()
	for i, text := range fields {
		meta := i >= len(fields)-2
		weight := bodyWeight
		switch {
		case i == 0:
			weight = titleWeight
		case i == 1:
			weight = summaryWeight
		case meta:
			weight = metaWeight
		}
		for _, t := range analysis.Tokenize(text) {
			terms := an.Terms(src.Lang, t.Text)
			forms := len(an.QueryTerms(src.Lang, t.Text))
			if meta {
				terms = terms[:forms]
			}
			for j, term := range terms {
				key := src.Lang + ":" + term
				if j >= forms {
					key = src.Lang + "~" + term
				}
				o := occ[key]
				if o.at == pos+1 {
					continue // the same term twice for one word
				}
				o.at = pos + 1
				o.TF += weight
				o.Count++
				if j == min(1, forms-1) {
					o.Pos = append(o.Pos, pos)
				}
				occ[key] = o
			}
			pos++
		}
		pos += fieldGap
		switch i {
		case 0:
			titleEnd = int(pos)
		case 1:
			summaryEnd = int(pos)
		case len(fields) - 3:
			bodyEnd = int(pos)
		}
	}
	facets := map[string][]string{}
	for k, v := range src.Facets {
		facets[k] = v
	}
	facets[FacetLang] = []string{src.Lang}
	return Doc{DeedID: src.DeedID, Published: src.Published.Unix(), Length: int(pos),
		TitleEnd: titleEnd, SummaryEnd: summaryEnd, BodyEnd: bodyEnd, Facets: facets}, occ
}

// fieldGap is the number of empty positions after each field.
const fieldGap = 1

func yearValue(y int) []string {
	if y == 0 {
		return nil
	}
	return []string{strconv.Itoa(y)}
}
