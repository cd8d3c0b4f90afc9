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
	build := func(segDocs int, seal bool, dir string) *Searcher {
		ix := NewIndex()
		ix.segmentDocs = segDocs
		if dir != "" {
			ix.UseFiles(dir)
		}
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
		if err := ix.FileError(); err != nil {
			t.Fatal(err)
		}
		return NewSearcher(ix, an)
	}
	one := build(1_000_000, true, "")
	merged := build(7, true, "")
	apart := build(7, false, "")
	mapped := build(7, true, t.TempDir())
	if st := mapped.ix.Stats(); st.MappedBytes == 0 || st.Segments != 8 {
		t.Fatalf("segments in files: %+v", st)
	}
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
		for name, s := range map[string]*Searcher{"merged": merged, "apart": apart, "mapped": mapped} {
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
	for _, s := range []*Searcher{one, merged, apart, mapped} {
		if got := s.Suggest("kun", 3); len(got) == 0 || !strings.HasPrefix(got[0], "kun") {
			t.Errorf("suggestions for kun: %v", got)
		}
	}
	if !reflect.DeepEqual(one.Suggest("pal", 5), apart.Suggest("pal", 5)) {
		t.Errorf("suggestions differ: %v vs %v", one.Suggest("pal", 5), apart.Suggest("pal", 5))
	}
}

// TestMergeKeepsPositions merges segments where a term has positions in
// some documents and none in others: each document keeps its own.
func TestMergeKeepsPositions(t *testing.T) {
	docs := []map[string]Occurrences{
		{"fi:kunta": {TF: 1, Count: 1}},                               // no positions
		{"fi:kunta": {TF: 2, Count: 2, Pos: []uint32{3, 300}}},        // two
		{"fi:kunta": {TF: 1, Count: 1}, "fi:muu": {TF: 1, Count: 1}},  // none again
		{"fi:kunta": {TF: 1, Count: 1, Pos: []uint32{20000}}},         // one, far
		{"fi:muu": {TF: 40, Count: 40, Pos: []uint32{1, 2, 3, 4, 5}}}, // a large count
	}
	want := [][]uint32{nil, {3, 300}, nil, {20000}}
	for _, segDocs := range []int{1, 2, 100, -1} {
		ix := NewIndex()
		ix.segmentDocs = segDocs
		if segDocs < 0 { // in files
			ix.segmentDocs = 2
			ix.UseFiles(t.TempDir())
		}
		for i, occ := range docs {
			ix.Put(Doc{DeedID: int64(i + 1), Length: 10}, occ)
		}
		if err := ix.Seal(); err != nil {
			t.Fatal(err)
		}
		hits := ix.lookup([]weighted{{"fi:kunta", 1}}, true, nil)
		if len(hits) != len(want) {
			t.Fatalf("segments of %d: %d hits, want %d", segDocs, len(hits), len(want))
		}
		for i, h := range hits {
			if h.doc != uint32(i) || !reflect.DeepEqual(h.pos, want[i]) {
				t.Errorf("segments of %d: hit %d = doc %d at %v, want doc %d at %v", segDocs, i, h.doc, h.pos, i, want[i])
			}
		}
		if got := ix.lookup([]weighted{{"fi:muu", 1}}, false, nil); len(got) != 2 || got[1].tf != 40 {
			t.Errorf("segments of %d: fi:muu = %+v", segDocs, got)
		}
		if got := ix.lookup([]weighted{{"fi:kunta", 1}}, true, []uint32{1, 3}); len(got) != 2 || got[0].doc != 1 || got[1].doc != 3 {
			t.Errorf("segments of %d: positions of docs 1 and 3 = %+v", segDocs, got)
		}
	}
}
