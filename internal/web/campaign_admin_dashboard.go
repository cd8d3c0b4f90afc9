package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/tekotori/tekotori/internal/campaign"
)

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
