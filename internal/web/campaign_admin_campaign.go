package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
)

// A campaign's settings: the form that creates and edits it.

// caCampaignForm is the campaign form as typed, so that it comes back
// as it was when something needs correcting.
type caCampaignForm struct {
	Name, Description, Rules                i18n.Text
	EntryOpens, EntryCloses                 string
	JudgingOpens, JudgingCloses             string
	VoteOpens, VoteCloses                   string
	AudienceVote, Blind, ConflictSameCounty bool
	JurorsPerEntry                          string
}

var campaignFieldOrder = []string{"campaign_name_fi", "campaign_name_sv", "campaign_name_en",
	"campaign_description_fi", "campaign_description_sv", "campaign_description_en",
	"campaign_rules_fi", "campaign_rules_sv", "campaign_rules_en",
	"campaign_entry_window", "campaign_entry_opens", "campaign_entry_closes",
	"campaign_judging_window", "campaign_judging_opens", "campaign_judging_closes",
	"campaign_audience_vote", "campaign_vote_window", "campaign_vote_opens", "campaign_vote_closes",
	"campaign_blind", "campaign_jurors_per_entry", "campaign_conflict_same_county"}

func campaignFormOf(c *campaign.Campaign) caCampaignForm {
	f := caCampaignForm{Name: c.Name, Description: c.Description, Rules: c.Rules,
		EntryOpens: localInput(c.Entry.Opens), EntryCloses: localInput(c.Entry.Closes),
		JudgingOpens: localInput(c.Judging.Opens), JudgingCloses: localInput(c.Judging.Closes),
		AudienceVote: c.AudienceVote, Blind: c.Blind, ConflictSameCounty: c.ConflictSameCounty,
		JurorsPerEntry: strconv.Itoa(c.JurorsPerEntry)}
	if c.Vote != nil {
		f.VoteOpens, f.VoteCloses = localInput(c.Vote.Opens), localInput(c.Vote.Closes)
	}
	return f
}

func campaignFormFrom(r *http.Request) caCampaignForm {
	return caCampaignForm{
		Name: textInput(r, "campaign_name"), Description: textInput(r, "campaign_description"), Rules: textInput(r, "campaign_rules"),
		EntryOpens: r.PostFormValue("campaign_entry_opens"), EntryCloses: r.PostFormValue("campaign_entry_closes"),
		JudgingOpens: r.PostFormValue("campaign_judging_opens"), JudgingCloses: r.PostFormValue("campaign_judging_closes"),
		VoteOpens: r.PostFormValue("campaign_vote_opens"), VoteCloses: r.PostFormValue("campaign_vote_closes"),
		AudienceVote: r.PostFormValue("campaign_audience_vote") == "1", Blind: r.PostFormValue("campaign_blind") == "1",
		ConflictSameCounty: r.PostFormValue("campaign_conflict_same_county") == "1",
		JurorsPerEntry:     r.PostFormValue("campaign_jurors_per_entry"),
	}
}

// input converts the form for the service. Times that do not parse and a
// juror count that is not a number are the form's own problems.
func (f caCampaignForm) input() (campaign.CampaignInput, map[string]string) {
	errs := map[string]string{}
	at := func(name, raw string) time.Time {
		t, ok := parseLocal(raw)
		if !ok {
			errs[name] = "error.campaign_datetime"
		}
		return t
	}
	in := campaign.CampaignInput{Name: f.Name, Description: f.Description, Rules: f.Rules,
		Entry:        campaign.Window{Opens: at("campaign_entry_opens", f.EntryOpens), Closes: at("campaign_entry_closes", f.EntryCloses)},
		Judging:      campaign.Window{Opens: at("campaign_judging_opens", f.JudgingOpens), Closes: at("campaign_judging_closes", f.JudgingCloses)},
		AudienceVote: f.AudienceVote, Blind: f.Blind, ConflictSameCounty: f.ConflictSameCounty}
	if f.AudienceVote {
		in.Vote = &campaign.Window{Opens: at("campaign_vote_opens", f.VoteOpens), Closes: at("campaign_vote_closes", f.VoteCloses)}
	}
	n, ok := parseCount(f.JurorsPerEntry)
	if !ok {
		errs["campaign_jurors_per_entry"] = "error.campaign_number"
	}
	in.JurorsPerEntry = n
	return in, errs
}

// caWindow is a window's two fields in one fieldset.
type caWindow struct {
	V             *view
	Name          string
	Error         string
	Opens, Closes caField
}

// Win is the fieldset for the window called name; the audience vote's
// is needed only with an audience vote.
func (h caHelp) Win(v *view, name, opens, closes string) caWindow {
	w := caWindow{V: v, Name: "campaign_" + name + "_window", Error: v.Err("campaign_" + name + "_window"),
		Opens: h.DT(v, "campaign_"+name+"_opens", opens, name != "vote"), Closes: h.DT(v, "campaign_"+name+"_closes", closes, name != "vote")}
	if w.Error != "" {
		// The window's own problem (closing before opening) describes
		// both of its fields.
		for _, f := range []*caField{&w.Opens, &w.Closes} {
			f.Describe = strings.TrimSpace(f.Describe + " f-" + w.Name + "-error")
		}
	}
	return w
}

type caCampaignData struct {
	caHelp
	Programme *campaign.Programme
	Campaign  *campaign.Campaign // nil for a new campaign
	Form      caCampaignForm
	Action    string
	Now       string
}

// adminCampaignNew adds a campaign to a programme.
func (s *Server) adminCampaignNew(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	p, u, ok := s.managedProgramme(w, r, id)
	if !ok {
		return
	}
	v := s.newView(r, "campaign_admin.campaign_new_title", nil)
	d := caCampaignData{Programme: p, Form: caCampaignForm{JurorsPerEntry: "3"}, Action: fmt.Sprintf("/admin/programmes/%d/campaigns/new", id)}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Form = campaignFormFrom(r)
		in, errs := d.Form.input()
		if len(errs) == 0 {
			c, err := s.app.Campaigns.CreateCampaign(r.Context(), u, id, in)
			var fe campaign.FieldErrors
			switch {
			case errors.As(err, &fe):
				errs = renamed(fe, "campaign_", nil)
			case err != nil:
				s.campaignFail(w, r, err)
				return
			default:
				http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=campaign_created"), http.StatusSeeOther)
				return
			}
		}
		v.setErrors(errs, campaignFieldOrder)
		status = http.StatusUnprocessableEntity
	}
	s.renderCampaignForm(w, r, status, v, d)
}

func (s *Server) renderCampaignForm(w http.ResponseWriter, r *http.Request, status int, v *view, d caCampaignData) {
	d.caHelp = help(v.Lang)
	d.Now = d.Time(store.Now())
	v.Data = d
	s.render(w, r, status, "campaign_admin_campaign", v)
}

// adminCampaignSettings edits a campaign and lists its categories and
// criteria.
func (s *Server) adminCampaignSettings(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	p, err := s.app.Campaigns.Programme(r.Context(), c.ProgrammeID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	v := s.newView(r, "campaign_admin.settings_title", nil)
	d := caCampaignData{Programme: p, Campaign: c, Form: campaignFormOf(c), Action: campaignPath(c.ID, "/settings")}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Form = campaignFormFrom(r)
		in, errs := d.Form.input()
		if len(errs) == 0 {
			_, err := s.app.Campaigns.UpdateCampaign(r.Context(), u, c.ID, in)
			var fe campaign.FieldErrors
			switch {
			case errors.As(err, &fe):
				errs = renamed(fe, "campaign_", nil)
			case err != nil:
				s.campaignFail(w, r, err)
				return
			default:
				http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=saved"), http.StatusSeeOther)
				return
			}
		}
		v.setErrors(errs, campaignFieldOrder)
		status = http.StatusUnprocessableEntity
	}
	s.renderCampaignForm(w, r, status, v, d)
}
