package analysis

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

func TestTokenize(t *testing.T) {
	type tok struct {
		text       string
		start, end int
	}
	for _, c := range []struct {
		name, text string
		want       []tok
	}{
		{"empty", "", nil},
		{"only separators", " \t\n.,;-–—!?", nil},
		{"offsets", "Hyvä kunta, 2020.", []tok{{"Hyvä", 0, 5}, {"kunta", 6, 11}, {"2020", 13, 17}}},
		{"suspended hyphen", "sosiaali- ja terveyspalvelut",
			[]tok{{"sosiaali", 0, 8}, {"ja", 10, 12}, {"terveyspalvelut", 13, 28}}},
		{"inner hyphen", "mestari-kisälli", []tok{{"mestari", 0, 7}, {"kisälli", 8, 16}}},
		{"å ä ö", "Åbo Älvsjö öljy", []tok{{"Åbo", 0, 4}, {"Älvsjö", 5, 13}, {"öljy", 14, 19}}},
		{"apostrophes", "Children's O’Brien", []tok{{"Children", 0, 8}, {"s", 9, 10}, {"O", 11, 12}, {"Brien", 15, 20}}},
		{"colon inflection", "EU:n 3:ssa", []tok{{"EU", 0, 2}, {"n", 3, 4}, {"3", 5, 6}, {"ssa", 7, 10}}},
		{"punctuation", "(kunta)–\"kaupunki\"…", []tok{{"kunta", 1, 6}, {"kaupunki", 11, 19}}},
		{"emoji", "hyvä👍kunta 🇫🇮", []tok{{"hyvä", 0, 5}, {"kunta", 9, 14}}},
		{"emoji with joiner", "a👨‍👩‍👧b", []tok{{"a", 0, 1}, {"b", 19, 20}}},
		{"invalid UTF-8", "ab\xffcd\xc3", []tok{{"ab", 0, 2}, {"cd", 3, 5}}},
		{"truncated rune inside word", "kä\xc3ntö", []tok{{"kä", 0, 3}, {"ntö", 4, 8}}},
		{"combining mark continues a word", "ka\u0308ynti \u0308x", []tok{{"ka\u0308ynti", 0, 8}, {"x", 11, 12}}},
		{"digits and letters", "kuntatyö2030 covid-19", []tok{{"kuntatyö2030", 0, 13}, {"covid", 14, 19}, {"19", 20, 22}}},
		{"other scripts", "Москва 東京", []tok{{"Москва", 0, 12}, {"東京", 13, 19}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Tokenize(c.text)
			var gotT []tok
			for i, g := range got {
				if g.Pos != i {
					t.Errorf("token %d has Pos %d", i, g.Pos)
				}
				if c.text[g.Start:g.End] != g.Text {
					t.Errorf("token %d: Text %q but text[%d:%d] = %q", i, g.Text, g.Start, g.End, c.text[g.Start:g.End])
				}
				gotT = append(gotT, tok{g.Text, g.Start, g.End})
			}
			if !slices.Equal(gotT, c.want) {
				t.Errorf("Tokenize(%q)\n got %v\nwant %v", c.text, gotT, c.want)
			}
		})
	}
}

func TestTokenizeAllocatesOnce(t *testing.T) {
	text := strings.Repeat("Työhyvinvointiryhmälle esitettiin sosiaali- ja terveyspalvelujen kehittämistä. ", 50)
	if n := testing.AllocsPerRun(20, func() { Tokenize(text) }); n > 1 {
		t.Errorf("Tokenize allocates %v times, want 1", n)
	}
}

func TestFold(t *testing.T) {
	for _, c := range [][2]string{
		{"", ""},
		{"kunta", "kunta"},
		{"KUNTA", "kunta"},
		{"Äänekoski", "äänekoski"},
		{"ÅLAND", "åland"},
		{"Öljy", "öljy"},
		{"café", "cafe"},
		{"Müller", "muller"},
		{"Straße", "strasse"},
		{"STRAẞE", "strasse"},
		{"Łódź", "lodz"},
		{"šakki", "sakki"},
		{"Tšekki", "tsekki"},
		{"Søren", "sören"},
		{"Æble", "äble"},
		{"œuvre", "oeuvre"},
		{"Þór", "thor"},
		{"naïve", "naive"},
		{"a\u0308a\u0308nekoski", "äänekoski"}, // decomposed ä composes
		{"A\u0308O\u0308A\u030a", "äöå"},
		{"e\u0301", "e"}, // other marks drop
		{"Москва", "москва"},
		{"bad\xffbyte", "badbyte"},
		{"COVID19", "covid19"},
	} {
		if got := Fold(c[0]); got != c[1] {
			t.Errorf("Fold(%q) = %q, want %q", c[0], got, c[1])
		}
	}
	for _, w := range []string{"hyvinvointi", "työhyvinvointiryhmälle", "åbo", "москва", "2020"} {
		if n := testing.AllocsPerRun(100, func() { Fold(w) }); n != 0 {
			t.Errorf("Fold of folded %q allocates %v times", w, n)
		}
	}
}

func TestCleanTerm(t *testing.T) {
	for _, c := range [][2]string{
		{"hyvin=vointi", "hyvinvointi"}, {"sosiaali-", "sosiaali"}, {"Kangas=ala", "kangasala"},
		{"+ys", "ys"}, {"ryhmä", "ryhmä"}, {"EU", "eu"}, {"-", ""},
	} {
		if got := cleanTerm(c[0]); got != c[1] {
			t.Errorf("cleanTerm(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

func TestParseLang(t *testing.T) {
	for s, want := range map[string]lang{
		"fi": langFi, "FI": langFi, "fi-FI": langFi, "fi_FI": langFi, "sv": langSv, "sv-SE": langSv,
		"en": langEn, "en-GB": langEn, "": langOther, "f": langOther, "fin": langOther, "de": langOther, "se": langOther,
	} {
		if got := parseLang(s); got != want {
			t.Errorf("parseLang(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestCompoundParts checks the WORDBASES parser on output recorded from
// Voikko 4.3.1 with voikko-fi 2.5, so it runs without Voikko.
func TestCompoundParts(t *testing.T) {
	for _, c := range []struct {
		wordBases string
		want      []compoundPart
	}{
		{"+työ(työ)+hyvinvointi(hyvin=vointi)+ryhmä(ryhmä)", []compoundPart{{"työ", ""}, {"hyvin=vointi", ""}, {"ryhmä", ""}}},
		{"+perehdyt(perehdyttää)+ys(+ys)+prosessi(prosessi)", []compoundPart{{"perehdytys", "perehdyttää"}, {"prosessi", ""}}},
		{"+perehdyttää(perehdyttää)", []compoundPart{{"perehdyttää", ""}}},
		{"+kehittämis(kehittää)+teko(teko)", []compoundPart{{"kehittää", ""}, {"teko", ""}}},
		{"+koti(koti)+hoi(hoitaa)+to(+to)", []compoundPart{{"koti", ""}, {"hoito", "hoitaa"}}},
		{"+varhais+kasvat(kasvattaa)+us(+us)", []compoundPart{{"varhais", ""}, {"kasvatus", "kasvattaa"}}},
		{"+lähi+hoita(hoitaa)+ja(+ja)", []compoundPart{{"lähi", ""}, {"hoitaja", "hoitaa"}}},
		{"+sosiaali-", []compoundPart{{"sosiaali-", ""}}},
		{"+toimi(toimia)+n+ta(+ta)", []compoundPart{{"toiminta", "toimia"}}},
		{"+osa(osa)+llisu(+nen)+us(+us)+hanke(hanke)", []compoundPart{{"osallisuus", "osa"}, {"hanke", ""}}},
		{"+osa(osa)+lli+nen(+nen)", []compoundPart{{"osallinen", "osa"}}},
		{"+terve(terve)+yden(+ys)+huolto(huolto)", []compoundPart{{"terveys", "terve"}, {"huolto", ""}}},
		{"+arvioi(arvioida)+nti(+ti)+moduuli(moduuli)", []compoundPart{{"arviointi", "arvioida"}, {"moduuli", ""}}},
		{"+vapaa+ehto(ehto)+is(+inen)+toimi(toimia)+n+ta(+ta)",
			[]compoundPart{{"vapaa", ""}, {"ehtoinen", "ehto"}, {"toiminta", "toimia"}}},
		{"+ilmasto(ilmasto)+pääst(päästää)(+ö)+öjen", []compoundPart{{"ilmasto", ""}, {"päästö", "päästää"}}},
		{"+sijais+järjestel(järjestää)(+lä)+y(+y)", []compoundPart{{"sijais", ""}, {"järjestely", "järjestää"}}},
		{"+kuu(kuu)+kaus(kausi)+ittain", []compoundPart{{"kuu", ""}, {"kausi", ""}}},
		{"+2020", []compoundPart{{"2020", ""}}},
		{"", nil},
		{"garbage(", []compoundPart{{"garbage", ""}}},
		{"+a(", []compoundPart{{"a", ""}}},
		{"+(+x)", []compoundPart{{"+x", ""}}},
	} {
		if got := compoundParts(c.wordBases); !slices.Equal(got, c.want) {
			t.Errorf("compoundParts(%q)\n got %v\nwant %v", c.wordBases, got, c.want)
		}
	}
}

func TestVoikkoTermsFromAnalyses(t *testing.T) {
	for _, c := range []struct {
		word     string
		analyses []morAnalysis
		want     []string
		query    int
	}{
		{"kotihoidon", []morAnalysis{
			{"kotihoito", "+koti(koti)+hoito(hoito)"},
			{"kotihoito", "+koti(koti)+hoi(hoitaa)+to(+to)"},
		}, []string{"kotihoidon", "kotihoito", "koti", "hoito", "hoitaa"}, 2},
		{"kangasalan", []morAnalysis{
			{"kangasala", "+kangas(kangas)+ala(ala)"},
			{"Kangasala", "+Kangasala(Kangas=ala)"},
		}, []string{"kangasalan", "kangasala", "kangas", "ala"}, 2},
		{"alusta", []morAnalysis{
			{"alku", "+alku(alku)"}, {"alus", "+alus(alus)"}, {"alusta", "+alusta(alusta)"},
		}, []string{"alusta", "alku", "alus"}, 3},
		{"chatbotin", nil, []string{"chatbotin", "chatbot"}, 2}, // unknown to Voikko: Snowball
	} {
		got := voikkoTerms(c.word, c.analyses)
		if !slices.Equal(got.terms, c.want) || got.query != c.query {
			t.Errorf("%s: got %v (query %d), want %v (query %d)", c.word, got.terms, got.query, c.want, c.query)
		}
	}
}

// requireVoikko returns the Voikko analyser, or skips the test when
// libvoikko or its dictionary is missing, unless CI demands Voikko.
func requireVoikko(tb testing.TB) Analyzer {
	tb.Helper()
	a, err := NewVoikko()
	if err != nil {
		if os.Getenv("CI") != "" && os.Getenv("TEKOTORI_REQUIRE_VOIKKO") == "1" {
			tb.Fatalf("TEKOTORI_REQUIRE_VOIKKO=1 but: %v", err)
		}
		tb.Skipf("no Voikko here: %v", err)
	}
	tb.Cleanup(func() { a.Close() })
	return a
}

// shared returns the terms the two words have in common.
func shared(a Analyzer, lang, w1, w2 string) []string {
	var out []string
	t2 := a.Terms(lang, w2)
	for _, t := range a.Terms(lang, w1) {
		if slices.Contains(t2, t) {
			out = append(out, t)
		}
	}
	return out
}

func TestVoikko(t *testing.T) {
	a := requireVoikko(t)
	if !a.Voikko() || !strings.HasPrefix(a.Name(), "voikko ") || !strings.Contains(a.Name(), "/fi") {
		t.Errorf("Voikko() = %v, Name() = %q", a.Voikko(), a.Name())
	}
	t.Logf("analyser: %s", a.Name())

	for w, want := range map[string][]string{
		"työhyvinvointiryhmälle": {"työhyvinvointiryhmälle", "työhyvinvointiryhmä", "työ", "hyvinvointi", "ryhmä"},
		"hyvinvoinnin":           {"hyvinvoinnin", "hyvinvointi"},
		"kunnissa":               {"kunnissa", "kunta"},
		"kuntien":                {"kuntien", "kunta"},
		"Tampereella":            {"tampereella", "tampere"},
		"perehdyttämisen":        {"perehdyttämisen", "perehdyttää"},
		"perehdytys":             {"perehdytys", "perehdyttää"},
		"perehdytysprosesseja":   {"perehdytysprosesseja", "perehdytysprosessi", "perehdytys", "prosessi", "perehdyttää"},
		"2020":                   {"2020"},
		"ja":                     {"ja"},
	} {
		if got := a.Terms("fi", w); !slices.Equal(got, want) {
			t.Errorf("Terms(fi, %q) = %v, want %v", w, got, want)
		}
	}
	for _, c := range []struct{ w1, w2, term string }{
		{"työhyvinvointiryhmälle", "hyvinvoinnin", "hyvinvointi"},
		{"perehdyttämisen", "perehdytys", "perehdyttää"},
		{"perehdytysprosesseja", "perehdytys", "perehdytys"},
		{"perehdytysprosesseja", "perehdyttämisen", "perehdyttää"},
		{"kunnissa", "kuntien", "kunta"},
		{"Kangasalan", "kangasala", "kangasala"},
		{"ikäihmisille", "ihminen", "ihminen"},
		{"varhaiskasvatuksen", "kasvatus", "kasvatus"},
	} {
		if s := shared(a, "fi", c.w1, c.w2); !slices.Contains(s, c.term) {
			t.Errorf("%s and %s share %v, want %q among them", c.w1, c.w2, s, c.term)
		}
	}
	// Every term is folded, non-empty and unique.
	for _, w := range []string{"Kangasalan", "Varkauden", "sosiaali", "vapaaehtoistoiminta", "ilmastopäästöjen", "alusta", "EU"} {
		checkTerms(t, w, a.Terms("fi", w))
	}
	// Swedish and English go to Snowball in both analysers.
	checkSnowball(t, a)
}

// checkTerms checks the invariants of any Terms result.
func checkTerms(t *testing.T, word string, terms []string) {
	t.Helper()
	if len(terms) == 0 || terms[0] != Fold(word) {
		t.Errorf("%q: terms %v do not start with the folded word", word, terms)
	}
	for i, term := range terms {
		if term == "" || Fold(term) != term || slices.Index(terms, term) != i {
			t.Errorf("%q: bad term %q in %v", word, term, terms)
		}
	}
}

func checkSnowball(t *testing.T, a Analyzer) {
	t.Helper()
	for _, c := range []struct{ lang, w1, w2 string }{
		{"sv", "kommunerna", "kommunens"},
		{"sv", "Kommunen", "kommuner"},
		{"en", "municipalities", "municipality"},
		{"en", "Developing", "development"},
	} {
		if s := shared(a, c.lang, c.w1, c.w2); len(s) == 0 {
			t.Errorf("%s: %s %v and %s %v share no term", c.lang, c.w1, a.Terms(c.lang, c.w1), c.w2, a.Terms(c.lang, c.w2))
		}
	}
	if got := a.Terms("sv", "kommunerna"); len(got) != 2 || got[0] != "kommunerna" {
		t.Errorf("Terms(sv, kommunerna) = %v, want the word and its stem", got)
	}
}

func TestFallback(t *testing.T) {
	a := NewFallback()
	defer a.Close()
	if a.Voikko() || a.Name() == "" {
		t.Errorf("Voikko() = %v, Name() = %q", a.Voikko(), a.Name())
	}
	checkSnowball(t, a)

	// Compound heads meet their own inflected forms, which plain Snowball
	// does not give.
	for _, c := range []struct{ compound, head string }{
		{"työhyvinvointiryhmälle", "ryhmä"},
		{"kunnanvaltuuston", "valtuusto"},
		{"lastensuojelun", "suojelu"},
		{"hyvinvointialueen", "alue"},
		{"kehittämistekojen", "teko"},
	} {
		terms := a.Terms("fi", c.compound)
		checkTerms(t, c.compound, terms)
		if s := shared(a, "fi", c.compound, c.head); len(s) == 0 {
			t.Errorf("%s %v and %s %v share no term", c.compound, terms, c.head, a.Terms("fi", c.head))
		}
		if plain := snowballTerms(langFi, c.compound).terms; slices.Contains(plain, stem(langFi, c.head)) {
			t.Errorf("plain Snowball already gives %s the stem of %s: test proves nothing", c.compound, c.head)
		}
	}
	// Short words are not split.
	if got := a.Terms("fi", "kunnissa"); len(got) != 2 {
		t.Errorf("Terms(fi, kunnissa) = %v, want word and stem", got)
	}
}

func TestQueryTerms(t *testing.T) {
	analyzers := []Analyzer{NewFallback()}
	if a, err := NewVoikko(); err == nil {
		analyzers = append(analyzers, a)
	}
	for _, a := range analyzers {
		for _, w := range []string{"työhyvinvointiryhmälle", "Perehdytysprosesseja", "kunnissa", "toiminnanohjaus", "2020", "x", "alusta"} {
			for _, l := range []string{"fi", "sv", "en", "de"} {
				q, terms := a.QueryTerms(l, w), a.Terms(l, w)
				if len(q) == 0 || len(q) > len(terms) || !slices.Equal(q, terms[:len(q)]) || cap(q) != len(q) {
					t.Errorf("%s: QueryTerms(%s, %s) = %v is not a capped prefix of Terms %v", a.Name(), l, w, q, terms)
				}
			}
		}
		a.Close()
	}
	want := map[string][]string{
		"työhyvinvointiryhmälle": {"työhyvinvointiryhmälle", "työhyvinvointiryhm"},
		"toiminnanohjaus":        {"toiminnanohjaus"},
	}
	if a := analyzers[0]; !a.Voikko() {
		for w, want := range want {
			if got := a.QueryTerms("fi", w); !slices.Equal(got, want) {
				t.Errorf("fallback: QueryTerms(fi, %s) = %v, want %v", w, got, want)
			}
		}
	}
}

func TestVoikkoQueryTerms(t *testing.T) {
	a := requireVoikko(t)
	for w, want := range map[string][]string{
		"työhyvinvointiryhmälle": {"työhyvinvointiryhmälle", "työhyvinvointiryhmä"},
		"toiminnanohjaus":        {"toiminnanohjaus"},
		"perehdytys":             {"perehdytys"},
		"perehdyttämisen":        {"perehdyttämisen", "perehdyttää"},
		"alusta":                 {"alusta", "alku", "alus", "alunen", "alustaa"},
		"chatbotin":              {"chatbotin", "chatbot"},
	} {
		if got := a.QueryTerms("fi", w); !slices.Equal(got, want) {
			t.Errorf("QueryTerms(fi, %s) = %v, want %v", w, got, want)
		}
	}
}

func TestTermsEdgeCases(t *testing.T) {
	analyzers := []Analyzer{NewFallback()}
	if a, err := NewVoikko(); err == nil {
		analyzers = append(analyzers, a)
	}
	long := strings.Repeat("hyvinvointi", 6) // 66 bytes
	for _, a := range analyzers {
		for _, c := range []struct {
			lang, word string
			want       []string
		}{
			{"fi", "", nil},
			{"fi", "\xff", nil},
			{"fi", "2020", []string{"2020"}},
			{"sv", "١٢٣", []string{"١٢٣"}},
			{"fi", long, []string{long}},
			{"fi", strings.ToUpper(long), []string{long}},
			{"de", "Gemeinden", []string{"gemeinden"}},
			{"", "Kunta", []string{"kunta"}},
		} {
			if got := a.Terms(c.lang, c.word); !slices.Equal(got, c.want) {
				t.Errorf("%s: Terms(%q, %q) = %v, want %v", a.Name(), c.lang, c.word, got, c.want)
			}
		}
		for _, w := range []string{"Åbo", "Åland", "café", "EU", "x"} {
			for _, l := range []string{"fi", "sv", "en"} {
				checkTerms(t, w, a.Terms(l, w))
			}
		}
		a.Close()
	}
}

func TestNewLogs(t *testing.T) {
	var buf bytes.Buffer
	a := New(slog.New(slog.NewTextHandler(&buf, nil)))
	defer a.Close()
	out := buf.String()
	if !strings.Contains(out, "level=INFO") || !strings.Contains(out, a.Name()) {
		t.Errorf("New logged %q", out)
	}
	if !a.Voikko() && !strings.Contains(out, "reason=") {
		t.Errorf("fallback without a reason: %q", out)
	}
	t.Log(strings.TrimSpace(out))
	New(nil).Close() // a nil logger is allowed
}

func TestNewFallsBack(t *testing.T) {
	var buf bytes.Buffer
	a := newBest(slog.New(slog.NewTextHandler(&buf, nil)), func() (Analyzer, error) {
		return nil, errors.New("voikko: library not loaded")
	})
	defer a.Close()
	out := buf.String()
	if a.Voikko() || a.Name() != fallbackName {
		t.Errorf("got %s, Voikko() = %v", a.Name(), a.Voikko())
	}
	if !strings.Contains(out, "level=INFO") || !strings.Contains(out, `reason="voikko: library not loaded"`) {
		t.Errorf("New logged %q", out)
	}
}

func TestCacheBounded(t *testing.T) {
	c := newTermCache(640)
	for i := range 10_000 {
		c.put(cacheKey{langFi, fmt.Sprint("w", i)}, cacheEntry{[]string{"x"}, 1, 1})
	}
	if n := c.len(); n > 640 {
		t.Errorf("cache holds %d entries, cap 640", n)
	}
	c.put(cacheKey{langSv, "a"}, cacheEntry{[]string{"a", "b"}, 2, 2})
	if v, ok := c.get(cacheKey{langSv, "a"}); !ok || len(v.terms) != 2 {
		t.Errorf("get after put: %v %v", v, ok)
	}
	if _, ok := c.get(cacheKey{langFi, "a"}); ok {
		t.Error("languages share cache entries")
	}
	c.reset()
	if n := c.len(); n != 0 {
		t.Errorf("cache holds %d entries after reset", n)
	}
}

// TestForgetCache: an analyser answers the same after forgetting.
func TestForgetCache(t *testing.T) {
	a := NewFallback()
	before := slices.Clone(a.Terms("fi", "kunnissa"))
	a.ForgetCache()
	if after := a.Terms("fi", "kunnissa"); !slices.Equal(before, after) || len(after) == 0 {
		t.Errorf("terms %v, then %v", before, after)
	}
}

// TestConcurrent runs Terms from many goroutines (run it with -race) and
// checks they agree with a sequential run, with the cache cold and warm.
func TestConcurrent(t *testing.T) {
	words := demoWords(t, 3000)
	if len(words) == 0 {
		for _, w := range strings.Fields("työhyvinvointiryhmälle hyvinvoinnin kunnissa kuntien perehdyttämisen Kangasalan Varkauden") {
			words = append(words, demoWord{"fi", w})
		}
		words = append(words, demoWord{"sv", "kommunerna"}, demoWord{"en", "municipalities"})
	}
	analyzers := map[string]func() Analyzer{"fallback": NewFallback}
	if a, err := NewVoikko(); err == nil {
		a.Close()
		analyzers["voikko"] = func() Analyzer { a, _ := NewVoikko(); return a }
	}
	for name, mk := range analyzers {
		t.Run(name, func(t *testing.T) {
			ref := mk()
			want := make([][]string, len(words))
			for i, w := range words {
				want[i] = ref.Terms(w.lang, w.text)
			}
			ref.Close()

			a := mk()
			defer a.Close()
			workers := max(8, 2*runtime.GOMAXPROCS(0))
			var wg sync.WaitGroup
			for g := range workers {
				wg.Go(func() {
					for round := range 2 { // cold, then cached
						for k := range words {
							i := (k + g*len(words)/workers + round) % len(words)
							if got := a.Terms(words[i].lang, words[i].text); !slices.Equal(got, want[i]) {
								t.Errorf("goroutine %d: Terms(%q) = %v, want %v", g, words[i].text, got, want[i])
								return
							}
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

// TestVoikkoPool checks the pool opens no more handles than GOMAXPROCS,
// and that Close leaves Terms working without Voikko.
func TestVoikkoPool(t *testing.T) {
	a := requireVoikko(t).(*voikkoAnalyzer)
	var wg sync.WaitGroup
	for g := range 4 * a.pool.max {
		wg.Go(func() {
			for i := range 50 {
				a.Terms("fi", fmt.Sprintf("kunta%dtalo%d", g, i)) // uncached words
			}
		})
	}
	wg.Wait()
	a.pool.mu.Lock()
	open, limit := a.pool.open, a.pool.max
	a.pool.mu.Unlock()
	if open < 1 || open > limit || limit != min(64, runtime.GOMAXPROCS(0)) {
		t.Errorf("pool has %d handles open, limit %d, GOMAXPROCS %d", open, limit, runtime.GOMAXPROCS(0))
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	a.pool.mu.Lock()
	open = a.pool.open
	a.pool.mu.Unlock()
	if open != 0 {
		t.Errorf("%d handles open after Close", open)
	}
	if got := a.Terms("fi", "kuntalaisille"); len(got) == 0 || got[0] != "kuntalaisille" {
		t.Errorf("Terms after Close = %v", got)
	}
	if got := a.Terms("fi", "kunnissa"); !slices.Contains(got, "kunnissa") {
		t.Errorf("Terms after Close = %v", got)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "sosiaali- ja terveyspalvelut", "mestari-kisälli", "EU:n", "ab\xffcd\xc3", "👨‍👩‍👧", "a\u0308", "\u0308", "Åbo 2020"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		toks := Tokenize(text)
		prevEnd := 0
		for i, tok := range toks {
			if tok.Pos != i {
				t.Fatalf("token %d has Pos %d", i, tok.Pos)
			}
			if tok.Start < prevEnd || tok.Start >= tok.End || tok.End > len(text) {
				t.Fatalf("token %d at [%d,%d) after %d in %d bytes", i, tok.Start, tok.End, prevEnd, len(text))
			}
			if text[tok.Start:tok.End] != tok.Text {
				t.Fatalf("token %d: %q != text[%d:%d]", i, tok.Text, tok.Start, tok.End)
			}
			if !utf8.ValidString(tok.Text) {
				t.Fatalf("token %d %q is not valid UTF-8", i, tok.Text)
			}
			prevEnd = tok.End
		}
		for _, tok := range toks {
			if f := Fold(tok.Text); !utf8.ValidString(f) {
				t.Fatalf("Fold(%q) = %q", tok.Text, f)
			}
		}
	})
}

// demoWord is one token of the demo deeds, with its deed's language.
type demoWord struct{ lang, text string }

// demoWords reads internal/demo/deeds.jsonl and tokenizes every text in
// it, in order; at most limit words (0: all). Nil when the file is missing.
func demoWords(tb testing.TB, limit int) []demoWord {
	tb.Helper()
	data, err := os.ReadFile("../demo/deeds.jsonl")
	if err != nil {
		return nil
	}
	var words []demoWord
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var deed map[string]any
		if err := json.Unmarshal(sc.Bytes(), &deed); err != nil {
			tb.Fatalf("deeds.jsonl: %v", err)
		}
		lang, _ := deed["lang"].(string)
		var texts []string
		collectTexts(deed, &texts)
		for _, text := range texts {
			for _, tok := range Tokenize(text) {
				words = append(words, demoWord{lang, tok.Text})
				if limit > 0 && len(words) == limit {
					return words
				}
			}
		}
	}
	return words
}

func collectTexts(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		*out = append(*out, v)
	case []any:
		for _, e := range v {
			collectTexts(e, out)
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			collectTexts(v[k], out)
		}
	}
}

func BenchmarkTokenize(b *testing.B) {
	data, err := os.ReadFile("../demo/deeds.jsonl")
	if err != nil {
		b.Skip("no demo deeds")
	}
	text := string(data)
	b.SetBytes(int64(len(text)))
	n := 0
	for b.Loop() {
		n = len(Tokenize(text))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/word")
}

func BenchmarkVoikkoTerms(b *testing.B) {
	a := requireVoikko(b).(*voikkoAnalyzer)
	benchTerms(b, a, func(w demoWord) []string {
		l := parseLang(w.lang)
		f, terms, done := prepare(l, w.text)
		if done {
			return terms
		}
		if l != langFi {
			return snowballTerms(l, f).terms
		}
		as, err := a.analyze(f)
		if err != nil {
			b.Fatal(err)
		}
		return voikkoTerms(f, as).terms
	})
}

func BenchmarkFallbackTerms(b *testing.B) {
	a := NewFallback()
	benchTerms(b, a, func(w demoWord) []string {
		l := parseLang(w.lang)
		f, terms, done := prepare(l, w.text)
		if done {
			return terms
		}
		return fallbackTerms(l, f).terms
	})
}

// benchTerms measures an analyser over the demo deeds' words: cold (no
// cache: every distinct word analysed), cached (the running text, every
// word a cache hit), and cold from all CPUs at once.
func benchTerms(b *testing.B, a Analyzer, uncached func(demoWord) []string) {
	words := demoWords(b, 0)
	if len(words) == 0 {
		b.Skip("no demo deeds")
	}
	var distinct []demoWord
	seen := map[demoWord]bool{}
	for _, w := range words {
		k := demoWord{w.lang, Fold(w.text)}
		if !seen[k] {
			seen[k] = true
			distinct = append(distinct, w)
		}
	}
	b.Logf("%s: %d words, %d distinct", a.Name(), len(words), len(distinct))
	nsPerWord := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/word")
	}
	b.Run("cold", func(b *testing.B) {
		i := 0
		for b.Loop() {
			uncached(distinct[i%len(distinct)])
			i++
		}
		nsPerWord(b)
	})
	b.Run("cached", func(b *testing.B) {
		for _, w := range words {
			a.Terms(w.lang, w.text)
		}
		i := 0
		for b.Loop() {
			w := words[i%len(words)]
			a.Terms(w.lang, w.text)
			i++
		}
		nsPerWord(b)
	})
	b.Run("cold-parallel", func(b *testing.B) {
		start := time.Now()
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				uncached(distinct[int(next.Add(1)-1)%len(distinct)])
			}
		})
		b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N), "ns/word")
	})
}
