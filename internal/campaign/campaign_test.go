package campaign_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

func TestProgrammesAndCampaigns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s

		// Only site admins start programmes.
		for _, u := range []*user.User{nil, e.moderator, e.editor, e.author} {
			_, err := s.CreateProgramme(ctx, u, campaign.ProgrammeInput{Name: txt("X")})
			wantErr(t, err, campaign.ErrForbidden)
		}
		_, err := s.CreateProgramme(ctx, e.admin, campaign.ProgrammeInput{Name: i18n.Text{SV: "bara svenska"}})
		wantKey(t, err, "name_fi", "error.required")
		_, err = s.CreateProgramme(ctx, e.admin, campaign.ProgrammeInput{Name: i18n.Text{FI: strings.Repeat("a", campaign.MaxName+1)}})
		wantKey(t, err, "name_fi", "error.too_long|200")
		p, err := s.CreateProgramme(ctx, e.admin, campaign.ProgrammeInput{Name: txt("KunTeko 2020"), Description: txt("Kehittämisohjelma")})
		must(t, err)

		// A member listed as programme admin manages it; other members do not.
		_, err = s.CreateCampaign(ctx, e.padmin, p.ID, e.campaignInput(false))
		wantErr(t, err, campaign.ErrForbidden)
		wantKey(t, s.AddProgrammeAdmin(ctx, e.admin, p.ID, "nobody@example.org"), "email", "error.user_unknown")
		wantErr(t, s.AddProgrammeAdmin(ctx, e.padmin, p.ID, e.padmin.Email), campaign.ErrForbidden)
		must(t, s.AddProgrammeAdmin(ctx, e.admin, p.ID, strings.ToUpper(e.padmin.Email)))
		p, err = s.Programme(ctx, p.ID)
		must(t, err)
		if !slices.Equal(p.AdminIDs, []int64{e.padmin.ID}) {
			t.Fatalf("admins %v", p.AdminIDs)
		}
		_, err = s.UpdateProgramme(ctx, e.padmin, p.ID, campaign.ProgrammeInput{Name: txt("KunTeko 2020 -ohjelma")})
		must(t, err)
		_, err = s.UpdateProgramme(ctx, e.author, p.ID, campaign.ProgrammeInput{Name: txt("x")})
		wantErr(t, err, campaign.ErrForbidden)

		// Campaign validation.
		bad := e.campaignInput(false)
		bad.Entry.Closes = bad.Entry.Opens.Add(-time.Minute)
		_, err = s.CreateCampaign(ctx, e.padmin, p.ID, bad)
		wantKey(t, err, "entry_window", "error.window_order")
		bad = e.campaignInput(false)
		bad.Judging.Opens = bad.Entry.Closes.Add(-time.Minute)
		_, err = s.CreateCampaign(ctx, e.padmin, p.ID, bad)
		wantKey(t, err, "judging_window", "error.window_order")
		bad = e.campaignInput(false)
		bad.AudienceVote, bad.JurorsPerEntry = true, 0
		_, err = s.CreateCampaign(ctx, e.padmin, p.ID, bad)
		wantKey(t, err, "vote_window", "error.required")
		wantKey(t, err, "jurors_per_entry", "error.count_range")

		c, err := s.CreateCampaign(ctx, e.padmin, p.ID, e.campaignInput(true))
		must(t, err)
		if c.Programme.FI != "KunTeko 2020 -ohjelma" || c.Vote == nil || !c.AudienceVote || c.Phase(e.clock) != "entries_open" {
			t.Fatalf("campaign %+v", c)
		}

		// Categories and criteria.
		_, err = s.AddCategory(ctx, e.padmin, c.ID, campaign.CategoryInput{Name: txt("x"), Kind: "team", Winners: 1})
		wantKey(t, err, "kind", "error.choice_invalid")
		_, err = s.AddCategory(ctx, e.padmin, c.ID, campaign.CategoryInput{Name: txt("x"), Kind: campaign.KindDeed, Rule: campaign.RuleMostDeeds, Winners: 1})
		wantKey(t, err, "rule", "error.choice_invalid")
		_, err = s.AddCategory(ctx, e.padmin, c.ID, campaign.CategoryInput{Name: txt("x"), Kind: campaign.KindDeed})
		wantKey(t, err, "winners", "error.count_range")
		_, err = s.AddCategory(ctx, e.author, c.ID, campaign.CategoryInput{Name: txt("x"), Kind: campaign.KindDeed, Winners: 1})
		wantErr(t, err, campaign.ErrForbidden)
		cat, err := s.AddCategory(ctx, e.padmin, c.ID, campaign.CategoryInput{Name: txt("Innovatiiviset teot"), Kind: campaign.KindDeed, Winners: 3, Mentions: 2})
		must(t, err)
		cat, err = s.UpdateCategory(ctx, e.admin, cat.ID, campaign.CategoryInput{Name: txt("Innovatiiviset teot"), Kind: campaign.KindDeed, Winners: 4, Mentions: 2})
		must(t, err)
		if cat.Winners != 4 {
			t.Fatalf("category %+v", cat)
		}
		_, err = s.AddCriterion(ctx, e.padmin, c.ID, campaign.CriterionInput{Name: txt("x"), Weight: 0, ScaleMin: 1, ScaleMax: 5})
		wantKey(t, err, "weight", "error.weight_range")
		_, err = s.AddCriterion(ctx, e.padmin, c.ID, campaign.CriterionInput{Name: txt("x"), Weight: 1, ScaleMin: 5, ScaleMax: 1})
		wantKey(t, err, "scale", "error.scale_invalid")
		cr, err := s.AddCriterion(ctx, e.padmin, c.ID, campaign.CriterionInput{Name: txt("Tulokset"), Description: txt("Mitä tuloksia on saatu"), Weight: 1.5, ScaleMin: 1, ScaleMax: 5})
		must(t, err)
		tmp, err := s.AddCategory(ctx, e.padmin, c.ID, campaign.CategoryInput{Name: txt("Väliaikainen"), Kind: campaign.KindOrg, Winners: 1})
		must(t, err)
		must(t, s.DeleteCategory(ctx, e.padmin, tmp.ID))

		c, err = s.Campaign(ctx, c.ID)
		must(t, err)
		if len(c.Categories) != 1 || c.Categories[0].Name.SV != "Innovatiiviset teot (sv)" || len(c.Criteria) != 1 || c.Criteria[0].Weight != 1.5 || c.Criteria[0].ID != cr.ID {
			t.Fatalf("campaign categories %+v criteria %+v", c.Categories, c.Criteria)
		}
		list, err := s.Campaigns(ctx, 0)
		must(t, err)
		if len(list) != 1 || list[0].ID != c.ID || len(list[0].Categories) != 1 {
			t.Fatalf("campaigns %+v", list)
		}
		if n := e.audited(t, c, campaign.AuditCategory, "Innovatiiviset"); n != 2 {
			t.Fatalf("category audit lines %d, want 2", n)
		}

		// The programmes a person runs, with their campaigns: the site
		// admin sees every programme, a programme admin theirs only, and
		// each campaign comes with its own categories.
		other, err := s.CreateProgramme(ctx, e.admin, campaign.ProgrammeInput{Name: txt("Kuntatyö2030")})
		must(t, err)
		oc, err := s.CreateCampaign(ctx, e.admin, other.ID, e.campaignInput(false))
		must(t, err)
		ocat, err := s.AddCategory(ctx, e.admin, oc.ID, campaign.CategoryInput{Name: txt("Ihmeiden tekijä"), Kind: campaign.KindOrg, Winners: 1})
		must(t, err)
		all, err := s.ManagedProgrammes(ctx, e.admin)
		must(t, err)
		if len(all) != 2 || all[0].ID != p.ID || all[1].ID != other.ID || len(all[0].Campaigns) != 1 || len(all[1].Campaigns) != 1 ||
			all[0].Campaigns[0].Categories[0].ID != cat.ID || all[1].Campaigns[0].Categories[0].ID != ocat.ID ||
			len(all[1].Campaigns[0].Criteria) != 0 || !slices.Equal(all[0].AdminIDs, []int64{e.padmin.ID}) {
			t.Fatalf("site admin's programmes %+v", all)
		}
		mine, err := s.ManagedProgrammes(ctx, e.padmin)
		must(t, err)
		if len(mine) != 1 || mine[0].ID != p.ID || len(mine[0].Campaigns) != 1 || mine[0].Campaigns[0].ID != c.ID {
			t.Fatalf("programme admin's programmes %+v", mine)
		}
		if none, err := s.ManagedProgrammes(ctx, e.author); err != nil || len(none) != 0 {
			t.Fatalf("member's programmes %+v, %v", none, err)
		}
		for u, want := range map[*user.User]bool{e.admin: true, e.padmin: true, e.author: false, e.moderator: false} {
			if got, err := s.ManagesAny(ctx, u); err != nil || got != want {
				t.Fatalf("ManagesAny(%s) = %v, %v; want %v", u.Email, got, err, want)
			}
		}
		_, err = s.ManagedProgramme(ctx, e.padmin, other.ID)
		wantErr(t, err, campaign.ErrForbidden)
		_, err = s.ManagedCampaign(ctx, e.padmin, oc.ID)
		wantErr(t, err, campaign.ErrForbidden)
		if got, err := s.ManagedCampaign(ctx, e.padmin, c.ID); err != nil || got.ID != c.ID {
			t.Fatalf("managed campaign %+v, %v", got, err)
		}

		// A category leads to its campaign.
		if got, err := s.CategoryCampaign(ctx, ocat.ID); err != nil || got.ID != oc.ID || got.Category(ocat.ID) == nil {
			t.Fatalf("campaign of category %d: %+v, %v", ocat.ID, got, err)
		}
		_, err = s.CategoryCampaign(ctx, 999999)
		wantErr(t, err, campaign.ErrNotFound)
	})
}

func TestEntries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s
		f := e.fixture(t)
		d1 := e.publish(t, e.author, e.kangasala.ID, "Hyvinvointikoordinaattori", "")
		d2 := e.publish(t, e.outsider, e.varkaus.ID, "Wellness Warkaus", "Savonia")
		d3 := e.publish(t, e.outsider, e.varkaus.ID, "Ihmeiden tekijä", "")
		draft, err := e.deeds.Create(ctx, e.author, deed.Content{Lang: "fi", OrgID: e.kangasala.ID, Title: "Luonnos"})
		must(t, err)

		// Who may enter a deed: its author, its organisation's editors, the
		// programme admins; nobody else.
		_, err = s.EnterDeed(ctx, e.outsider, f.deedCat.ID, d1.ID)
		wantErr(t, err, campaign.ErrForbidden)
		_, err = s.EnterDeed(ctx, nil, f.deedCat.ID, d1.ID)
		wantErr(t, err, campaign.ErrForbidden)
		en, err := s.EnterDeed(ctx, e.author, f.deedCat.ID, d1.ID)
		must(t, err)
		_, err = s.EnterDeed(ctx, e.editor, f.deedCat.ID, d1.ID)
		wantKey(t, err, "entry", "error.already_entered")
		_, err = s.EnterDeed(ctx, e.author, f.orgCat.ID, d1.ID)
		wantKey(t, err, "category", "error.category_kind")
		_, err = s.EnterDeed(ctx, e.author, f.deedCat.ID, draft.ID)
		wantKey(t, err, "deed", "error.deed_not_published")

		// The entry freezes the deed: a later edit does not reach it.
		c1 := d1.Content
		c1.Title = "Muokattu otsikko"
		_, err = e.deeds.Save(ctx, e.moderator, d1.ID, c1)
		must(t, err)
		live, err := e.deeds.Get(ctx, nil, d1.ID)
		must(t, err)
		got, err := s.Entry(ctx, e.padmin, en.ID)
		must(t, err)
		if live.Title != "Muokattu otsikko" || got.Title != "Hyvinvointikoordinaattori" || got.Snapshot.Deeds[0].Content.Title != "Hyvinvointikoordinaattori" ||
			got.OrgName.FI != "Kangasala" || got.Municipality.FI != "Kangasala" || got.CountyCode == "" || got.Snapshot.Deeds[0].Content.Contact.Name == "" {
			t.Fatalf("entry %+v", got)
		}
		_, err = s.Entry(ctx, e.author, en.ID)
		wantErr(t, err, campaign.ErrForbidden)

		// An organisation entry is judged on the deeds of the period.
		_, err = s.EnterOrg(ctx, e.author, f.orgCat.ID, e.kangasala.ID)
		wantErr(t, err, campaign.ErrForbidden)
		_, err = s.EnterOrg(ctx, e.editor, f.orgCat.ID, e.varkaus.ID)
		wantErr(t, err, campaign.ErrForbidden)
		oe, err := s.EnterOrg(ctx, e.padmin, f.orgCat.ID, e.varkaus.ID)
		must(t, err)
		if oe.Kind != campaign.KindOrg || len(oe.Snapshot.Deeds) != 2 || oe.Title != "Varkaus" {
			t.Fatalf("org entry %+v", oe)
		}
		_, err = s.EnterOrg(ctx, e.editor, f.dataCat.ID, e.kangasala.ID)
		wantKey(t, err, "category", "error.rule_category")

		// After the window: entrants are refused, and the refusal is logged;
		// the programme admins may still enrol until judging opens.
		e.clock = e.t0.Add(time.Hour + time.Minute)
		_, err = s.EnterDeed(ctx, e.outsider, f.deedCat.ID, d2.ID)
		wantKey(t, err, "category", "error.window_closed")
		if n := e.audited(t, f.c, campaign.AuditRefused, "error.window_closed"); n != 1 {
			t.Fatalf("refusals logged %d, want 1", n)
		}
		e.clock = e.t0.Add(50 * time.Minute)
		wantErr(t, s.Withdraw(ctx, e.outsider, en.ID, ""), campaign.ErrForbidden)
		must(t, s.Withdraw(ctx, e.author, en.ID, ""))
		// Enrolment takes every deed published in the window, once.
		n, err := s.EnrolPublished(ctx, e.padmin, f.deedCat.ID)
		must(t, err)
		if n != 3 {
			t.Fatalf("enrolled %d, want 3", n)
		}
		n, err = s.EnrolPublished(ctx, e.padmin, f.deedCat.ID)
		must(t, err)
		if n != 0 {
			t.Fatalf("enrolled again %d, want 0", n)
		}
		_, err = s.EnrolPublished(ctx, e.author, f.deedCat.ID)
		wantErr(t, err, campaign.ErrForbidden)
		n, err = s.EnrolPublished(ctx, e.padmin, f.orgCat.ID)
		must(t, err)
		if n != 1 { // Kangasala; Varkaus is already in
			t.Fatalf("enrolled organisations %d, want 1", n)
		}
		e.clock = e.t0.Add(2 * time.Hour)
		_, err = s.EnrolPublished(ctx, e.padmin, f.deedCat.ID)
		wantKey(t, err, "category", "error.window_closed")
		total, err := s.EntryCount(ctx, f.c.ID)
		must(t, err)
		if total != 5 {
			t.Fatalf("entries %d, want 5", total)
		}
		_ = d3
	})
}

func TestJury(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s
		f := e.fixture(t)
		dk1 := e.publish(t, e.author, e.kangasala.ID, "Kangasalan teko", "Joensuun kaupunki, paikalliset järjestöt")
		dk2 := e.publish(t, e.author, e.kangasala.ID, "Toinen Kangasalan teko", "")
		dv1 := e.publish(t, e.outsider, e.varkaus.ID, "Varkauden teko", "Savonia")
		dv2 := e.publish(t, e.outsider, e.varkaus.ID, "Toinen Varkauden teko", "Kajoensuu Oy") // not Joensuu: no word start
		var entries []*campaign.Entry
		for _, d := range []*deed.Deed{dk1, dk2, dv1, dv2} {
			en, err := s.EnterDeed(ctx, e.padmin, f.deedCat.ID, d.ID)
			must(t, err)
			entries = append(entries, en)
		}
		ek1, ek2, ev1, ev2 := entries[0], entries[1], entries[2], entries[3]

		// Invitations: stored with a token, mailed through the outbox,
		// accepted only by the invited address.
		inv, err := s.InviteJuror(ctx, e.padmin, f.c.ID, " JKangas@Example.org ")
		must(t, err)
		var mails int
		must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ? AND body LIKE ?`, "jkangas@example.org", "%"+inv.Token+"%").Scan(&mails))
		if mails != 1 {
			t.Fatalf("outbox rows %d, want 1", mails)
		}
		_, err = s.InviteJuror(ctx, e.author, f.c.ID, "x@example.org")
		wantErr(t, err, campaign.ErrForbidden)
		_, err = s.InviteJuror(ctx, e.padmin, f.c.ID, "Name <x@example.org>")
		wantKey(t, err, "email", "error.email_invalid")
		_, err = s.AcceptInvitation(ctx, e.jFree, inv.Token)
		wantKey(t, err, "token", "error.invitation_invalid")
		_, err = s.AcceptInvitation(ctx, e.jKangas, "wrong")
		wantKey(t, err, "token", "error.invitation_invalid")
		_, err = s.AcceptInvitation(ctx, e.jKangas, inv.Token)
		must(t, err)
		_, err = s.AcceptInvitation(ctx, e.jKangas, inv.Token)
		wantKey(t, err, "token", "error.invitation_invalid")
		_, err = s.InviteJuror(ctx, e.padmin, f.c.ID, e.jKangas.Email)
		wantKey(t, err, "email", "error.already_juror")
		e.jury(t, f.c, e.jJoensuu, e.jTampere, e.jFree)
		invs, err := s.Invitations(ctx, e.padmin, f.c.ID)
		must(t, err)
		if len(invs) != 4 || invs[0].AcceptedAt == nil {
			t.Fatalf("invitations %+v", invs)
		}

		// Automatic conflicts: own organisation, named partner; the county
		// rule only once the campaign asks for it.
		conflicts := func() map[string]bool {
			cs, err := s.Conflicts(ctx, e.padmin, f.c.ID)
			must(t, err)
			out := map[string]bool{}
			for _, c := range cs {
				out[strings.Join([]string{itoa(c.EntryID), itoa(c.UserID), c.Kind}, "/")] = true
			}
			return out
		}
		key := func(en *campaign.Entry, u *user.User, kind string) string {
			return strings.Join([]string{itoa(en.ID), itoa(u.ID), kind}, "/")
		}
		cs := conflicts()
		if !cs[key(ek1, e.jKangas, campaign.ConflictOwnOrg)] || !cs[key(ek2, e.jKangas, campaign.ConflictOwnOrg)] ||
			!cs[key(ek1, e.jJoensuu, campaign.ConflictPartner)] || cs[key(ev2, e.jJoensuu, campaign.ConflictPartner)] || len(cs) != 3 {
			t.Fatalf("conflicts %v", cs)
		}
		in := e.campaignInput(true)
		in.ConflictSameCounty = true
		_, err = s.UpdateCampaign(ctx, e.padmin, f.c.ID, in)
		must(t, err)
		cs = conflicts()
		if !cs[key(ek1, e.jTampere, campaign.ConflictSameCounty)] || !cs[key(ek2, e.jTampere, campaign.ConflictSameCounty)] ||
			!cs[key(ek1, e.jKangas, campaign.ConflictSameCounty)] || len(cs) != 7 {
			t.Fatalf("conflicts with county rule %v", cs)
		}

		// Automatic assignment: two jurors an entry, none conflicted.
		_, err = s.AssignAutomatically(ctx, e.author, f.c.ID)
		wantErr(t, err, campaign.ErrForbidden)
		rep, err := s.AssignAutomatically(ctx, e.padmin, f.c.ID)
		must(t, err)
		pairs, err := s.Assignments(ctx, e.padmin, f.c.ID)
		must(t, err)
		per := map[int64]int{}
		for _, p := range pairs {
			per[p.Entry]++
			if cs[strings.Join([]string{itoa(p.Entry), itoa(p.Juror), campaign.ConflictOwnOrg}, "/")] ||
				cs[strings.Join([]string{itoa(p.Entry), itoa(p.Juror), campaign.ConflictPartner}, "/")] ||
				cs[strings.Join([]string{itoa(p.Entry), itoa(p.Juror), campaign.ConflictSameCounty}, "/")] {
				t.Fatalf("conflicted pair assigned: %+v", p)
			}
		}
		// ek1 has only jFree free of conflicts; the others get two.
		if per[ek1.ID] != 1 || per[ek2.ID] != 2 || per[ev1.ID] != 2 || per[ev2.ID] != 2 || !slices.Equal(rep.Short, []int64{ek1.ID}) || rep.Added != 7 {
			t.Fatalf("assignment %v report %+v", per, rep)
		}
		loads := []int{rep.Load[e.jKangas.ID], rep.Load[e.jJoensuu.ID], rep.Load[e.jTampere.ID], rep.Load[e.jFree.ID]}
		if slices.Max(loads)-slices.Min(loads) > 1 {
			t.Fatalf("loads %v not balanced", loads)
		}
		if n := e.audited(t, f.c, campaign.AuditAssigned, "automatic"); n != 7 {
			t.Fatalf("assignment audit lines %d, want 7", n)
		}

		// The admins' dashboard counts the same: one entry short of jurors,
		// seven assignments, and enrolling still open before judging.
		dash, err := s.Dashboard(ctx, e.padmin, f.c.ID)
		must(t, err)
		if dash.Entries != 4 || dash.Jurors != 4 || dash.Short != 1 || dash.Assigned != 7 || dash.Submitted != 0 || !dash.EnrolOpen ||
			dash.Phase != "entries_open" || len(dash.Categories) != 3 || len(dash.Categories[0].Entries) != 4 {
			t.Fatalf("dashboard %+v", dash)
		}
		for _, de := range dash.Categories[0].Entries {
			if de.Short != (de.Entry.ID == ek1.ID) {
				t.Fatalf("entry %d short = %v", de.Entry.ID, de.Short)
			}
		}
		_, err = s.Dashboard(ctx, e.author, f.c.ID)
		wantErr(t, err, campaign.ErrForbidden)

		// Adjustment by hand: conflicts and non-jurors refused (and logged).
		wantKey(t, s.Assign(ctx, e.padmin, ek1.ID, e.jKangas.ID), "juror", "error.conflicted")
		wantKey(t, s.Assign(ctx, e.padmin, ek1.ID, e.stranger.ID), "juror", "error.not_juror")
		wantErr(t, s.Assign(ctx, e.author, ev1.ID, e.jFree.ID), campaign.ErrForbidden)
		if n := e.audited(t, f.c, campaign.AuditRefused, "error.conflicted"); n != 1 {
			t.Fatalf("refusal audit lines %d", n)
		}
		var assignedTo *user.User
		for _, j := range []*user.User{e.jKangas, e.jJoensuu, e.jFree} {
			if !slices.Contains(pairs, campaign.Pair{Entry: ev1.ID, Juror: j.ID}) {
				assignedTo = j
				break
			}
		}
		must(t, s.Assign(ctx, e.padmin, ev1.ID, assignedTo.ID))
		must(t, s.Unassign(ctx, e.padmin, ev1.ID, assignedTo.ID))

		// A declared conflict takes the juror off the entry for good.
		e.clock = e.t0.Add(90 * time.Minute)
		var victim *user.User
		for _, p := range pairs {
			if p.Entry == ev1.ID {
				victim, err = e.users.Get(ctx, p.Juror)
				must(t, err)
				break
			}
		}
		_, err = s.JuryEntry(ctx, victim, ev1.ID)
		must(t, err)
		wantErr(t, s.DeclareConflict(ctx, e.author, ev1.ID, "x"), campaign.ErrForbidden)
		wantKey(t, s.DeclareConflict(ctx, victim, ev1.ID, " "), "reason", "error.required")
		must(t, s.DeclareConflict(ctx, victim, ev1.ID, "Olin hankkeen ohjausryhmässä"))
		wantKey(t, s.DeclareConflict(ctx, victim, ev1.ID, "uudestaan"), "entry", "error.conflict_not_assigned")
		_, err = s.JuryEntry(ctx, victim, ev1.ID)
		wantKey(t, err, "entry", "error.conflicted")
		wantKey(t, s.SaveReview(ctx, victim, ev1.ID, campaign.ReviewInput{}), "entry", "error.conflicted")
		work, err := s.JuryWork(ctx, victim, f.c.ID)
		must(t, err)
		for _, w := range work {
			if w.EntryID == ev1.ID {
				t.Fatal("a conflicted entry is on the juror's work list")
			}
		}
		mine, err := s.JuryCampaigns(ctx, victim)
		must(t, err)
		if len(mine) != 1 || mine[0].ID != f.c.ID {
			t.Fatalf("jury campaigns %+v", mine)
		}
		_, err = s.JuryWork(ctx, e.stranger, f.c.ID)
		wantErr(t, err, campaign.ErrForbidden)
		if n := e.audited(t, f.c, campaign.AuditConflict, "declared: Olin"); n != 1 {
			t.Fatalf("declared conflict audit lines %d", n)
		}
		// The admin fills the gap; automatic assignment tops up again.
		rep, err = s.AssignAutomatically(ctx, e.padmin, f.c.ID)
		must(t, err)
		// One to fill the gap, and any it takes to keep the jurors' groups
		// linked through a shared entry.
		if rep.Added-rep.Linked != 1 {
			t.Fatalf("top-up added %d (%d links), want 1 besides links", rep.Added, rep.Linked)
		}
		all, err := s.Assignments(ctx, e.padmin, f.c.ID)
		must(t, err)
		var graph []campaign.Judgement
		for _, p := range all {
			graph = append(graph, campaign.Judgement{Entry: p.Entry, Juror: p.Juror})
		}
		if n := campaign.Components(graph); n != 1 {
			t.Fatalf("assignment left %d groups of jurors", n)
		}
		prog, err := s.Progress(ctx, e.padmin, f.c.ID)
		must(t, err)
		if len(prog.Jurors) != 4 || len(prog.Entries) != 4 {
			t.Fatalf("progress %+v", prog)
		}
		onEv1 := 0
		for _, p := range all {
			if p.Entry == ev1.ID {
				onEv1++
			}
		}
		for _, ep := range prog.Entries {
			if ep.EntryID == ev1.ID && (ep.Assigned != onEv1 || onEv1 < 2 || ep.Conflicts != 1) {
				t.Fatalf("entry progress %+v", ep)
			}
		}
		_, err = s.Progress(ctx, e.jFree, f.c.ID)
		wantErr(t, err, campaign.ErrForbidden)
		must(t, s.RemoveJuror(ctx, e.padmin, f.c.ID, e.jTampere.ID, "Jäävi koko sarjaan."))
		jurors, err := s.Jurors(ctx, e.padmin, f.c.ID)
		must(t, err)
		if len(jurors) != 3 {
			t.Fatalf("jurors %+v", jurors)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func jsonNum(n int64) string { return itoa(n) }

// judged is a campaign in its judging window with three entries, each
// assigned to the same two jurors (jFree and jTampere).
type judged struct {
	*fixture
	ea, eb, ec *campaign.Entry
}

func (e *env) judged(t *testing.T, blind bool) *judged {
	t.Helper()
	f := e.fixture(t)
	if blind {
		in := e.campaignInput(true)
		in.Blind = true
		_, err := e.s.UpdateCampaign(e.ctx, e.padmin, f.c.ID, in)
		must(t, err)
	}
	j := &judged{fixture: f}
	var err error
	j.ea, err = e.s.EnterDeed(e.ctx, e.author, f.deedCat.ID, e.publish(t, e.author, e.kangasala.ID, "Kangasalan hyvinvointikoordinaattori", "").ID)
	must(t, err)
	j.eb, err = e.s.EnterDeed(e.ctx, e.outsider, f.deedCat.ID, e.publish(t, e.outsider, e.varkaus.ID, "Wellness Warkaus", "Savonia").ID)
	must(t, err)
	j.ec, err = e.s.EnterOrg(e.ctx, e.padmin, f.orgCat.ID, e.varkaus.ID)
	must(t, err)
	e.jury(t, f.c, e.jFree, e.jTampere)
	e.clock = e.t0.Add(90 * time.Minute)
	_, err = e.s.AssignAutomatically(e.ctx, e.padmin, f.c.ID)
	must(t, err)
	return j
}

func scores(a, b int64, va, vb int) campaign.ReviewInput {
	return campaign.ReviewInput{Scores: []campaign.ScoreInput{{CriterionID: a, Value: va, Comment: "Kuvaus " + jsonNum(int64(va))}, {CriterionID: b, Value: vb, Comment: "Vaikutus " + jsonNum(int64(vb))}}}
}

func TestScoring(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s
		j := e.judged(t, false)
		a, b := j.crDesc.ID, j.crImpact.ID

		// Before judging opens nothing is scored.
		e.clock = e.t0
		wantKey(t, s.SaveReview(ctx, e.jFree, j.ea.ID, scores(a, b, 3, 3)), "entry", "error.window_closed")
		e.clock = e.t0.Add(90 * time.Minute)

		// Non-jurors and unassigned jurors are refused.
		wantErr(t, s.SaveReview(ctx, e.stranger, j.ea.ID, scores(a, b, 3, 3)), campaign.ErrForbidden)
		wantErr(t, s.SaveReview(ctx, e.padmin, j.ea.ID, scores(a, b, 3, 3)), campaign.ErrForbidden)
		e.jury(t, j.c, e.jJoensuu)
		wantKey(t, s.SaveReview(ctx, e.jJoensuu, j.ea.ID, scores(a, b, 3, 3)), "entry", "error.not_assigned")
		_, err := s.JuryEntry(ctx, e.jJoensuu, j.ea.ID)
		wantKey(t, err, "entry", "error.not_assigned")

		// A draft, then bad input that changes nothing.
		note := "Muista kysyä tuloksista"
		in := scores(a, b, 3, 4)
		in.Note = &note
		must(t, s.SaveReview(ctx, e.jFree, j.ea.ID, in))
		wantKey(t, s.SaveReview(ctx, e.jFree, j.ea.ID, scores(a, b, 5, 6)), "score."+jsonNum(b), "error.score_range")
		wantKey(t, s.SaveReview(ctx, e.jFree, j.ea.ID, scores(a, b, 0, 4)), "score."+jsonNum(a), "error.score_range")
		wantKey(t, s.SaveReview(ctx, e.jFree, j.ea.ID, campaign.ReviewInput{Scores: []campaign.ScoreInput{{CriterionID: 999999, Value: 3}}}), "score.999999", "error.choice_invalid")
		wantKey(t, s.SaveReview(ctx, e.jFree, j.eb.ID, campaign.ReviewInput{Scores: []campaign.ScoreInput{{CriterionID: a, Value: 4}}, Submit: true}), "entry", "error.review_incomplete")
		je, err := s.JuryEntry(ctx, e.jFree, j.ea.ID)
		must(t, err)
		if len(je.Mine.Scores) != 2 || je.Mine.Scores[0].Value != 3 || je.Mine.Scores[1].Value != 4 || je.Mine.Note != note || je.Mine.Submitted() {
			t.Fatalf("review after refusals %+v", je.Mine)
		}
		jb, err := s.JuryEntry(ctx, e.jFree, j.eb.ID)
		must(t, err)
		if len(jb.Mine.Scores) != 0 {
			t.Fatalf("an incomplete submission stored scores: %+v", jb.Mine)
		}
		if n := e.audited(t, j.c, campaign.AuditRefused, "error.score_range"); n != 2 {
			t.Fatalf("score refusals logged %d, want 2", n)
		}

		// Others' scores stay hidden until one's own review is submitted.
		must(t, s.SaveReview(ctx, e.jTampere, j.ea.ID, campaign.ReviewInput{Scores: scores(a, b, 5, 5).Scores, Submit: true}))
		je, err = s.JuryEntry(ctx, e.jFree, j.ea.ID)
		must(t, err)
		if len(je.Others) != 0 {
			t.Fatalf("others' reviews visible before submitting: %+v", je.Others)
		}
		must(t, s.SaveReview(ctx, e.jFree, j.ea.ID, campaign.ReviewInput{Scores: []campaign.ScoreInput{{CriterionID: a, Value: 4, Comment: "Selkeä"}}, Submit: true}))
		je, err = s.JuryEntry(ctx, e.jFree, j.ea.ID)
		must(t, err)
		if len(je.Others) != 1 || je.Others[0].JurorID != e.jTampere.ID || je.Others[0].Note != "" || je.Others[0].Total != 5 || je.Mine.Note != note {
			t.Fatalf("others after submitting %+v mine %+v", je.Others, je.Mine)
		}
		if je.Mine.Total != (4.0+2*4)/3 {
			t.Fatalf("weighted total %v", je.Mine.Total)
		}
		// Not blind: the organisation and the contact are shown.
		if je.OrgName.FI != "Kangasala" || je.Deeds[0].Content.Contact.Name == "" || je.Deeds[0].AuthorName != "Author" {
			t.Fatalf("jury entry %+v", je)
		}
		// A submitted review is locked: the juror has seen the others.
		wantKey(t, s.SaveReview(ctx, e.jFree, j.ea.ID, campaign.ReviewInput{Scores: []campaign.ScoreInput{{CriterionID: b, Value: 2}}}), "entry", "error.review_locked")
		// Only a programme admin reopens it, with a reason; then the change
		// is allowed in the window, audited, and submitted again.
		wantErr(t, s.ReopenReview(ctx, e.jFree, j.ea.ID, e.jFree.ID, "Oma virhe"), campaign.ErrForbidden)
		wantKey(t, s.ReopenReview(ctx, e.padmin, j.ea.ID, e.jFree.ID, " "), "reason", "error.reason_required")
		must(t, s.ReopenReview(ctx, e.padmin, j.ea.ID, e.jFree.ID, "Luki väärän liitteen"))
		wantKey(t, s.ReopenReview(ctx, e.padmin, j.ea.ID, e.jFree.ID, "Uudelleen"), "entry", "error.review_not_submitted")
		if n := e.audited(t, j.c, campaign.AuditReviewReopened, "Luki väärän liitteen"); n != 1 {
			t.Fatalf("reopen audit lines %d", n)
		}
		je, err = s.JuryEntry(ctx, e.jFree, j.ea.ID)
		must(t, err)
		if je.Mine.Submitted() || len(je.Others) != 0 || je.Mine.Reopened != 1 {
			t.Fatalf("reopened review %+v others %+v", je.Mine, je.Others)
		}
		must(t, s.SaveReview(ctx, e.jFree, j.ea.ID, campaign.ReviewInput{Scores: []campaign.ScoreInput{{CriterionID: b, Value: 2}}, Submit: true}))
		rk, err := s.Ranking(ctx, e.padmin, j.c.ID)
		must(t, err)
		for _, row := range rk.Categories[0].Rows {
			if (row.EntryID == j.ea.ID) != (row.Reopened == 1) {
				t.Fatalf("ranking shows reopened %+v", row)
			}
		}
		if n := e.audited(t, j.c, campaign.AuditScore, "4 → 2"); n != 1 {
			t.Fatalf("score change audit lines %d", n)
		}
		if n := e.audited(t, j.c, campaign.AuditScore, "– → 3"); n != 1 {
			t.Fatalf("first score audit lines %d", n)
		}

		// The admin sees progress and reviews, never private notes.
		prog, err := s.Progress(ctx, e.padmin, j.c.ID)
		must(t, err)
		for _, jp := range prog.Jurors {
			if jp.UserID == e.jFree.ID && (jp.Assigned != 3 || jp.Submitted != 1 || jp.Started != 1) {
				t.Fatalf("juror progress %+v", jp)
			}
		}
		revs, err := s.Reviews(ctx, e.padmin, j.ea.ID)
		must(t, err)
		if len(revs) != 2 || revs[0].Note != "" || revs[1].Note != "" {
			t.Fatalf("reviews for admin %+v", revs)
		}
		_, err = s.Reviews(ctx, e.jFree, j.ea.ID)
		wantErr(t, err, campaign.ErrForbidden)

		// After the window closes scores are frozen.
		e.clock = e.t0.Add(4 * time.Hour)
		wantKey(t, s.SaveReview(ctx, e.jFree, j.eb.ID, scores(a, b, 3, 3)), "entry", "error.window_closed")
	})
}

func TestBlindJudging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		j := e.judged(t, true)
		je, err := e.s.JuryEntry(e.ctx, e.jFree, j.ea.ID)
		must(t, err)
		d := je.Deeds[0]
		if je.OrgName.FI != "" || je.Municipality.FI != "" || d.OrgName.FI != "" || d.AuthorName != "" || d.AuthorID != 0 || d.DeedID != 0 ||
			d.Content.Contact != (deed.Contact{}) || strings.Contains(je.Title, "Kangasala") || strings.Contains(d.Content.Title, "Kangasala") || !je.Blind {
			t.Fatalf("blind entry shows who: %+v", je)
		}
		jo, err := e.s.JuryEntry(e.ctx, e.jFree, j.ec.ID)
		must(t, err)
		if strings.Contains(jo.Title, "Varkaus") || len(jo.Deeds) != 1 {
			t.Fatalf("blind organisation entry %+v", jo)
		}
		work, err := e.s.JuryWork(e.ctx, e.jFree, j.c.ID)
		must(t, err)
		for _, w := range work {
			if strings.Contains(w.Title, "Varkaus") || strings.Contains(w.Title, "Kangasala") {
				t.Fatalf("blind work list shows who: %+v", w)
			}
		}
	})
}

func TestResultsAndPublication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s
		j := e.judged(t, false)
		a, b := j.crDesc.ID, j.crImpact.ID
		d3 := e.publish(t, e.author, e.kangasala.ID, "Kolmas teko", "")
		_ = d3
		e.clock = e.t0.Add(90 * time.Minute)
		// jTampere is lenient, jFree harsh; both rank ea above eb.
		for _, r := range []struct {
			u      *user.User
			en     *campaign.Entry
			va, vb int
		}{
			{e.jTampere, j.ea, 5, 5}, {e.jTampere, j.eb, 4, 4}, {e.jTampere, j.ec, 5, 4},
			{e.jFree, j.ea, 3, 3}, {e.jFree, j.eb, 1, 1}, {e.jFree, j.ec, 2, 2},
		} {
			in := scores(a, b, r.va, r.vb)
			in.Submit = true
			must(t, s.SaveReview(ctx, r.u, r.en.ID, in))
		}
		rk, err := s.Ranking(ctx, e.padmin, j.c.ID)
		must(t, err)
		_, err = s.Ranking(ctx, e.jFree, j.c.ID)
		wantErr(t, err, campaign.ErrForbidden)
		if len(rk.Categories) != 3 || rk.ScaleMin != 1 || rk.ScaleMax != 5 {
			t.Fatalf("ranking %+v", rk)
		}
		deeds := rk.Categories[0]
		if len(deeds.Rows) != 2 || deeds.Rows[0].EntryID != j.ea.ID || deeds.Rows[0].Rank != 1 || deeds.Rows[0].RawRank != 1 ||
			deeds.Rows[0].Raw != 4 || deeds.Rows[0].Jurors != 2 || deeds.Rows[0].Spread != 2 || !deeds.Rows[0].Disagreement ||
			deeds.Rows[1].Spread != 3 || deeds.Rows[0].LineChanged {
			t.Fatalf("deed ranking %+v", deeds.Rows)
		}
		if data := rk.Categories[2].Data; len(data) != 2 || data[0].OrgID != e.kangasala.ID || data[0].Deeds != 2 {
			t.Fatalf("most deeds %+v", data)
		}

		// Decisions, within the category's quota, with a rationale.
		wantKey(t, s.Decide(ctx, e.padmin, j.ea.ID, campaign.Winner, ""), "rationale", "error.required")
		wantKey(t, s.Decide(ctx, e.padmin, j.ea.ID, "gold", "x"), "outcome", "error.choice_invalid")
		must(t, s.Decide(ctx, e.padmin, j.ea.ID, campaign.Winner, "Vaikuttava ja hyvin kuvattu"))
		wantKey(t, s.Decide(ctx, e.padmin, j.eb.ID, campaign.Winner, "Myös hyvä"), "outcome", "error.too_many_winners")
		must(t, s.Decide(ctx, e.padmin, j.eb.ID, campaign.Shortlisted, "Lähellä kärkeä"))
		must(t, s.Decide(ctx, e.padmin, j.ec.ID, campaign.Winner, "Ihmeiden tekijä"))
		wantErr(t, s.Decide(ctx, e.jFree, j.ec.ID, campaign.Winner, "x"), campaign.ErrForbidden)
		if n := e.audited(t, j.c, campaign.AuditRefused, "error.too_many_winners"); n != 1 {
			t.Fatalf("too-many-winners refusals %d", n)
		}
		// Quotas cannot drop below the decisions made.
		_, err = s.UpdateCategory(ctx, e.padmin, j.deedCat.ID, campaign.CategoryInput{Name: txt("Innostavat teot"), Kind: campaign.KindDeed, Winners: 0, Mentions: 1})
		wantKey(t, err, "winners", "error.in_use")
		// Nor can a scored criterion's scale change.
		_, err = s.UpdateCriterion(ctx, e.padmin, a, campaign.CriterionInput{Name: txt("Kuvaus"), Weight: 1, ScaleMin: 1, ScaleMax: 10})
		wantKey(t, err, "scale", "error.in_use")

		// Feedback drawn from the jurors' comments, approved by an admin.
		draft, err := s.DraftFeedback(ctx, e.padmin, j.ea.ID, "fi")
		must(t, err)
		if !strings.Contains(draft, "Kuvaus\n- Kuvaus 5\n- Kuvaus 3") || strings.Contains(draft, "JFree") {
			t.Fatalf("draft feedback %q", draft)
		}
		must(t, s.ApproveFeedback(ctx, e.padmin, j.ea.ID, draft))
		wantKey(t, s.ApproveFeedback(ctx, e.padmin, j.eb.ID, " "), "body", "error.required")
		// Entrants read it only once results are out.
		_, err = s.Feedback(ctx, e.author, j.ea.ID)
		wantErr(t, err, campaign.ErrNotFound)
		_, err = s.Feedback(ctx, e.outsider, j.ea.ID)
		wantErr(t, err, campaign.ErrForbidden)

		// Publication.
		e.clock = e.t0
		_, err = s.Publish(ctx, e.padmin, j.c.ID, "")
		wantKey(t, err, "campaign", "error.judging_not_started")
		e.clock = e.t0.Add(4 * time.Hour)
		_, err = s.Publish(ctx, e.jFree, j.c.ID, "")
		wantErr(t, err, campaign.ErrForbidden)
		r1, err := s.Publish(ctx, e.padmin, j.c.ID, "")
		must(t, err)
		if r1.Version != 1 || r1.Entries != 3 || r1.Awards != 3 || len(r1.Categories) != 3 ||
			len(r1.Categories[0].Winners) != 1 || r1.Categories[0].Winners[0].DeedID != j.ea.DeedID || r1.Categories[0].Entries != 2 ||
			r1.Categories[1].Winners[0].OrgID != e.varkaus.ID || r1.Categories[2].Winners[0].OrgID != e.kangasala.ID || r1.Categories[2].Winners[0].Deeds != 2 {
			t.Fatalf("results v1 %+v", r1)
		}
		fb, err := s.Feedback(ctx, e.author, j.ea.ID)
		must(t, err)
		if fb.Body != draft {
			t.Fatalf("feedback %q", fb.Body)
		}

		// Badges and the search facet.
		bs, err := s.AwardsForDeed(ctx, j.ea.DeedID)
		must(t, err)
		if len(bs) != 1 || bs[0].Outcome != campaign.Winner || bs[0].Category.FI != "Innostavat teot" || bs[0].Campaign.FI != "Kuntatyö2030-palkinnot" {
			t.Fatalf("deed badges %+v", bs)
		}
		bs, err = s.AwardsForOrg(ctx, e.kangasala.ID)
		must(t, err)
		if len(bs) != 2 { // the deed's award and the most-deeds prize
			t.Fatalf("org badges %+v", bs)
		}
		facet, err := s.AwardedDeedIDs(ctx)
		must(t, err)
		if len(facet) != 1 || len(facet[j.ea.DeedID]) != 1 || facet[j.ea.DeedID][0].Key == "" {
			t.Fatalf("facet %+v", facet)
		}

		// A correction needs a note and a change; it is a new version and
		// the old one stays readable.
		_, err = s.Publish(ctx, e.padmin, j.c.ID, "")
		wantKey(t, err, "note", "error.correction_note")
		_, err = s.Publish(ctx, e.padmin, j.c.ID, "Ei muutoksia")
		wantKey(t, err, "campaign", "error.nothing_changed")
		must(t, s.Decide(ctx, e.padmin, j.eb.ID, campaign.Mention, "Kunniamaininta tuloksista"))
		e.clock = e.t0.Add(5 * time.Hour)
		r2, err := s.Publish(ctx, e.padmin, j.c.ID, "Kunniamaininta jäi pois")
		must(t, err)
		if r2.Version != 2 || r2.Awards != 4 || len(r2.Changes) != 1 || r2.Changes[0].To != campaign.Mention || r2.Changes[0].From != "" ||
			r2.Changes[0].Title != "Wellness Warkaus" || !r2.PublishedAt.Equal(e.t0.Add(5*time.Hour)) {
			t.Fatalf("results v2 %+v", r2)
		}
		old, err := s.Published(ctx, j.c.ID, 1)
		must(t, err)
		if old.Awards != 3 || old.Version != 1 {
			t.Fatalf("version 1 after correction %+v", old)
		}
		latest, err := s.Published(ctx, j.c.ID, 0)
		must(t, err)
		if latest.Version != 2 {
			t.Fatalf("latest %+v", latest)
		}
		vs, err := s.Versions(ctx, j.c.ID)
		must(t, err)
		if len(vs) != 2 || vs[1].Note != "Kunniamaininta jäi pois" || len(vs[1].Changes) != 1 {
			t.Fatalf("versions %+v", vs)
		}
		bs, err = s.AwardsForDeed(ctx, j.eb.DeedID)
		must(t, err)
		if len(bs) != 1 || bs[0].Outcome != campaign.Mention || bs[0].Version != 2 {
			t.Fatalf("badges after correction %+v", bs)
		}

		// Downloads.
		var jb, cb bytes.Buffer
		must(t, campaign.WriteResultsJSON(&jb, latest))
		var back campaign.Results
		must(t, json.Unmarshal(jb.Bytes(), &back))
		if back.Awards != 4 || back.Categories[0].Mentions[0].Title != "Wellness Warkaus" {
			t.Fatalf("json round trip %+v", back)
		}
		must(t, campaign.WriteResultsCSV(&cb, latest, "sv"))
		recs, err := csv.NewReader(&cb).ReadAll()
		must(t, err)
		if len(recs) != 5 || recs[1][3] != "Innostavat teot (sv)" || recs[1][4] != "winner" {
			t.Fatalf("csv %v", recs)
		}

		// The audit log: every kind of step, exportable.
		var ab bytes.Buffer
		must(t, s.WriteAuditCSV(ctx, e.padmin, j.c.ID, &ab))
		for _, action := range []string{campaign.AuditAssigned, campaign.AuditScore, campaign.AuditDecision, campaign.AuditPublished, campaign.AuditRefused, campaign.AuditFeedback} {
			if !strings.Contains(ab.String(), ","+action+",") {
				t.Fatalf("audit csv lacks %s:\n%s", action, ab.String())
			}
		}
		wantErr(t, s.WriteAuditCSV(ctx, e.jFree, j.c.ID, &ab), campaign.ErrForbidden)
	})
}

func TestAudienceVote(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s
		f := e.fixture(t)
		ea, err := s.EnterDeed(ctx, e.author, f.deedCat.ID, e.publish(t, e.author, e.kangasala.ID, "A", "").ID)
		must(t, err)
		eb, err := s.EnterDeed(ctx, e.outsider, f.deedCat.ID, e.publish(t, e.outsider, e.varkaus.ID, "B", "").ID)
		must(t, err)
		eo, err := s.EnterOrg(ctx, e.padmin, f.orgCat.ID, e.varkaus.ID)
		must(t, err)

		wantErr(t, s.Vote(ctx, nil, ea.ID, ""), campaign.ErrForbidden)
		must(t, s.Vote(ctx, e.stranger, ea.ID, ""))
		wantKey(t, s.Vote(ctx, e.stranger, eb.ID, ""), "entry", "error.already_voted")
		must(t, s.Vote(ctx, e.stranger, eo.ID, "")) // another category
		must(t, s.Vote(ctx, e.outsider, ea.ID, ""))
		// One's own deed, or one's own organisation's, takes no vote.
		wantKey(t, s.Vote(ctx, e.author, ea.ID, ""), "entry", "error.vote_own")
		wantKey(t, s.Vote(ctx, e.outsider, eo.ID, ""), "entry", "error.vote_own")
		// An account whose address is not confirmed takes no vote.
		fresh := e.account(t, "Uusi", user.RoleMember, 0, false)
		wantKey(t, s.Vote(ctx, fresh, ea.ID, "192.0.2.7"), "entry", "error.vote_unverified")
		if n := e.audited(t, f.c, campaign.AuditRefused, "error.vote_unverified"); n != 1 {
			t.Fatalf("unverified refusals %d", n)
		}
		must(t, s.Vote(ctx, e.author, eb.ID, ""))
		mine, err := s.MyVotes(ctx, e.stranger, f.c.ID)
		must(t, err)
		if mine[f.deedCat.ID] != ea.ID || mine[f.orgCat.ID] != eo.ID {
			t.Fatalf("my votes %v", mine)
		}
		// Counts are hidden from the public while the vote runs.
		aud, err := s.Audience(ctx, e.stranger, f.c.ID)
		must(t, err)
		if len(aud) != 2 || aud[0].Votes != 0 || len(aud[0].Entries) != 2 {
			t.Fatalf("audience during vote %+v", aud)
		}
		aud, err = s.Audience(ctx, e.padmin, f.c.ID)
		must(t, err)
		if aud[0].Votes != 3 {
			t.Fatalf("audience for admin %+v", aud)
		}
		// Three new accounts from one IPv6 /64 voting for one entry within
		// minutes are flagged to the admins; one from elsewhere is not.
		for i, addr := range []string{"2001:db8:1:2::10", "2001:db8:1:2:ffff::1", "2001:db8:1:2::/64", "2001:db8:9::1"} {
			voter := e.account(t, fmt.Sprintf("Uusi%d", i), user.RoleMember, 0, true)
			must(t, s.Vote(ctx, voter, eb.ID, addr))
			e.clock = e.clock.Add(time.Minute)
		}
		flags, err := s.VoteFlags(ctx, e.padmin, f.c.ID)
		must(t, err)
		if len(flags) != 1 || flags[0].EntryID != eb.ID || flags[0].Network != "2001:db8:1:2::/64" || flags[0].Votes != 3 {
			t.Fatalf("vote flags %+v", flags)
		}
		_, err = s.VoteFlags(ctx, e.stranger, f.c.ID)
		wantErr(t, err, campaign.ErrForbidden)
		e.clock = e.t0.Add(2 * time.Hour)
		wantKey(t, s.Vote(ctx, e.editor, ea.ID, ""), "entry", "error.window_closed")
		aud, err = s.Audience(ctx, nil, f.c.ID)
		must(t, err)
		if aud[0].Votes != 7 || aud[0].Entries[0].Votes != 2 || aud[1].Votes != 1 {
			t.Fatalf("audience after vote %+v", aud)
		}
		if n := e.audited(t, f.c, campaign.AuditRefused, "error.already_voted"); n != 1 {
			t.Fatalf("double vote refusals %d", n)
		}
		// The jury view has no place for votes; the ranking does not count them.
		in := e.campaignInput(false)
		_, err = s.UpdateCampaign(ctx, e.padmin, f.c.ID, in)
		must(t, err)
		e.clock = e.t0
		wantKey(t, s.Vote(ctx, e.editor, ea.ID, ""), "entry", "error.vote_disabled")
	})
}

// TestRoles runs the programme admins' operations as every kind of
// account: only site admins and the programme's own admins get through.
func TestRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s
		j := e.judged(t, false)
		id := j.c.ID
		ops := map[string]func(u *user.User) error{
			"ranking":    func(u *user.User) error { _, err := s.Ranking(ctx, u, id); return err },
			"progress":   func(u *user.User) error { _, err := s.Progress(ctx, u, id); return err },
			"audit":      func(u *user.User) error { _, err := s.Audit(ctx, u, id); return err },
			"entries":    func(u *user.User) error { _, err := s.Entries(ctx, u, id); return err },
			"jurors":     func(u *user.User) error { _, err := s.Jurors(ctx, u, id); return err },
			"conflicts":  func(u *user.User) error { _, err := s.Conflicts(ctx, u, id); return err },
			"assign":     func(u *user.User) error { _, err := s.AssignAutomatically(ctx, u, id); return err },
			"invite":     func(u *user.User) error { _, err := s.InviteJuror(ctx, u, id, "uusi@example.org"); return err },
			"update":     func(u *user.User) error { _, err := s.UpdateCampaign(ctx, u, id, e.campaignInput(true)); return err },
			"feedback":   func(u *user.User) error { _, err := s.DraftFeedback(ctx, u, j.ea.ID, "fi"); return err },
			"reviews":    func(u *user.User) error { _, err := s.Reviews(ctx, u, j.ea.ID); return err },
			"enrol":      func(u *user.User) error { _, err := s.EnrolPublished(ctx, u, j.deedCat.ID); return err },
			"add admins": func(u *user.User) error { return s.AddProgrammeAdmin(ctx, u, j.prog.ID, e.padmin.Email) },
		}
		roles := []struct {
			name  string
			u     *user.User
			allow bool
		}{
			{"anonymous", nil, false},
			{"member", e.author, false},
			{"org editor", e.editor, false},
			{"moderator", e.moderator, false},
			{"juror", e.jFree, false},
			{"programme admin", e.padmin, true},
			{"site admin", e.admin, true},
		}
		e.clock = e.t0.Add(30 * time.Minute) // entry window: enrolment is possible
		for _, r := range roles {
			for name, op := range ops {
				err := op(r.u)
				if r.allow && err != nil {
					t.Errorf("%s %s: %v", r.name, name, err)
				}
				if !r.allow && !errorsIs(err, campaign.ErrForbidden) {
					t.Errorf("%s %s: %v, want ErrForbidden", r.name, name, err)
				}
			}
		}
		// A disabled programme admin is no admin.
		must(t, e.users.SetDisabled(ctx, e.padmin.ID, true))
		padmin, err := e.users.Get(ctx, e.padmin.ID)
		must(t, err)
		_, err = s.Ranking(ctx, padmin, id)
		wantErr(t, err, campaign.ErrForbidden)
	})
}
