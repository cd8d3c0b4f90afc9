// Package finland is Tekotori's own registry of Finland's municipalities,
// regions (maakunnat) and wellbeing services counties (hyvinvointialueet),
// as classified on 1 January 2025.
//
// The registry is kept in the project, as embedded tab-separated files under
// data/, rather than fetched at run time: public-sector sites must render
// municipality and county names offline, deterministically and in the same
// form in every deployment, and a classification only changes once a year,
// when the files are reviewed and updated by hand. The facts come from
// Statistics Finland under CC BY 4.0, which is why every data file and every
// page that shows them carries Credit.
//
// The county level is not uniform, and callers must not assume it is: the
// City of Helsinki (county code 90) organises health, social and rescue
// services itself, so it is treated as a county of its own, and Åland
// (county code 91) is autonomous and has no wellbeing services county at
// all, so its County has Wellbeing set to false.
package finland

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// Credit must be shown wherever registry data is published: the CC BY 4.0
// licence of the source requires attribution.
const Credit = "Lähde: Tilastokeskus / Source: Statistics Finland (CC BY 4.0)"

// Language statuses of a municipality. The order of the bilingual codes
// matters: the majority language comes first, and it decides which name
// an English-speaking reader is shown.
const (
	LangFinnish          = "fi"
	LangSwedish          = "sv"
	LangFinnishBilingual = "fi+sv" // bilingual, Finnish majority
	LangSwedishBilingual = "sv+fi" // bilingual, Swedish majority
)

// dataFS holds the registry files; they are compiled in so that Load cannot
// fail because of the deployment's file system.
//
//go:embed data/regions.tsv data/counties.tsv data/municipalities.tsv
var dataFS embed.FS

// Region is a maakunta (landskap). Regions are the level at which regional
// development and planning are organised, and the usual grouping for
// statistics and for choosing a municipality from a long list.
type Region struct {
	Code   string // two digits, e.g. "01"; codes 03 and 20 are historical and unused
	NameFI string
	NameSV string
	NameEN string
}

// County is a wellbeing services county (hyvinvointialue), or one of the two
// areas that stand in its place: the City of Helsinki (90) and Åland (91).
// Keeping them in one type lets every municipality have a county code, which
// is what services that route citizens to health, social and rescue services
// need.
type County struct {
	Code   string // two digits: "01"–"21", "90" Helsinki, "91" Åland
	NameFI string
	NameSV string
	NameEN string
	// Wellbeing tells whether the area organises health, social and rescue
	// services under the mainland reform. It is true for Helsinki, which does
	// so itself, and false for Åland, where the autonomous province does.
	Wellbeing bool
}

// Municipality is a kunta (kommun), the unit Finnish public services are
// addressed to.
type Municipality struct {
	Code       string // three digits, e.g. "091"
	NameFI     string
	NameSV     string
	RegionCode string
	CountyCode string
	// Language is the municipality's official language status: "fi", "sv",
	// "fi+sv" or "sv+fi". It is part of the record because it decides
	// which name is the municipality's own and which languages its residents
	// have a right to be served in.
	Language string
}

// Registry is an immutable, validated view of the embedded data. It is
// built by Load rather than kept in package variables so that nothing can
// change it behind a caller's back and tests can load their own copy.
type Registry struct {
	regions        []Region
	counties       []County
	municipalities []Municipality

	regionIdx       map[string]int
	countyIdx       map[string]int
	municipalityIdx map[string]int
	// byName maps lower-cased Finnish and Swedish names to a municipality
	// code; Load refuses data in which two municipalities share a name, so
	// that a name always finds exactly one municipality.
	byName map[string]string
}

// Load parses and cross-checks the embedded data. It is cheap but not free;
// load the registry once at start-up and share the result, which is safe
// for concurrent use.
func Load() (*Registry, error) {
	sub, err := fs.Sub(dataFS, "data")
	if err != nil {
		return nil, fmt.Errorf("finland: open embedded data: %w", err)
	}
	return loadFS(sub)
}

// loadFS does the work of Load on any file system, so that tests can feed
// it broken data and see that it is refused.
func loadFS(fsys fs.FS) (*Registry, error) {
	r := &Registry{
		regionIdx:       make(map[string]int),
		countyIdx:       make(map[string]int),
		municipalityIdx: make(map[string]int),
		byName:          make(map[string]string),
	}

	err := readTable(fsys, "regions.tsv", []string{"code", "name_fi", "name_sv", "name_en"}, func(f []string) error {
		if !isDigits(f[0], 2) {
			return fmt.Errorf("region code %q is not two digits", f[0])
		}
		if _, dup := r.regionIdx[f[0]]; dup {
			return fmt.Errorf("duplicate region code %s", f[0])
		}
		r.regionIdx[f[0]] = len(r.regions)
		r.regions = append(r.regions, Region{Code: f[0], NameFI: f[1], NameSV: f[2], NameEN: f[3]})
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = readTable(fsys, "counties.tsv", []string{"code", "name_fi", "name_sv", "name_en", "wellbeing"}, func(f []string) error {
		if !isDigits(f[0], 2) {
			return fmt.Errorf("county code %q is not two digits", f[0])
		}
		if _, dup := r.countyIdx[f[0]]; dup {
			return fmt.Errorf("duplicate county code %s", f[0])
		}
		var wellbeing bool
		switch f[4] {
		case "1":
			wellbeing = true
		case "0":
		default:
			return fmt.Errorf("county %s: wellbeing %q is not 0 or 1", f[0], f[4])
		}
		r.countyIdx[f[0]] = len(r.counties)
		r.counties = append(r.counties, County{Code: f[0], NameFI: f[1], NameSV: f[2], NameEN: f[3], Wellbeing: wellbeing})
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = readTable(fsys, "municipalities.tsv", []string{"code", "name_fi", "name_sv", "region_code", "county_code", "language"}, func(f []string) error {
		m := Municipality{Code: f[0], NameFI: f[1], NameSV: f[2], RegionCode: f[3], CountyCode: f[4], Language: f[5]}
		if !isDigits(m.Code, 3) {
			return fmt.Errorf("municipality code %q is not three digits", m.Code)
		}
		if _, dup := r.municipalityIdx[m.Code]; dup {
			return fmt.Errorf("duplicate municipality code %s", m.Code)
		}
		if _, ok := r.regionIdx[m.RegionCode]; !ok {
			return fmt.Errorf("municipality %s: unknown region %q", m.Code, m.RegionCode)
		}
		if _, ok := r.countyIdx[m.CountyCode]; !ok {
			return fmt.Errorf("municipality %s: unknown county %q", m.Code, m.CountyCode)
		}
		switch m.Language {
		case LangFinnish, LangSwedish, LangFinnishBilingual, LangSwedishBilingual:
		default:
			return fmt.Errorf("municipality %s: unknown language status %q", m.Code, m.Language)
		}
		for _, name := range []string{m.NameFI, m.NameSV} {
			key := nameKey(name)
			if other, taken := r.byName[key]; taken && other != m.Code {
				return fmt.Errorf("municipality %s: name %q is also used by %s", m.Code, name, other)
			}
			r.byName[key] = m.Code
		}
		r.municipalityIdx[m.Code] = len(r.municipalities)
		r.municipalities = append(r.municipalities, m)
		return nil
	})
	if err != nil {
		return nil, err
	}

	// The files are kept in code order, but the API promises sorted output,
	// so the order is checked here rather than trusted.
	if !slices.IsSortedFunc(r.regions, func(a, b Region) int { return strings.Compare(a.Code, b.Code) }) {
		return nil, errors.New("finland: regions.tsv is not sorted by code")
	}
	if !slices.IsSortedFunc(r.counties, func(a, b County) int { return strings.Compare(a.Code, b.Code) }) {
		return nil, errors.New("finland: counties.tsv is not sorted by code")
	}
	if !slices.IsSortedFunc(r.municipalities, func(a, b Municipality) int { return strings.Compare(a.Code, b.Code) }) {
		return nil, errors.New("finland: municipalities.tsv is not sorted by code")
	}
	return r, nil
}

// readTable reads one data file, checks its header against want, and
// hands each data row to row. Comment lines (starting with "#") carry the
// source credit and are skipped. Every error names the file and line, since
// the files are edited by hand.
func readTable(fsys fs.FS, name string, want []string, row func(fields []string) error) error {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("finland: read %s: %w", name, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	lineNo := 0
	headerSeen := false
	for sc.Scan() {
		lineNo++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if !headerSeen {
			if !slices.Equal(fields, want) {
				return fmt.Errorf("finland: %s line %d: header %q, want %q", name, lineNo, fields, want)
			}
			headerSeen = true
			continue
		}
		if len(fields) != len(want) {
			return fmt.Errorf("finland: %s line %d: %d fields, want %d", name, lineNo, len(fields), len(want))
		}
		for i, f := range fields {
			if f == "" || strings.TrimSpace(f) != f {
				return fmt.Errorf("finland: %s line %d: field %s is empty or padded: %q", name, lineNo, want[i], f)
			}
		}
		if err := row(fields); err != nil {
			return fmt.Errorf("finland: %s line %d: %w", name, lineNo, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("finland: scan %s: %w", name, err)
	}
	if !headerSeen {
		return fmt.Errorf("finland: %s: no header line", name)
	}
	return nil
}

// Regions returns all regions sorted by code. The slice is a copy, so
// callers may sort or filter it freely.
func (r *Registry) Regions() []Region { return slices.Clone(r.regions) }

// Counties returns the 21 wellbeing services counties, Helsinki (90) and
// Åland (91), sorted by code. Callers that mean only the counties created by
// the reform filter on Code rather than on Wellbeing, because Helsinki has
// Wellbeing set. The slice is a copy.
func (r *Registry) Counties() []County { return slices.Clone(r.counties) }

// Municipalities returns all municipalities sorted by code. The slice is a
// copy.
func (r *Registry) Municipalities() []Municipality { return slices.Clone(r.municipalities) }

// Municipality looks up a municipality by its exact three-digit code, for
// codes that come from other systems and must match exactly. Use
// FindMunicipality for user input.
func (r *Registry) Municipality(code string) (Municipality, bool) {
	i, ok := r.municipalityIdx[code]
	if !ok {
		return Municipality{}, false
	}
	return r.municipalities[i], true
}

// Region looks up a region by its exact two-digit code.
func (r *Registry) Region(code string) (Region, bool) {
	i, ok := r.regionIdx[code]
	if !ok {
		return Region{}, false
	}
	return r.regions[i], true
}

// County looks up a county by its exact two-digit code, including "90"
// (Helsinki) and "91" (Åland).
func (r *Registry) County(code string) (County, bool) {
	i, ok := r.countyIdx[code]
	if !ok {
		return County{}, false
	}
	return r.counties[i], true
}

// FindMunicipality resolves what people and spreadsheets actually write: a
// code with its leading zeros lost ("91" for Helsinki, "5" for Alajärvi), or
// the name in either national language in any letter case ("helsingfors",
// "ÅBO"). Surrounding white space is ignored. Names are compared after
// simple lower-casing only; input in a decomposed Unicode form does not
// match.
func (r *Registry) FindMunicipality(s string) (Municipality, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Municipality{}, false
	}
	if isDigits(s, len(s)) {
		if len(s) > 3 {
			return Municipality{}, false
		}
		return r.Municipality(strings.Repeat("0", 3-len(s)) + s)
	}
	code, ok := r.byName[nameKey(s)]
	if !ok {
		return Municipality{}, false
	}
	return r.Municipality(code)
}

// Name returns the municipality's name for a reader of lang. Place names are
// not translated into English, so an English reader gets the name of the
// municipality's majority language: the Swedish name for Swedish-speaking
// and Swedish-majority bilingual municipalities (Mariehamn, Jakobstad), the
// Finnish name otherwise. Any language other than Swedish and English gets
// the Finnish name. lang may be a tag such as "sv-FI"; only its primary
// subtag counts.
func (m Municipality) Name(lang string) string {
	switch primaryLang(lang) {
	case "sv":
		return m.NameSV
	case "en":
		if m.Language == LangSwedish || m.Language == LangSwedishBilingual {
			return m.NameSV
		}
		return m.NameFI
	default:
		return m.NameFI
	}
}

// Name returns the region's name for a reader of lang: Swedish for "sv",
// the official English name for "en", Finnish otherwise.
func (r Region) Name(lang string) string {
	return pick(lang, r.NameFI, r.NameSV, r.NameEN)
}

// Name returns the county's name for a reader of lang: Swedish for "sv",
// the official English name for "en", Finnish otherwise.
func (c County) Name(lang string) string {
	return pick(lang, c.NameFI, c.NameSV, c.NameEN)
}

func pick(lang, fi, sv, en string) string {
	switch primaryLang(lang) {
	case "sv":
		return sv
	case "en":
		return en
	default:
		return fi
	}
}

// primaryLang reduces a language tag to its lower-cased primary subtag, so
// that values straight from Accept-Language or a locale ("sv-FI", "en_GB")
// choose the intended name.
func primaryLang(lang string) string {
	lang = strings.TrimSpace(lang)
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return strings.ToLower(lang)
}

func nameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// isDigits reports whether s is exactly n ASCII digits.
func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
