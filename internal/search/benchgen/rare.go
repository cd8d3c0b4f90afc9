package benchgen

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/analysis"
)

// Placeholders in the templates below: rareMark stands for a rare name,
// placeMark (plus an ending) for the deed's municipality.
const (
	rareMark  = "NIMI"
	placeMark = "PAIKKA"
)

// rareTemplates carry the invented project and place names that make
// rare queries possible: real banks are full of such names, each in a
// handful of deeds. A name always gets the same template of a language,
// so its phrase (Phrase) is known.
var rareTemplates = [numLangs][]string{
	langFi: {
		"NIMI-hanke käynnistyi kunnan ja paikallisten järjestöjen yhteistyönä.",
		"Toimintamallia kehitettiin osana NIMI-hanketta, jota rahoitti maakunnan liitto.",
		"NIMI-verkosto kokoaa alueen toimijat yhteen kerran kuukaudessa.",
		"Kokeilu tunnetaan paikallisesti nimellä NIMI, ja sama nimi jäi käyttöön.",
		"Ensimmäiset työpajat pidettiin NIMI-talolla keväällä.",
		"NIMI-mallin avulla asiakkaat ohjataan oikeaan palveluun aiempaa nopeammin.",
		"Tiedot kerättiin NIMI-kyselyllä, johon vastasi satoja kuntalaisia.",
	},
	langSv: {
		"Projektet NIMI startade som ett samarbete mellan kommunen och föreningarna.",
		"Modellen utvecklades inom NIMI-projektet med stöd från landskapsförbundet.",
		"Nätverket NIMI samlar aktörerna i regionen en gång i månaden.",
	},
	langEn: {
		"The NIMI project started as a joint effort of the municipality and local associations.",
		"The model was developed within the NIMI pilot with support from the regional council.",
		"The NIMI network brings local actors together once a month.",
	},
}

// titleEndings lengthen a short title the way real titles run on.
var titleEndings = [numLangs][]string{
	langFi: {
		"kunnan palveluissa", "– kokeilusta pysyväksi toimintamalliksi", "henkilöstön ja asukkaiden tueksi",
		"yhteistyössä järjestöjen kanssa", "osana kuntastrategiaa", "– uusi toimintamalli", "– NIMI-hanke",
		"PAIKKAssa", "– PAIKKA",
	},
	langSv: {
		"i kommunens tjänster", "– från försök till permanent verksamhet", "för personal och invånare",
		"i samarbete med föreningarna", "– NIMI-projektet", "i PAIKKA",
	},
	langEn: {
		"in municipal services", "– from pilot to permanent practice", "for staff and residents",
		"together with local associations", "– the NIMI project", "in PAIKKA",
	},
}

// syllables build the rare names: Finnish-sounding, but no word Voikko
// knows, so that each name is found only where it was written.
var syllables = []string{
	"ka", "ko", "ku", "ki", "ke", "la", "lo", "lu", "li", "le", "ma", "mo", "mu", "mi", "me",
	"na", "no", "nu", "ni", "ne", "pa", "po", "pu", "pi", "pe", "ra", "ro", "ru", "ri", "re",
	"sa", "so", "su", "si", "se", "ta", "to", "tu", "ti", "te", "va", "vo", "vi", "ve", "ha",
	"ho", "hu", "hi", "he", "ja", "jo", "ju", "kar", "tal", "lin", "mar", "sor", "vel", "han", "pel",
}

var nameEndings = []string{"la", "nen", "io", "ma", "ri"}

// rareName is the i-th invented name. Multiplying by a prime coprime to
// 60³ scatters neighbouring numbers over the syllables, and the ending
// shifts with each round, so names are distinct up to 5 × 60³.
func rareName(i int) string {
	const space = 60 * 60 * 60
	x := (i*104729 + 7) % space
	e := (x + i/space) % len(nameEndings)
	s := syllables[x%60] + syllables[x/60%60] + syllables[x/3600] + nameEndings[e]
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// rarePhrase is a quoted two-word phrase that stands in the Finnish
// template of name i: the name and the word after it (or before it).
func rarePhrase(c *corpus, i int) string {
	tpl := c.rareTpls[langFi][i%len(c.rareTpls[langFi])]
	name := analysis.Fold(rareName(i))
	for k, t := range tpl.toks {
		if !t.rare {
			continue
		}
		// The next word only when nothing but a hyphen or a space stands
		// between: "NIMI-hanketta", not "NIMI, ja".
		if next := k + 1; next < len(tpl.toks) && tpl.toks[next].word >= 0 && (tpl.toks[next].pre == "-" || tpl.toks[next].pre == " ") {
			return `"` + name + " " + analysis.Fold(c.words[tpl.toks[k+1].word]) + `"`
		}
		if k > 0 && tpl.toks[k-1].word >= 0 {
			return `"` + analysis.Fold(c.words[tpl.toks[k-1].word]) + " " + name + `"`
		}
	}
	return `"` + name + `"`
}

// rareTypo misspells name i by swapping two letters in its middle, the
// commonest typing slip.
func rareTypo(i int) string {
	r := []rune(strings.ToLower(rareName(i)))
	j := len(r) / 2
	if r[j] == r[j-1] {
		return string(append(r[:j:j], r[j+1:]...)) // a doubled letter: drop one
	}
	r[j], r[j-1] = r[j-1], r[j]
	return string(r)
}
