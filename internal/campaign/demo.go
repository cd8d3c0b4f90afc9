package campaign

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/user"
)

// DemoResult says what SeedDemo did.
type DemoResult struct {
	Skipped     bool  // the database already had programmes
	ProgrammeID int64 `json:"programme_id"`
	FinishedID  int64 `json:"finished_campaign_id"`
	OpenID      int64 `json:"open_campaign_id"`
	Entries     int   `json:"entries"`
	Awards      int   `json:"awards"`
}

// DemoJurors are the fictional jurors SeedDemo creates; each signs in with
// the password given to SeedDemo.
func DemoJurors() []struct{ Email, Name, OrgCode string } {
	return []struct{ Email, Name, OrgCode string }{
		{"tuomari.aalto@example.org", "Tuula Aalto", ""},
		{"tuomari.berg@example.org", "Bengt Berg", ""},
		{"tuomari.koski@example.org", "Kaisa Koski", ""},
		{"tuomari.lehto@example.org", "Lauri Lehto", "varkaus"}, // conflicted with Varkaus's entries
		{"tuomari.niemi@example.org", "Noora Niemi", ""},
	}
}

// DemoProgrammeAdmin is the fictional programme admin SeedDemo creates.
const DemoProgrammeAdmin = "ohjelma@example.org"

// SeedDemo builds two campaigns from the demo deeds already in the
// database: a finished one modelled on the Kuntatyö2030 gala, played
// through its windows and published, and an open one taking entries. It
// needs the demo deeds (refs DEMO-…) and creates the fictional programme
// admin and jurors with password. A database that has programmes is left
// alone.
func SeedDemo(ctx context.Context, s *Service, users *user.Service, password string) (*DemoResult, error) {
	ps, err := s.Programmes(ctx)
	if err != nil {
		return nil, err
	}
	if len(ps) > 0 {
		return &DemoResult{Skipped: true}, nil
	}
	type demoDeed struct {
		id, orgID int64
		ref       string
	}
	rows, err := s.db.Query(ctx, `SELECT id, org_id, ref FROM deeds WHERE ref LIKE 'DEMO-%' AND state = 'published' ORDER BY ref`)
	if err != nil {
		return nil, fmt.Errorf("campaign: demo: %w", err)
	}
	var deeds []demoDeed
	for rows.Next() {
		var d demoDeed
		if err := rows.Scan(&d.id, &d.orgID, &d.ref); err != nil {
			rows.Close()
			return nil, fmt.Errorf("campaign: demo: %w", err)
		}
		deeds = append(deeds, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: demo: %w", err)
	}
	if len(deeds) < 4 {
		return nil, fmt.Errorf("campaign: demo: the demo deeds are not in the database")
	}

	// A site admin starts the programme: the first admin account, or the
	// platform itself when there is none.
	site := &user.User{Name: "Tekotori", Email: "demo", Role: user.RoleAdmin}
	all, err := users.List(ctx, user.System())
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].IsAdmin() && !all[i].Disabled {
			site = &all[i]
			break
		}
	}
	padmin, err := demoUser(ctx, s, users, DemoProgrammeAdmin, "Outi Ohjelmapäällikkö", "", password)
	if err != nil {
		return nil, err
	}
	var jurors []*user.User
	for _, j := range DemoJurors() {
		u, err := demoUser(ctx, s, users, j.Email, j.Name, j.OrgCode, password)
		if err != nil {
			return nil, err
		}
		jurors = append(jurors, u)
	}

	// The deeds the seeds' gala awarded score higher: Alavus's wellbeing
	// group and Wellness Warkaus in 2022, Kangasala's wellbeing
	// coordinator, and Varkaus as a "Ihmeiden tekijä" organisation in 2019.
	favourites := map[string]float64{"DEMO-2022-002": 1.6, "DEMO-2020-003": 1.6, "DEMO-2020-001": 1.2, "DEMO-2016-004": 0.8}
	now0 := s.now()
	day := 24 * time.Hour
	at := func(d time.Duration) *Service { return s.At(func() time.Time { return now0.Add(d) }) }
	res := &DemoResult{}

	prog, err := at(-400*day).CreateProgramme(ctx, site, ProgrammeInput{
		Name: i18n.Text{FI: "Kuntatyö2030", SV: "Kommunarbete2030", EN: "Municipal Work 2030"},
		Description: i18n.Text{
			FI: "Kuntatyön kehittämisohjelma, joka tekee hyvää kuntatyötä näkyväksi ja palkitsee kehittämistekoja vuosittain. (Esimerkkiaineisto.)",
			SV: "Ett utvecklingsprogram för kommunalt arbete som synliggör gott arbete och belönar utvecklingsgärningar varje år. (Exempeldata.)",
			EN: "A development programme for municipal work that makes good work visible and awards development deeds every year. (Demo data.)",
		},
	})
	if err != nil {
		return nil, fmt.Errorf("campaign: demo: %w", err)
	}
	res.ProgrammeID = prog.ID
	if err := at(-400*day).AddProgrammeAdmin(ctx, site, prog.ID, DemoProgrammeAdmin); err != nil {
		return nil, fmt.Errorf("campaign: demo: %w", err)
	}

	// ---- the finished campaign ----
	fin, err := at(-130*day).CreateCampaign(ctx, padmin, prog.ID, CampaignInput{
		Name: i18n.Text{FI: "Kehittämistekojen palkinnot (esimerkki)", SV: "Utmärkelser för utvecklingsgärningar (exempel)", EN: "Development deed awards (example)"},
		Description: i18n.Text{
			FI: "Tekojen torille ilmoitetut kehittämisteot arvioitiin, ja gaalassa palkittiin innostavia ja vaikuttavia tekoja eri toimialoilta eri puolilta Suomea.",
			SV: "Utvecklingsgärningarna på Tekojen tori bedömdes, och på galan belönades inspirerande och verkningsfulla gärningar från olika håll i Finland.",
			EN: "The development deeds published on Tekojen tori were judged, and the gala awarded inspiring and effective deeds from all over Finland.",
		},
		Rules: i18n.Text{
			FI: "Arvioinnissa painottuu, miten teko on kuvattu, miten se muuttaa arjen työtä kunnassa ja mitä tuloksia sillä on saatu.",
			SV: "Bedömningen betonar hur gärningen beskrivs, hur den förändrar det vardagliga arbetet i kommunen och vilka resultat den har gett.",
			EN: "Judging weighs how well the deed is described, how it changes everyday work in the municipality and what results it has brought.",
		},
		Entry:          Window{now0.Add(-120 * day), now0.Add(-60 * day)},
		Judging:        Window{now0.Add(-60 * day), now0.Add(-30 * day)},
		JurorsPerEntry: 3,
	})
	if err != nil {
		return nil, fmt.Errorf("campaign: demo: %w", err)
	}
	res.FinishedID = fin.ID
	cats, err := demoCategories(ctx, at(-130*day), padmin, fin.ID, false)
	if err != nil {
		return nil, err
	}
	crit, err := demoCriteria(ctx, at(-130*day), padmin, fin.ID)
	if err != nil {
		return nil, err
	}
	entering := at(-90 * day)
	favour := map[int64]float64{}
	entered := map[int64]bool{}
	for i, d := range deeds {
		cat := cats["innostavat"]
		if i%2 == 1 {
			cat = cats["innovatiiviset"]
		}
		e, err := entering.EnterDeed(ctx, padmin, cat, d.id)
		if err != nil {
			return nil, fmt.Errorf("campaign: demo: enter %s: %w", d.ref, err)
		}
		favour[e.ID] = favourites[d.ref]
		entered[d.orgID] = true
	}
	for _, code := range []string{"varkaus", "alavus", "kangasala", "hamina", "kontiolahti", "joensuu"} {
		var orgID int64
		if err := s.db.QueryRow(ctx, `SELECT id FROM organisations WHERE code = ?`, code).Scan(&orgID); err != nil || !entered[orgID] {
			continue
		}
		e, err := entering.EnterOrg(ctx, padmin, cats["ihmeiden"], orgID)
		if err != nil {
			return nil, fmt.Errorf("campaign: demo: enter %s: %w", code, err)
		}
		if code == "varkaus" {
			favour[e.ID] = 1.8
		}
	}
	if err := demoJury(ctx, at(-65*day), padmin, fin, jurors); err != nil {
		return nil, err
	}
	if _, err := at(-59*day).AssignAutomatically(ctx, padmin, fin.ID); err != nil {
		return nil, fmt.Errorf("campaign: demo: assign: %w", err)
	}
	if err := demoScores(ctx, at(-45*day), fin.ID, crit, jurors, favour); err != nil {
		return nil, err
	}
	deciding := at(-32 * day)
	rk, err := deciding.Ranking(ctx, padmin, fin.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign: demo: ranking: %w", err)
	}
	var firstMention int64
	for _, cr := range rk.Categories {
		for i, row := range cr.Rows {
			outcome, why := NotAwarded, "Hyvä teko, mutta muut arvioitiin tällä kertaa vahvemmiksi."
			switch {
			case i < cr.Category.Winners:
				outcome, why = Winner, "Selkeästi kuvattu teko, joka on muuttanut arjen työtä ja tuonut mitattavia tuloksia."
			case i < cr.Category.Winners+cr.Category.Mentions:
				outcome, why = Mention, "Kunniamaininta innostavasta ja hyvin kuvatusta kehittämistyöstä."
				if firstMention == 0 {
					firstMention = row.EntryID
				}
			case i < cr.Category.Winners+cr.Category.Mentions+3:
				outcome, why = Shortlisted, "Tuomariston loppusuoralla: lupaava teko, jonka tuloksia odotetaan."
			}
			if err := deciding.Decide(ctx, padmin, row.EntryID, outcome, why); err != nil {
				return nil, fmt.Errorf("campaign: demo: decide: %w", err)
			}
			draft, err := deciding.DraftFeedback(ctx, padmin, row.EntryID, "fi")
			if err != nil {
				return nil, err
			}
			if draft == "" {
				draft = "Kiitos osallistumisesta."
			}
			if err := deciding.ApproveFeedback(ctx, padmin, row.EntryID, draft); err != nil {
				return nil, fmt.Errorf("campaign: demo: feedback: %w", err)
			}
		}
	}
	r, err := at(-29*day).Publish(ctx, padmin, fin.ID, "")
	if err != nil {
		return nil, fmt.Errorf("campaign: demo: publish: %w", err)
	}
	// A correction, so that the demo shows how versions read.
	if firstMention != 0 {
		if err := at(-20*day).Decide(ctx, padmin, firstMention, Mention,
			"Kunniamaininta innostavasta kehittämistyöstä, jossa henkilöstö on ollut mukana alusta asti."); err != nil {
			return nil, fmt.Errorf("campaign: demo: correct: %w", err)
		}
		if r, err = at(-20*day).Publish(ctx, padmin, fin.ID, "Kunniamaininnan perustelu tarkennettu."); err != nil {
			return nil, fmt.Errorf("campaign: demo: correction: %w", err)
		}
	}
	res.Entries, res.Awards = r.Entries, r.Awards
	// Publishing mailed the entrants their results; like the invitations,
	// those go to example.org addresses nobody reads.
	if _, err := s.db.Exec(ctx, `UPDATE mail_outbox SET sent_at = ? WHERE sent_at IS NULL`, s.now()); err != nil {
		return nil, fmt.Errorf("campaign: demo: outbox: %w", err)
	}

	// ---- the open campaign ----
	year := now0.Year()
	open, err := at(-8*day).CreateCampaign(ctx, padmin, prog.ID, CampaignInput{
		Name: i18n.Text{FI: fmt.Sprintf("Kehittämistekojen palkinnot %d", year), SV: fmt.Sprintf("Utmärkelser för utvecklingsgärningar %d", year),
			EN: fmt.Sprintf("Development deed awards %d", year)},
		Description: i18n.Text{
			FI: "Ilmoita kehittämistekosi mukaan! Kaikki ilmoitusaikana julkaistut teot ovat ehdolla.",
			SV: "Anmäl din utvecklingsgärning! Alla gärningar som publiceras under anmälningstiden är med.",
			EN: "Enter your development deed! Every deed published during the entry window takes part.",
		},
		Rules:          fin.Rules,
		Entry:          Window{now0.Add(-7 * day), now0.Add(60 * day)},
		Judging:        Window{now0.Add(60 * day), now0.Add(90 * day)},
		AudienceVote:   true,
		Vote:           &Window{now0.Add(-7 * day), now0.Add(60 * day)},
		Blind:          true,
		JurorsPerEntry: 3,
	})
	if err != nil {
		return nil, fmt.Errorf("campaign: demo: %w", err)
	}
	res.OpenID = open.ID
	ocats, err := demoCategories(ctx, at(-8*day), padmin, open.ID, true)
	if err != nil {
		return nil, err
	}
	if _, err := demoCriteria(ctx, at(-8*day), padmin, open.ID); err != nil {
		return nil, err
	}
	for i, d := range deeds[:min(6, len(deeds))] {
		cat := ocats["innostavat"]
		if i%2 == 1 {
			cat = ocats["innovatiiviset"]
		}
		if _, err := at(-1*day).EnterDeed(ctx, padmin, cat, d.id); err != nil {
			return nil, fmt.Errorf("campaign: demo: enter %s: %w", d.ref, err)
		}
	}
	return res, nil
}

func demoUser(ctx context.Context, s *Service, users *user.Service, email, name, orgCode, password string) (*user.User, error) {
	if u, err := users.ByEmail(ctx, email); err == nil {
		return u, nil
	}
	var orgID int64
	if orgCode != "" {
		// An unknown code leaves the juror without an organisation.
		_ = s.db.QueryRow(ctx, `SELECT id FROM organisations WHERE code = ?`, orgCode).Scan(&orgID)
	}
	u, err := users.Create(ctx, user.NewUser{Email: email, Name: name, Password: password, Role: user.RoleMember, OrgID: orgID, Lang: "fi"})
	if err != nil {
		return nil, fmt.Errorf("campaign: demo: account %s: %w", email, err)
	}
	return u, nil
}

func demoCategories(ctx context.Context, s *Service, u *user.User, campaignID int64, open bool) (map[string]int64, error) {
	type cat struct {
		key  string
		in   CategoryInput
		skip bool
	}
	cs := []cat{
		{key: "ihmeiden", in: CategoryInput{Kind: KindOrg, Winners: 2, Mentions: 1,
			Name: i18n.Text{FI: "Ihmeiden tekijä", SV: "Underverkens skapare", EN: "Miracle maker"},
			Description: i18n.Text{
				FI: "Kuntaorganisaatio, joka on ennakkoluulottomasti, henkilöstölähtöisesti ja tuloksellisesti kehittänyt toimintaansa.",
				SV: "En kommunal organisation som fördomsfritt, personalnära och resultatrikt har utvecklat sin verksamhet.",
				EN: "A municipal organisation that has developed its work boldly, with its staff and with results.",
			}}},
		{key: "innostavat", in: CategoryInput{Kind: KindDeed, Winners: 4, Mentions: 2, Position: 1,
			Name:        i18n.Text{FI: "Innostavat teot", SV: "Inspirerande gärningar", EN: "Inspiring deeds"},
			Description: i18n.Text{FI: "Teot, jotka innostavat henkilöstöä ja kuntalaisia.", SV: "Gärningar som inspirerar personal och invånare.", EN: "Deeds that inspire staff and residents."}}},
		{key: "innovatiiviset", in: CategoryInput{Kind: KindDeed, Winners: 4, Mentions: 2, Position: 2,
			Name:        i18n.Text{FI: "Innovatiiviset teot", SV: "Innovativa gärningar", EN: "Innovative deeds"},
			Description: i18n.Text{FI: "Teot, jotka tekevät asiat uudella tavalla.", SV: "Gärningar som gör saker på ett nytt sätt.", EN: "Deeds that do things in a new way."}}},
		{key: "ahkerin", skip: !open, in: CategoryInput{Kind: KindOrg, Rule: RuleMostDeeds, Winners: 1, Position: 3,
			Name:        i18n.Text{FI: "Ahkerin julkaisija", SV: "Flitigaste publicerare", EN: "Most active publisher"},
			Description: i18n.Text{FI: "Organisaatio, joka julkaisi ilmoitusaikana eniten tekoja.", SV: "Organisationen som publicerade flest gärningar under anmälningstiden.", EN: "The organisation that published the most deeds during the entry window."}}},
	}
	out := map[string]int64{}
	for _, c := range cs {
		if c.skip {
			continue
		}
		got, err := s.AddCategory(ctx, u, campaignID, c.in)
		if err != nil {
			return nil, fmt.Errorf("campaign: demo: category %s: %w", c.key, err)
		}
		out[c.key] = got.ID
	}
	return out, nil
}

func demoCriteria(ctx context.Context, s *Service, u *user.User, campaignID int64) ([]Criterion, error) {
	ins := []CriterionInput{
		{Weight: 1, ScaleMin: 1, ScaleMax: 5,
			Name:        i18n.Text{FI: "Kuvaus", SV: "Beskrivning", EN: "Description"},
			Description: i18n.Text{FI: "Miten hyvin teko on kuvattu.", SV: "Hur väl gärningen är beskriven.", EN: "How well the deed is described."}},
		{Weight: 1.5, ScaleMin: 1, ScaleMax: 5, Position: 1,
			Name:        i18n.Text{FI: "Vaikutus arkeen", SV: "Inverkan på vardagen", EN: "Impact on everyday work"},
			Description: i18n.Text{FI: "Miten teko muuttaa arjen työtä kunnassa.", SV: "Hur gärningen förändrar det vardagliga arbetet i kommunen.", EN: "How the deed changes everyday work in the municipality."}},
		{Weight: 1.5, ScaleMin: 1, ScaleMax: 5, Position: 2,
			Name:        i18n.Text{FI: "Tulokset", SV: "Resultat", EN: "Results"},
			Description: i18n.Text{FI: "Mitä tuloksia teolla on saatu.", SV: "Vilka resultat gärningen har gett.", EN: "What results the deed has brought."}},
	}
	var out []Criterion
	for _, in := range ins {
		c, err := s.AddCriterion(ctx, u, campaignID, in)
		if err != nil {
			return nil, fmt.Errorf("campaign: demo: criterion: %w", err)
		}
		out = append(out, *c)
	}
	return out, nil
}

// demoJury invites the jurors and accepts for them. The invitation
// e-mails go to example.org addresses nobody reads, so they are marked
// sent at once rather than left for the mail sender.
func demoJury(ctx context.Context, s *Service, padmin *user.User, c *Campaign, jurors []*user.User) error {
	for _, j := range jurors {
		inv, err := s.InviteJuror(ctx, padmin, c.ID, j.Email)
		if err != nil {
			return fmt.Errorf("campaign: demo: invite: %w", err)
		}
		if _, err := s.AcceptInvitation(ctx, j, inv.Token); err != nil {
			return fmt.Errorf("campaign: demo: accept: %w", err)
		}
		if _, err := s.db.Exec(ctx, `UPDATE mail_outbox SET sent_at = ? WHERE to_addr = ? AND sent_at IS NULL`, s.now(), j.Email); err != nil {
			return fmt.Errorf("campaign: demo: outbox: %w", err)
		}
	}
	return nil
}

// demoScores has each juror score their entries: a hidden quality, higher
// for the deeds the real gala awarded, plus the juror's own leniency and a
// little noise, from a fixed seed so that every demo is the same.
func demoScores(ctx context.Context, s *Service, campaignID int64, crit []Criterion, jurors []*user.User, favour map[int64]float64) error {
	rng := rand.New(rand.NewPCG(2022, 12))
	leniency := []float64{-0.4, 0.3, 0, 0.6, -0.5}
	comments := [][]string{
		{"Kuvaus jää vielä ohueksi.", "Kuvaus on ymmärrettävä.", "Selkeä ja innostava kuvaus."},
		{"Vaikutus arkeen ei vielä näy.", "Muutos näkyy osassa työyhteisöä.", "Muuttaa arjen työtä koko organisaatiossa."},
		{"Tuloksia ei vielä ole.", "Ensimmäisiä tuloksia on saatu.", "Tulokset on mitattu ja ne ovat vaikuttavia."},
	}
	for ji, j := range jurors {
		work, err := s.JuryWork(ctx, j, campaignID)
		if err != nil {
			return fmt.Errorf("campaign: demo: jury work: %w", err)
		}
		for _, w := range work {
			q := favour[w.EntryID] + 0.8*rng.NormFloat64()
			in := ReviewInput{Submit: true}
			for ci, c := range crit {
				v := int(math.Max(1, math.Min(5, math.Round(3+q+leniency[ji%len(leniency)]+0.5*rng.NormFloat64()))))
				band := 1
				if v <= 2 {
					band = 0
				} else if v >= 4 {
					band = 2
				}
				in.Scores = append(in.Scores, ScoreInput{CriterionID: c.ID, Value: v, Comment: comments[ci%len(comments)][band]})
			}
			if err := s.SaveReview(ctx, j, w.EntryID, in); err != nil {
				return fmt.Errorf("campaign: demo: score: %w", err)
			}
		}
	}
	return nil
}
