package campaign_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/finland"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/user"
)

// env is a platform on a fresh database, built from the services directly
// rather than through app so that these tests depend only on what the
// campaign package uses, with a cast of accounts and a clock the test moves.
type env struct {
	ctx   context.Context
	db    *store.DB
	orgs  *org.Service
	users *user.Service
	deeds *deed.Service
	terms *taxonomy.Service
	s     *campaign.Service
	t0    time.Time
	clock time.Time

	kangasala, tampere, joensuu, varkaus *org.Org

	admin     *user.User // site admin
	moderator *user.User
	padmin    *user.User // programme admin, otherwise a plain member
	author    *user.User // member of Kangasala, writes deeds
	editor    *user.User // org editor of Kangasala
	outsider  *user.User // member of Varkaus, writes deeds
	stranger  *user.User // member of no organisation
	jKangas   *user.User // juror from Kangasala: own-organisation conflicts
	jJoensuu  *user.User // juror from Joensuu: named among a deed's partners
	jTampere  *user.User // juror from Tampere: same county as Kangasala
	jFree     *user.User // juror without an organisation
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := t.Context()
	reg, err := finland.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{ctx: ctx, db: db, orgs: org.NewService(db, reg), users: user.NewService(db), terms: taxonomy.NewService(db)}
	if err := e.orgs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.terms.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	e.deeds = deed.NewService(db, e.terms)
	e.t0 = store.Now()
	e.clock = e.t0
	e.s = campaign.NewService(db, e.deeds).At(func() time.Time { return e.clock })
	e.kangasala, e.tampere = e.org(t, "kangasala"), e.org(t, "tampere")
	e.joensuu, e.varkaus = e.org(t, "joensuu"), e.org(t, "varkaus")
	e.admin = e.user(t, "Admin", user.RoleAdmin, 0)
	e.moderator = e.user(t, "Moderator", user.RoleModerator, 0)
	e.padmin = e.user(t, "Padmin", user.RoleMember, 0)
	e.author = e.user(t, "Author", user.RoleMember, e.kangasala.ID)
	e.editor = e.user(t, "Editor", user.RoleOrgEditor, e.kangasala.ID)
	e.outsider = e.user(t, "Outsider", user.RoleMember, e.varkaus.ID)
	e.stranger = e.user(t, "Stranger", user.RoleMember, 0)
	e.jKangas = e.user(t, "JKangas", user.RoleMember, e.kangasala.ID)
	e.jJoensuu = e.user(t, "JJoensuu", user.RoleMember, e.joensuu.ID)
	e.jTampere = e.user(t, "JTampere", user.RoleMember, e.tampere.ID)
	e.jFree = e.user(t, "JFree", user.RoleMember, 0)
	return e
}

func (e *env) org(t *testing.T, code string) *org.Org {
	t.Helper()
	o, err := e.orgs.ByCode(e.ctx, code)
	if err != nil {
		t.Fatalf("org %s: %v", code, err)
	}
	return o
}

// user adds an account straight into the table: hashing a real password
// for each of a dozen accounts on two engines would be most of the test.
// Its e-mail address counts as confirmed, as for accounts admins make.
func (e *env) user(t *testing.T, name string, role user.Role, orgID int64) *user.User {
	t.Helper()
	return e.account(t, name, role, orgID, true)
}

// account adds an account, with its e-mail address confirmed or not.
func (e *env) account(t *testing.T, name string, role user.Role, orgID int64, verified bool) *user.User {
	t.Helper()
	var org, at any
	if orgID != 0 {
		org = orgID
	}
	now := store.Now()
	if verified {
		at = now
	}
	id, err := store.InsertID(e.ctx, e.db, `INSERT INTO users (email, name, password_hash, role, org_id, lang, disabled, created_at, email_verified_at)
		VALUES (?, ?, 'x', ?, ?, 'fi', FALSE, ?, ?)`, strings.ToLower(name)+"@example.org", name, string(role), org, now, at)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.users.Get(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// publish writes a deed as author and has the moderator publish it.
func (e *env) publish(t *testing.T, author *user.User, orgID int64, title, partners string) *deed.Deed {
	t.Helper()
	c := deed.Content{
		Lang: "fi", Title: title, Summary: "Lyhyt kuvaus teosta.", OrgID: orgID,
		Sector: "sote", Themes: []string{"digitalisaatio"}, ClientGroups: []string{"nuoret"},
		Status: deed.InProgress, Year: 2022, Need: "Tarve oli suuri.", Solution: "Ratkaisu löytyi.", Partners: partners,
		Contact: deed.Contact{Name: "Maija Meikäläinen", Email: "maija@example.org", Public: true},
	}
	d, err := e.deeds.Create(e.ctx, author, deed.Content{Lang: "fi", OrgID: orgID})
	if err != nil {
		t.Fatalf("create deed: %v", err)
	}
	if _, err := e.deeds.Submit(e.ctx, author, d.ID, c); err != nil {
		t.Fatalf("submit deed: %v", err)
	}
	d, err = e.deeds.Publish(e.ctx, e.moderator, d.ID)
	if err != nil {
		t.Fatalf("publish deed: %v", err)
	}
	return d
}

// fixture is a programme with one campaign whose windows lie around t0:
// entries [t0-1h, t0+1h), judging [t0+1h, t0+3h), audience vote as entries.
type fixture struct {
	prog                     *campaign.Programme
	c                        *campaign.Campaign
	deedCat, orgCat, dataCat *campaign.Category
	crDesc, crImpact         *campaign.Criterion
}

func txt(fi string) i18n.Text { return i18n.Text{FI: fi, SV: fi + " (sv)", EN: fi + " (en)"} }

func (e *env) campaignInput(vote bool) campaign.CampaignInput {
	in := campaign.CampaignInput{
		Name: txt("Kuntatyö2030-palkinnot"), Description: txt("Vuoden kehittämisteot"), Rules: txt("Säännöt"),
		Entry:          campaign.Window{Opens: e.t0.Add(-time.Hour), Closes: e.t0.Add(time.Hour)},
		Judging:        campaign.Window{Opens: e.t0.Add(time.Hour), Closes: e.t0.Add(3 * time.Hour)},
		JurorsPerEntry: 2,
	}
	if vote {
		in.AudienceVote = true
		in.Vote = &campaign.Window{Opens: e.t0.Add(-time.Hour), Closes: e.t0.Add(time.Hour)}
	}
	return in
}

func (e *env) fixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{}
	var err error
	f.prog, err = e.s.CreateProgramme(e.ctx, e.admin, campaign.ProgrammeInput{Name: txt("Kuntatyö2030")})
	must(t, err)
	must(t, e.s.AddProgrammeAdmin(e.ctx, e.admin, f.prog.ID, e.padmin.Email))
	f.c, err = e.s.CreateCampaign(e.ctx, e.padmin, f.prog.ID, e.campaignInput(true))
	must(t, err)
	f.deedCat, err = e.s.AddCategory(e.ctx, e.padmin, f.c.ID, campaign.CategoryInput{Name: txt("Innostavat teot"), Kind: campaign.KindDeed, Winners: 1, Mentions: 1})
	must(t, err)
	f.orgCat, err = e.s.AddCategory(e.ctx, e.padmin, f.c.ID, campaign.CategoryInput{Name: txt("Ihmeiden tekijä"), Kind: campaign.KindOrg, Winners: 1, Position: 1})
	must(t, err)
	f.dataCat, err = e.s.AddCategory(e.ctx, e.padmin, f.c.ID, campaign.CategoryInput{Name: txt("Ahkerin julkaisija"), Kind: campaign.KindOrg, Rule: campaign.RuleMostDeeds, Winners: 1, Position: 2})
	must(t, err)
	f.crDesc, err = e.s.AddCriterion(e.ctx, e.padmin, f.c.ID, campaign.CriterionInput{Name: txt("Kuvaus"), Weight: 1, ScaleMin: 1, ScaleMax: 5})
	must(t, err)
	f.crImpact, err = e.s.AddCriterion(e.ctx, e.padmin, f.c.ID, campaign.CriterionInput{Name: txt("Vaikutus arkeen"), Weight: 2, ScaleMin: 1, ScaleMax: 5, Position: 1})
	must(t, err)
	f.c, err = e.s.Campaign(e.ctx, f.c.ID)
	must(t, err)
	return f
}

// jury invites and seats the given jurors.
func (e *env) jury(t *testing.T, c *campaign.Campaign, jurors ...*user.User) {
	t.Helper()
	for _, j := range jurors {
		inv, err := e.s.InviteJuror(e.ctx, e.padmin, c.ID, j.Email)
		must(t, err)
		_, err = e.s.AcceptInvitation(e.ctx, j, inv.Token)
		must(t, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
}

// wantKey asserts that err is FieldErrors carrying key for field.
func wantKey(t *testing.T, err error, field, key string) {
	t.Helper()
	var fe campaign.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T), want FieldErrors %s=%s", err, err, field, key)
	}
	if fe[field] != key {
		t.Fatalf("FieldErrors %v, want %s=%s", fe, field, key)
	}
}

// audited reports how many audit lines of action the campaign has whose
// detail contains part.
func (e *env) audited(t *testing.T, c *campaign.Campaign, action, part string) int {
	t.Helper()
	log, err := e.s.Audit(e.ctx, e.padmin, c.ID)
	must(t, err)
	n := 0
	for _, a := range log {
		if a.Action == action && strings.Contains(a.Detail, part) {
			n++
		}
	}
	return n
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
