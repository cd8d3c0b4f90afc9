package analysis

import (
	"strings"
	"unicode/utf8"
)

// minQueryRoot is the shortest root a query word is also looked up by.
const minQueryRoot = 5

// morAnalysis is what the Voikko analyser reads from one of Voikko's
// analyses of a word.
type morAnalysis struct {
	BaseForm  string // BASEFORM: "työhyvinvointiryhmä"
	WordBases string // WORDBASES: "+työ(työ)+hyvinvointi(hyvin=vointi)+ryhmä(ryhmä)"
}

// voikkoTerms builds the terms of a folded Finnish word from its analyses:
// the word and every analysis's base form (the query terms), then every
// compound part's base form, and last the roots that derived parts come
// from (perehdytys ← perehdyttää, lähihoitaja ← hoitaa), so that a noun
// meets the verb it is made of. A word without analyses (a name, or a word
// Voikko does not know) gets its Snowball stem instead.
func voikkoTerms(folded string, as []morAnalysis) cacheEntry {
	if len(as) == 0 {
		return snowballTerms(langFi, folded)
	}
	t := termSet{folded}
	for _, a := range as {
		t.add(cleanTerm(a.BaseForm))
	}
	query := len(t)
	// A derived word that is not a compound is also looked up by its root,
	// so that a query for perehdytys meets perehdyttämisen (which Voikko
	// reads as a form of perehdyttää). A compound's roots are left out of
	// queries (kotihoito should not find every hoitaa), and so are short
	// roots (työllisyys should not find every työ).
	for _, a := range as {
		if parts := compoundParts(a.WordBases); len(parts) == 1 {
			if r := cleanTerm(parts[0].root); utf8.RuneCountInString(r) >= minQueryRoot {
				t.add(r)
			}
		}
	}
	queryRoots := len(t)
	var roots termSet
	for _, a := range as {
		for _, p := range compoundParts(a.WordBases) {
			t.add(cleanTerm(p.form))
			roots.add(cleanTerm(p.root))
		}
	}
	for _, r := range roots {
		t.add(r)
	}
	return cacheEntry{t, query, queryRoots}
}

// wbSegment is one "+surface(base)" of WORDBASES. A base starting with "+"
// marks a derivational suffix ("+ys(+ys)"); a segment with no base is a
// prefix ("+lähi", "+varhais") or a derivational infix ("+n" in
// "+toimi(toimia)+n+ta(+ta)").
type wbSegment struct {
	surface, base string
	hasBase       bool
}

func (s wbSegment) derivation() bool { return s.hasBase && strings.HasPrefix(s.base, "+") }

// parseWordBases splits WORDBASES into segments; it never fails, and
// malformed input yields what could be read.
func parseWordBases(s string) []wbSegment {
	var segs []wbSegment
	for s != "" {
		if s[0] == '+' {
			s = s[1:]
		}
		end := strings.IndexAny(s, "(+")
		if end < 0 {
			segs = append(segs, wbSegment{surface: s})
			break
		}
		seg := wbSegment{surface: s[:end]}
		s = s[end:]
		if s[0] == '(' {
			closing := strings.IndexByte(s, ')')
			if closing < 0 {
				closing = len(s)
			}
			seg.base, seg.hasBase = s[1:closing], true
			s = s[min(closing+1, len(s)):]
		}
		if seg.surface != "" || seg.hasBase {
			segs = append(segs, seg)
		}
	}
	return segs
}

// compoundPart is one word of a compound: form is its base form, root the
// base form of the word it is derived from ("" when it is not derived).
type compoundPart struct {
	form, root string
}

// compoundParts groups WORDBASES segments into compound parts and gives
// each part's base form (see partOf). A part is a segment with a base
// followed by its derivational suffixes, or a prefix ("+digi", "+esi").
// A segment with no base joins the part before it when a suffix follows it
// ("+toimi(toimia)+n+ta(+ta)") or when it ends the word (an ending, as in
// "+pääst(päästää)(+ö)+öjen" or "+kaus(kausi)+ittain").
func compoundParts(wordBases string) []compoundPart {
	segs := parseWordBases(wordBases)
	var parts []compoundPart
	for i := 0; i < len(segs); {
		j := i + 1 // segs[i:j] is one part
		for j < len(segs) && (segs[j].derivation() ||
			!segs[j].hasBase && (j+1 == len(segs) || segs[j+1].derivation())) {
			j++
		}
		parts = append(parts, partOf(segs[i:j]))
		i = j
	}
	return parts
}

// partOf gives the base form of one compound part. Voikko lists a derived
// word as its root followed by suffixes, as in
// "+perehdyt(perehdyttää)+ys(+ys)": the base form is the written stems up
// to the last suffix, then that suffix as written when it ends in the
// suffix's base form ("+arvioi(arvioida)+nti(+ti)": arviointi), else the
// base form ("+terve(terve)+yden(+ys)" in terveydenhuolto: terveys).
func partOf(segs []wbSegment) compoundPart {
	first := segs[0]
	root := first.surface
	if first.hasBase && first.base != "" {
		root = first.base
	}
	last := 0 // the last derivational suffix
	for k := len(segs) - 1; k > 0; k-- {
		if segs[k].derivation() {
			last = k
			break
		}
	}
	if last == 0 {
		return compoundPart{form: root}
	}
	var b strings.Builder
	for _, s := range segs[:last] {
		b.WriteString(s.surface)
	}
	suffix := segs[last]
	if base := suffix.base[1:]; suffix.surface == "" || !strings.HasSuffix(suffix.surface, base) {
		b.WriteString(base)
	} else {
		b.WriteString(suffix.surface)
	}
	return compoundPart{form: b.String(), root: root}
}
