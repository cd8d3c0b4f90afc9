package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/tekotori/tekotori/internal/campaign"
)

// Destructive steps of a campaign's administration (removing a juror,
// withdrawing an entry, closing judging early) each go through a page
// that says what will happen and asks for the reason the log keeps; the
// list pages link to it instead of posting at once.

type caConfirmData struct {
	caHelp
	C *campaign.Campaign
	// Explain says what the step does, in the reader's language.
	Explain string
	Action  string
	Cancel  string
	Button  string
	Reason  string
}

// confirmStep shows the confirmation page of a destructive step, or runs
// it on POST: do gets the reason typed; FieldErrors bring the page back
// with the reason kept and the error by the field.
func (s *Server) confirmStep(w http.ResponseWriter, r *http.Request, c *campaign.Campaign, d caConfirmData, title string, do func(reason string) error, done string) {
	v := s.newView(r, title, nil)
	d.caHelp, d.C = help(v.Lang), c
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Reason = r.PostFormValue("step_reason")
		err := do(d.Reason)
		var fe campaign.FieldErrors
		switch {
		case errors.As(err, &fe):
			v.setErrors(renamed(fe, "", map[string]string{"campaign": "step_reason", "entry": "step_reason", "reason": "step_reason"}), []string{"step_reason"})
			status = http.StatusUnprocessableEntity
		case err != nil:
			s.campaignFail(w, r, err)
			return
		default:
			http.Redirect(w, r, done, http.StatusSeeOther)
			return
		}
	}
	v.Data = d
	s.render(w, r, status, "campaign_admin_confirm", v)
}

// adminJuryRemove confirms and takes a juror off the jury.
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
	jurors, err := s.app.Campaigns.Jurors(r.Context(), u, c.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	name := ""
	for _, j := range jurors {
		if j.UserID == jid {
			name = j.Name
		}
	}
	if name == "" {
		s.notFound(w, r)
		return
	}
	v := s.newView(r, "", nil)
	d := caConfirmData{Explain: v.T("campaign_admin.remove_juror_explained", name), Action: campaignPath(c.ID, fmt.Sprintf("/jury/%d/remove", jid)),
		Cancel: campaignPath(c.ID, "/jury"), Button: v.T("campaign_admin.remove_juror")}
	s.confirmStep(w, r, c, d, "campaign_admin.remove_juror_title", func(reason string) error {
		return s.app.Campaigns.RemoveJuror(r.Context(), u, c.ID, jid, reason)
	}, campaignPath(c.ID, "/jury?msg=campaign_juror_removed"))
}

// adminEntryWithdraw confirms and takes an entry out before judging starts.
func (s *Server) adminEntryWithdraw(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	e, ok := s.campaignEntry(w, r, c, u)
	if !ok {
		return
	}
	v := s.newView(r, "", nil)
	d := caConfirmData{Explain: v.T("campaign_admin.withdraw_explained", e.Title), Action: campaignPath(c.ID, fmt.Sprintf("/entries/%d/withdraw", e.ID)),
		Cancel: campaignPath(c.ID, ""), Button: v.T("campaign_admin.withdraw")}
	s.confirmStep(w, r, c, d, "campaign_admin.withdraw_title", func(reason string) error {
		return s.app.Campaigns.Withdraw(r.Context(), u, e.ID, reason)
	}, campaignPath(c.ID, "?msg=campaign_withdrawn"))
}

// adminCloseJudging confirms and ends judging (and an open audience vote)
// now, so that the results can be published before the planned close.
func (s *Server) adminCloseJudging(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	v := s.newView(r, "", nil)
	h := help(v.Lang)
	d := caConfirmData{Explain: v.T("campaign_admin.close_judging_explained", h.Time(c.Judging.Closes)), Action: campaignPath(c.ID, "/close-judging"),
		Cancel: campaignPath(c.ID, "/results#publish"), Button: v.T("campaign_admin.close_judging")}
	s.confirmStep(w, r, c, d, "campaign_admin.close_judging_title", func(reason string) error {
		return s.app.Campaigns.CloseJudging(r.Context(), u, c.ID, reason)
	}, campaignPath(c.ID, "/results?msg=campaign_judging_closed#publish"))
}

// adminReviewReopen confirms and reopens one juror's submitted review of
// an entry for a change.
func (s *Server) adminReviewReopen(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	e, ok := s.campaignEntry(w, r, c, u)
	if !ok {
		return
	}
	jid, ok := pathInt(r, "user")
	if !ok {
		s.notFound(w, r)
		return
	}
	reviews, err := s.app.Campaigns.Reviews(r.Context(), u, e.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	name := ""
	for _, rv := range reviews {
		if rv.JurorID == jid {
			name = rv.JurorName
		}
	}
	if name == "" {
		s.notFound(w, r)
		return
	}
	v := s.newView(r, "", nil)
	d := caConfirmData{Explain: v.T("campaign_admin.reopen_explained", name, e.Title), Action: campaignPath(c.ID, fmt.Sprintf("/entries/%d/reviews/%d/reopen", e.ID, jid)),
		Cancel: campaignPath(c.ID, fmt.Sprintf("/entries/%d", e.ID)), Button: v.T("campaign_admin.reopen_review")}
	s.confirmStep(w, r, c, d, "campaign_admin.reopen_title", func(reason string) error {
		return s.app.Campaigns.ReopenReview(r.Context(), u, e.ID, jid, reason)
	}, campaignPath(c.ID, fmt.Sprintf("/entries/%d?msg=campaign_review_reopened", e.ID)))
}
