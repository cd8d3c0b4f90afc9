// Package benchgen makes realistic deeds in bulk for search benchmarks: a
// deterministic generator that recombines the demo deeds' sentences into
// any number of new deeds, a bulk loader that writes them straight into
// the deeds tables of either engine, and query lists of known breadth.
package benchgen

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/analysis"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/finland"
)

// Config sets what a Generator makes.
type Config struct {
	N    int    // number of deeds
	Seed uint64 // the same seed and N give the same deeds
}

// Lengths in words (tokens as analysis.Tokenize counts them) of the
// generated fields. They are set longer than the demo deeds' so that the
// index holds about as much text per deed as a thorough real entry.
const (
	TitleMin, TitleMax     = 5, 12
	SummaryMin, SummaryMax = 20, 45
	BodyMin, BodyMax       = 40, 120
)

// Generator makes deeds. Deed i depends only on the seed, N and i, so the
// same deeds come out however they are consumed.
type Generator struct {
	cfg    Config
	c      *corpus
	munis  []finland.Municipality
	svLike []finland.Municipality // Swedish-speaking and bilingual
	rareN  int

	// Document frequencies, counted by Each.
	made   int
	df     []int32 // per folded corpus word
	stamp  []int32 // deed number (+1) that last counted a folded word
	rareDF []int32
	rstamp []int32
}

// New loads the corpus and the municipality registry.
func New(cfg Config) (*Generator, error) {
	if cfg.N < 0 {
		return nil, fmt.Errorf("benchgen: negative N")
	}
	reg, err := finland.Load()
	if err != nil {
		return nil, err
	}
	c, err := loadCorpus(reg)
	if err != nil {
		return nil, err
	}
	g := &Generator{cfg: cfg, c: c, munis: reg.Municipalities()}
	for _, m := range g.munis {
		if m.Language != finland.LangFinnish {
			g.svLike = append(g.svLike, m)
		}
	}
	// About four deeds per rare name at any size: rare names stay below
	// 0.1 % of deeds from a few thousand deeds up.
	g.rareN = max(200, cfg.N/4)
	return g, nil
}

// Each makes the deeds in order and passes each to fn, counting word
// frequencies for Candidates on the way. The record is reused: fn must not
// keep it.
func (g *Generator) Each(ctx context.Context, fn func(rec *deed.Record) error) error {
	g.made = 0
	g.df = make([]int32, len(g.c.foldedWords))
	g.stamp = make([]int32, len(g.c.foldedWords))
	g.rareDF = make([]int32, g.rareN)
	g.rstamp = make([]int32, g.rareN)
	var rec deed.Record
	for i := range g.cfg.N {
		if i%1000 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		g.fill(i, &rec, true)
		if err := fn(&rec); err != nil {
			return err
		}
		g.made++
	}
	return nil
}

// Deed makes deed i (from 0) without counting it.
func (g *Generator) Deed(i int) deed.Record {
	var rec deed.Record
	g.fill(i, &rec, false)
	return rec
}

// WriteJSONL writes the deeds as JSON Lines the importer reads.
func (g *Generator) WriteJSONL(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256*1024)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := g.Each(ctx, func(rec *deed.Record) error { return enc.Encode(rec) }); err != nil {
		return err
	}
	return bw.Flush()
}

// Statuses and their shares: most deeds in the bank are done or under way.
var statuses = []struct {
	s string
	w int
}{{"planned", 8}, {"in_progress", 30}, {"done", 50}, {"ended", 12}}

var sectors = []struct {
	s string
	w int
}{{"sote", 24}, {"opetus", 20}, {"tekniset", 10}, {"elinkeino", 8}, {"kulttuuri", 10}, {"ruoka", 6}, {"hallinto", 14}, {"koko", 8}}

// Theme and client group slugs, as taxonomy's defaults have them.
var (
	themes = []string{"tyohyvinvointi", "johtaminen", "osaaminen", "digitalisaatio", "asiakaslahtoisyys", "osallisuus",
		"tuloksellisuus", "tyon-organisointi", "perehdytys", "yhteistyo", "hyvinvoinnin-edistaminen", "kestava-kehitys",
		"viestinta", "kokeilukulttuuri"}
	clientGroups = []string{"lapset-perheet", "nuoret", "tyoikaiset", "ikaantyneet", "vammaiset", "maahanmuuttajat",
		"tyonhakijat", "yritykset", "henkilosto", "asukkaat", "jarjestot"}
)

var (
	firstNames = []string{"Aino", "Anna", "Elina", "Hanna", "Heidi", "Johanna", "Katja", "Laura", "Maria", "Minna", "Outi",
		"Riikka", "Sanna", "Tiina", "Ulla", "Antti", "Eero", "Heikki", "Janne", "Juha", "Kari", "Markku", "Mikko", "Pekka",
		"Sami", "Timo", "Tuomas", "Ville", "Anders", "Karin", "Erik", "Sofia"}
	lastNames = []string{"Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
		"Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen",
		"Salonen", "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila", "Savolainen",
		"Lahtinen", "Ahonen", "Holmström", "Lindqvist"}
)

// pickWeighted picks by weight.
func pickWeighted(r *rand.Rand, items []struct {
	s string
	w int
}) string {
	total := 0
	for _, it := range items {
		total += it.w
	}
	n := r.IntN(total)
	for _, it := range items {
		if n < it.w {
			return it.s
		}
		n -= it.w
	}
	return items[len(items)-1].s
}

// pickSome picks between lo and hi distinct values of vals.
func pickSome(r *rand.Rand, vals []string, lo, hi int) []string {
	n := lo + r.IntN(hi-lo+1)
	idx := r.Perm(len(vals))[:n]
	out := make([]string, n)
	for i, j := range idx {
		out[i] = vals[j]
	}
	return out
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// fill fills rec with deed i.
func (g *Generator) fill(i int, rec *deed.Record, count bool) {
	r := rand.New(rand.NewPCG(g.cfg.Seed, uint64(i)))
	// About 85 % Finnish, 10 % Swedish, 5 % English; Swedish deeds come
	// mostly from Swedish-speaking and bilingual municipalities.
	lang := langFi
	switch x := r.IntN(100); {
	case x < 10:
		lang = langSv
	case x < 15:
		lang = langEn
	}
	m := g.munis[r.IntN(len(g.munis))]
	if lang == langSv && r.IntN(10) < 8 {
		m = g.svLike[r.IntN(len(g.svLike))]
	}
	w := &writer{g: g, r: r, lang: lang, deed: i, count: count}
	w.setPlace(m)
	// One or two rare names, each woven into a body field.
	for range 1 + r.IntN(2) {
		w.rare = append(w.rare, rareSlot{name: r.IntN(g.rareN), field: fNeed + r.IntN(numFields-fNeed)})
	}

	year := 2015 + r.IntN(11)
	published := time.Date(year, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(540*24*60)) * time.Minute)
	if limit := time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC); published.After(limit) {
		published = limit.Add(-time.Duration(r.IntN(300*24)) * time.Hour)
	}
	first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]

	*rec = deed.Record{
		Ref:          fmt.Sprintf("BENCH-%d", i+1),
		Lang:         langCodes[lang],
		Organisation: jsonString(m.NameFI),
		Municipality: jsonString(m.Code),
		Sector:       pickWeighted(r, sectors),
		Themes:       pickSome(r, themes, 1, 3),
		ClientGroups: pickSome(r, clientGroups, 0, 3),
		Status:       pickWeighted(r, statuses),
		Year:         year,
		Contact: &deed.Contact{Name: first + " " + last, Title: g.c.jobs[lang][r.IntN(len(g.c.jobs[lang]))],
			Email: asciiLower(first) + "." + asciiLower(last) + "@example.org", Public: r.IntN(3) > 0},
		PublishedAt: &published,
	}
	rec.Title = w.title()
	rec.Summary = w.field(fSummary, SummaryMin, SummaryMax, deed.MaxSummary)
	rec.Need = w.field(fNeed, BodyMin, BodyMax, 0)
	rec.Solution = w.field(fSolution, BodyMin, BodyMax, 0)
	rec.Results = w.field(fResults, BodyMin, BodyMax, 0)
	rec.Lessons = w.field(fLessons, BodyMin, BodyMax, 0)
	rec.Adoption = w.field(fAdoption, BodyMin, BodyMax, 0)
	rec.Partners = strings.Join(pickSome(r, g.c.partners[lang], 1, min(4, len(g.c.partners[lang]))), ", ")
	rec.Funding = g.c.funding[lang][r.IntN(len(g.c.funding[lang]))]
}

var toASCII = strings.NewReplacer("ä", "a", "ö", "o", "å", "a")

// asciiLower makes a name fit for an e-mail address.
func asciiLower(s string) string { return toASCII.Replace(strings.ToLower(s)) }

type rareSlot struct {
	name, field int
	used        bool
}

// writer writes the text of one deed.
type writer struct {
	g     *Generator
	r     *rand.Rand
	lang  int
	deed  int
	count bool
	buf   []byte

	place      string // the deed's municipality in its language
	placeWords int
	placeFront bool // the name takes front-vowel endings (ä, ö, y)
	placeVowel bool // the name ends in a vowel, so endings attach plainly
	rare       []rareSlot
	rareName   int // the rare name a template being written stands for
	heads      *rand.Zipf

	words, runes int // of the field being written
}

func (w *writer) setPlace(m finland.Municipality) {
	w.place = m.Name(langCodes[w.lang])
	if w.place == "" {
		w.place = m.NameFI
	}
	w.placeWords = len(analysis.Tokenize(w.place))
	last := strings.ToLower(w.place[strings.LastIndexAny(w.place, " -")+1:])
	w.placeFront = !strings.ContainsAny(last, "aou")
	r, _ := utf8.DecodeLastRuneInString(last)
	w.placeVowel = strings.ContainsRune("aeiouyäö", r)
}

// placeForm is the deed's municipality with the ending the corpus's name
// had, in the vowel harmony of the new name. Names ending in a consonant
// inflect with stem changes (Varkaus, Varkauden); they are left bare.
func (w *writer) placeForm(suffix string) string {
	if suffix == "" {
		return w.place
	}
	if w.lang != langFi {
		if strings.HasSuffix(w.place, "s") && suffix == "s" {
			return w.place
		}
		return w.place + suffix
	}
	if !w.placeVowel {
		return w.place
	}
	back, front := []rune("aou"), []rune("äöy")
	from, to := front, back
	if w.placeFront {
		from, to = back, front
	}
	s := []rune(suffix)
	for i, c := range s {
		if j := slices.Index(from, c); j >= 0 {
			s[i] = to[j]
		}
	}
	return w.place + string(s)
}

// title writes a title of TitleMin–TitleMax words: a corpus title, made
// longer with a typical title ending when it falls short.
func (w *writer) title() string {
	target := w.target(TitleMin, TitleMax)
	w.rareName = w.rare[0].name
	for range 5 {
		w.start()
		w.sentence(w.pick(w.g.c.sents[w.lang][fTitle]), TitleMax, deed.MaxTitle, false, TitleMax)
		for w.words < target {
			ext := w.g.c.titleEnds[w.lang]
			before := w.words
			w.sentence(ext[w.r.IntN(len(ext))], TitleMax, deed.MaxTitle, false, TitleMin)
			if w.words == before {
				break // the character limit is reached
			}
		}
		if w.words >= TitleMin {
			break
		}
	}
	return string(w.buf)
}

// field writes a summary or body field of lo–hi words (and at most
// maxRunes characters when that is set) from the corpus sentences of the
// field, now and then from any body field of the language, with the deed's
// rare names woven in.
func (w *writer) field(f, lo, hi, maxRunes int) string {
	target := w.target(lo, hi)
	for range 5 {
		w.start()
		for w.words < target {
			s := w.pick(w.g.c.sents[w.lang][f])
			if f >= fNeed && w.r.IntN(10) < 3 {
				s = w.pick(w.g.c.body[w.lang])
			}
			for k := range w.rare {
				if sl := &w.rare[k]; sl.field == f && !sl.used && (w.words > 0 || w.r.IntN(2) == 0) {
					sl.used = true
					tpls := w.g.c.rareTpls[w.lang]
					s = tpls[sl.name%len(tpls)]
					w.rareName = sl.name
					break
				}
			}
			before := w.words
			w.sentence(s, hi, maxRunes, true, lo)
			if w.words == before {
				break // the character limit is reached
			}
		}
		if w.words >= lo {
			break
		}
	}
	return string(w.buf)
}

func (w *writer) target(lo, hi int) int {
	// The mean of two uniform draws: lengths bunch in the middle of the
	// range, as real texts do.
	return lo + (w.r.IntN(hi-lo+1)+w.r.IntN(hi-lo+1))/2
}

func (w *writer) start() {
	w.buf = w.buf[:0]
	w.words, w.runes = 0, 0
}

func (w *writer) pick(ss []sentence) sentence { return ss[w.r.IntN(len(ss))] }

// compoundHeads are first parts Finnish municipal prose puts before nouns
// ("henkilöstö" + "koulutuksen"), the usual ones first: heads are drawn
// with a Zipf law, so a few compounds are common and most are rare, the
// long tail of a real bank's vocabulary. nounStems are the beginnings of
// the corpus's nouns that take a head.
var (
	compoundHeads = []string{"palvelu", "henkilöstö", "asiakas", "työ", "kunta", "hyvinvointi", "kehittämis", "perhe",
		"koulu", "digi", "yhteistyö", "asukas", "kaupunki", "nuoriso", "laatu", "talous", "ympäristö", "liikunta",
		"kulttuuri", "sosiaali", "terveys", "ruoka", "energia", "kiinteistö", "tieto", "verkko", "johto", "esihenkilö",
		"osaamis", "koulutus", "rekrytointi", "viestintä", "hankinta", "yritys", "järjestö", "lähi", "etä", "kirjasto",
		"vanhus", "lapsi", "oppilas", "opiskelija", "vapaaehtois", "seuranta", "arviointi", "kokeilu", "ennakointi",
		"työllisyys", "elinvoima", "kestävyys", "ilmasto", "vesi", "katu", "liikenne", "tila", "rakennus", "huolto",
		"siivous", "kotihoito", "omaishoito", "mielenterveys", "päihde", "neuvola", "varhaiskasvatus", "perusopetus",
		"nuori", "maahanmuutto", "kotoutumis", "kieli", "some", "data", "tekoäly", "robotti", "mobiili", "sähkö",
		"budjetti", "strategia", "hanke", "kumppanuus", "alue", "kylä", "saaristo", "maaseutu"}
	nounStems = []string{"palvelu", "toimin", "malli", "ryhm", "koulutu", "kokeilu", "suunnitelm", "verkosto", "prosessi",
		"tiimi", "hank", "ohjelm", "järjestelm", "asiak", "tuki", "tue", "ohjau", "neuvont", "kysely", "työpaj", "käytän",
		"koordinaattor", "yhteisty", "kehittämi", "arvioin", "mittar", "toimenpite", "tapaami", "valmennu", "opas", "oppa",
		"seuran", "kustannu", "tavoit", "tulos", "tulokse", "palaut", "aloit", "idea", "ratkaisu", "alusta", "sovellu",
		"työntekij", "ohjaaj", "henkilö", "kumppan", "yksikö", "yksikk", "tilo", "tila", "kokemu", "kokou", "päätö",
		"suunnittelu", "selvity", "kartoitu", "koulutukse", "perehdyty", "rekrytoin", "viestin", "kampanj", "tapahtum",
		"pilot", "vastuu", "resurss", "budjet", "rahoitu", "investoin", "laitte", "kalust", "hankin", "sopimu", "säästö",
		"päivä", "viiko", "kuukau", "kerto", "ajanvarau", "chat", "puheli", "verkkosivu", "lomak", "materiaal"}
)

func nounLike(w string) bool {
	for _, s := range nounStems {
		if strings.HasPrefix(w, s) {
			return true
		}
	}
	return false
}

// compoundHead picks a head, now and then two ("henkilöstö" + "palvelu").
func (w *writer) compoundHead(buf []byte) []byte {
	if w.heads == nil {
		w.heads = rand.NewZipf(w.r, 1.1, 2, uint64(len(compoundHeads)-1))
	}
	buf = append(buf, compoundHeads[w.heads.Uint64()]...)
	if w.r.IntN(6) == 0 {
		buf = append(buf, compoundHeads[w.heads.Uint64()]...)
	}
	return buf
}

// sentence writes s, varied: about one substitutable word in five is
// swapped for another with the same ending, and a third of the nouns get
// a compound head. It stops at maxWords words, or before maxRunes characters. A cut
// sentence ends with a full stop when stop is set; one cut after fewer
// than minCut words is taken back whole, as long as the field keeps at
// least keep words, so that texts do not end in a stray fragment.
func (w *writer) sentence(s sentence, maxWords, maxRunes int, stop bool, keep int) {
	c := w.g.c
	mark, markWords, markRunes := len(w.buf), w.words, w.runes
	var counted []int32
	rare := -1
	written := 0
	var word []byte
	for _, t := range s.toks {
		word = word[:0]
		n, runes := 1, 0
		fid := int32(-1)
		switch {
		case t.place:
			word = append(word, w.placeForm(t.suffix)...)
			n, runes = w.placeWords, utf8.RuneCount(word)
		case t.rare:
			word = append(word, rareName(w.rareName)...)
			runes = utf8.RuneCount(word)
		default:
			id := t.word
			if alts := c.alts[id]; alts != nil && w.r.IntN(5) == 0 {
				id = alts[w.r.IntN(len(alts))]
			}
			if w.lang == langFi && c.noun[id] && w.r.IntN(3) == 0 {
				word = w.compoundHead(word)
				runes = utf8.RuneCount(word)
			} else {
				fid = c.folded[id]
			}
			word = append(word, c.words[id]...)
			runes += int(c.wordRunes[id])
		}
		pre, preRunes := t.pre, t.preRunes
		if w.words == 0 {
			pre = strings.TrimLeft(pre, " ")
			preRunes = utf8.RuneCountInString(pre)
		} else if written == 0 && !strings.HasPrefix(pre, " ") {
			pre, preRunes = " "+pre, preRunes+1 // between sentences
		}
		add := preRunes + runes
		if w.words+n > maxWords || maxRunes > 0 && w.runes+add+1 > maxRunes {
			if written > 0 && written < minCut && markWords >= keep {
				w.buf, w.words, w.runes = w.buf[:mark], markWords, markRunes
				return
			}
			if stop && written > 0 {
				w.buf = append(w.buf, '.')
				w.runes++
			}
			w.countAll(counted, rare)
			return
		}
		if t.rare {
			rare = w.rareName
		}
		if fid >= 0 {
			counted = append(counted, fid)
		}
		w.buf = append(w.buf, pre...)
		w.buf = append(w.buf, word...)
		w.words += n
		w.runes += add
		written++
	}
	w.countAll(counted, rare)
	if maxRunes > 0 && w.runes+s.tailRunes > maxRunes {
		return
	}
	w.buf = append(w.buf, s.tail...)
	w.runes += s.tailRunes
}

// minCut is the fewest words a cut sentence keeps.
const minCut = 4

// countAll records the words a sentence wrote in the frequencies.
func (w *writer) countAll(folded []int32, rare int) {
	if !w.count {
		return
	}
	for _, f := range folded {
		w.g.countWord(w.deed, f)
	}
	if rare >= 0 {
		w.g.countRare(w.deed, rare)
	}
}

func (g *Generator) countWord(deedNo int, fid int32) {
	if g.stamp[fid] != int32(deedNo+1) {
		g.stamp[fid] = int32(deedNo + 1)
		g.df[fid]++
	}
}

func (g *Generator) countRare(deedNo, name int) {
	if g.rstamp[name] != int32(deedNo+1) {
		g.rstamp[name] = int32(deedNo + 1)
		g.rareDF[name]++
	}
}
