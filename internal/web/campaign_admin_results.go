package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/tekotori/tekotori/internal/campaign"
)

// The working results of a campaign and their publication.

type caResultsData struct {
	caHelp
	C        *campaign.Campaign
	R        *campaign.Ranking
	Versions []campaign.Version
	Note     string
	Cats     []caRankedCategory
	Langs    map[int64]string
	// JudgingOpen offers to close judging early.
	JudgingOpen bool
	Preview     *pubResults
	// VoteFlags are bursts of audience votes from new accounts.
	VoteFlags []campaign.VoteFlag
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
	v := s.newView(r, "campaign_admin.results_title", nil)
	if r.URL.Query().Get("msg") == "campaign_extra_juror" {
		v.Notice = v.T("campaign_admin.extra_juror_added", r.URL.Query().Get("juror"))
	}
	s.renderResults(w, r, http.StatusOK, v, caResultsData{C: c})
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
	d.JudgingOpen = d.C.Judging.Contains(time.Now())
	if d.C.AudienceVote {
		if d.VoteFlags, err = s.app.Campaigns.VoteFlags(ctx, currentUser(r), d.C.ID); err != nil {
			s.campaignFail(w, r, err)
			return
		}
	}
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

// adminPublish shows exactly what would be published, and publishes the
// results (or a correction with its note) once that is confirmed.
func (s *Server) adminPublish(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	note := r.PostFormValue("publish_note")
	var res *campaign.Results
	var err error
	if r.PostFormValue("confirm") == "1" {
		res, err = s.app.Campaigns.Publish(r.Context(), u, c.ID, note)
	} else {
		var preview *campaign.Results
		var errs campaign.FieldErrors
		preview, errs, err = s.app.Campaigns.PublicationPreview(r.Context(), u, c.ID, note)
		if err == nil && len(errs) == 0 {
			v := s.newView(r, "campaign_admin.preview_title", nil)
			pr, err := s.pubResults(r.Context(), v, preview, nil)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			v.Data = caResultsData{caHelp: help(v.Lang), C: c, Note: note, Preview: pr}
			s.render(w, r, http.StatusOK, "campaign_admin_publish_preview", v)
			return
		}
		if err == nil {
			err = errs
		}
	}
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

// adminExtraJuror puts one more juror on an entry too close to call.
func (s *Server) adminExtraJuror(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	e, ok := s.campaignEntry(w, r, c, u)
	if !ok {
		return
	}
	j, err := s.app.Campaigns.RequestExtraJuror(r.Context(), u, e.ID)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		v := s.newView(r, "campaign_admin.results_title", nil)
		v.setErrors(renamed(fe, "", map[string]string{"entry": "extra_juror"}), nil)
		s.renderResults(w, r, http.StatusUnprocessableEntity, v, caResultsData{C: c})
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, "/results?"+url.Values{"msg": {"campaign_extra_juror"}, "juror": {j.Name}}.Encode()), http.StatusSeeOther)
	}
}
