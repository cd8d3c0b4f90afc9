package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// caOpenCampaign is a campaign taking entries, with the categories open
// to people (those whose winners the data decides take no entries).
type caOpenCampaign struct {
	C        campaign.Campaign
	DeedCats []campaign.Category
	OrgCats  []campaign.Category
}

// openCampaigns lists the campaigns whose entry window is open now.
func (s *Server) openCampaigns(ctx context.Context) ([]caOpenCampaign, error) {
	cs, err := s.app.Campaigns.Campaigns(ctx, 0)
	if err != nil {
		return nil, err
	}
	now := store.Now()
	var out []caOpenCampaign
	for _, c := range cs {
		if !c.Entry.Contains(now) {
			continue
		}
		oc := caOpenCampaign{C: c}
		for _, cat := range c.Categories {
			if cat.Rule != campaign.RuleJury {
				continue
			}
			if cat.Kind == campaign.KindDeed {
				oc.DeedCats = append(oc.DeedCats, cat)
			} else {
				oc.OrgCats = append(oc.OrgCats, cat)
			}
		}
		if len(oc.DeedCats)+len(oc.OrgCats) > 0 {
			out = append(out, oc)
		}
	}
	return out, nil
}

// caMyEntry is one of the person's entries with its campaign and category.
type caMyEntry struct {
	campaign.EntrantEntry
	Campaign    *campaign.Campaign
	Category    *campaign.Category
	CanWithdraw bool
}

// myEntries finds the person's entries (the service decides which) and
// adds their campaigns.
func (s *Server) myEntries(ctx context.Context, u *user.User, deedID int64) ([]caMyEntry, error) {
	mine, err := s.app.Campaigns.EntriesOf(ctx, u, deedID)
	if err != nil {
		return nil, err
	}
	campaigns := map[int64]*campaign.Campaign{}
	now := store.Now()
	out := make([]caMyEntry, len(mine))
	for i, e := range mine {
		c, ok := campaigns[e.CampaignID]
		if !ok {
			if c, err = s.app.Campaigns.Campaign(ctx, e.CampaignID); err != nil {
				return nil, err
			}
			campaigns[c.ID] = c
		}
		out[i] = caMyEntry{EntrantEntry: e, Campaign: c, Category: c.Category(e.CategoryID), CanWithdraw: c.Entry.Contains(now)}
	}
	return out, nil
}

type caEnterData struct {
	caHelp
	Open      []caOpenCampaign
	DeedCats  bool
	OrgCats   bool
	Deeds     []*deed.Deed
	OrgEditor bool
	OrgName   string
	OrgChoice int64
	Mine      []caMyEntry
	Juror     bool
	Admin     bool
}

// campaignEnter is the entrants' page: the campaigns open for entries,
// the person's published deeds to enter, their organisation to enter
// when they edit for it, and their entries so far.
func (s *Server) campaignEnter(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := s.newView(r, "campaign_enter.title", nil)
	status := http.StatusOK
	d := caEnterData{}
	if r.Method == http.MethodPost {
		switch r.PostFormValue("op") {
		case "withdraw":
			err := s.app.Campaigns.Withdraw(ctx, u, formInt(r, "entry"), r.PostFormValue("reason"))
			var fe campaign.FieldErrors
			switch {
			case errors.As(err, &fe):
				http.Redirect(w, r, "/campaigns/enter?msg=campaign_withdraw_closed", http.StatusSeeOther)
			case err != nil:
				s.campaignFail(w, r, err)
			default:
				http.Redirect(w, r, "/campaigns/enter?msg=campaign_withdrawn", http.StatusSeeOther)
			}
			return
		case "org":
			d.OrgChoice = formInt(r, "org_category")
			var err error
			if d.OrgChoice == 0 {
				err = campaign.FieldErrors{"category": "error.required"}
			} else {
				_, err = s.app.Campaigns.EnterOrg(ctx, u, d.OrgChoice, u.OrgID)
			}
			var fe campaign.FieldErrors
			switch {
			case errors.Is(err, campaign.ErrNotFound):
				v.setErrors(map[string]string{"org_category": "error.choice_invalid"}, nil)
				status = http.StatusUnprocessableEntity
			case errors.As(err, &fe):
				v.setErrors(s.entryErrors(ctx, fe, d.OrgChoice, v.Lang, "org_category"), nil)
				status = http.StatusUnprocessableEntity
			case err != nil:
				s.campaignFail(w, r, err)
				return
			default:
				http.Redirect(w, r, "/campaigns/enter?msg=campaign_entered", http.StatusSeeOther)
				return
			}
		default:
			s.badRequest(w, r)
			return
		}
	}
	d.caHelp = help(v.Lang)
	var err error
	if d.Open, err = s.openCampaigns(ctx); err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, oc := range d.Open {
		d.DeedCats = d.DeedCats || len(oc.DeedCats) > 0
		d.OrgCats = d.OrgCats || len(oc.OrgCats) > 0
	}
	// The person's published deeds, and their organisation's when they
	// edit for it, that campaign.Can lets them enter.
	seen := map[int64]bool{}
	filters := []deed.Filter{{States: []deed.State{deed.Published}, AuthorID: u.ID, Limit: deed.MaxLimit}}
	if u.OrgID != 0 && u.Role.AtLeast(user.RoleOrgEditor) {
		filters = append(filters, deed.Filter{States: []deed.State{deed.Published}, OrgID: u.OrgID, Limit: deed.MaxLimit})
	}
	for _, f := range filters {
		page, err := s.app.Deeds.List(ctx, u, f)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, dd := range page.Items {
			if !seen[dd.ID] && campaign.Can(u, campaign.ActionEnterDeed, campaign.Standing{AuthorID: dd.AuthorID, OrgID: dd.OrgID}) {
				seen[dd.ID] = true
				d.Deeds = append(d.Deeds, dd)
			}
		}
	}
	if u.OrgID != 0 && campaign.Can(u, campaign.ActionEnterOrg, campaign.Standing{OrgID: u.OrgID}) {
		d.OrgEditor = true
		if o, err := s.app.Orgs.Get(ctx, u.OrgID); err == nil {
			d.OrgName = o.Name.In(v.Lang)
		}
	}
	if d.Mine, err = s.myEntries(ctx, u, 0); err != nil {
		s.serverError(w, r, err)
		return
	}
	jc, err := s.app.Campaigns.JuryCampaigns(ctx, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Juror = len(jc) > 0
	if d.Admin, err = s.app.Campaigns.ManagesAny(ctx, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Data = d
	s.render(w, r, status, "campaign_admin_enter", v)
}

// entryErrors names an entry's problems on the form's field. A closed
// window says when entering ended, which is what the entrant needs to
// know.
func (s *Server) entryErrors(ctx context.Context, fe campaign.FieldErrors, categoryID int64, lang, field string) map[string]string {
	out := map[string]string{}
	for f, key := range fe {
		if f == "deed" {
			out["enter_deed"] = key
			continue
		}
		if key == campaign.ErrKeyWindowClosed {
			if c, err := s.app.Campaigns.CategoryCampaign(ctx, categoryID); err == nil {
				key = "error.campaign_entry_closed|" + help(lang).Time(c.Entry.Closes)
			}
		}
		out[field] = key
	}
	return out
}

type caDeedEnterData struct {
	caHelp
	D       *deed.Deed
	Open    []caOpenCampaign
	Choice  int64
	Entries []caMyEntry
}

// deedEnter enters a deed in an award campaign: the page lists the open
// deed categories, and posting one enters the deed as it is now.
func (s *Server) deedEnter(w http.ResponseWriter, r *http.Request) {
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
	dd, err := s.app.Deeds.Get(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !campaign.Can(u, campaign.ActionEnterDeed, campaign.Standing{AuthorID: dd.AuthorID, OrgID: dd.OrgID}) {
		s.forbidden(w, r)
		return
	}
	v := s.newView(r, "campaign_enter.deed_title", nil)
	d := caDeedEnterData{D: dd}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Choice = formInt(r, "enter_category")
		if d.Choice == 0 {
			err = campaign.FieldErrors{"category": "error.required"}
		} else {
			_, err = s.app.Campaigns.EnterDeed(ctx, u, d.Choice, dd.ID)
		}
		var fe campaign.FieldErrors
		switch {
		case errors.Is(err, campaign.ErrNotFound):
			v.setErrors(map[string]string{"enter_category": "error.choice_invalid"}, nil)
			status = http.StatusUnprocessableEntity
		case errors.As(err, &fe):
			v.setErrors(s.entryErrors(ctx, fe, d.Choice, v.Lang, "enter_category"), []string{"enter_deed", "enter_category"})
			status = http.StatusUnprocessableEntity
		case err != nil:
			s.campaignFail(w, r, err)
			return
		default:
			http.Redirect(w, r, "/campaigns/enter?msg=campaign_entered", http.StatusSeeOther)
			return
		}
	}
	d.caHelp = help(v.Lang)
	if d.Open, err = s.openCampaigns(ctx); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Entries, err = s.myEntries(ctx, u, dd.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Data = d
	s.render(w, r, status, "campaign_admin_enter_deed", v)
}

type caFeedbackItem struct {
	E        caMyEntry
	Feedback *campaign.Feedback
}

type caFeedbackData struct {
	caHelp
	Items []caFeedbackItem
}

// campaignFeedback shows the entrant the approved feedback on their
// entries, once the campaign's results are published.
func (s *Server) campaignFeedback(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := s.newView(r, "campaign_feedback.title", nil)
	d := caFeedbackData{caHelp: help(v.Lang)}
	mine, err := s.myEntries(ctx, u, 0)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, e := range mine {
		if e.Campaign.Published == 0 {
			continue
		}
		fb, err := s.app.Campaigns.Feedback(ctx, u, e.ID)
		if errors.Is(err, campaign.ErrNotFound) || errors.Is(err, campaign.ErrForbidden) {
			continue
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Items = append(d.Items, caFeedbackItem{E: e, Feedback: fb})
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "campaign_admin_feedback", v)
}
