package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/store"
)

// ---- the juror's own pages ----

type caJuryItem struct {
	campaign.JuryItem
	Status string
	Lang   string
}

type caJuryCampaign struct {
	C     campaign.Campaign
	Phase string
	Open  bool
	Items []caJuryItem
}

type caJuryHomeData struct {
	caHelp
	Campaigns []caJuryCampaign
}

// juryHome lists the campaigns the person judges with the entries
// assigned to them and how far they are with each.
func (s *Server) juryHome(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := s.newView(r, "campaign_jury.title", nil)
	d := caJuryHomeData{caHelp: help(v.Lang)}
	cs, err := s.app.Campaigns.JuryCampaigns(ctx, u)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	now := store.Now()
	for _, c := range cs {
		items, err := s.app.Campaigns.JuryWork(ctx, u, c.ID)
		if err != nil {
			s.campaignFail(w, r, err)
			return
		}
		jc := caJuryCampaign{C: c, Phase: v.T("campaign_admin.phase_" + c.Phase(now)), Open: c.Judging.Contains(now)}
		for _, it := range items {
			status := v.T("campaign_jury.status_not_started")
			switch {
			case it.Submitted:
				status = v.T("campaign_jury.status_submitted")
			case it.Scored > 0:
				status = v.T("campaign_jury.status_started", it.Scored, len(c.Criteria))
			}
			// The title is the deed's, in the deed's language.
			lang := "fi"
			if je, err := s.app.Campaigns.JuryEntry(ctx, u, it.EntryID); err == nil {
				lang = caJuryEntryData{E: je}.TitleLang()
			}
			jc.Items = append(jc.Items, caJuryItem{JuryItem: it, Status: status, Lang: lang})
		}
		d.Campaigns = append(d.Campaigns, jc)
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "campaign_jury_list", v)
}

type caAcceptData struct {
	Token string
}

// juryAccept takes an invitation to a jury. The link in the invitation
// opens a page that asks to confirm, so that following a link changes
// nothing by itself; whoever is not signed in signs in first and comes
// back here with the token.
func (s *Server) juryAccept(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	v := s.newView(r, "campaign_jury.accept_title", nil)
	d := caAcceptData{Token: strings.TrimSpace(r.FormValue("token"))}
	status := http.StatusOK
	if r.Method == http.MethodPost || d.Token == "" {
		var err error
		if d.Token == "" {
			err = campaign.FieldErrors{"token": campaign.ErrKeyInvitationInvalid}
		} else {
			_, err = s.app.Campaigns.AcceptInvitation(r.Context(), u, d.Token)
		}
		var fe campaign.FieldErrors
		switch {
		case errors.As(err, &fe):
			v.setErrors(renamed(fe, "invitation_", nil), nil)
			status = http.StatusUnprocessableEntity
		case err != nil:
			s.campaignFail(w, r, err)
			return
		default:
			http.Redirect(w, r, "/jury?msg=campaign_jury_joined", http.StatusSeeOther)
			return
		}
	}
	v.Data = d
	s.render(w, r, status, "campaign_jury_accept", v)
}

// caScoreField is one criterion of the scoring form, as stored or as
// posted.
type caScoreField struct {
	C          campaign.Criterion
	Values     []int
	Score      string
	Comment    string
	ScoreErr   string
	CommentErr string
}

type caJuryEntryData struct {
	caHelp
	E       *campaign.JuryEntry
	C       *campaign.Campaign
	Open    bool
	Fields  []caScoreField
	Note    string
	Reason  string
	Summary []summaryItem
	// Posted is set when the form comes back with what was typed.
	Posted bool
}

// ScoreOf is a review's score on a criterion, or nil.
func (d caJuryEntryData) ScoreOf(rv campaign.Review, criterionID int64) *campaign.Score {
	return scoreOf(rv, criterionID)
}

// juryEntry shows a juror the entry to judge with the scoring form, and
// saves or submits the review.
func (s *Server) juryEntry(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	je, c, ok := s.juryEntryOf(w, r, id)
	if !ok {
		return
	}
	v := s.newView(r, "", nil)
	d := caJuryEntryData{E: je, C: c, Note: je.Mine.Note}
	posted := map[int64][2]string{}
	if r.Method == http.MethodPost {
		d.Note = r.PostFormValue("private_note")
		in := campaign.ReviewInput{Note: &d.Note, Submit: r.PostFormValue("action") == "submit"}
		errs := map[string]string{}
		for _, cr := range je.Criteria {
			raw := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("score_%d", cr.ID)))
			comment := r.PostFormValue(fmt.Sprintf("comment_%d", cr.ID))
			posted[cr.ID] = [2]string{raw, comment}
			if raw == "" {
				// A comment is kept with its score: one without a score
				// would be lost, so it is asked for instead.
				if strings.TrimSpace(comment) != "" {
					errs[fmt.Sprintf("comment_%d", cr.ID)] = "error.campaign_comment_needs_score"
				}
				continue
			}
			n, err := strconv.Atoi(raw)
			if err != nil {
				errs[fmt.Sprintf("score_%d", cr.ID)] = campaign.ErrKeyScoreRange
				continue
			}
			in.Scores = append(in.Scores, campaign.ScoreInput{CriterionID: cr.ID, Value: n, Comment: comment})
		}
		if len(errs) == 0 {
			err := s.app.Campaigns.SaveReview(ctx, u, id, in)
			var fe campaign.FieldErrors
			switch {
			case errors.As(err, &fe):
				for f, key := range fe {
					f = strings.Replace(f, ".", "_", 1)
					switch f {
					case "note":
						f = "private_note"
					case "entry":
						f = "review"
					}
					errs[f] = key
				}
			case err != nil:
				s.campaignFail(w, r, err)
				return
			default:
				msg := "campaign_review_saved"
				if in.Submit {
					msg = "campaign_review_submitted"
				}
				http.Redirect(w, r, fmt.Sprintf("/jury/entries/%d?msg=%s", id, msg), http.StatusSeeOther)
				return
			}
		}
		s.renderJuryEntry(w, r, http.StatusUnprocessableEntity, v, d, errs, posted)
		return
	}
	s.renderJuryEntry(w, r, http.StatusOK, v, d, nil, nil)
}

// juryEntryOf loads an entry for the juror, answering a refusal: an
// entry the juror is conflicted with or not assigned is forbidden, with
// the reason.
func (s *Server) juryEntryOf(w http.ResponseWriter, r *http.Request, id int64) (*campaign.JuryEntry, *campaign.Campaign, bool) {
	ctx := r.Context()
	je, err := s.app.Campaigns.JuryEntry(ctx, currentUser(r), id)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		s.refusal(w, r, http.StatusForbidden, fe)
		return nil, nil, false
	case err != nil:
		s.campaignFail(w, r, err)
		return nil, nil, false
	}
	c, err := s.app.Campaigns.Campaign(ctx, je.CampaignID)
	if err != nil {
		s.campaignFail(w, r, err)
		return nil, nil, false
	}
	return je, c, true
}

// renderJuryEntry fills in the scoring form from the stored review, or
// from what was posted, and builds the error summary itself: the
// criteria's names are the labels of its lines.
func (s *Server) renderJuryEntry(w http.ResponseWriter, r *http.Request, status int, v *view, d caJuryEntryData, errs map[string]string, posted map[int64][2]string) {
	d.caHelp = help(v.Lang)
	d.Posted = posted != nil
	v.Title = d.E.Title
	d.Open = d.C.Judging.Contains(store.Now())
	msg := func(key string) string {
		if key == "" {
			return ""
		}
		return v.T(key)
	}
	for _, cr := range d.E.Criteria {
		f := caScoreField{C: cr}
		for n := cr.ScaleMin; n <= cr.ScaleMax; n++ {
			f.Values = append(f.Values, n)
		}
		if p, ok := posted[cr.ID]; ok {
			f.Score, f.Comment = p[0], p[1]
		} else if sc := scoreOf(d.E.Mine, cr.ID); sc != nil {
			f.Score, f.Comment = strconv.Itoa(sc.Value), sc.Comment
		}
		f.ScoreErr = msg(errs[fmt.Sprintf("score_%d", cr.ID)])
		f.CommentErr = msg(errs[fmt.Sprintf("comment_%d", cr.ID)])
		name := cr.Name.In(v.Lang)
		if f.ScoreErr != "" {
			d.Summary = append(d.Summary, summaryItem{Anchor: fmt.Sprintf("f-score_%d", cr.ID), Label: name, Message: f.ScoreErr})
		}
		if f.CommentErr != "" {
			d.Summary = append(d.Summary, summaryItem{Anchor: fmt.Sprintf("f-comment_%d", cr.ID), Label: v.T("campaign_jury.comment_on", name), Message: f.CommentErr})
		}
		d.Fields = append(d.Fields, f)
	}
	v.Errors = map[string]string{}
	for _, f := range []string{"private_note", "review", "conflict_reason"} {
		if m := msg(errs[f]); m != "" {
			v.Errors[f] = m
			d.Summary = append(d.Summary, summaryItem{Anchor: "f-" + f, Label: v.T("field." + f), Message: m})
		}
	}
	v.Data = d
	s.render(w, r, status, "campaign_jury_entry", v)
}

// juryConflict records the juror's declared conflict of interest with the
// entry. The juror no longer sees it afterwards.
func (s *Server) juryConflict(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	reason := r.PostFormValue("conflict_reason")
	err := s.app.Campaigns.DeclareConflict(r.Context(), u, id, reason)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe) && fe["entry"] == campaign.ErrKeyConflictNotYours:
		s.refusal(w, r, http.StatusForbidden, fe)
	case errors.As(err, &fe):
		je, c, ok := s.juryEntryOf(w, r, id)
		if !ok {
			return
		}
		errs := map[string]string{}
		for _, key := range fe {
			errs["conflict_reason"] = key
		}
		d := caJuryEntryData{E: je, C: c, Note: je.Mine.Note, Reason: reason}
		s.renderJuryEntry(w, r, http.StatusUnprocessableEntity, s.newView(r, "", nil), d, errs, nil)
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, "/jury?msg=campaign_conflict_declared", http.StatusSeeOther)
	}
}

// TitleLang is the language of the entry's title: its first deed's.
func (d caJuryEntryData) TitleLang() string {
	if d.E.Kind == campaign.KindDeed && len(d.E.Deeds) > 0 && d.E.Deeds[0].Content.Lang != "" {
		return d.E.Deeds[0].Content.Lang
	}
	return "fi"
}
