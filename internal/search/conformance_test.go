package search_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/analysis"
	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
)

// corpus is a small bank written so that each conformance case has one
// right answer.
var corpus = []map[string]any{
	{"ref": "C-01", "title": "Tulevaisuudentekijät – työhyvinvointiryhmä", "summary": "Toimialojen yhteinen ryhmä tukee henkilöstön työhyvinvointiryhmälle tuomia aloitteita.",
		"organisation": "Alavus", "sector": "hallinto", "themes": []string{"tyohyvinvointi"}, "year": 2022, "published_at": "2022-12-01T10:00:00Z"},
	{"ref": "C-02", "title": "Kaupunkilaisten hyvinvoinnin koordinaattori", "summary": "Kokopäiväinen koordinaattori edistää kaupunkilaisten hyvinvoinnin ja terveyden kehitystä.",
		"organisation": "Kangasala", "sector": "sote", "themes": []string{"hyvinvoinnin-edistaminen"}, "year": 2016, "published_at": "2016-11-01T10:00:00Z"},
	{"ref": "C-03", "title": "Mestari-kisälli-malli uusille työntekijöille", "summary": "Uusien työntekijöiden perehdyttämisen malli, jossa kokenut työntekijä ohjaa tulokasta.",
		"organisation": "Varkaus", "sector": "hallinto", "themes": []string{"perehdytys"}, "year": 2021, "published_at": "2021-05-01T10:00:00Z"},
	{"ref": "C-04", "title": "Tukipalveluiden työprosessit kuntoon", "summary": "Perehdytysprosesseja ja työprosesseja hiottiin palvelumuotoilun keinoin.",
		"organisation": "Varkaus", "sector": "ruoka", "themes": []string{"tyon-organisointi"}, "year": 2020, "published_at": "2020-03-01T10:00:00Z"},
	{"ref": "C-05", "title": "Digituki ikäihmisille kirjastoissa", "summary": "Kirjastoissa neuvotaan ikäihmisiä sähköisten palvelujen käytössä, kuten useissa kunnissa on tehty.",
		"organisation": "Hämeenlinna", "sector": "kulttuuri", "themes": []string{"digitalisaatio"}, "year": 2023, "published_at": "2023-02-01T10:00:00Z"},
	{"ref": "C-06", "title": "Kuntien yhteinen hankintakalenteri", "summary": "Seudun kuntien hankinnat koottiin yhteen kalenteriin yrittäjien nähtäville.",
		"organisation": "Salo", "sector": "elinkeino", "themes": []string{"yhteistyo"}, "year": 2019, "published_at": "2019-06-01T10:00:00Z"},
	{"ref": "C-07", "title": "Kotihoidon toiminnanohjaus", "summary": "Kotihoidon toiminnanohjaus jakaa asiakaskäynnit tasaisesti koko päivälle.",
		"organisation": "Kouvola", "sector": "sote", "themes": []string{"tyon-organisointi"}, "year": 2018, "published_at": "2018-09-01T10:00:00Z"},
	{"ref": "C-08", "title": "Toiminnanohjaus varhaiskasvatuksessa ja kotihoito", "summary": "Varhaiskasvatuksen sijaisten ohjaus keskitettiin, ja kotihoito sai oman mallinsa.",
		"organisation": "Kouvola", "sector": "opetus", "themes": []string{"tyon-organisointi"}, "year": 2018, "published_at": "2018-10-01T10:00:00Z"},
	{"ref": "C-09", "title": "Språkpar i hemvården", "summary": "Kommunerna i regionen ordnar arbetsturer så att kunderna får service på sitt eget språk.",
		"organisation": "Närpiö", "sector": "sote", "themes": []string{"asiakaslahtoisyys"}, "year": 2023, "lang": "sv", "published_at": "2023-05-01T10:00:00Z"},
	{"ref": "C-10", "title": "Plain English for municipalities' digital services", "summary": "The city rewrote service pages so that municipalities' newcomers can handle everyday matters online.",
		"organisation": "Tampere", "sector": "hallinto", "themes": []string{"viestinta"}, "year": 2020, "lang": "en", "published_at": "2020-08-01T10:00:00Z"},
	{"ref": "C-11", "title": "Ruokahävikin vähentäminen kouluissa", "summary": "Koulujen ruokahävikki puolittui, kun oppilaat punnitsivat jätteen joka päivä.",
		"organisation": "Kuusamo", "sector": "ruoka", "themes": []string{"kestava-kehitys"}, "year": 2021, "published_at": "2021-11-01T10:00:00Z"},
}

func loadCorpus(t *testing.T, db *store.DB) *app.App {
	t.Helper()
	ctx := context.Background()
	a, err := app.New(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range corpus {
		m := map[string]any{"lang": "fi", "status": "done", "need": "Tarve.", "solution": "Ratkaisu.",
			"municipality": r["organisation"], "contact": map[string]any{"name": "Testi", "email": "testi@example.org"}}
		for k, v := range r {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		lines = append(lines, string(b))
	}
	rep, err := a.Importer.Import(ctx, strings.NewReader(strings.Join(lines, "\n")), deed.ImportOptions{})
	if err != nil || len(rep.Errors) > 0 {
		t.Fatalf("corpus: %v %+v", err, rep.Errors)
	}
	if err := a.StartSearch(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func refs(t *testing.T, a *app.App, p *search.Page) []string {
	t.Helper()
	var out []string
	for _, h := range p.Hits {
		var ref string
		if err := a.DB.QueryRow(context.Background(), `SELECT ref FROM deeds WHERE id = ?`, h.DeedID).Scan(&ref); err != nil {
			t.Fatal(err)
		}
		out = append(out, ref)
	}
	return out
}

// conformance is the one suite every engine passes: the same query gives
// exactly these deeds in this order on SQLite and on PostgreSQL. Every
// case runs with Voikko; those not marked voikko also with the fallback
// analyser, which must give the same answer.
var conformance = []struct {
	name    string
	q       string
	filters map[string][]string
	want    []string // exact hits in order
	voikko  bool     // the case needs Voikko's morphology
	expand  bool     // through the starter thesaurus; the other cases match words only
}{
	{name: "compound part and inflection", q: "hyvinvointi", want: []string{"C-02", "C-01"}, voikko: true},
	{name: "derived and inflected forms", q: "perehdytys", want: []string{"C-03", "C-04"}, voikko: true},
	{name: "inflected base forms", q: "kunta", want: []string{"C-06", "C-05"}, voikko: true},
	// kotihoidon is an inflection of kotihoito, which C-08 has.
	{name: "surface form and its base form", q: "kotihoidon", want: []string{"C-07", "C-08"}, voikko: true},
	{name: "title ranks first", q: "toiminnanohjaus", want: []string{"C-07", "C-08"}},
	{name: "phrase", q: `"kotihoidon toiminnanohjaus"`, want: []string{"C-07"}},
	{name: "phrase words apart", q: `"toiminnanohjaus kotihoito"`, want: nil},
	{name: "two words both in one deed", q: "ruokahävikki koulu", want: []string{"C-11"}},
	// C-08 has both words, C-07 only the rarer one's neighbour.
	{name: "every word ranks above some", q: "kotihoito varhaiskasvatus", want: []string{"C-08", "C-07"}, voikko: true},
	// C-11 writes koulujen and ruokahävikki: the query compound's parts
	// apart, one of them inside another compound.
	{name: "compound written apart", q: "kouluhävikki", want: []string{"C-11"}, voikko: true},
	{name: "typo", q: "ruokahävikn", want: []string{"C-11"}},
	{name: "swedish", q: "kommunerna", want: []string{"C-09"}},
	{name: "swedish stem", q: "kommun", want: []string{"C-09"}},
	{name: "english stem", q: "municipality", want: []string{"C-10"}},
	// varhaiskasvatuksessa has the base form varhaiskasvatus.
	{name: "negation", q: "toiminnanohjaus -varhaiskasvatus", want: []string{"C-07"}, voikko: true},
	{name: "facet filter", q: "toiminnanohjaus", filters: map[string][]string{"sector": {"opetus"}}, want: []string{"C-08"}},
	{name: "unknown facet value", q: "", filters: map[string][]string{"sector": {"avaruus"}}, want: nil},
	{name: "place name", q: "Varkaus", want: []string{"C-04", "C-03"}},
	{name: "all but one word when none has all", q: "toiminnanohjaus ruokahävikki", want: []string{"C-11", "C-07", "C-08"}},
	// Through the starter thesaurus, a Swedish word finds the deeds in
	// every language on the same concept (kommun = kunta = municipality),
	// and a Finnish one those written in Swedish.
	{name: "expanded across languages", q: "kommun", want: []string{"C-10", "C-06", "C-09", "C-05"}, voikko: true, expand: true},
	{name: "expanded from Finnish", q: "kotihoidon", want: []string{"C-07", "C-08", "C-09"}, voikko: true, expand: true},
	// Nothing to search for lists every deed, newest first.
	{name: "only operators", q: `AND OR NEAR * " : -`, want: []string{"C-09", "C-05", "C-01", "C-11", "C-03", "C-10", "C-04", "C-06", "C-08", "C-07", "C-02"}},
}

// voikkoRequired tells whether a missing Voikko fails the test rather
// than skips it; CI sets TEKOTORI_REQUIRE_VOIKKO=1 (scripts/test).
func voikkoRequired() bool { return os.Getenv("TEKOTORI_REQUIRE_VOIKKO") == "1" }

func TestConformance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := loadCorpus(t, db)
		fallback := search.NewService(a.DB, analysis.NewFallback(), nil)
		if err := fallback.Rebuild(context.Background()); err != nil {
			t.Fatal(err)
		}
		vocab, err := a.Thesaurus.Vocabulary(context.Background(), fallback.Analyzer())
		if err != nil {
			t.Fatal(err)
		}
		fallback.SetVocabulary(vocab)
		services := []*search.Service{a.Search, fallback}
		if !a.Search.Analyzer().Voikko() {
			if voikkoRequired() {
				t.Fatalf("TEKOTORI_REQUIRE_VOIKKO=1 but the analyser is %s", a.Search.Analyzer().Name())
			}
			services = services[1:]
		}
		for _, svc := range services {
			for _, tc := range conformance {
				t.Run(svc.Analyzer().Name()+"/"+tc.name, func(t *testing.T) {
					if tc.voikko && !svc.Analyzer().Voikko() {
						return // the fallback does not attempt it
					}
					p, err := svc.Search(context.Background(), search.Request{Q: tc.q, Filters: tc.filters, Limit: 50, NoExpand: !tc.expand})
					if err != nil {
						t.Fatal(err)
					}
					if got := refs(t, a, p); !slices.Equal(got, tc.want) || p.Total != len(tc.want) {
						t.Fatalf("%q: got %v (total %d), want %v", tc.q, got, p.Total, tc.want)
					}
				})
			}
		}
		if !a.Search.Analyzer().Voikko() {
			t.Skip("no Voikko here: only the fallback's cases ran")
		}
	})
}

func TestEmptyQueryListsNewestWithFacets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := loadCorpus(t, db)
		p, err := a.Search.Search(context.Background(), search.Request{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if got := refs(t, a, p); p.Total != len(corpus) || !slices.Equal(got, []string{"C-09", "C-05", "C-01"}) {
			t.Fatalf("total %d, first %v", p.Total, got)
		}
		// Picking a sector narrows the other facets but keeps the sector's
		// own alternatives countable.
		p, _ = a.Search.Search(context.Background(), search.Request{Filters: map[string][]string{"sector": {"sote"}}})
		count := func(facet, value string) int {
			for _, v := range p.Facets[facet] {
				if v.Value == value {
					return v.Count
				}
			}
			return 0
		}
		if p.Total != 3 || count("sector", "sote") != 3 || count("sector", "hallinto") != 3 || count("lang", "sv") != 1 || count("lang", "en") != 0 {
			t.Fatalf("facets: total %d %+v", p.Total, p.Facets)
		}
	})
}

func TestHighlightAndSuggestion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := loadCorpus(t, db)
		p, err := a.Search.Search(context.Background(), search.Request{Q: "ruokahävikki"})
		if err != nil || len(p.Items) != 1 {
			t.Fatalf("%v %+v", err, p)
		}
		var marked []string
		for _, s := range append(p.Items[0].Title, p.Items[0].Snippet...) {
			if s.Mark {
				marked = append(marked, s.Text)
			}
		}
		if !slices.Contains(marked, "ruokahävikki") {
			t.Fatalf("marked %v in %+v", marked, p.Items[0])
		}
		// Nothing found: a respelling is offered. (Without the filter the
		// corrected word finds deeds of its own.)
		p, _ = a.Search.Search(context.Background(), search.Request{Q: "kotihoidn xyzzyq zzqqv", Filters: map[string][]string{"sector": {"kulttuuri"}}})
		if p.Total != 0 || p.Suggestion != "kotihoidon xyzzyq zzqqv" {
			t.Fatalf("suggestion %q total %d", p.Suggestion, p.Total)
		}
		if s := a.Search.Searcher().Suggest("toimin", 5); len(s) == 0 || s[0] != "toiminnanohjaus" {
			t.Fatalf("prefix suggestions %v", s)
		}
	})
}

// A change is searchable at once on the node that made it, and on another
// node sharing the database within a second.
func TestChangesReachEveryNode(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	open := func() *app.App {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		a, err := app.New(ctx, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.StartSearch(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		return a
	}
	one, two := open(), open()
	line := `{"ref":"N-1","lang":"fi","title":"Liikkuva koulu","summary":"Välitunnit liikkeelle.","organisation":"Oulu","municipality":"Oulu","sector":"opetus","themes":["osallisuus"],"status":"done","year":2020,"need":"T.","solution":"R.","contact":{"name":"T","email":"t@example.org"}}`
	if _, err := one.Importer.Import(ctx, strings.NewReader(line), deed.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// The importer does not go through OnChange; a write by the service does.
	if err := one.Search.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	found := func(a *app.App, q string) bool {
		p, err := a.Search.Search(ctx, search.Request{Q: q})
		return err == nil && p.Total == 1
	}
	if !found(one, "välitunnit") {
		t.Fatal("not found on the writing node")
	}
	deadline := time.Now().Add(time.Second)
	for !found(two, "välitunnit") {
		if time.Now().After(deadline) {
			t.Fatal("not found on the other node within a second")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Archiving removes it everywhere.
	if _, err := one.DB.Exec(ctx, `UPDATE deeds SET state = 'archived', seq = (SELECT n + 1 FROM counters WHERE name = 'deeds') WHERE ref = 'N-1'`); err != nil {
		t.Fatal(err)
	}
	if _, err := one.DB.Exec(ctx, `UPDATE counters SET n = n + 1 WHERE name = 'deeds'`); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(time.Second)
	for found(two, "välitunnit") {
		if time.Now().After(deadline) {
			t.Fatal("archived deed still found on the other node")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tekotori reindex asks every node to rebuild; a node notices on its next
// catch-up.
func TestRequestRebuild(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := loadCorpus(t, db)
		ctx := context.Background()
		before := a.Search.Searcher()
		if err := a.Search.RequestRebuild(ctx); err != nil {
			t.Fatal(err)
		}
		// The catch-up starts the rebuild in the background and returns.
		if err := a.Search.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for a.Search.Searcher() == before {
			if time.Now().After(deadline) {
				t.Fatal("the index was not rebuilt")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if a.Search.Status().Deeds != len(corpus) {
			t.Fatalf("rebuilt index has %d deeds", a.Search.Status().Deeds)
		}
		if err := a.Search.CatchUp(ctx); err != nil || a.Search.Searcher() == nil {
			t.Fatal(err)
		}
	})
}

// TestRankedRetrieval: deeds with only some of the query's words are found
// too, below those with all of them, and the result says how many have
// all; a quoted phrase stays required.
func TestRankedRetrieval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := loadCorpus(t, db)
		p, err := a.Search.Search(context.Background(), search.Request{Q: "toiminnanohjaus varhaiskasvatuksessa"})
		if err != nil {
			t.Fatal(err)
		}
		if got := refs(t, a, p); !slices.Equal(got, []string{"C-08", "C-07"}) || p.Total != 2 || p.Complete != 1 || !p.Relaxed {
			t.Fatalf("got %v, total %d, complete %d, relaxed %v", got, p.Total, p.Complete, p.Relaxed)
		}
		p, err = a.Search.Search(context.Background(), search.Request{Q: "toiminnanohjaus varhaiskasvatuksessa", Filters: map[string][]string{"sector": {"sote"}}})
		if err != nil {
			t.Fatal(err)
		}
		// Facets count what is shown: the one sote deed, and the opetus
		// deed the sector's other value would give.
		count := map[string]int{}
		for _, v := range p.Facets["sector"] {
			count[v.Value] = v.Count
		}
		if got := refs(t, a, p); !slices.Equal(got, []string{"C-07"}) || p.Complete != 0 || count["sote"] != 1 || count["opetus"] != 1 {
			t.Fatalf("filtered: got %v, complete %d, sector counts %v", got, p.Complete, count)
		}
		p, err = a.Search.Search(context.Background(), search.Request{Q: `"kotihoidon toiminnanohjaus" ruokahävikki`})
		if err != nil {
			t.Fatal(err)
		}
		if got := refs(t, a, p); !slices.Equal(got, []string{"C-07"}) || p.Complete != 0 || !p.Relaxed {
			t.Fatalf("phrase required: got %v, complete %d", got, p.Complete)
		}
	})
}
