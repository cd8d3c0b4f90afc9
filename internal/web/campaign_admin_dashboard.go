package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/user"
)

// ---- dashboard ----

// caDashCategory is a dashboard category with its kind and rule in words.
type caDashCategory struct {
	campaign.DashboardCategory
	Kind, Rule string
}

type caDashData struct {
	caHelp
	*campaign.Dashboard
	C          *campaign.Campaign
	PhaseLabel string
	Cats       []caDashCategory
}

// adminCampaignDashboard is a campaign's front page for its programme
// admins: where it stands, its entries by category, and the way to every
// other part of the work.
func (s *Server) adminCampaignDashboard(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	dash, err := s.app.Campaigns.Dashboard(r.Context(), u, id)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	v := s.newView(r, "", nil)
	v.Title = dash.Campaign.Name.In(v.Lang)
	if r.URL.Query().Get("msg") == "campaign_enrolled" {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		v.Notice = v.T("campaign_admin.enrolled_n", n)
	}
	d := caDashData{caHelp: help(v.Lang), Dashboard: dash, C: dash.Campaign, PhaseLabel: v.T("campaign_admin.phase_" + dash.Phase)}
	for _, dc := range dash.Categories {
		d.Cats = append(d.Cats, caDashCategory{DashboardCategory: dc, Kind: kindLabel(v, dc.Category.Kind), Rule: ruleLabel(v, dc.Category.Rule)})
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "campaign_admin_dashboard", v)
}

// adminCategoryEnrol enters every deed (or organisation) published in the
// entry window that is not in the category yet.
func (s *Server) adminCategoryEnrol(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	catID, _ := pathInt(r, "cat")
	if c.Category(catID) == nil {
		s.notFound(w, r)
		return
	}
	n, err := s.app.Campaigns.EnrolPublished(r.Context(), u, catID)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		msg := "campaign_enrol_closed"
		if fe["category"] == campaign.ErrKeyRuleCategory {
			msg = "campaign_enrol_rule"
		}
		http.Redirect(w, r, campaignPath(c.ID, "?msg="+msg), http.StatusSeeOther)
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, fmt.Sprintf("?msg=campaign_enrolled&n=%d#category-%d", n, catID)), http.StatusSeeOther)
	}
}

// adminEntryWithdraw takes an entry out before judging starts.
func (s *Server) adminEntryWithdraw(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	e, ok := s.campaignEntry(w, r, c, u)
	if !ok {
		return
	}
	err := s.app.Campaigns.Withdraw(r.Context(), u, e.ID)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		http.Redirect(w, r, campaignPath(c.ID, "?msg=campaign_withdraw_closed"), http.StatusSeeOther)
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, "?msg=campaign_withdrawn"), http.StatusSeeOther)
	}
}

// campaignEntry loads the request's {entry}, which must belong to c.
func (s *Server) campaignEntry(w http.ResponseWriter, r *http.Request, c *campaign.Campaign, u *user.User) (*campaign.Entry, bool) {
	id, ok := pathInt(r, "entry")
	if !ok {
		s.notFound(w, r)
		return nil, false
	}
	e, err := s.app.Campaigns.Entry(r.Context(), u, id)
	if err != nil {
		s.campaignFail(w, r, err)
		return nil, false
	}
	if e.CampaignID != c.ID {
		s.notFound(w, r)
		return nil, false
	}
	return e, true
}

// ---- jury ----

type caJurorRow struct {
	J campaign.Juror
	P campaign.JurorProgress
}

type caConflictRow struct {
	EntryID int64
	Entry   string
	Juror   string
	Kind    string
	Reason  string
	At      string
}

type caEntryProgress struct {
	P        campaign.EntryProgress
	Category string
	Jury     bool
}

type caJuryData struct {
	caHelp
	C           *campaign.Campaign
	Invitations []campaign.Invitation
	Jurors      []caJurorRow
	Conflicts   []caConflictRow
	Entries     []caEntryProgress
	InviteEmail string
	NewLink     string
	NewEmail    string
	Langs       map[int64]string
}

// adminJury shows the jury: invitations, members with their progress,
// conflicts of interest, and the entries' progress.
func (s *Server) adminJury(w http.ResponseWriter, r *http.Request) {
	c, _, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	v := s.newView(r, "campaign_admin.jury_title", nil)
	q := r.URL.Query()
	if q.Get("msg") == "campaign_assigned" {
		added, _ := strconv.Atoi(q.Get("added"))
		short, _ := strconv.Atoi(q.Get("short"))
		v.Notice = v.T("campaign_admin.assigned_report", added, short)
	}
	s.renderJury(w, r, http.StatusOK, v, caJuryData{C: c})
}

func (s *Server) renderJury(w http.ResponseWriter, r *http.Request, status int, v *view, d caJuryData) {
	ctx := r.Context()
	u := currentUser(r)
	d.caHelp = help(v.Lang)
	var err error
	if d.Invitations, err = s.app.Campaigns.Invitations(ctx, u, d.C.ID); err != nil {
		s.campaignFail(w, r, err)
		return
	}
	jurors, err := s.app.Campaigns.Jurors(ctx, u, d.C.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	prog, err := s.app.Campaigns.Progress(ctx, u, d.C.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	conflicts, err := s.app.Campaigns.Conflicts(ctx, u, d.C.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	names := map[int64]string{}
	progress := map[int64]campaign.JurorProgress{}
	for _, jp := range prog.Jurors {
		progress[jp.UserID] = jp
	}
	for _, j := range jurors {
		names[j.UserID] = j.Name
		d.Jurors = append(d.Jurors, caJurorRow{J: j, P: progress[j.UserID]})
	}
	titles := map[int64]string{}
	for _, ep := range prog.Entries {
		titles[ep.EntryID] = ep.Title
		cat := d.C.Category(ep.CategoryID)
		row := caEntryProgress{P: ep}
		if cat != nil {
			row.Category = cat.Name.In(v.Lang)
			row.Jury = cat.Rule == campaign.RuleJury
		}
		d.Entries = append(d.Entries, row)
	}
	d.Conflicts = conflictRows(v, d.caHelp, conflicts, titles, names, 0)
	if d.Langs, err = s.entryLangs(ctx, u, d.C.ID); err != nil {
		s.campaignFail(w, r, err)
		return
	}
	v.Data = d
	s.render(w, r, status, "campaign_admin_jury", v)
}

// conflictRows names the conflicts of one entry, or of all when entryID
// is 0, in words.
func conflictRows(v *view, h caHelp, cs []campaign.Conflict, titles, names map[int64]string, entryID int64) []caConflictRow {
	var out []caConflictRow
	for _, cf := range cs {
		if entryID != 0 && cf.EntryID != entryID {
			continue
		}
		out = append(out, caConflictRow{EntryID: cf.EntryID, Entry: titles[cf.EntryID], Juror: names[cf.UserID],
			Kind: v.T("campaign_admin.conflict_" + cf.Kind), Reason: cf.Reason, At: h.Time(cf.CreatedAt)})
	}
	return out
}

// adminJuryInvite invites a person to the jury by e-mail. The invitation
// goes to the outbox; the page also shows its link, once, because the
// token is kept only as a hash and mail is not sent yet. So this answers
// with the page itself rather than a redirect, which would put the token
// in the browser's history and the server's logs.
func (s *Server) adminJuryInvite(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	v := s.newView(r, "campaign_admin.jury_title", nil)
	email := r.PostFormValue("invite_email")
	inv, err := s.app.Campaigns.InviteJuror(r.Context(), u, c.ID, email)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		v.setErrors(renamed(fe, "invite_", nil), nil)
		s.renderJury(w, r, http.StatusUnprocessableEntity, v, caJuryData{C: c, InviteEmail: email})
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		v.Notice = v.T("flash.campaign_invited")
		s.renderJury(w, r, http.StatusOK, v, caJuryData{C: c, NewEmail: inv.Email,
			NewLink: strings.TrimSuffix(s.opts.BaseURL, "/") + campaign.InvitationPath + inv.Token})
	}
}

// adminJuryAssign gives every entry its jurors automatically.
func (s *Server) adminJuryAssign(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	rep, err := s.app.Campaigns.AssignAutomatically(r.Context(), u, c.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	http.Redirect(w, r, campaignPath(c.ID, fmt.Sprintf("/jury?msg=campaign_assigned&added=%d&short=%d", rep.Added, len(rep.Short))), http.StatusSeeOther)
}

// adminJuryRemove takes a juror off the jury.
func (s *Server) adminJuryRemove(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	jid, ok := pathInt(r, "user")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.app.Campaigns.RemoveJuror(r.Context(), u, c.ID, jid); err != nil {
		s.campaignFail(w, r, err)
		return
	}
	http.Redirect(w, r, campaignPath(c.ID, "/jury?msg=campaign_juror_removed"), http.StatusSeeOther)
}

// ---- one entry ----

type caEntryData struct {
	caHelp
	C           *campaign.Campaign
	E           *campaign.Entry
	Cat         *campaign.Category
	Assigned    []campaign.Juror
	Free        []campaign.Juror
	Conflicts   []caConflictRow
	Reviews     []campaign.Review
	Row         *campaign.RankingRow
	Outcomes    []option
	Rationale   string
	Feedback    string
	Approved    *campaign.Feedback
	Winners     int
	Mentions    int
	AssignJuror int64
	CanDecide   bool
	// Jurors and the two Conflict fields are the form in which the admins
	// record a juror's conflict with the entry.
	Jurors         []campaign.Juror
	ConflictJuror  int64
	ConflictReason string
	// KeepDecision and KeepFeedback keep what was posted in those forms
	// instead of what is stored, when the page comes back with a problem.
	KeepDecision bool
	KeepFeedback bool
}

// ScoreOf is a review's score on a criterion, or nil.
func (d caEntryData) ScoreOf(rv campaign.Review, criterionID int64) *campaign.Score {
	return scoreOf(rv, criterionID)
}

func scoreOf(rv campaign.Review, criterionID int64) *campaign.Score {
	for i := range rv.Scores {
		if rv.Scores[i].CriterionID == criterionID {
			return &rv.Scores[i]
		}
	}
	return nil
}

// adminEntry shows an entry with everything the admins do with it.
func (s *Server) adminEntry(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	e, ok := s.campaignEntry(w, r, c, u)
	if !ok {
		return
	}
	v := s.newView(r, "", nil)
	d := caEntryData{C: c, E: e}
	s.renderEntry(w, r, http.StatusOK, v, d)
}

// renderEntry fills in the entry page.
func (s *Server) renderEntry(w http.ResponseWriter, r *http.Request, status int, v *view, d caEntryData) {
	ctx := r.Context()
	u := currentUser(r)
	c, e := d.C, d.E
	d.caHelp = help(v.Lang)
	v.Title = e.Title
	d.Cat = c.Category(e.CategoryID)
	jurors, err := s.app.Campaigns.Jurors(ctx, u, c.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	pairs, err := s.app.Campaigns.Assignments(ctx, u, c.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	conflicts, err := s.app.Campaigns.Conflicts(ctx, u, c.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	if d.Reviews, err = s.app.Campaigns.Reviews(ctx, u, e.ID); err != nil {
		s.campaignFail(w, r, err)
		return
	}
	rk, err := s.app.Campaigns.Ranking(ctx, u, c.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	names := map[int64]string{}
	conflicted := map[int64]bool{}
	for _, cf := range conflicts {
		if cf.EntryID == e.ID {
			conflicted[cf.UserID] = true
		}
	}
	d.Jurors = jurors
	for _, j := range jurors {
		names[j.UserID] = j.Name
		if slices.Contains(pairs, campaign.Pair{Entry: e.ID, Juror: j.UserID}) {
			d.Assigned = append(d.Assigned, j)
		} else if !conflicted[j.UserID] {
			d.Free = append(d.Free, j)
		}
	}
	d.Conflicts = conflictRows(v, d.caHelp, conflicts, map[int64]string{e.ID: e.Title}, names, e.ID)
	for _, cr := range rk.Categories {
		for i := range cr.Rows {
			if cr.Rows[i].EntryID == e.ID {
				row := cr.Rows[i]
				d.Row = &row
			}
			if cr.Category.ID == e.CategoryID && cr.Rows[i].Decision != nil {
				switch cr.Rows[i].Decision.Outcome {
				case campaign.Winner:
					d.Winners++
				case campaign.Mention:
					d.Mentions++
				}
			}
		}
	}
	d.CanDecide = d.Cat != nil && d.Cat.Rule == campaign.RuleJury
	chosen := campaign.Outcome(r.PostFormValue("decision_outcome"))
	if !d.KeepDecision {
		chosen = ""
		if d.Row != nil && d.Row.Decision != nil {
			chosen, d.Rationale = d.Row.Decision.Outcome, d.Row.Decision.Rationale
		}
	}
	for _, o := range campaign.Outcomes() {
		d.Outcomes = append(d.Outcomes, option{Value: string(o), Label: v.T("campaign_admin.outcome_" + string(o)), Selected: o == chosen})
	}
	fb, err := s.app.Campaigns.Feedback(ctx, u, e.ID)
	switch {
	case err == nil:
		d.Approved = fb
		if !d.KeepFeedback {
			d.Feedback = fb.Body
		}
	case errors.Is(err, campaign.ErrNotFound):
	default:
		s.campaignFail(w, r, err)
		return
	}
	v.Data = d
	s.render(w, r, status, "campaign_admin_entry", v)
}

// adminEntryAssign puts a juror on the entry by hand.
func (s *Server) adminEntryAssign(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	e, ok := s.campaignEntry(w, r, c, u)
	if !ok {
		return
	}
	jid := formInt(r, "assign_juror")
	err := s.app.Campaigns.Assign(r.Context(), u, e.ID, jid)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		v := s.newView(r, "", nil)
		errs := renamed(fe, "assign_", map[string]string{"entry": "assign_juror"})
		// The service's words address the juror; here the admin reads them.
		switch errs["assign_juror"] {
		case campaign.ErrKeyConflicted:
			errs["assign_juror"] = "error.campaign_juror_conflicted"
		case campaign.ErrKeyNotJuror:
			errs["assign_juror"] = "error.campaign_not_juror"
		}
		v.setErrors(errs, nil)
		s.renderEntry(w, r, http.StatusUnprocessableEntity, v, caEntryData{C: c, E: e, AssignJuror: jid})
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, fmt.Sprintf("/entries/%d?msg=campaign_juror_assigned#jurors", e.ID)), http.StatusSeeOther)
	}
}

// adminEntryConflict records a juror's conflict of interest with the
// entry, as the programme admins may at any time.
func (s *Server) adminEntryConflict(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	e, ok := s.campaignEntry(w, r, c, u)
	if !ok {
		return
	}
	jid, reason := formInt(r, "conflict_juror"), r.PostFormValue("conflict_reason")
	err := s.app.Campaigns.RecordConflict(r.Context(), u, e.ID, jid, reason)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		v := s.newView(r, "", nil)
		errs := renamed(fe, "conflict_", nil)
		if errs["conflict_juror"] == campaign.ErrKeyNotJuror {
			errs["conflict_juror"] = "error.campaign_not_juror"
		}
		v.setErrors(errs, []string{"conflict_juror", "conflict_reason"})
		s.renderEntry(w, r, http.StatusUnprocessableEntity, v, caEntryData{C: c, E: e, ConflictJuror: jid, ConflictReason: reason})
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, fmt.Sprintf("/entries/%d?msg=campaign_conflict_recorded#jurors", e.ID)), http.StatusSeeOther)
	}
}

// adminEntryUnassign takes a juror off the entry.
func (s *Server) adminEntryUnassign(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	e, ok := s.campaignEntry(w, r, c, u)
	if !ok {
		return
	}
	if err := s.app.Campaigns.Unassign(r.Context(), u, e.ID, formInt(r, "juror")); err != nil {
		s.campaignFail(w, r, err)
		return
	}
	http.Redirect(w, r, campaignPath(c.ID, fmt.Sprintf("/entries/%d?msg=campaign_juror_unassigned#jurors", e.ID)), http.StatusSeeOther)
}

// adminEntryDecision records the outcome for the entry with its rationale.
func (s *Server) adminEntryDecision(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	e, ok := s.campaignEntry(w, r, c, u)
	if !ok {
		return
	}
	rationale := r.PostFormValue("decision_rationale")
	err := s.app.Campaigns.Decide(r.Context(), u, e.ID, campaign.Outcome(r.PostFormValue("decision_outcome")), rationale)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		v := s.newView(r, "", nil)
		v.setErrors(renamed(fe, "decision_", map[string]string{"entry": "decision_outcome"}), []string{"decision_outcome", "decision_rationale"})
		s.renderEntry(w, r, http.StatusUnprocessableEntity, v, caEntryData{C: c, E: e, Rationale: rationale, KeepDecision: true})
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, fmt.Sprintf("/entries/%d?msg=campaign_decided#decision", e.ID)), http.StatusSeeOther)
	}
}

// adminEntryFeedback drafts the entrant's feedback from the jury's
// comments, or approves what the admin wrote.
func (s *Server) adminEntryFeedback(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	e, ok := s.campaignEntry(w, r, c, u)
	if !ok {
		return
	}
	ctx := r.Context()
	v := s.newView(r, "", nil)
	body := r.PostFormValue("feedback_body")
	if r.PostFormValue("action") == "draft" {
		draft, err := s.app.Campaigns.DraftFeedback(ctx, u, e.ID, v.Lang)
		if err != nil {
			s.campaignFail(w, r, err)
			return
		}
		v.Notice = v.T("campaign_admin.feedback_drafted")
		if draft == "" {
			v.Notice = v.T("campaign_admin.feedback_no_comments")
			draft = body
		}
		s.renderEntry(w, r, http.StatusOK, v, caEntryData{C: c, E: e, Feedback: draft, KeepFeedback: true})
		return
	}
	err := s.app.Campaigns.ApproveFeedback(ctx, u, e.ID, body)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		v.setErrors(renamed(fe, "feedback_", nil), nil)
		s.renderEntry(w, r, http.StatusUnprocessableEntity, v, caEntryData{C: c, E: e, Feedback: body, KeepFeedback: true})
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, fmt.Sprintf("/entries/%d?msg=campaign_feedback_approved#feedback", e.ID)), http.StatusSeeOther)
	}
}

// ---- results ----

type caResultsData struct {
	caHelp
	C        *campaign.Campaign
	R        *campaign.Ranking
	Versions []campaign.Version
	Note     string
	Cats     []caRankedCategory
	Langs    map[int64]string
}

type caRankedCategory struct {
	campaign.CategoryRanking
	Rule    string
	Kind    string
	Decided map[string]int
}

// adminResults shows the working results: per category the raw and the
// normalised score, the spread between jurors and the flags, with the
// decisions so far; and the publication of the results.
func (s *Server) adminResults(w http.ResponseWriter, r *http.Request) {
	c, _, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	s.renderResults(w, r, http.StatusOK, s.newView(r, "campaign_admin.results_title", nil), caResultsData{C: c})
}

func (s *Server) renderResults(w http.ResponseWriter, r *http.Request, status int, v *view, d caResultsData) {
	ctx := r.Context()
	d.caHelp = help(v.Lang)
	rk, err := s.app.Campaigns.Ranking(ctx, currentUser(r), d.C.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	d.R = rk
	if d.Langs, err = s.entryLangs(ctx, currentUser(r), d.C.ID); err != nil {
		s.campaignFail(w, r, err)
		return
	}
	for _, cr := range rk.Categories {
		rc := caRankedCategory{CategoryRanking: cr, Rule: ruleLabel(v, cr.Category.Rule), Kind: kindLabel(v, cr.Category.Kind), Decided: map[string]int{}}
		for _, row := range cr.Rows {
			if row.Decision != nil {
				rc.Decided[string(row.Decision.Outcome)]++
			}
		}
		d.Cats = append(d.Cats, rc)
	}
	if d.Versions, err = s.app.Campaigns.Versions(ctx, d.C.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Data = d
	s.render(w, r, status, "campaign_admin_results", v)
}

// adminPublish publishes the results, or a correction with its note.
func (s *Server) adminPublish(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	note := r.PostFormValue("publish_note")
	res, err := s.app.Campaigns.Publish(r.Context(), u, c.ID, note)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		v := s.newView(r, "campaign_admin.results_title", nil)
		v.setErrors(renamed(fe, "publish_", map[string]string{"campaign": "publish_note"}), nil)
		s.renderResults(w, r, http.StatusUnprocessableEntity, v, caResultsData{C: c, Note: note})
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		msg := "campaign_published"
		if res.Version > 1 {
			msg = "campaign_corrected"
		}
		http.Redirect(w, r, campaignPath(c.ID, "/results?msg="+msg+"#publish"), http.StatusSeeOther)
	}
}

// ---- audit ----

type caAuditRow struct {
	campaign.AuditEntry
	Label string
	When  string
}

type caAuditData struct {
	caHelp
	C    *campaign.Campaign
	Rows []caAuditRow
}

// adminAudit shows the campaign's audit log, newest last, as it is kept.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	log, err := s.app.Campaigns.Audit(r.Context(), u, c.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	v := s.newView(r, "campaign_admin.audit_title", nil)
	d := caAuditData{caHelp: help(v.Lang), C: c}
	for _, a := range log {
		label := a.Action
		if key := "campaign_admin.audit_" + a.Action; s.cat.Has(v.Lang, key) {
			label = v.T(key)
		}
		d.Rows = append(d.Rows, caAuditRow{AuditEntry: a, Label: label, When: d.Time(a.At)})
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "campaign_admin_audit", v)
}

// adminAuditCSV downloads the audit log.
func (s *Server) adminAuditCSV(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := s.app.Campaigns.WriteAuditCSV(r.Context(), u, c.ID, &buf); err != nil {
		s.campaignFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"campaign-%d-audit.csv\"", c.ID))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
