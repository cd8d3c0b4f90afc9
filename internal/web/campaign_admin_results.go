package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
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
	// Bulk holds each row of the bulk form, as stored or as posted.
	Bulk    map[int64]caBulkRow
	Summary []summaryItem
}

// Outcomes lists the decisions the bulk form offers.
func (caResultsData) Outcomes() []campaign.Outcome { return campaign.Outcomes() }

// caBulkRow is one entry's row in the ranking's bulk form.
type caBulkRow struct {
	Outcome, Rationale, Seen string
	Approve                  bool
	Feedback, FeedbackSeen   string
	Err                      string
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
	switch q := r.URL.Query(); q.Get("msg") {
	case "campaign_extra_juror":
		v.Notice = v.T("campaign_admin.extra_juror_added", q.Get("juror"))
	case "campaign_bulk":
		n, _ := strconv.Atoi(q.Get("decisions"))
		f, _ := strconv.Atoi(q.Get("feedback"))
		v.Notice = v.T("campaign_admin.bulk_done", n, f)
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
	posted := d.Bulk != nil
	if !posted {
		d.Bulk = map[int64]caBulkRow{}
	}
	for _, cr := range rk.Categories {
		for _, row := range cr.Rows {
			if posted || cr.Category.Rule != campaign.RuleJury {
				continue
			}
			b := caBulkRow{Seen: campaign.DecisionStamp(row.Decision)}
			if row.Decision != nil {
				b.Outcome, b.Rationale = string(row.Decision.Outcome), row.Decision.Rationale
			}
			fb, err := s.app.Campaigns.Feedback(ctx, currentUser(r), row.EntryID)
			switch {
			case err == nil:
				b.Feedback, b.FeedbackSeen = fb.Body, campaign.Stamp(fb.Body)
			case errors.Is(err, campaign.ErrNotFound):
				if row.Scored {
					if b.Feedback, err = s.app.Campaigns.DraftFeedback(ctx, currentUser(r), row.EntryID, v.Lang); err != nil {
						s.campaignFail(w, r, err)
						return
					}
				}
			default:
				s.campaignFail(w, r, err)
				return
			}
			d.Bulk[row.EntryID] = b
		}
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

// adminBulk records decisions and feedback approvals from the ranking's
// bulk form, a row per entry; a refused post comes back with every row as
// typed and the rows at fault marked.
func (s *Server) adminBulk(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	var rows []campaign.BulkRow
	bulk := map[int64]caBulkRow{}
	for _, raw := range r.PostForm["row"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			continue
		}
		f := func(name string) string { return r.PostFormValue(fmt.Sprintf("%s_%d", name, id)) }
		b := caBulkRow{Outcome: f("outcome"), Rationale: f("rationale"), Seen: f("seen"), Approve: f("approve") == "1",
			Feedback: f("feedback"), FeedbackSeen: f("fseen")}
		bulk[id] = b
		rows = append(rows, campaign.BulkRow{EntryID: id, Outcome: campaign.Outcome(b.Outcome), Rationale: b.Rationale, Seen: b.Seen,
			Approve: b.Approve, Feedback: b.Feedback, FeedbackSeen: b.FeedbackSeen})
	}
	rep, err := s.app.Campaigns.DecideMany(r.Context(), u, c.ID, rows)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		v := s.newView(r, "campaign_admin.results_title", nil)
		d := caResultsData{C: c, Bulk: bulk}
		for _, row := range rows {
			key := fe[fmt.Sprintf("row.%d", row.EntryID)]
			if key == "" {
				continue
			}
			b := bulk[row.EntryID]
			b.Err = v.T(key)
			bulk[row.EntryID] = b
			d.Summary = append(d.Summary, summaryItem{Anchor: fmt.Sprintf("row-%d", row.EntryID), Label: v.T("campaign_admin.bulk_row", row.EntryID), Message: b.Err})
		}
		if len(d.Summary) == 0 {
			for _, key := range fe {
				d.Summary = append(d.Summary, summaryItem{Anchor: "bulk", Label: v.T("campaign_admin.bulk_title"), Message: v.T(key)})
			}
		}
		s.renderResults(w, r, http.StatusUnprocessableEntity, v, d)
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, "/results?"+url.Values{"msg": {"campaign_bulk"}, "decisions": {strconv.Itoa(rep.Decisions)},
			"feedback": {strconv.Itoa(rep.Feedback)}}.Encode()), http.StatusSeeOther)
	}
}
