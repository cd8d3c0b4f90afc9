package deed_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/user"
)

const demoFile = "../demo/deeds.jsonl"

// rec is one valid import line; over replaces fields, and a nil value
// leaves the field out.
func rec(ref string, over map[string]any) string {
	m := map[string]any{
		"ref": ref, "lang": "fi", "title": "Tuotu teko " + ref, "summary": "Tiivistelmä.",
		"organisation": "Kangasala", "municipality": "Kangasala", "sector": "sote",
		"themes": []string{"johtaminen"}, "client_groups": []string{"nuoret"}, "status": "done", "year": 2021,
		"need": "Tarve.", "solution": "Ratkaisu.",
		"contact": map[string]any{"name": "Testi Henkilö", "email": "testi@example.org"},
	}
	for k, v := range over {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func runImport(t *testing.T, a *app.App, text string, opt deed.ImportOptions) *deed.ImportReport {
	t.Helper()
	rep, err := a.Importer.Import(t.Context(), strings.NewReader(text), opt)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return rep
}

func countRows(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func deedIDByRef(t *testing.T, db *store.DB, ref string) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM deeds WHERE ref = ?`, ref).Scan(&id); err != nil {
		t.Fatalf("deed %s: %v", ref, err)
	}
	return id
}

func TestImportDemo(t *testing.T) {
	data, err := os.ReadFile(demoFile)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		ctx := t.Context()
		orgsBefore := countRows(t, db, `SELECT COUNT(*) FROM organisations`)

		rep := runImport(t, a, string(data), deed.ImportOptions{})
		if len(rep.Errors) > 0 {
			t.Fatalf("demo import errors: %+v", rep.Errors)
		}
		if rep.Added != 50 || rep.Updated != 0 {
			t.Fatalf("added %d updated %d, want 50 and 0", rep.Added, rep.Updated)
		}
		newOrgs := []string{"Pohjoisen Ruokapalvelut Oy", "Harjulahden Tilapalvelut Oy", "Kalliosalmen koulutuskuntayhtymä",
			"Järvilinnan Vesi Oy", "Routaniemen Kehitys Oy", "Kustnejdens Servicecentral Ab"}
		if len(rep.CreatedOrgs) != len(newOrgs) {
			t.Fatalf("CreatedOrgs = %q, want the %d new ones", rep.CreatedOrgs, len(newOrgs))
		}
		for _, name := range newOrgs {
			if !slices.ContainsFunc(rep.CreatedOrgs, func(s string) bool { return strings.HasPrefix(s, name+" (") }) {
				t.Errorf("CreatedOrgs %q lacks %s", rep.CreatedOrgs, name)
			}
		}
		if len(rep.CreatedTerms) != 0 {
			t.Errorf("CreatedTerms = %q without AddTerms", rep.CreatedTerms)
		}
		if got := countRows(t, db, `SELECT COUNT(*) FROM organisations`); got != orgsBefore+6 {
			t.Errorf("organisations %d, want %d", got, orgsBefore+6)
		}
		if n, err := a.Deeds.Count(ctx); err != nil || n != 50 {
			t.Fatalf("published count %d, %v", n, err)
		}

		// One of the new organisations' deeds as the public sees it.
		id := deedIDByRef(t, db, "DEMO-2021-046")
		d, err := a.Deeds.Get(ctx, nil, id)
		if err != nil {
			t.Fatal(err)
		}
		pietarsaari, err := a.Orgs.Municipality(ctx, "Pietarsaari")
		if err != nil {
			t.Fatal(err)
		}
		if d.State != deed.Published || d.PublishedAt == nil || d.AuthorID != 0 || d.Lang != "sv" ||
			d.OrgName.FI != "Kustnejdens Servicecentral Ab" || d.OrgKind != string(org.KindCompany) ||
			d.Municipality == nil || d.Municipality.Code != pietarsaari.Code || d.County == nil || d.Region == nil ||
			d.Sector != "hallinto" || !slices.Equal(sorted(d.Themes), []string{"digitalisaatio", "tuloksellisuus", "tyohyvinvointi"}) {
			t.Errorf("DEMO-2021-046 = %+v", d)
		}
		// Listing filters work on imported deeds.
		p, err := a.Deeds.List(ctx, nil, deed.Filter{Langs: []string{"sv"}, Limit: 100})
		if err != nil || p.Total != 6 {
			t.Errorf("swedish deeds: %d, %v", p.Total, err)
		}

		// The same file again updates every deed and adds nothing.
		rep = runImport(t, a, string(data), deed.ImportOptions{})
		if len(rep.Errors) > 0 || rep.Added != 0 || rep.Updated != 50 || len(rep.CreatedOrgs) != 0 {
			t.Fatalf("second import: added %d updated %d errors %v orgs %q", rep.Added, rep.Updated, rep.Errors, rep.CreatedOrgs)
		}
		if n, _ := a.Deeds.Count(ctx); n != 50 {
			t.Fatalf("published count after re-import %d", n)
		}
		if n := countRows(t, db, `SELECT COUNT(*) FROM deeds`); n != 50 {
			t.Fatalf("%d deeds after re-import", n)
		}
		if got := countRows(t, db, `SELECT COUNT(*) FROM organisations`); got != orgsBefore+6 {
			t.Errorf("organisations %d after re-import, want %d", got, orgsBefore+6)
		}
		// Each import is a revision; the second changed nothing.
		mod := mkUser(t, a, "Moderator", user.RoleModerator, 0)
		revs, err := a.Deeds.Revisions(ctx, mod, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 2 || revs[0].Action != deed.ActImported || revs[1].Action != deed.ActImported || revs[0].UserID != 0 {
			t.Fatalf("revisions %+v", revs)
		}
		if len(revs[0].Changed) != 0 {
			t.Errorf("identical re-import changed %v", revs[0].Changed)
		}
	})
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestImportBadLines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		ctx := t.Context()
		lines := []string{
			rec("B-1", nil),            // 1
			`{"ref": "B-2", "title": `, // 2 invalid JSON
			rec("B-3", nil),            // 3
			rec("B-4", map[string]any{"sector": "avaruus"}),                                                   // 4
			rec("", map[string]any{"ref": nil}),                                                               // 5
			rec("B-6", map[string]any{"summary": strings.Repeat("ä", 301), "organisation": "Turha Testi Oy"}), // 6
			"   ", // 7 blank
			rec("B-8", map[string]any{"municipality": "Atlantis"}),         // 8
			rec("B-9", map[string]any{"colour": "punainen"}),               // 9
			rec("B-10", map[string]any{"title": "Kymmenes", "year": 2019}), // 10
			`[1, 2]`,                        // 11
			`{"ref":"B-12"} {"ref":"B-13"}`, // 12
			rec("B-13", map[string]any{"organisation": nil}),                                                                                     // 13
			rec("B-14", map[string]any{"organisation": "Tuntematon Oy", "municipality": nil}),                                                    // 14
			rec("B-15", map[string]any{"organisation": "Uusi Yhtiö Oy", "organisation_type": "alien"}),                                           // 15
			rec("B-16", map[string]any{"organisation": 42}),                                                                                      // 16
			rec("B-17", map[string]any{"year": 1800}),                                                                                            // 17
			rec("B-18", map[string]any{"contact": map[string]any{"name": "X", "email": "ei-osoite"}}),                                            // 18
			rec("B-19", map[string]any{"links": []map[string]string{{"url": "javascript:alert(1)"}}}),                                            // 19
			rec("B-20", map[string]any{"themes": []string{"johtaminen", "osaaminen", "viestinta", "yhteistyo", "osallisuus", "digitalisaatio"}}), // 20
		}
		rep := runImport(t, a, strings.Join(lines, "\n")+"\n", deed.ImportOptions{})
		want := []struct {
			line   int
			ref    string
			reason string
		}{
			{2, "", "invalid JSON"},
			{4, "B-4", `sector: unknown value "avaruus"`},
			{5, "", "ref: required"},
			{6, "B-6", "summary: too long (300)"},
			{8, "B-8", `municipality: unknown "Atlantis"`},
			{9, "", `unknown field "colour"`}, // the line did not decode, so no ref
			{11, "", "invalid JSON"},
			{12, "", "more than one value"},
			{13, "B-13", "organisation: required"},
			{14, "B-14", "no municipality was given"},
			{15, "B-15", "organisation_type"},
			{16, "B-16", "organisation: must be a name or an object"},
			{17, "B-17", "year: year range"},
			{18, "B-18", "contact_email: email invalid"},
			{19, "B-19", "links: url invalid"},
			{20, "B-20", "themes: too many (5)"},
		}
		if len(rep.Errors) != len(want) {
			t.Errorf("%d errors, want %d:", len(rep.Errors), len(want))
			for _, e := range rep.Errors {
				t.Logf("  line %d %q: %s", e.Line, e.Ref, e.Reason)
			}
			t.FailNow()
		}
		for i, w := range want {
			e := rep.Errors[i]
			if e.Line != w.line || e.Ref != w.ref || !strings.Contains(e.Reason, w.reason) {
				t.Errorf("error %d = line %d ref %q %q; want line %d ref %q containing %q", i, e.Line, e.Ref, e.Reason, w.line, w.ref, w.reason)
			}
		}
		if rep.Added != 3 || rep.Updated != 0 {
			t.Fatalf("added %d updated %d, want 3 and 0", rep.Added, rep.Updated)
		}
		for _, ref := range []string{"B-1", "B-3", "B-10"} {
			d, err := a.Deeds.Get(ctx, nil, deedIDByRef(t, db, ref))
			if err != nil || d.State != deed.Published || d.OrgCode != "kangasala" {
				t.Errorf("%s: %v %+v", ref, err, d)
			}
		}
		if n := countRows(t, db, `SELECT COUNT(*) FROM deeds`); n != 3 {
			t.Errorf("%d deeds stored, want 3", n)
		}
		// Rejected lines leave no organisation behind.
		for _, name := range []string{"Turha Testi Oy", "Uusi Yhtiö Oy", "Tuntematon Oy"} {
			if _, err := a.Orgs.Find(ctx, name); !errors.Is(err, org.ErrNotFound) {
				t.Errorf("organisation %q after rejected line: %v", name, err)
			}
		}

		// Importing a changed line updates the deed in place.
		rep = runImport(t, a, rec("B-10", map[string]any{"title": "Kymmenes, korjattu", "year": 2020}), deed.ImportOptions{})
		if rep.Added != 0 || rep.Updated != 1 || len(rep.Errors) != 0 {
			t.Fatalf("update: %+v", rep)
		}
		d, err := a.Deeds.Get(ctx, nil, deedIDByRef(t, db, "B-10"))
		if err != nil || d.Title != "Kymmenes, korjattu" || d.Year != 2020 {
			t.Fatalf("updated B-10: %v %+v", err, d)
		}
	})
}

func TestImportAddTerms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		ctx := t.Context()
		line1 := rec("T-1", map[string]any{"themes": []string{"Etätyö", "johtaminen"}, "client_groups": []string{"Opiskelijat"}})
		line2 := rec("T-2", map[string]any{"themes": []string{"ETÄTYÖ"}, "client_groups": []string{"opiskelijat", "Nuoret"}})

		// Without AddTerms the line is refused and nothing is added.
		rep := runImport(t, a, line1, deed.ImportOptions{})
		if rep.Added != 0 || len(rep.Errors) != 1 || rep.Errors[0].Line != 1 || !strings.Contains(rep.Errors[0].Reason, `theme: unknown value "Etätyö"`) {
			t.Fatalf("without AddTerms: %+v", rep)
		}
		vocab, err := a.Terms.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := vocab.Resolve(taxonomy.Theme, "Etätyö"); ok {
			t.Fatal("term added without AddTerms")
		}

		rep = runImport(t, a, line1+"\n"+line2, deed.ImportOptions{AddTerms: true})
		if rep.Added != 2 || len(rep.Errors) != 0 {
			t.Fatalf("with AddTerms: %+v", rep)
		}
		if !slices.Equal(rep.CreatedTerms, []string{"theme: Etätyö", "client_group: Opiskelijat"}) {
			t.Fatalf("CreatedTerms = %q", rep.CreatedTerms)
		}
		vocab, err = a.Terms.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		th, ok := vocab.BySlug(taxonomy.Theme, "etatyo")
		if !ok || th.Label.FI != "Etätyö" {
			t.Fatalf("theme etatyo: %v %+v", ok, th)
		}
		if _, ok := vocab.BySlug(taxonomy.ClientGroup, "opiskelijat"); !ok {
			t.Fatal("client group opiskelijat missing")
		}
		d2, err := a.Deeds.Get(ctx, nil, deedIDByRef(t, db, "T-2"))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d2.Themes, []string{"etatyo"}) || !slices.Equal(sorted(d2.ClientGroups), []string{"nuoret", "opiskelijat"}) {
			t.Errorf("T-2 themes %v groups %v", d2.Themes, d2.ClientGroups)
		}
		p, err := a.Deeds.List(ctx, nil, deed.Filter{Themes: []string{"etatyo"}})
		if err != nil || p.Total != 2 {
			t.Errorf("listing by the new theme: %d, %v", p.Total, err)
		}
		// A third import finds the terms and creates nothing.
		rep = runImport(t, a, line1, deed.ImportOptions{AddTerms: true})
		if rep.Updated != 1 || len(rep.CreatedTerms) != 0 {
			t.Errorf("third import: %+v", rep)
		}
	})
}

func TestImportAPIObjectForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		ctx := t.Context()
		lines := []string{
			rec("O-1", map[string]any{
				"organisation": map[string]any{"name": "Kangasala", "code": "kangasala"},
				"municipality": map[string]any{"code": "211"},
				// What the API gives out besides: ignored on import.
				"id": 77, "slug": "vanha-slug", "url": "https://example.org/teot/77", "state": "published",
				"region": map[string]any{"code": "06", "name": "Pirkanmaa"}, "county": map[string]any{"code": "x"},
				"sector_label": "Sosiaali- ja terveyspalvelut", "updated_at": "2024-01-01T00:00:00Z",
				"images": []any{}, "attachments": []any{},
				"published_at": "2023-06-01T12:00:00Z",
			}),
			rec("O-2", map[string]any{"organisation": map[string]any{"name": "Tampere"}, "municipality": map[string]any{"name": "Tampere"}}),
			rec("O-3", map[string]any{"organisation": map[string]any{"code": "varkaus"}, "municipality": nil}),
		}
		rep := runImport(t, a, strings.Join(lines, "\n"), deed.ImportOptions{})
		if rep.Added != 3 || len(rep.Errors) != 0 || len(rep.CreatedOrgs) != 0 {
			t.Fatalf("object form: %+v", rep)
		}
		d, err := a.Deeds.Get(ctx, nil, deedIDByRef(t, db, "O-1"))
		if err != nil {
			t.Fatal(err)
		}
		if d.OrgCode != "kangasala" || d.Municipality == nil || d.Municipality.Code != "211" || d.Municipality.Name.FI != "Kangasala" ||
			d.Slug == "vanha-slug" || d.PublishedAt == nil || !d.PublishedAt.Equal(mustTime(t, "2023-06-01T12:00:00Z")) {
			t.Errorf("O-1 = org %q municipality %+v slug %q published %v", d.OrgCode, d.Municipality, d.Slug, d.PublishedAt)
		}
		if d, err := a.Deeds.Get(ctx, nil, deedIDByRef(t, db, "O-2")); err != nil || d.OrgCode != "tampere" {
			t.Errorf("O-2: %v %+v", err, d)
		}
		if d, err := a.Deeds.Get(ctx, nil, deedIDByRef(t, db, "O-3")); err != nil || d.OrgCode != "varkaus" || d.Municipality == nil {
			t.Errorf("O-3: %v %+v", err, d)
		}
	})
}

// TestImportedDeedEdit shows an imported deed edited in the app: the
// revision list names only what the editor changed.
func TestImportedDeedEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		ctx := t.Context()
		runImport(t, a, rec("E-1", map[string]any{"municipality": nil}), deed.ImportOptions{})
		id := deedIDByRef(t, db, "E-1")
		kangasala := mustOrg(t, a, "kangasala")
		editor := mkUser(t, a, "Editor", user.RoleOrgEditor, kangasala.ID)
		member := mkUser(t, a, "Member", user.RoleMember, kangasala.ID)

		d, err := a.Deeds.Get(ctx, editor, id)
		if err != nil {
			t.Fatal(err)
		}
		// An imported deed has no author: a plain member of the
		// organisation may not edit it, its editor may.
		if _, err := a.Deeds.Save(ctx, member, id, d.Content); !errors.Is(err, deed.ErrForbidden) {
			t.Fatalf("member Save of imported deed: %v", err)
		}
		c := d.Content
		c.Title = "Muokattu otsikko"
		got, err := a.Deeds.Save(ctx, editor, id, c)
		if err != nil {
			t.Fatal(err)
		}
		if got.Pending == nil || got.Title == "Muokattu otsikko" {
			t.Fatalf("editor's edit went live or was lost: %+v", got)
		}
		revs, err := a.Deeds.Revisions(ctx, editor, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 2 || revs[0].Action != deed.ActEditProposed || !slices.Equal(revs[0].Changed, []string{"title"}) {
			t.Fatalf("revisions: %d, newest %s changed %v", len(revs), revs[0].Action, revs[0].Changed)
		}
	})
}

func TestImportLongLine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		long := `{"ref":"LONG","title":"` + strings.Repeat("a", deed.MaxLineBytes) + `"}`
		text := rec("OK-1", nil) + "\n" + long + "\n" + rec("OK-3", nil) + "\n"
		rep := runImport(t, a, text, deed.ImportOptions{})
		if len(rep.Errors) != 1 || rep.Errors[0].Line != 2 || !strings.Contains(rep.Errors[0].Reason, "longer than") {
			t.Fatalf("long line: %+v", rep.Errors)
		}
		// The reason says reading stopped there: the line before loaded,
		// the one after did not.
		if rep.Added != 1 || countRows(t, db, `SELECT COUNT(*) FROM deeds WHERE ref = 'OK-1'`) != 1 {
			t.Fatalf("added %d", rep.Added)
		}
	})
}

func TestImportCancelled(t *testing.T) {
	db := storetest.Open(t, storetest.SQLite)
	a := newApp(t, db)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rep, err := a.Importer.Import(ctx, strings.NewReader(rec("C-1", nil)+"\n"+rec("C-2", nil)), deed.ImportOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import: %v", err)
	}
	if rep == nil || rep.Added != 0 || len(rep.Errors) != 0 {
		t.Fatalf("cancelled import report: %+v", rep)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// An import updates only deeds that came by import: a deed written on the
// site keeps going through moderation. A re-import without published_at
// keeps the publication date, and an archived deed stays archived.
func TestImportRespectsSiteDeedsAndDates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		d, err := e.s.Create(e.ctx, e.member, fullContent(e.kangasala.ID))
		if err != nil {
			t.Fatal(err)
		}
		rep := runImport(t, e.a, rec(d.Ref, nil)+"\n", deed.ImportOptions{})
		if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Reason, "written on this site") {
			t.Fatalf("import over a site deed: %+v", rep)
		}
		if got, _ := e.s.Get(e.ctx, e.member, d.ID); got.State != deed.Draft || got.Title != d.Title {
			t.Fatalf("site deed changed: %s %q", got.State, got.Title)
		}

		when := "2019-11-20T17:43:00Z"
		runImport(t, e.a, rec("KEEP-1", map[string]any{"published_at": when})+"\n", deed.ImportOptions{})
		id := deedIDByRef(t, db, "KEEP-1")
		runImport(t, e.a, rec("KEEP-1", map[string]any{"title": "Päivitetty otsikko"})+"\n", deed.ImportOptions{})
		got, err := e.s.Get(e.ctx, nil, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Päivitetty otsikko" || got.PublishedAt == nil || !got.PublishedAt.Equal(mustTime(t, when)) {
			t.Fatalf("re-import: %q published %v", got.Title, got.PublishedAt)
		}
		if _, err := e.s.Archive(e.ctx, e.moderator, id, ""); err != nil {
			t.Fatal(err)
		}
		runImport(t, e.a, rec("KEEP-1", nil)+"\n", deed.ImportOptions{})
		if got, _ := e.s.Get(e.ctx, nil, id); got.State != deed.Archived {
			t.Fatalf("re-import of archived deed: %s", got.State)
		}
	})
}

// A line that is refused adds no vocabulary term (nor organisation), with
// AddTerms on: the terms are added only for lines that load.
func TestRefusedImportLineAddsNoTerms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		ctx := t.Context()
		bad := []string{
			// No title: fails validation.
			rec("R-1", map[string]any{"title": "", "themes": []string{"Hylätty teema yksi"}}),
			// An unknown organisation with no municipality to create it under.
			rec("R-2", map[string]any{"organisation": "Tuntematon Oy", "municipality": nil, "themes": []string{"Hylätty teema kaksi"}}),
			// A year in the future.
			rec("R-3", map[string]any{"year": 2999, "client_groups": []string{"Hylätty asiakasryhmä"}}),
		}
		rep := runImport(t, a, strings.Join(bad, "\n"), deed.ImportOptions{AddTerms: true})
		if rep.Added != 0 || len(rep.Errors) != 3 {
			t.Fatalf("refused lines: %+v", rep)
		}
		if len(rep.CreatedTerms) != 0 || len(rep.CreatedOrgs) != 0 {
			t.Fatalf("refused lines created %q and %q", rep.CreatedTerms, rep.CreatedOrgs)
		}
		vocab, err := a.Terms.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"Hylätty teema yksi", "Hylätty teema kaksi"} {
			if _, ok := vocab.Resolve(taxonomy.Theme, v); ok {
				t.Errorf("theme %q added by a refused line", v)
			}
		}
		if _, ok := vocab.Resolve(taxonomy.ClientGroup, "Hylätty asiakasryhmä"); ok {
			t.Error("client group added by a refused line")
		}
	})
}
