package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

var programmeFieldOrder = []string{"programme_name_fi", "programme_name_sv", "programme_name_en",
	"programme_description_fi", "programme_description_sv", "programme_description_en"}

func programmeInput(r *http.Request) campaign.ProgrammeInput {
	return campaign.ProgrammeInput{Name: textInput(r, "programme_name"), Description: textInput(r, "programme_description")}
}

// textInput reads a three-language text posted as name_fi, name_sv and
// name_en.
func textInput(r *http.Request, name string) i18n.Text {
	return i18n.Text{FI: r.PostFormValue(name + "_fi"), SV: r.PostFormValue(name + "_sv"), EN: r.PostFormValue(name + "_en")}
}

type caCampaignRow struct {
	C     campaign.Campaign
	Phase string
}

func (s *Server) campaignRows(v *view, cs []campaign.Campaign) []caCampaignRow {
	now := store.Now()
	out := []caCampaignRow{}
	for _, c := range cs {
		out = append(out, caCampaignRow{C: c, Phase: v.T("campaign_admin.phase_" + c.Phase(now))})
	}
	return out
}

type caProgrammeRow struct {
	P         campaign.Programme
	Campaigns []caCampaignRow
}

type caListData struct {
	caHelp
	Programmes []caProgrammeRow
	CanCreate  bool
	Form       campaign.ProgrammeInput
}

// adminCampaigns lists the programmes the person runs with their
// campaigns; site admins also start programmes here.
func (s *Server) adminCampaigns(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := s.newView(r, "campaign_admin.title", nil)
	d := caListData{caHelp: help(v.Lang), CanCreate: campaign.Can(u, campaign.ActionCreateProgramme, campaign.Standing{})}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Form = programmeInput(r)
		p, err := s.app.Campaigns.CreateProgramme(ctx, u, d.Form)
		var fe campaign.FieldErrors
		switch {
		case errors.As(err, &fe):
			v.setErrors(renamed(fe, "programme_", nil), programmeFieldOrder)
			status = http.StatusUnprocessableEntity
		case err != nil:
			s.campaignFail(w, r, err)
			return
		default:
			http.Redirect(w, r, fmt.Sprintf("/admin/programmes/%d?msg=campaign_programme_created", p.ID), http.StatusSeeOther)
			return
		}
	}
	ps, err := s.app.Campaigns.ManagedProgrammes(ctx, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, p := range ps {
		d.Programmes = append(d.Programmes, caProgrammeRow{P: p.Programme, Campaigns: s.campaignRows(v, p.Campaigns)})
	}
	v.Data = d
	s.render(w, r, status, "campaign_admin_list", v)
}

type caProgrammeData struct {
	caHelp
	P          *campaign.Programme
	Form       campaign.ProgrammeInput
	Admins     []user.User
	Campaigns  []caCampaignRow
	AdminEmail string
	Me         int64
}

// adminProgramme shows a programme to its admins: its names, its admins
// and its campaigns.
func (s *Server) adminProgramme(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	p, u, ok := s.managedProgramme(w, r, id)
	if !ok {
		return
	}
	v := s.newView(r, "campaign_admin.programme_title", nil)
	d := caProgrammeData{P: p, Form: campaign.ProgrammeInput{Name: p.Name, Description: p.Description}}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Form = programmeInput(r)
		_, err := s.app.Campaigns.UpdateProgramme(r.Context(), u, id, d.Form)
		var fe campaign.FieldErrors
		switch {
		case errors.As(err, &fe):
			v.setErrors(renamed(fe, "programme_", nil), programmeFieldOrder)
			status = http.StatusUnprocessableEntity
		case err != nil:
			s.campaignFail(w, r, err)
			return
		default:
			http.Redirect(w, r, fmt.Sprintf("/admin/programmes/%d?msg=saved", id), http.StatusSeeOther)
			return
		}
	}
	s.renderProgramme(w, r, status, v, d)
}

func (s *Server) renderProgramme(w http.ResponseWriter, r *http.Request, status int, v *view, d caProgrammeData) {
	ctx := r.Context()
	d.caHelp = help(v.Lang)
	d.Me = currentUser(r).ID
	for _, id := range d.P.AdminIDs {
		a, err := s.app.Users.Get(ctx, id)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Admins = append(d.Admins, *a)
	}
	cs, err := s.app.Campaigns.Campaigns(ctx, d.P.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Campaigns = s.campaignRows(v, cs)
	v.Title = v.T("campaign_admin.programme_title") + ": " + d.P.Name.In(v.Lang)
	v.Data = d
	s.render(w, r, status, "campaign_admin_programme", v)
}

// adminProgrammeAddAdmin lists an account as one of the programme's
// admins by its e-mail address.
func (s *Server) adminProgrammeAddAdmin(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	p, u, ok := s.managedProgramme(w, r, id)
	if !ok {
		return
	}
	email := r.PostFormValue("admin_email")
	err := s.app.Campaigns.AddProgrammeAdmin(r.Context(), u, id, email)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		v := s.newView(r, "campaign_admin.programme_title", nil)
		v.setErrors(renamed(fe, "admin_", nil), nil)
		s.renderProgramme(w, r, http.StatusUnprocessableEntity, v,
			caProgrammeData{P: p, Form: campaign.ProgrammeInput{Name: p.Name, Description: p.Description}, AdminEmail: email})
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, fmt.Sprintf("/admin/programmes/%d?msg=campaign_admin_added", id), http.StatusSeeOther)
	}
}

// adminProgrammeRemoveAdmin takes an account off the programme's admins.
func (s *Server) adminProgrammeRemoveAdmin(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	target, ok := pathInt(r, "user")
	if !ok {
		s.notFound(w, r)
		return
	}
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if err := s.app.Campaigns.RemoveProgrammeAdmin(r.Context(), u, id, target); err != nil {
		s.campaignFail(w, r, err)
		return
	}
	next := fmt.Sprintf("/admin/programmes/%d?msg=campaign_admin_removed", id)
	if target == u.ID && !u.IsAdmin() {
		// Whoever takes themselves off no longer sees the programme.
		next = "/admin/campaigns?msg=campaign_admin_removed"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
