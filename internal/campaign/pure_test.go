package campaign

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tekotori/tekotori/internal/user"
)

func TestCan(t *testing.T) {
	org := int64(7)
	mk := func(role user.Role, orgID int64) *user.User {
		return &user.User{ID: 100 + int64(len(role)) + orgID, Role: role, OrgID: orgID}
	}
	admin, moderator := mk(user.RoleAdmin, 0), mk(user.RoleModerator, 0)
	member, editor, otherEditor := mk(user.RoleMember, org), mk(user.RoleOrgEditor, org), mk(user.RoleOrgEditor, 8)
	disabled := &user.User{ID: 1, Role: user.RoleAdmin, Disabled: true}
	padmin := Standing{ProgrammeAdmin: true}
	deedOf := func(author int64) Standing { return Standing{AuthorID: author, OrgID: org} }
	juror := Standing{Juror: true, Assigned: true}
	cases := []struct {
		name string
		u    *user.User
		a    Action
		st   Standing
		want bool
	}{
		{"site admin creates programme", admin, ActionCreateProgramme, Standing{}, true},
		{"moderator does not create programme", moderator, ActionCreateProgramme, Standing{}, false},
		{"programme admin does not create programme", member, ActionCreateProgramme, padmin, false},
		{"disabled admin does nothing", disabled, ActionManage, padmin, false},
		{"anonymous does nothing", nil, ActionVote, Standing{}, false},
		{"site admin manages any", admin, ActionManage, Standing{}, true},
		{"programme admin manages", member, ActionManage, padmin, true},
		{"moderator does not manage", moderator, ActionManage, Standing{}, false},
		{"juror does not manage", member, ActionManage, juror, false},
		{"author enters own deed", member, ActionEnterDeed, deedOf(member.ID), true},
		{"member enters colleague's deed", member, ActionEnterDeed, deedOf(999), false},
		{"org editor enters org's deed", editor, ActionEnterDeed, deedOf(999), true},
		{"other org's editor", otherEditor, ActionEnterDeed, deedOf(999), false},
		{"moderator does not enter", moderator, ActionEnterDeed, deedOf(999), false},
		{"programme admin enters any deed", otherEditor, ActionEnterDeed, Standing{ProgrammeAdmin: true, OrgID: org}, true},
		{"org editor enters own org", editor, ActionEnterOrg, Standing{OrgID: org}, true},
		{"member does not enter org", member, ActionEnterOrg, Standing{OrgID: org}, false},
		{"juror judges assigned", member, ActionJudge, juror, true},
		{"juror not assigned", member, ActionJudge, Standing{Juror: true}, false},
		{"conflicted juror", member, ActionJudge, Standing{Juror: true, Assigned: true, Conflicted: true}, false},
		{"site admin is no juror", admin, ActionJudge, Standing{Assigned: true}, false},
		{"programme admin is no juror", member, ActionJudge, Standing{ProgrammeAdmin: true}, false},
		{"juror declares on an assigned entry", member, ActionDeclareConflict, juror, true},
		{"juror declares on an entry not assigned", member, ActionDeclareConflict, Standing{Juror: true}, false},
		{"non-juror declares", member, ActionDeclareConflict, Standing{Assigned: true}, false},
		{"juror work list", member, ActionJury, Standing{Juror: true}, true},
		{"anyone signed in votes", member, ActionVote, Standing{}, true},
		{"entrant reads feedback", member, ActionViewFeedback, Standing{EnteredBy: member.ID}, true},
		{"author reads feedback", member, ActionViewFeedback, deedOf(member.ID), true},
		{"org editor reads feedback", editor, ActionViewFeedback, Standing{OrgID: org}, true},
		{"stranger reads feedback", otherEditor, ActionViewFeedback, Standing{OrgID: org, EnteredBy: 5}, false},
		{"unknown action", admin, Action("fly"), padmin, false},
	}
	for _, c := range cases {
		if got := Can(c.u, c.a, c.st); got != c.want {
			t.Errorf("%s: Can = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestMentions(t *testing.T) {
	cases := []struct {
		text, name string
		want       bool
	}{
		{"Joensuun kaupunki, järjestöt", "Joensuu", true},
		{"KAJAANIN kaupungin nuorisopalvelut", "Kajaani", true},
		{"Kajoensuu Oy", "Joensuu", false},
		{"Liikkuva koulu", "Ii", false},
		{"Yhteistyössä: Ii ja Oulu", "Ii", true},
		{"Yhteistyössä: Ii ja Oulu", "I", false}, // a one-letter name would match everywhere
		{"Savonia, Varkauden kaupunki", "Savonia", true},
		{"", "Savonia", false},
		{"Kuopio-Savonia", "Savonia", true},
	}
	for _, c := range cases {
		if got := mentions(c.text, c.name); got != c.want {
			t.Errorf("mentions(%q, %q) = %v, want %v", c.text, c.name, got, c.want)
		}
	}
}

func TestPlanAssignments(t *testing.T) {
	var entries, jurors []int64
	for i := int64(1); i <= 40; i++ {
		entries = append(entries, i)
	}
	for i := int64(101); i <= 110; i++ {
		jurors = append(jurors, i)
	}
	conflicted := map[Pair]bool{}
	// Entry 1 is conflicted with all but two jurors; 101 has many conflicts.
	for _, j := range jurors[2:] {
		conflicted[Pair{1, j}] = true
	}
	for e := int64(2); e <= 20; e++ {
		conflicted[Pair{e, 101}] = true
	}
	have := map[Pair]bool{{5, 110}: true}
	added, short := planAssignments(entries, jurors, 3, have, conflicted)
	if !slices.Equal(short, []int64{1}) {
		t.Fatalf("short %v, want [1]", short)
	}
	per, load := map[int64]int{5: 1}, map[int64]int{110: 1}
	for _, p := range added {
		if conflicted[p] || have[p] {
			t.Fatalf("pair %+v conflicted or repeated", p)
		}
		per[p.Entry]++
		load[p.Juror]++
	}
	for _, e := range entries[1:] {
		if per[e] != 3 {
			t.Fatalf("entry %d has %d jurors", e, per[e])
		}
	}
	if per[1] != 2 {
		t.Fatalf("entry 1 has %d jurors, want the 2 free ones", per[1])
	}
	var loads []int
	for _, j := range jurors {
		loads = append(loads, load[j])
	}
	if slices.Max(loads)-slices.Min(loads) > 1 {
		t.Fatalf("loads %v not balanced", loads)
	}
	again, _ := planAssignments(entries, jurors, 3, have, conflicted)
	if !slices.Equal(added, again) {
		t.Fatal("assignment is not the same for the same input")
	}
}

func TestNormalisation(t *testing.T) {
	// Two jurors see the same four entries in the same order; one scores
	// two points higher and uses half the range. Normalised, they agree.
	var js []Judgement
	for i, v := range []float64{1, 2, 3, 4} {
		js = append(js, Judgement{Entry: int64(i + 1), Juror: 1, Total: v})
		js = append(js, Judgement{Entry: int64(i + 1), Juror: 2, Total: 3.5 + v/2})
	}
	norm := normalisedTotals(js, 1, 5)
	for i := 0; i < len(js); i += 2 {
		if math.Abs(norm[i]-norm[i+1]) > 1e-9 {
			t.Fatalf("entry %d: normalised %v and %v differ", js[i].Entry, norm[i], norm[i+1])
		}
	}
	// A juror with too few judgements is taken as given.
	few := normalisedTotals([]Judgement{{1, 1, 2}, {2, 1, 4}}, 1, 5)
	if few[0] != 2 || few[1] != 4 {
		t.Fatalf("few judgements normalised to %v", few)
	}

	// A harsh juror alone on an entry hides it below the line by raw mean;
	// normalisation brings it back, and the ranking says so.
	js = nil
	add := func(e, j int64, v float64) { js = append(js, Judgement{Entry: e, Juror: j, Total: v}) }
	for e := int64(1); e <= 4; e++ {
		add(e, 1, 2+float64(e)*0.5) // lenient juror 1: 2.5 … 4
	}
	for e := int64(5); e <= 8; e++ {
		add(e, 2, float64(e-4)*0.5) // harsh juror 2: 0.5 … 2, clamped by nothing here
	}
	norm = normalisedTotals(js, 0, 5)
	fit := fitModel(js, 0, 5)
	ids := []int64{1, 2, 3, 4, 5, 6, 7, 8}
	rows := rankCategory(ids, js, norm, fit, 2, 0, 5)
	rank := map[int64]Ranked{}
	for _, r := range rows {
		rank[r.EntryID] = r
	}
	// Raw: 4 and 3 are above the line. Normalised, the jurors agree, so
	// each one's best two tie and the tie goes by raw mean: 4, then 8.
	if rank[4].RawRank != 1 || rank[3].RawRank != 2 || rank[4].NormRank != 1 || rank[8].NormRank != 2 {
		t.Fatalf("raw and normalised ranks %+v", rows)
	}
	// The two jurors share no entry: one group each.
	if n := Components(js); n != 2 {
		t.Fatalf("components %d", n)
	}
	// An entry is flagged when the methods put it on different sides.
	for _, r := range rows {
		sides := map[bool]bool{r.RawRank <= 2: true, r.NormRank <= 2: true, r.ModelRank <= 2: true}
		if r.LineChanged != (len(sides) > 1) || r.Rank != r.ModelRank {
			t.Fatalf("row %+v", r)
		}
	}
	if !rank[3].LineChanged || !rank[8].LineChanged || rank[1].LineChanged {
		t.Fatalf("line changes %+v", rows)
	}
	// Unscored entries rank last and are never flagged.
	rows = rankCategory([]int64{1, 99}, js, norm, fit, 1, 0, 5)
	if rows[1].EntryID != 99 || rows[1].Scored || rows[1].LineChanged || rows[1].Rank != 2 {
		t.Fatalf("unscored row %+v", rows[1])
	}
}

func TestSimulate(t *testing.T) {
	// Few runs keep the test quick; the seed makes it exact.
	cfg := DefaultSim()
	sc := Scenarios()[0]
	run := func(seed uint64) SimSummary { return RunScenario(cfg, sc, 20, rand.New(rand.NewPCG(seed, 0))) }
	a := run(1)
	if b := run(1); a.Recall[MethodRaw] != b.Recall[MethodRaw] || a.Spearman[MethodModel] != b.Spearman[MethodModel] {
		t.Fatal("the same seed gave different results")
	}
	for _, m := range Methods() {
		if r, rho := a.Recall[m], a.Spearman[m]; r < 0.5 || r > 1 || rho < 0.5 || rho > 1 {
			t.Fatalf("implausible %s: recall %.3f, Spearman %.3f", m, r, rho)
		}
	}
}

// BenchmarkAssignAndRank assigns 1,000 entries to 50 jurors three each,
// with some conflicts, and ranks the scores in ten categories.
func BenchmarkAssignAndRank(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 7))
	var entries, jurors []int64
	for i := int64(1); i <= 1000; i++ {
		entries = append(entries, i)
	}
	for i := int64(1); i <= 50; i++ {
		jurors = append(jurors, 10000+i)
	}
	conflicted := map[Pair]bool{}
	for range 1000 {
		conflicted[Pair{entries[rng.IntN(1000)], jurors[rng.IntN(50)]}] = true
	}
	criteria := []Criterion{{ID: 1, Weight: 1, ScaleMin: 1, ScaleMax: 5}, {ID: 2, Weight: 2, ScaleMin: 1, ScaleMax: 5}, {ID: 3, Weight: 1, ScaleMin: 1, ScaleMax: 5}}
	values := make([]int, 3*1000*50)
	for i := range values {
		values[i] = 1 + rng.IntN(5)
	}
	lo, hi := scaleOf(criteria)
	b.ResetTimer()
	for range b.N {
		pairs, _ := planAssignments(entries, jurors, 3, map[Pair]bool{}, conflicted)
		js := make([]Judgement, 0, len(pairs))
		for _, p := range pairs {
			k := 3 * ((p.Entry-1)*50 + (p.Juror - 10001))
			sc := []Score{{1, values[k], ""}, {2, values[k+1], ""}, {3, values[k+2], ""}}
			js = append(js, Judgement{Entry: p.Entry, Juror: p.Juror, Total: weightedTotal(criteria, sc)})
		}
		norm := normalisedTotals(js, lo, hi)
		fit := fitModel(js, lo, hi)
		for c := range 10 {
			rankCategory(entries[c*100:(c+1)*100], js, norm, fit, 5, lo, hi)
		}
	}
}

func TestVoteNetwork(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.77":           "192.0.2.0/24",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2::/64":    "2001:db8:1:2::/64",
		"::ffff:198.51.100.9":  "198.51.100.0/24",
		"unknown":              "",
		"":                     "",
	} {
		if got := VoteNetwork(in); got != want {
			t.Errorf("VoteNetwork(%q) = %q, want %q", in, got, want)
		}
	}
}
