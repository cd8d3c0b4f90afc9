package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/user"
)

// One entry in a campaign's administration: its snapshot, jurors and
// conflicts, reviews, decision and feedback, and its withdrawal.

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
