package finland

import (
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func mustLoad(t *testing.T) *Registry {
	t.Helper()
	r, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return r
}

func TestCounts(t *testing.T) {
	r := mustLoad(t)
	if got := len(r.Municipalities()); got != 308 {
		t.Errorf("municipalities: got %d, want 308", got)
	}
	if got := len(r.Regions()); got != 19 {
		t.Errorf("regions: got %d, want 19", got)
	}
	counties := r.Counties()
	if got := len(counties); got != 23 {
		t.Errorf("counties: got %d, want 23 (21 wellbeing services counties, Helsinki, Åland)", got)
	}
	reform, wellbeing := 0, 0
	for _, c := range counties {
		if c.Code >= "01" && c.Code <= "21" {
			reform++
			if !c.Wellbeing {
				t.Errorf("county %s %s: Wellbeing false", c.Code, c.NameFI)
			}
		}
		if c.Wellbeing {
			wellbeing++
		}
	}
	if reform != 21 {
		t.Errorf("wellbeing services counties 01-21: got %d, want 21", reform)
	}
	if wellbeing != 22 {
		t.Errorf("counties with Wellbeing set: got %d, want 22 (21 + Helsinki)", wellbeing)
	}
	if c, ok := r.County("90"); !ok || !c.Wellbeing || c.NameFI != "Helsingin kaupunki" {
		t.Errorf("County(90) = %+v, %v; want Helsinki with Wellbeing", c, ok)
	}
	if c, ok := r.County("91"); !ok || c.Wellbeing || c.NameFI != "Ahvenanmaa" {
		t.Errorf("County(91) = %+v, %v; want Åland without Wellbeing", c, ok)
	}
}

func TestSortedAndConsistent(t *testing.T) {
	r := mustLoad(t)
	ms := r.Municipalities()
	for i := 1; i < len(ms); i++ {
		if ms[i-1].Code >= ms[i].Code {
			t.Errorf("municipalities not sorted: %s before %s", ms[i-1].Code, ms[i].Code)
		}
	}
	rs := r.Regions()
	for i := 1; i < len(rs); i++ {
		if rs[i-1].Code >= rs[i].Code {
			t.Errorf("regions not sorted: %s before %s", rs[i-1].Code, rs[i].Code)
		}
	}
	cs := r.Counties()
	for i := 1; i < len(cs); i++ {
		if cs[i-1].Code >= cs[i].Code {
			t.Errorf("counties not sorted: %s before %s", cs[i-1].Code, cs[i].Code)
		}
	}
	for _, x := range rs {
		if x.NameFI == "" || x.NameSV == "" || x.NameEN == "" {
			t.Errorf("region %s has an empty name: %+v", x.Code, x)
		}
	}
	for _, x := range cs {
		if x.NameFI == "" || x.NameSV == "" || x.NameEN == "" {
			t.Errorf("county %s has an empty name: %+v", x.Code, x)
		}
	}

	usedRegions := map[string]bool{}
	usedCounties := map[string]bool{}
	aland := 0
	for _, m := range ms {
		if _, ok := r.Region(m.RegionCode); !ok {
			t.Errorf("municipality %s %s: region %q does not exist", m.Code, m.NameFI, m.RegionCode)
		}
		if _, ok := r.County(m.CountyCode); !ok {
			t.Errorf("municipality %s %s: county %q does not exist", m.Code, m.NameFI, m.CountyCode)
		}
		usedRegions[m.RegionCode] = true
		usedCounties[m.CountyCode] = true
		if got, ok := r.Municipality(m.Code); !ok || got != m {
			t.Errorf("Municipality(%q) = %+v, %v; want %+v", m.Code, got, ok, m)
		}
		if (m.CountyCode == "91") != (m.RegionCode == "21") {
			t.Errorf("municipality %s %s: region %s but county %s; Åland's region and county must coincide",
				m.Code, m.NameFI, m.RegionCode, m.CountyCode)
		}
		if m.CountyCode == "91" {
			aland++
		}
		if (m.CountyCode == "90") != (m.Code == "091") {
			t.Errorf("municipality %s %s has county %s; only Helsinki (091) has county 90", m.Code, m.NameFI, m.CountyCode)
		}
	}
	if aland != 16 {
		t.Errorf("Åland municipalities: got %d, want 16", aland)
	}
	if len(usedRegions) != len(rs) {
		t.Errorf("%d regions have municipalities, %d regions exist", len(usedRegions), len(rs))
	}
	if len(usedCounties) != len(cs) {
		t.Errorf("%d counties have municipalities, %d counties exist", len(usedCounties), len(cs))
	}
}

func TestReturnedSlicesAreCopies(t *testing.T) {
	r := mustLoad(t)
	r.Municipalities()[0].NameFI = "changed"
	r.Regions()[0].NameFI = "changed"
	r.Counties()[0].NameFI = "changed"
	if m, _ := r.Municipality("005"); m.NameFI != "Alajärvi" {
		t.Errorf("registry changed through Municipalities(): %q", m.NameFI)
	}
	if x, _ := r.Region("01"); x.NameFI != "Uusimaa" {
		t.Errorf("registry changed through Regions(): %q", x.NameFI)
	}
	if x, _ := r.County("01"); x.NameFI != "Itä-Uudenmaan hyvinvointialue" {
		t.Errorf("registry changed through Counties(): %q", x.NameFI)
	}
}

func TestFindMunicipality(t *testing.T) {
	r := mustLoad(t)
	tests := []struct {
		in   string
		want string // code; "" means not found
	}{
		{"091", "091"},
		{"91", "091"},
		{"5", "005"},
		{"05", "005"},
		{"005", "005"},
		{" 853 ", "853"},
		{"Helsinki", "091"},
		{"helsinki", "091"},
		{"HELSINKI", "091"},
		{"Helsingfors", "091"},
		{"  helsingfors\t", "091"},
		{"Åbo", "853"},
		{"åbo", "853"},
		{"ÅBO", "853"},
		{"Turku", "853"},
		{"Maarianhamina", "478"},
		{"Mariehamn", "478"},
		{"Pietarsaari", "598"},
		{"jakobstad", "598"},
		{"Koski Tl", "284"},
		{"Koskis", "284"},
		{"S:t Michel", "491"},
		{"ÄÄNEKOSKI", "992"},
		{"Mänttä-Vilppula", "508"},
		{"", ""},
		{"   ", ""},
		{"0", ""},
		{"000", ""},
		{"999", ""},
		{"0091", ""},
		{"-91", ""},
		{"Pertunmaa", ""}, // merged into Mäntyharju on 1 January 2025
		{"Atlantis", ""},
		{"Helsinki kaupunki", ""},
	}
	for _, tt := range tests {
		m, ok := r.FindMunicipality(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("FindMunicipality(%q) = %s %s, want not found", tt.in, m.Code, m.NameFI)
			}
			continue
		}
		if !ok || m.Code != tt.want {
			t.Errorf("FindMunicipality(%q) = %q, %v; want %q", tt.in, m.Code, ok, tt.want)
		}
	}
}

func TestLookupMisses(t *testing.T) {
	r := mustLoad(t)
	if _, ok := r.Municipality("91"); ok {
		t.Error(`Municipality("91") found; exact lookup must not pad codes`)
	}
	if _, ok := r.Region("03"); ok {
		t.Error(`Region("03") found; code 03 is not in use`)
	}
	if _, ok := r.Region("1"); ok {
		t.Error(`Region("1") found`)
	}
	if _, ok := r.County("22"); ok {
		t.Error(`County("22") found`)
	}
}

func TestNames(t *testing.T) {
	r := mustLoad(t)
	mun := func(code string) Municipality {
		m, ok := r.Municipality(code)
		if !ok {
			t.Fatalf("municipality %s missing", code)
		}
		return m
	}
	tests := []struct {
		code, lang, want string
	}{
		// Finnish only.
		{"005", "fi", "Alajärvi"},
		{"010", "sv", "Alavo"},
		{"010", "en", "Alavus"},
		// Bilingual, Finnish majority: English uses the Finnish name.
		{"091", "fi", "Helsinki"},
		{"091", "sv", "Helsingfors"},
		{"091", "en", "Helsinki"},
		{"853", "en", "Turku"},
		{"853", "sv", "Åbo"},
		// Bilingual, Swedish majority: English uses the Swedish name.
		{"598", "fi", "Pietarsaari"},
		{"598", "sv", "Jakobstad"},
		{"598", "en", "Jakobstad"},
		{"445", "en", "Pargas"},
		// Swedish only (Åland).
		{"478", "fi", "Maarianhamina"},
		{"478", "sv", "Mariehamn"},
		{"478", "en", "Mariehamn"},
		// Anything else is Finnish; tags reduce to their primary subtag.
		{"091", "", "Helsinki"},
		{"091", "de", "Helsinki"},
		{"091", "se", "Helsinki"},
		{"091", "SV", "Helsingfors"},
		{"091", "sv-FI", "Helsingfors"},
		{"598", "en_GB", "Jakobstad"},
		{"598", "fi-FI", "Pietarsaari"},
	}
	for _, tt := range tests {
		if got := mun(tt.code).Name(tt.lang); got != tt.want {
			t.Errorf("Municipality(%s).Name(%q) = %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}

	regionTests := []struct{ code, lang, want string }{
		{"02", "fi", "Varsinais-Suomi"},
		{"02", "sv", "Egentliga Finland"},
		{"02", "en", "Southwest Finland"},
		{"05", "en", "Tavastia Proper"},
		{"07", "en", "Päijänne Tavastia"},
		{"17", "en", "North Ostrobothnia"},
		{"21", "fi", "Ahvenanmaa"},
		{"21", "en", "Åland"},
		{"19", "xx", "Lappi"},
	}
	for _, tt := range regionTests {
		x, ok := r.Region(tt.code)
		if !ok {
			t.Fatalf("region %s missing", tt.code)
		}
		if got := x.Name(tt.lang); got != tt.want {
			t.Errorf("Region(%s).Name(%q) = %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}

	countyTests := []struct{ code, lang, want string }{
		{"08", "fi", "Pirkanmaan hyvinvointialue"},
		{"08", "sv", "Birkalands välfärdsområde"},
		{"08", "en", "Wellbeing services county of Pirkanmaa"},
		{"04", "en", "Wellbeing services county of Vantaa and Kerava"},
		{"90", "fi", "Helsingin kaupunki"},
		{"90", "sv", "Helsingfors stad"},
		{"90", "en", "City of Helsinki"},
		{"91", "sv", "Åland"},
		{"91", "en", "Åland"},
		{"91", "", "Ahvenanmaa"},
	}
	for _, tt := range countyTests {
		x, ok := r.County(tt.code)
		if !ok {
			t.Fatalf("county %s missing", tt.code)
		}
		if got := x.Name(tt.lang); got != tt.want {
			t.Errorf("County(%s).Name(%q) = %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}
	for _, c := range r.Counties() {
		if c.Code <= "21" && !strings.HasPrefix(c.NameEN, "Wellbeing services county of ") {
			t.Errorf("county %s English name %q is not in the official style", c.Code, c.NameEN)
		}
	}
}

// TestDataFilesCredited guards the CC BY 4.0 attribution: each data file must
// open with the source credit, so the credit travels with any copy of it.
func TestDataFilesCredited(t *testing.T) {
	const want = "# Lähde: Tilastokeskus / Source: Statistics Finland, municipality classification 2025, CC BY 4.0"
	for _, name := range []string{"regions.tsv", "counties.tsv", "municipalities.tsv"} {
		raw, err := dataFS.ReadFile("data/" + name)
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		first, _, _ := strings.Cut(string(raw), "\n")
		if first != want {
			t.Errorf("%s starts with %q, want %q", name, first, want)
		}
	}
	if !strings.Contains(Credit, "Tilastokeskus") || !strings.Contains(Credit, "CC BY 4.0") {
		t.Errorf("Credit %q lacks the source or licence", Credit)
	}
}

// TestAgainstReference compares the registry, field by field, with the shared
// reference file, so that a hand edit of the data files cannot silently drift
// from the published classification.
func TestAgainstReference(t *testing.T) {
	path := filepath.Join(sharedDir(t), "data", "municipalities-2025.csv")
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("CI") != "" {
			t.Fatalf("reference file %s missing under CI, where shared/ lies beside the repository", path)
		}
		t.Skipf("reference file %s not present (../shared is not checked out); skipping comparison", path)
	}
	if err != nil {
		t.Fatalf("open reference: %v", err)
	}
	defer f.Close()

	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read reference %s: %v", path, err)
	}
	if len(recs) < 2 {
		t.Fatalf("reference %s has no data rows", path)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	for _, h := range []string{
		"code", "name_fi", "name_sv",
		"region_code", "region_fi", "region_sv",
		"wellbeing_county_code", "wellbeing_county_fi", "wellbeing_county_sv",
		"language_status",
	} {
		if _, ok := col[h]; !ok {
			t.Fatalf("reference %s lacks column %q", path, h)
		}
	}

	r := mustLoad(t)
	seen := map[string]bool{}
	for n, rec := range recs[1:] {
		get := func(h string) string { return rec[col[h]] }
		code := get("code")
		line := n + 2
		if seen[code] {
			t.Errorf("reference line %d: duplicate code %s", line, code)
			continue
		}
		seen[code] = true
		m, ok := r.Municipality(code)
		if !ok {
			t.Errorf("reference line %d: municipality %s %s missing from registry", line, code, get("name_fi"))
			continue
		}
		check := func(field, got, want string) {
			t.Helper()
			if got != want {
				t.Errorf("municipality %s (%s) %s: registry %q, reference %q", code, get("name_fi"), field, got, want)
			}
		}
		check("name_fi", m.NameFI, get("name_fi"))
		check("name_sv", m.NameSV, get("name_sv"))
		check("language", m.Language, get("language_status"))
		check("region_code", m.RegionCode, get("region_code"))
		if reg, ok := r.Region(m.RegionCode); ok {
			check("region_fi", reg.NameFI, get("region_fi"))
			check("region_sv", reg.NameSV, get("region_sv"))
		} else {
			t.Errorf("municipality %s: region %s missing from registry", code, m.RegionCode)
		}
		check("county_code", m.CountyCode, get("wellbeing_county_code"))
		if c, ok := r.County(m.CountyCode); ok {
			check("county_fi", c.NameFI, get("wellbeing_county_fi"))
			check("county_sv", c.NameSV, get("wellbeing_county_sv"))
		} else {
			t.Errorf("municipality %s: county %s missing from registry", code, m.CountyCode)
		}
	}
	for _, m := range r.Municipalities() {
		if !seen[m.Code] {
			t.Errorf("registry has municipality %s %s that the reference lacks", m.Code, m.NameFI)
		}
	}
}

// TestLoadRejectsBadData checks that hand-editing mistakes in the data files
// stop Load instead of producing a registry with holes in it.
func TestLoadRejectsBadData(t *testing.T) {
	const (
		regions  = "# credit\ncode\tname_fi\tname_sv\tname_en\n01\tUusimaa\tNyland\tUusimaa\n"
		counties = "# credit\ncode\tname_fi\tname_sv\tname_en\twellbeing\n90\tHelsingin kaupunki\tHelsingfors stad\tCity of Helsinki\t1\n"
		munHead  = "# credit\ncode\tname_fi\tname_sv\tregion_code\tcounty_code\tlanguage\n"
		helsinki = "091\tHelsinki\tHelsingfors\t01\t90\tfi+sv\n"
	)
	files := func(reg, cty, mun string) fstest.MapFS {
		return fstest.MapFS{
			"regions.tsv":        {Data: []byte(reg)},
			"counties.tsv":       {Data: []byte(cty)},
			"municipalities.tsv": {Data: []byte(mun)},
		}
	}
	if r, err := loadFS(files(regions, counties, munHead+helsinki)); err != nil {
		t.Fatalf("minimal valid data refused: %v", err)
	} else if m, ok := r.FindMunicipality("helsingfors"); !ok || m.Code != "091" {
		t.Fatalf("minimal data: FindMunicipality(helsingfors) = %+v, %v", m, ok)
	}

	bad := map[string]fstest.MapFS{
		"missing file":       {"regions.tsv": {Data: []byte(regions)}},
		"wrong header":       files("code\tname\n01\tUusimaa\n", counties, munHead+helsinki),
		"no header":          files("# only a comment\n", counties, munHead+helsinki),
		"short row":          files(regions, counties, munHead+"091\tHelsinki\tHelsingfors\t01\t90\n"),
		"empty field":        files(regions, counties, munHead+"091\tHelsinki\t\t01\t90\tfi+sv\n"),
		"padded field":       files(regions, counties, munHead+"091\tHelsinki \tHelsingfors\t01\t90\tfi+sv\n"),
		"unpadded code":      files(regions, counties, munHead+"91\tHelsinki\tHelsingfors\t01\t90\tfi+sv\n"),
		"duplicate code":     files(regions, counties, munHead+helsinki+helsinki),
		"unknown region":     files(regions, counties, munHead+"091\tHelsinki\tHelsingfors\t02\t90\tfi+sv\n"),
		"unknown county":     files(regions, counties, munHead+"091\tHelsinki\tHelsingfors\t01\t01\tfi+sv\n"),
		"unknown language":   files(regions, counties, munHead+"091\tHelsinki\tHelsingfors\t01\t90\tbi\n"),
		"bad wellbeing flag": files(regions, strings.Replace(counties, "\t1\n", "\tyes\n", 1), munHead+helsinki),
		"shared name":        files(regions, counties, munHead+helsinki+"092\tVantaa\tHELSINGFORS\t01\t90\tfi+sv\n"),
		"unsorted":           files(regions, counties, munHead+"092\tVantaa\tVanda\t01\t90\tfi+sv\n"+helsinki),
		"bad region code":    files("code\tname_fi\tname_sv\tname_en\n1\tUusimaa\tNyland\tUusimaa\n", counties, munHead+helsinki),
		"duplicate region":   files(regions+"01\tX\tX\tX\n", counties, munHead+helsinki),
		"duplicate county":   files(regions, counties+"90\tX\tX\tX\t1\n", munHead+helsinki),
	}
	for name, fsys := range bad {
		if _, err := loadFS(fsys); err == nil {
			t.Errorf("%s: loadFS succeeded, want an error", name)
		} else if !strings.HasPrefix(err.Error(), "finland: ") {
			t.Errorf("%s: error %q lacks the package prefix", name, err)
		}
	}
}

// sharedDir is the shared/ folder beside the repository (or
// TEKOTORI_SHARED): found from the repository's root, the folder with
// go.mod, wherever the test runs from.
func sharedDir(t *testing.T) string {
	if d := os.Getenv("TEKOTORI_SHARED"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}
