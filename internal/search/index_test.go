package search

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/analysis"
)

// segmentWords are what the generated deeds are written with: inflected
// forms, compounds and a few Swedish words, so that base forms, compound
// parts and positions all get postings.
var segmentWords = strings.Fields(`kunta kunnan kunnissa kuntien hyvinvointi hyvinvoinnin työhyvinvointiryhmä
perehdytys perehdyttämisen perehdytysprosessi asiakas asiakkaan asiakkaille palvelu palvelun palveluiden
kotihoito kotihoidon toiminnanohjaus digitaalinen digituki kirjasto kirjastossa ikäihmiset ikäihmisille
koulu koulujen ruokahävikki oppilaat yhteistyö yhteinen malli mallin työntekijä työntekijöiden kokeilu
tulokset vähentäminen kaupunki kaupungin hemvården språkpar kommunerna service`)

func segmentSources(n int, seed uint64) []*Source {
	r := rand.New(rand.NewPCG(seed, 1))
	text := func(lo, hi int) string {
		k := lo + r.IntN(hi-lo+1)
		ws := make([]string, k)
		for i := range ws {
			ws[i] = segmentWords[r.IntN(len(segmentWords))]
		}
		return strings.Join(ws, " ")
	}
	sectors := []string{"sote", "opetus", "hallinto"}
	var out []*Source
	for i := range n {
		out = append(out, &Source{
			DeedID: int64(i + 1), Lang: "fi", Published: time.Unix(int64(1_600_000_000+i*3600), 0),
			Title: text(2, 5), Summary: text(5, 12), Body: []string{text(10, 40), text(0, 20)},
			Names: "Alavus", Labels: "Sosiaali- ja terveyspalvelut",
			Facets: map[string][]string{FacetSector: {sectors[r.IntN(len(sectors))]}, FacetYear: {fmt.Sprint(2015 + r.IntN(9))}},
		})
	}
	return out
}

// TestSegmentsAnswerAlike builds the same deeds into one segment, into many
// merged into one, and into many left apart with a tail, replacing and
// removing some on the way: every query must get the same answer.
func TestSegmentsAnswerAlike(t *testing.T) {
	an := analysis.NewFallback()
	srcs := segmentSources(300, 7)
	build := func(segDocs int, seal bool) *Searcher {
		ix := NewIndex()
		ix.segmentDocs = segDocs
		put := func(src *Source) {
			d, occ := Build(an, src)
			ix.Put(d, occ)
		}
		for _, src := range srcs[:250] {
			put(src)
		}
		// Replace some, remove some, then add the rest.
		for _, src := range srcs[:40] {
			put(src)
		}
		for id := int64(100); id < 110; id++ {
			ix.Remove(id)
		}
		if seal {
			if err := ix.Seal(); err != nil {
				t.Fatal(err)
			}
		}
		for _, src := range srcs[250:] {
			put(src)
		}
		return NewSearcher(ix, an)
	}
	one := build(1_000_000, true)
	merged := build(7, true)
	apart := build(7, false)
	// The merged one has one segment for the first 290 deeds and seven of
	// the last 50; the other, one per seven deeds.
	if m, a := len(merged.ix.segs), len(apart.ix.segs); m != 8 || a < 40 {
		t.Fatalf("segments: merged %d, apart %d", m, a)
	}
	queries := []Request{
		{Q: "kunta"}, {Q: "hyvinvointi"}, {Q: "perehdytys asiakas"}, {Q: `"kotihoidon toiminnanohjaus"`},
		{Q: `"digitaalinen palvelu"`}, {Q: "kirjasto -koulu"}, {Q: "palveluidne"}, {Q: "hemvården"},
		{Q: "kunta", Filters: map[string][]string{FacetSector: {"sote"}}},
		{Q: "", Sort: "newest", Limit: 50}, {Q: "malli", Offset: 20, Limit: 30},
		{Q: "ruokahävikki oppilaat kommunerna språkpar"},
	}
	phraseHits := 0
	for _, req := range queries {
		want := one.Search(req)
		if strings.Contains(req.Q, `"`) {
			phraseHits += want.Total
		}
		for name, s := range map[string]*Searcher{"merged": merged, "apart": apart} {
			got := s.Search(req)
			got.Took, want.Took = 0, 0
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, query %+v:\n got %+v\nwant %+v", name, req, got, want)
			}
		}
		if want.Total == 0 && req.Q != "palveluidne" {
			t.Errorf("query %+v found nothing; the comparison says little", req)
		}
	}
	if phraseHits == 0 {
		t.Error("no phrase matched: positions are not being compared")
	}
	for _, s := range []*Searcher{one, merged, apart} {
		if got := s.Suggest("kun", 3); len(got) == 0 || !strings.HasPrefix(got[0], "kun") {
			t.Errorf("suggestions for kun: %v", got)
		}
	}
	if !reflect.DeepEqual(one.Suggest("pal", 5), apart.Suggest("pal", 5)) {
		t.Errorf("suggestions differ: %v vs %v", one.Suggest("pal", 5), apart.Suggest("pal", 5))
	}
}
