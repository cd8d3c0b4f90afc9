package org

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/finland"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

// sys is the actor of the edits these tests make: the console's, which
// may do what an admin may.
var sys = user.System()

// synced returns a Service on db after one Sync.
func synced(t *testing.T, db *store.DB) *Service {
	t.Helper()
	reg, err := finland.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := NewService(db, reg)
	start := time.Now()
	if err := s.Sync(context.Background()); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	t.Logf("first Sync on %s took %v", db.Dialect, time.Since(start))
	return s
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func mustByCode(t *testing.T, s *Service, code string) *Org {
	t.Helper()
	o, err := s.ByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("ByCode(%q): %v", code, err)
	}
	return o
}

// wantField checks that err is FieldErrors with key on field.
func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	var fe FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("error %v, want FieldErrors with %s=%s", err, field, key)
	}
	if fe[field] != key {
		t.Fatalf("FieldErrors %v, want %s=%s", fe, field, key)
	}
}

func placeCode(p *Place) string {
	if p == nil {
		return ""
	}
	return p.Code
}

func TestSync(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := synced(t, db)

		for table, want := range map[string]int{"regions": 19, "counties": 23, "municipalities": 308} {
			if n := count(t, db, "SELECT count(*) FROM "+table); n != want {
				t.Errorf("%s: %d rows, want %d", table, n, want)
			}
		}
		if n := count(t, db, "SELECT count(*) FROM organisations WHERE kind = 'municipality'"); n != 308 {
			t.Errorf("%d municipality orgs, want 308", n)
		}
		if n := count(t, db, "SELECT count(*) FROM organisations WHERE kind = 'county'"); n != 21 {
			t.Errorf("%d county orgs, want 21", n)
		}
		if n := count(t, db, "SELECT count(*) FROM organisations WHERE kind = 'county' AND county_code IN ('90', '91')"); n != 0 {
			t.Errorf("%d county orgs for Helsinki or Åland, want none", n)
		}

		h := mustByCode(t, s, "hameenlinna")
		if h.Kind != KindMunicipality || h.Name.FI != "Hämeenlinna" || h.Name.SV != "Tavastehus" || h.Name.EN != "Hämeenlinna" ||
			placeCode(h.Municipality) != "109" || placeCode(h.County) != "07" || placeCode(h.Region) != "05" {
			t.Errorf("hameenlinna = %+v", h)
		}
		if h.Municipality.Name.SV != "Tavastehus" || h.Region.Name.FI != "Kanta-Häme" || h.County.Name.FI != "Kanta-Hämeen hyvinvointialue" {
			t.Errorf("hameenlinna places: %+v %+v %+v", h.Municipality, h.Region, h.County)
		}
		if h.CreatedAt.IsZero() || time.Since(h.CreatedAt) > time.Hour || h.CreatedAt.Location() != time.UTC {
			t.Errorf("hameenlinna created at %v", h.CreatedAt)
		}

		p := mustByCode(t, s, "pirkanmaan-hyvinvointialue")
		if p.Kind != KindCounty || p.Municipality != nil || placeCode(p.County) != "08" || placeCode(p.Region) != "06" ||
			p.Name.SV != "Birkalands välfärdsområde" || p.Name.EN != "Wellbeing services county of Pirkanmaa" {
			t.Errorf("pirkanmaan-hyvinvointialue = %+v", p)
		}
		if vk := mustByCode(t, s, "vantaan-ja-keravan-hyvinvointialue"); placeCode(vk.Region) != "01" {
			t.Errorf("Vantaa and Kerava county in region %s, want 01", placeCode(vk.Region))
		}
		if hki := mustByCode(t, s, "helsinki"); placeCode(hki.County) != "90" || hki.County.Name.FI != "Helsingin kaupunki" {
			t.Errorf("helsinki county = %+v", hki.County)
		}
		if n := mustByCode(t, s, "narpio"); n.Name.EN != "Närpes" || n.Name.SV != "Närpes" || n.Name.FI != "Närpiö" {
			t.Errorf("narpio names = %+v", n.Name)
		}
		if p := mustByCode(t, s, "parainen"); p.Name.EN != "Pargas" {
			t.Errorf("parainen en name = %q", p.Name.EN)
		}
		if k := mustByCode(t, s, "koski-tl"); placeCode(k.Municipality) != "284" {
			t.Errorf("koski-tl = %+v", k)
		}
		if m := mustByCode(t, s, "maarianhamina"); placeCode(m.County) != "91" || m.Name.EN != "Mariehamn" {
			t.Errorf("maarianhamina = %+v", m)
		}

		ids := func() map[string]int64 {
			orgs, err := s.List(ctx, ListFilter{})
			if err != nil {
				t.Fatal(err)
			}
			m := make(map[string]int64, len(orgs))
			for _, o := range orgs {
				m[o.Code] = o.ID
			}
			return m
		}
		before := ids()
		if len(before) != 329 {
			t.Fatalf("%d orgs, want 329", len(before))
		}

		// A hand-edited name is put back and a changed code is kept.
		if _, err := db.Exec(ctx, "UPDATE organisations SET name_fi = 'Wrong', code = 'tre' WHERE code = 'tampere'"); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := s.Sync(ctx); err != nil {
			t.Fatalf("second Sync: %v", err)
		}
		t.Logf("second Sync on %s took %v", db.Dialect, time.Since(start))
		if d := time.Since(start); db.Dialect == store.SQLite && d > time.Second {
			t.Errorf("Sync on SQLite took %v", d)
		}
		if err := s.Sync(ctx); err != nil {
			t.Fatalf("third Sync: %v", err)
		}
		after := ids()
		if len(after) != len(before) {
			t.Fatalf("%d orgs after re-sync, want %d", len(after), len(before))
		}
		for code, id := range before {
			if code == "tampere" {
				code = "tre"
			}
			if after[code] != id {
				t.Errorf("%s: id %d after re-sync, was %d", code, after[code], id)
			}
		}
		if tre := mustByCode(t, s, "tre"); tre.Name.FI != "Tampere" {
			t.Errorf("re-sync left name %q", tre.Name.FI)
		}
	})
}

// Several nodes start at once against one database.
func TestSyncConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		reg, err := finland.Load()
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 4)
		for range 4 {
			go func() { errs <- NewService(db, reg).Sync(context.Background()) }()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Errorf("concurrent Sync: %v", err)
			}
		}
		if n := count(t, db, "SELECT count(*) FROM organisations"); n != 329 {
			t.Errorf("%d orgs after concurrent Sync, want 329", n)
		}
	})
}

func TestFind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := synced(t, db)
		for in, want := range map[string]string{
			"kangasala":                              "kangasala",
			"  Kangasala ":                           "kangasala",
			"Hämeenlinna":                            "hameenlinna",
			"HÄMEENLINNA":                            "hameenlinna",
			"tavastehus":                             "hameenlinna",
			"Närpes":                                 "narpio",
			"pirkanmaan hyvinvointialue":             "pirkanmaan-hyvinvointialue",
			"Birkalands välfärdsområde":              "pirkanmaan-hyvinvointialue",
			"wellbeing services county of pirkanmaa": "pirkanmaan-hyvinvointialue",
			"Koski Tl":                               "koski-tl",
		} {
			o, err := s.Find(ctx, in)
			if err != nil {
				t.Errorf("Find(%q): %v", in, err)
				continue
			}
			if o.Code != want {
				t.Errorf("Find(%q) = %s, want %s", in, o.Code, want)
			}
		}
		for _, in := range []string{"", "  ", "Atlantis", "hameen"} {
			if _, err := s.Find(ctx, in); !errors.Is(err, ErrNotFound) {
				t.Errorf("Find(%q): %v, want ErrNotFound", in, err)
			}
		}

		// A code wins over another organisation's name.
		if _, err := s.Create(ctx, sys, Input{Code: "espoo-oy", Kind: KindCompany, NameFI: "Kangasala", MunicipalityCode: "Espoo"}); err != nil {
			t.Fatal(err)
		}
		if o, err := s.Find(ctx, "espoo-oy"); err != nil || o.Name.FI != "Kangasala" {
			t.Fatalf("Find(espoo-oy) = %+v, %v", o, err)
		}
		// Of two organisations named alike, the older wins.
		if o, err := s.Find(ctx, "Kangasala"); err != nil || o.Code != "kangasala" {
			t.Fatalf("Find(Kangasala) = %+v, %v", o, err)
		}
	})
}

func TestList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := synced(t, db)

		all, err := s.List(ctx, ListFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.IsSortedFunc(all, func(a, b Org) int { return compareFinnish(a.Name.FI, b.Name.FI) }) {
			t.Error("List is not in Finnish order")
		}
		if last := all[len(all)-1].Name.FI; last != "Äänekoski" {
			t.Errorf("last org %q, want Äänekoski", last)
		}

		counties, err := s.List(ctx, ListFilter{Kind: KindCounty})
		if err != nil {
			t.Fatal(err)
		}
		if len(counties) != 21 || counties[0].Name.FI != "Etelä-Karjalan hyvinvointialue" {
			t.Errorf("county list: %d, first %q", len(counties), counties[0].Name.FI)
		}

		kh, err := s.List(ctx, ListFilter{Kind: KindMunicipality, RegionCode: "05"})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, o := range kh {
			if placeCode(o.Region) != "05" || o.Kind != KindMunicipality {
				t.Errorf("region 05 list has %s in %s", o.Code, placeCode(o.Region))
			}
			names = append(names, o.Name.FI)
		}
		if want := []string{"Forssa", "Hattula", "Hausjärvi", "Humppila", "Hämeenlinna", "Janakkala", "Jokioinen", "Loppi", "Riihimäki", "Tammela", "Ypäjä"}; !slices.Equal(names, want) {
			t.Errorf("Kanta-Häme municipalities %q, want %q", names, want)
		}

		for _, q := range []string{"hämeen", "HÄMEEN", " Hämeen "} {
			got, err := s.List(ctx, ListFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, o := range got {
				codes = append(codes, o.Code)
			}
			want := []string{"hameenkyro", "hameenlinna", "kanta-hameen-hyvinvointialue", "paijat-hameen-hyvinvointialue"}
			if !slices.Equal(codes, want) {
				t.Errorf("Query %q: %q, want %q", q, codes, want)
			}
		}
		// Swedish and English names are searched too.
		got, err := s.List(ctx, ListFilter{Query: "tavastland", Kind: KindCounty})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Errorf("Query tavastland: %d counties, want 2", len(got))
		}
		if got, _ := s.List(ctx, ListFilter{Kind: KindCompany}); len(got) != 0 {
			t.Errorf("%d companies before any was made", len(got))
		}
	})
}

func TestPlaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := synced(t, db)
		regions, err := s.Regions(ctx)
		if err != nil || len(regions) != 19 || regions[0].Code != "01" || regions[0].Name.SV != "Nyland" {
			t.Errorf("Regions: %d, %v", len(regions), err)
		}
		counties, err := s.Counties(ctx)
		if err != nil || len(counties) != 22 || counties[21].Code != "90" {
			t.Errorf("Counties: %d, %v", len(counties), err)
		}
		munis, err := s.Municipalities(ctx)
		if err != nil || len(munis) != 308 {
			t.Fatalf("Municipalities: %d, %v", len(munis), err)
		}
		if munis[0].Name.FI != "Akaa" || munis[len(munis)-1].Name.FI != "Äänekoski" {
			t.Errorf("Municipalities from %q to %q", munis[0].Name.FI, munis[len(munis)-1].Name.FI)
		}
		m, err := s.Municipality(ctx, "närpes")
		if err != nil {
			t.Fatal(err)
		}
		if m.Code != "545" || m.Name.EN != "Närpes" || m.Region.Code != "15" || m.County.Code != "17" || m.Language != "sv+fi" {
			t.Errorf("Municipality(närpes) = %+v", m)
		}
		if m, err := s.Municipality(ctx, "91"); err != nil || m.Name.FI != "Helsinki" || m.County.Code != "90" {
			t.Errorf("Municipality(91) = %+v, %v", m, err)
		}
		if _, err := s.Municipality(ctx, "Atlantis"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Municipality(Atlantis): %v", err)
		}
	})
}

func TestCreateUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := synced(t, db)
		valid := Input{Kind: KindCompany, NameFI: "Tampereen Sähkölaitos Oy", MunicipalityCode: "Tampere"}

		o, err := s.Create(ctx, sys, valid)
		if err != nil {
			t.Fatal(err)
		}
		if o.Code != "tampereen-sahkolaitos-oy" || o.Kind != KindCompany || placeCode(o.Municipality) != "837" ||
			placeCode(o.County) != "08" || placeCode(o.Region) != "06" || o.ID == 0 {
			t.Errorf("created %+v", o)
		}

		long := strings.Repeat("x", 201)
		cases := []struct {
			name       string
			edit       func(in *Input)
			field, key string
		}{
			{"no name", func(in *Input) { in.NameFI = "  " }, "name_fi", "error.required"},
			{"no kind", func(in *Input) { in.Kind = "" }, "kind", "error.required"},
			{"no place", func(in *Input) { in.MunicipalityCode = "" }, "municipality_code", "error.required"},
			{"short code", func(in *Input) { in.Code = "a" }, "code", "error.code_invalid"},
			{"upper code", func(in *Input) { in.Code = "Tampere-Oy" }, "code", "error.code_invalid"},
			{"dash code", func(in *Input) { in.Code = "-oy" }, "code", "error.code_invalid"},
			{"long code", func(in *Input) { in.Code = strings.Repeat("a", 61) }, "code", "error.code_invalid"},
			{"taken code", func(in *Input) { in.Code = "tampere" }, "code", "error.code_taken"},
			{"bad kind", func(in *Input) { in.Kind = "city" }, "kind", "error.kind_invalid"},
			{"municipality kind", func(in *Input) { in.Kind = KindMunicipality }, "kind", "error.kind_invalid"},
			{"county kind", func(in *Input) { in.Kind = KindCounty }, "kind", "error.kind_invalid"},
			{"bad municipality", func(in *Input) { in.MunicipalityCode = "Atlantis" }, "municipality_code", "error.municipality_unknown"},
			{"bad county", func(in *Input) { in.CountyCode = "99" }, "county_code", "error.county_unknown"},
			{"ftp website", func(in *Input) { in.Website = "ftp://example.fi" }, "website", "error.url_invalid"},
			{"relative website", func(in *Input) { in.Website = "www.example.fi" }, "website", "error.url_invalid"},
			{"script website", func(in *Input) { in.Website = "javascript:alert(1)" }, "website", "error.url_invalid"},
			{"long fi name", func(in *Input) { in.NameFI = long }, "name_fi", "error.too_long"},
			{"long sv name", func(in *Input) { in.NameSV = long }, "name_sv", "error.too_long"},
			{"long en name", func(in *Input) { in.NameEN = long }, "name_en", "error.too_long"},
		}
		for _, c := range cases {
			in := valid
			c.edit(&in)
			_, err := s.Create(ctx, sys, in)
			t.Run(c.name, func(t *testing.T) { wantField(t, err, c.field, c.key) })
		}
		// 200 characters of ä are 400 bytes and still fit.
		in := valid
		in.NameSV = strings.Repeat("ä", 200)
		in.Website = "https://www.example.fi/sahko"
		if _, err := s.Create(ctx, sys, in); err != nil {
			t.Errorf("200-character name: %v", err)
		}
		var fe FieldErrors
		if _, err := s.Create(ctx, sys, Input{}); !errors.As(err, &fe) || len(fe) != 3 {
			t.Errorf("empty input: %v", err)
		} else if got := fe.Error(); !strings.Contains(got, "name_fi") || !strings.Contains(got, "error.required") {
			t.Errorf("FieldErrors.Error() = %q", got)
		}

		// A county-level body: region from the county's municipalities.
		ja, err := s.Create(ctx, sys, Input{Kind: KindJointAuthority, NameFI: "Pirkanmaan sairaanhoitopiiri", CountyCode: "08"})
		if err != nil {
			t.Fatal(err)
		}
		if ja.Municipality != nil || placeCode(ja.County) != "08" || placeCode(ja.Region) != "06" {
			t.Errorf("county-level body %+v", ja)
		}
		// Home in one municipality, serving an explicitly given county.
		x, err := s.Create(ctx, sys, Input{Kind: KindOther, NameFI: "Ympäristöpalvelut", MunicipalityCode: "211", CountyCode: "09"})
		if err != nil {
			t.Fatal(err)
		}
		if placeCode(x.Municipality) != "211" || placeCode(x.County) != "09" || placeCode(x.Region) != "06" {
			t.Errorf("explicit county %+v", x)
		}

		// Generated codes step aside for taken ones.
		for _, want := range []string{"tampere-2", "tampere-3"} {
			o, err := s.Create(ctx, sys, Input{Kind: KindOther, NameFI: "Tampere", MunicipalityCode: "837"})
			if err != nil {
				t.Fatal(err)
			}
			if o.Code != want {
				t.Errorf("code %q, want %q", o.Code, want)
			}
		}
		longName := strings.Repeat("Pitkä nimi ", 10)
		for i := range 2 {
			o, err := s.Create(ctx, sys, Input{Kind: KindOther, NameFI: longName, MunicipalityCode: "837"})
			if err != nil {
				t.Fatal(err)
			}
			if len(o.Code) > 60 || !codeRe.MatchString(o.Code) || (i == 1 && !strings.HasSuffix(o.Code, "-2")) {
				t.Errorf("long name code %q", o.Code)
			}
		}
		if o, err := s.Create(ctx, sys, Input{Kind: KindOther, NameFI: "Ö", MunicipalityCode: "837"}); err != nil || o.Code != "org-o" {
			t.Errorf("one-letter name: %+v, %v", o, err)
		}

		// Update.
		up, err := s.Update(ctx, sys, o.ID, Input{Kind: KindJointAuthority, NameFI: "Tampereen Energia", NameSV: "Tammerfors Energi",
			Website: "https://energia.example.fi", MunicipalityCode: "Hämeenlinna"})
		if err != nil {
			t.Fatal(err)
		}
		if up.ID != o.ID || up.Code != o.Code || up.Kind != KindJointAuthority || up.Name.SV != "Tammerfors Energi" ||
			up.Website != "https://energia.example.fi" || placeCode(up.Region) != "05" || placeCode(up.County) != "07" || !up.CreatedAt.Equal(o.CreatedAt) {
			t.Errorf("updated %+v", up)
		}
		up, err = s.Update(ctx, sys, o.ID, Input{Code: "tampereen-energia", Kind: KindCompany, NameFI: "Tampereen Energia", MunicipalityCode: "837"})
		if err != nil || up.Code != "tampereen-energia" {
			t.Fatalf("code change: %+v, %v", up, err)
		}
		if _, err := s.Update(ctx, sys, o.ID, Input{Code: "tampereen-energia", Kind: KindCompany, NameFI: "Tampereen Energia", MunicipalityCode: "837"}); err != nil {
			t.Errorf("keeping own code: %v", err)
		}
		_, err = s.Update(ctx, sys, o.ID, Input{Code: "tampere-2", Kind: KindCompany, NameFI: "Tampereen Energia", MunicipalityCode: "837"})
		wantField(t, err, "code", "error.code_taken")
		_, err = s.Update(ctx, sys, o.ID, Input{Kind: KindMunicipality, NameFI: "Tampereen Energia", MunicipalityCode: "837"})
		wantField(t, err, "kind", "error.kind_invalid")
		_, err = s.Update(ctx, sys, o.ID, Input{Kind: KindCompany, NameFI: "Tampereen Energia", Website: "mailto:x@example.fi", MunicipalityCode: "837"})
		wantField(t, err, "website", "error.url_invalid")
		if _, err := s.Update(ctx, sys, 999999, valid); !errors.Is(err, ErrNotFound) {
			t.Errorf("Update of a missing org: %v", err)
		}

		// The registry owns a municipality org's kind, names and places.
		tre := mustByCode(t, s, "tampere")
		got, err := s.Update(ctx, sys, tre.ID, Input{Kind: KindMunicipality, NameFI: "Manse", MunicipalityCode: "091", Website: "https://www.tampere.fi"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Name.FI != "Tampere" || placeCode(got.Municipality) != "837" || got.Website != "https://www.tampere.fi" || got.Code != "tampere" {
			t.Errorf("municipality org after update %+v", got)
		}
		_, err = s.Update(ctx, sys, tre.ID, Input{Kind: KindCompany})
		wantField(t, err, "kind", "error.kind_invalid")
	})
}

func TestUnits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := synced(t, db)
		o := mustByCode(t, s, "kangasala")

		tek, err := s.AddUnit(ctx, sys, o.ID, "  Tekninen toimi ")
		if err != nil {
			t.Fatal(err)
		}
		if tek.Name != "Tekninen toimi" || tek.OrgID != o.ID || tek.ID == 0 {
			t.Errorf("added %+v", tek)
		}
		_, err = s.AddUnit(ctx, sys, o.ID, "tekninen TOIMI")
		wantField(t, err, "name", "error.unit_taken")
		_, err = s.AddUnit(ctx, sys, o.ID, " ")
		wantField(t, err, "name", "error.required")
		_, err = s.AddUnit(ctx, sys, o.ID, strings.Repeat("y", 201))
		wantField(t, err, "name", "error.too_long")
		if _, err := s.AddUnit(ctx, sys, 999999, "Sivistystoimi"); !errors.Is(err, ErrNotFound) {
			t.Errorf("AddUnit to a missing org: %v", err)
		}
		// The same name in another organisation is fine.
		if _, err := s.AddUnit(ctx, sys, mustByCode(t, s, "tampere").ID, "Tekninen toimi"); err != nil {
			t.Errorf("same unit name elsewhere: %v", err)
		}

		siv, err := s.AddUnit(ctx, sys, o.ID, "Sivistystoimi")
		if err != nil {
			t.Fatal(err)
		}
		wantField(t, s.RenameUnit(ctx, sys, siv.ID, "Tekninen Toimi"), "name", "error.unit_taken")
		wantField(t, s.RenameUnit(ctx, sys, siv.ID, ""), "name", "error.required")
		if err := s.RenameUnit(ctx, sys, siv.ID, "Ärsyketoimi"); err != nil {
			t.Fatal(err)
		}
		if err := s.RenameUnit(ctx, sys, tek.ID, "TEKNINEN TOIMI"); err != nil {
			t.Errorf("case change of own name: %v", err)
		}
		if err := s.RenameUnit(ctx, sys, 999999, "X"); !errors.Is(err, ErrNotFound) {
			t.Errorf("RenameUnit of a missing unit: %v", err)
		}
		if _, err := s.AddUnit(ctx, sys, o.ID, "Asuminen"); err != nil {
			t.Fatal(err)
		}

		got := mustByCode(t, s, "kangasala")
		var names []string
		for _, u := range got.Units {
			names = append(names, u.Name)
		}
		if want := []string{"Asuminen", "TEKNINEN TOIMI", "Ärsyketoimi"}; !slices.Equal(names, want) {
			t.Errorf("units %q, want %q", names, want)
		}

		if err := s.DeleteUnit(ctx, sys, siv.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUnit(ctx, sys, siv.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}
		us, err := s.Units(ctx, o.ID)
		if err != nil || len(us) != 2 {
			t.Errorf("Units after delete: %+v, %v", us, err)
		}
		if _, err := s.AddUnit(ctx, sys, o.ID, "Ärsyketoimi"); err != nil {
			t.Errorf("re-adding a deleted name: %v", err)
		}
	})
}

func TestFindOrCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := synced(t, db)

		o, created, err := s.FindOrCreate(ctx, sys, " Tampereen Vesi Oy ", "tampere", "")
		if err != nil {
			t.Fatal(err)
		}
		if !created || o.Kind != KindCompany || o.Code != "tampereen-vesi-oy" || o.Name.FI != "Tampereen Vesi Oy" ||
			placeCode(o.Municipality) != "837" || placeCode(o.Region) != "06" || placeCode(o.County) != "08" {
			t.Errorf("created %+v (created=%v)", o, created)
		}
		for _, c := range [][2]string{{"tampereen vesi oy", "Tammerfors"}, {"tampereen-vesi-oy", ""}, {"Tampereen Vesi Oy", ""}, {"tampereen-vesi-oy", "Espoo"}} {
			again, created, err := s.FindOrCreate(ctx, sys, c[0], c[1], KindOther)
			if err != nil || created || again.ID != o.ID {
				t.Errorf("FindOrCreate(%q, %q) = %+v, %v, %v", c[0], c[1], again, created, err)
			}
		}
		// The same name in another municipality is another organisation.
		e, created, err := s.FindOrCreate(ctx, sys, "Tampereen Vesi Oy", "049", KindJointAuthority)
		if err != nil || !created || e.ID == o.ID || e.Code != "tampereen-vesi-oy-2" || e.Kind != KindJointAuthority || placeCode(e.Region) != "01" {
			t.Errorf("other municipality: %+v, %v, %v", e, created, err)
		}
		// Municipality and county orgs are found under their own places.
		if k, created, err := s.FindOrCreate(ctx, sys, "Kangasala", "Kangasala", ""); err != nil || created || k.Code != "kangasala" {
			t.Errorf("Kangasala: %+v, %v, %v", k, created, err)
		}
		if p, created, err := s.FindOrCreate(ctx, sys, "Pirkanmaan hyvinvointialue", "Tampere", ""); err != nil || created || p.Code != "pirkanmaan-hyvinvointialue" {
			t.Errorf("county: %+v, %v, %v", p, created, err)
		}

		_, _, err = s.FindOrCreate(ctx, sys, "Uusi Oy", "Atlantis", "")
		wantField(t, err, "municipality_code", "error.municipality_unknown")
		_, _, err = s.FindOrCreate(ctx, sys, "Uusi Oy", "", "")
		wantField(t, err, "municipality_code", "error.required")
		_, _, err = s.FindOrCreate(ctx, sys, " ", "Tampere", "")
		wantField(t, err, "name_fi", "error.required")
		if n := count(t, db, "SELECT count(*) FROM organisations WHERE kind NOT IN ('municipality', 'county')"); n != 2 {
			t.Errorf("%d created orgs, want 2", n)
		}
	})
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Kangasala":                          "kangasala",
		"Hämeenlinna":                        "hameenlinna",
		"Koski Tl":                           "koski-tl",
		"Parainen":                           "parainen",
		"Pirkanmaan hyvinvointialue":         "pirkanmaan-hyvinvointialue",
		"Åbo Akademi":                        "abo-akademi",
		"  Café — Öljy & Ääni!  ":            "cafe-oljy-aani",
		"Itä-Uudenmaan hyvinvointialue":      "ita-uudenmaan-hyvinvointialue",
		"Oy 123 Ab":                          "oy-123-ab",
		"---":                                "",
		"":                                   "",
		"ÄÖÅÉ":                               "aoae",
		strings.Repeat("abcdefghi ", 10):     "abcdefghi-abcdefghi-abcdefghi-abcdefghi-abcdefghi-abcdefghi",
		strings.Repeat("a", 59) + " b c d e": strings.Repeat("a", 59),
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
		if got := Slug(in); len(got) > 60 {
			t.Errorf("Slug(%q) is %d long", in, len(got))
		}
	}
}

func TestKinds(t *testing.T) {
	for _, k := range Kinds() {
		if got, err := ParseKind(string(k)); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
	}
	if got, err := ParseKind(" Joint_Authority "); err != nil || got != KindJointAuthority {
		t.Errorf("ParseKind(Joint_Authority) = %q, %v", got, err)
	}
	for _, s := range []string{"", "city", "companies"} {
		if _, err := ParseKind(s); err == nil {
			t.Errorf("ParseKind(%q) accepted", s)
		}
	}
}

func TestCompareFinnish(t *testing.T) {
	in := []string{"Öljy", "ähtäri", "Åbo", "Zeta", "alfa", "Ylöjärvi", "Äänekoski", "Café", "Ceta"}
	slices.SortFunc(in, compareFinnish)
	want := []string{"alfa", "Café", "Ceta", "Ylöjärvi", "Zeta", "Åbo", "ähtäri", "Äänekoski", "Öljy"}
	if !slices.Equal(in, want) {
		t.Errorf("sorted %q, want %q", in, want)
	}
}

// TestEditsNeedAnAdmin checks that the service itself refuses every edit
// to anyone but an admin, whatever page or command asks, and writes
// nothing then.
func TestEditsNeedAnAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := synced(t, db)
		ctx := context.Background()
		o := mustByCode(t, s, "tampere")
		in := Input{Kind: KindCompany, NameFI: "Kieltty Oy", MunicipalityCode: "837"}
		for _, actor := range []*user.User{nil, {ID: 5, Role: user.RoleModerator}, {ID: 6, Role: user.RoleAdmin, Disabled: true}} {
			if _, err := s.Create(ctx, actor, in); !errors.Is(err, ErrForbidden) {
				t.Errorf("Create by %+v: %v", actor, err)
			}
			if _, err := s.Update(ctx, actor, o.ID, Input{Website: "https://example.org"}); !errors.Is(err, ErrForbidden) {
				t.Errorf("Update by %+v: %v", actor, err)
			}
			if _, err := s.AddUnit(ctx, actor, o.ID, "Salainen yksikkö"); !errors.Is(err, ErrForbidden) {
				t.Errorf("AddUnit by %+v: %v", actor, err)
			}
			if err := s.RenameUnit(ctx, actor, 1, "X"); !errors.Is(err, ErrForbidden) {
				t.Errorf("RenameUnit by %+v: %v", actor, err)
			}
			if err := s.DeleteUnit(ctx, actor, 1); !errors.Is(err, ErrForbidden) {
				t.Errorf("DeleteUnit by %+v: %v", actor, err)
			}
			if _, _, err := s.FindOrCreate(ctx, actor, "Kielletty Oy", "837", KindCompany); !errors.Is(err, ErrForbidden) {
				t.Errorf("FindOrCreate by %+v: %v", actor, err)
			}
		}
		if _, err := s.Find(ctx, "Kieltty Oy"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a refused Create wrote the organisation: %v", err)
		}
		got, err := s.Get(ctx, o.ID)
		if err != nil || got.Website == "https://example.org" || len(got.Units) != 0 {
			t.Errorf("a refused edit changed the organisation: %+v %v", got, err)
		}
	})
}
