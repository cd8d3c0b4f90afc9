package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// ---- programmes ----

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

// ---- campaigns ----

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

// ---- categories ----

type caCategoryForm struct {
	Name, Description           i18n.Text
	Kind, Rule                  string
	Winners, Mentions, Position string
}

var categoryFieldOrder = []string{"category_name_fi", "category_name_sv", "category_name_en",
	"category_description_fi", "category_description_sv", "category_description_en",
	"category_kind", "category_rule", "category_winners", "category_mentions", "category_position"}

func (f caCategoryForm) input() (campaign.CategoryInput, map[string]string) {
	errs := map[string]string{}
	count := func(name, raw string) int {
		n, ok := parseCount(raw)
		if !ok {
			errs[name] = "error.campaign_number"
		}
		return n
	}
	in := campaign.CategoryInput{Name: f.Name, Description: f.Description, Kind: campaign.Kind(f.Kind),
		Winners: count("category_winners", f.Winners), Mentions: count("category_mentions", f.Mentions),
		Position: count("category_position", f.Position)}
	switch f.Rule {
	case "jury":
		in.Rule = campaign.RuleJury
	default:
		in.Rule = campaign.Rule(f.Rule)
	}
	return in, errs
}

type caCategoryData struct {
	caHelp
	C     *campaign.Campaign
	Cat   *campaign.Category // nil for a new one
	Form  caCategoryForm
	Kinds []option
	Rules []option
}

// adminCategory adds or edits an award category.
func (s *Server) adminCategory(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	d := caCategoryData{C: c, Form: caCategoryForm{Kind: string(campaign.KindDeed), Rule: "jury", Winners: "1", Mentions: "0", Position: strconv.Itoa(len(c.Categories))}}
	title := "campaign_admin.category_new_title"
	if r.PathValue("cat") != "" {
		catID, ok := pathInt(r, "cat")
		if d.Cat = c.Category(catID); !ok || d.Cat == nil {
			s.notFound(w, r)
			return
		}
		title = "campaign_admin.category_edit_title"
		d.Form = caCategoryForm{Name: d.Cat.Name, Description: d.Cat.Description, Kind: string(d.Cat.Kind), Rule: string(d.Cat.Rule),
			Winners: strconv.Itoa(d.Cat.Winners), Mentions: strconv.Itoa(d.Cat.Mentions), Position: strconv.Itoa(d.Cat.Position)}
		if d.Cat.Rule == campaign.RuleJury {
			d.Form.Rule = "jury"
		}
	}
	v := s.newView(r, title, nil)
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Form = caCategoryForm{Name: textInput(r, "category_name"), Description: textInput(r, "category_description"),
			Kind: r.PostFormValue("category_kind"), Rule: r.PostFormValue("category_rule"),
			Winners: r.PostFormValue("category_winners"), Mentions: r.PostFormValue("category_mentions"), Position: r.PostFormValue("category_position")}
		in, errs := d.Form.input()
		if len(errs) == 0 {
			var err error
			if d.Cat == nil {
				_, err = s.app.Campaigns.AddCategory(r.Context(), u, c.ID, in)
			} else {
				_, err = s.app.Campaigns.UpdateCategory(r.Context(), u, d.Cat.ID, in)
			}
			var fe campaign.FieldErrors
			switch {
			case errors.As(err, &fe):
				errs = renamed(fe, "category_", map[string]string{"category": "category_name_fi"})
			case err != nil:
				s.campaignFail(w, r, err)
				return
			default:
				http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=saved#categories"), http.StatusSeeOther)
				return
			}
		}
		v.setErrors(errs, categoryFieldOrder)
		status = http.StatusUnprocessableEntity
	}
	d.caHelp = help(v.Lang)
	for _, k := range []campaign.Kind{campaign.KindDeed, campaign.KindOrg} {
		d.Kinds = append(d.Kinds, option{Value: string(k), Label: kindLabel(v, k), Selected: d.Form.Kind == string(k)})
	}
	for _, ru := range []string{"jury", string(campaign.RuleMostDeeds)} {
		d.Rules = append(d.Rules, option{Value: ru, Label: v.T("campaign_admin.rule_" + ru), Selected: d.Form.Rule == ru})
	}
	v.Data = d
	s.render(w, r, status, "campaign_admin_category", v)
}

// adminCategoryDelete removes a category that has no entries.
func (s *Server) adminCategoryDelete(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	catID, _ := pathInt(r, "cat")
	if c.Category(catID) == nil {
		s.notFound(w, r)
		return
	}
	err := s.app.Campaigns.DeleteCategory(r.Context(), u, catID)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=campaign_category_in_use#categories"), http.StatusSeeOther)
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=campaign_deleted#categories"), http.StatusSeeOther)
	}
}

// ---- criteria ----

type caCriterionForm struct {
	Name, Description          i18n.Text
	Weight, ScaleMin, ScaleMax string
	Position                   string
}

var criterionFieldOrder = []string{"criterion_name_fi", "criterion_name_sv", "criterion_name_en",
	"criterion_description_fi", "criterion_description_sv", "criterion_description_en",
	"criterion_weight", "criterion_scale", "criterion_scale_min", "criterion_scale_max", "criterion_position"}

func (f caCriterionForm) input() (campaign.CriterionInput, map[string]string) {
	errs := map[string]string{}
	count := func(name, raw string) int {
		n, ok := parseCount(raw)
		if !ok {
			errs[name] = "error.campaign_number"
		}
		return n
	}
	weight, ok := parseDecimal(f.Weight)
	if !ok {
		errs["criterion_weight"] = "error.campaign_decimal"
	}
	return campaign.CriterionInput{Name: f.Name, Description: f.Description, Weight: weight,
		ScaleMin: count("criterion_scale_min", f.ScaleMin), ScaleMax: count("criterion_scale_max", f.ScaleMax),
		Position: count("criterion_position", f.Position)}, errs
}

type caCriterionData struct {
	caHelp
	C    *campaign.Campaign
	Cr   *campaign.Criterion // nil for a new one
	Form caCriterionForm
}

// adminCriterion adds or edits a judging criterion.
func (s *Server) adminCriterion(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	d := caCriterionData{C: c, Form: caCriterionForm{Weight: "1", ScaleMin: "1", ScaleMax: "5", Position: strconv.Itoa(len(c.Criteria))}}
	title := "campaign_admin.criterion_new_title"
	if r.PathValue("cr") != "" {
		crID, _ := pathInt(r, "cr")
		for i := range c.Criteria {
			if c.Criteria[i].ID == crID {
				d.Cr = &c.Criteria[i]
			}
		}
		if d.Cr == nil {
			s.notFound(w, r)
			return
		}
		title = "campaign_admin.criterion_edit_title"
	}
	v := s.newView(r, title, nil)
	if d.Cr != nil {
		d.Form = caCriterionForm{Name: d.Cr.Name, Description: d.Cr.Description, Weight: formatDecimal(d.Cr.Weight, v.Lang),
			ScaleMin: strconv.Itoa(d.Cr.ScaleMin), ScaleMax: strconv.Itoa(d.Cr.ScaleMax), Position: strconv.Itoa(d.Cr.Position)}
	}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Form = caCriterionForm{Name: textInput(r, "criterion_name"), Description: textInput(r, "criterion_description"),
			Weight: r.PostFormValue("criterion_weight"), ScaleMin: r.PostFormValue("criterion_scale_min"),
			ScaleMax: r.PostFormValue("criterion_scale_max"), Position: r.PostFormValue("criterion_position")}
		in, errs := d.Form.input()
		if len(errs) == 0 {
			var err error
			if d.Cr == nil {
				_, err = s.app.Campaigns.AddCriterion(r.Context(), u, c.ID, in)
			} else {
				_, err = s.app.Campaigns.UpdateCriterion(r.Context(), u, d.Cr.ID, in)
			}
			var fe campaign.FieldErrors
			switch {
			case errors.As(err, &fe):
				errs = renamed(fe, "criterion_", map[string]string{"criterion": "criterion_name_fi"})
			case err != nil:
				s.campaignFail(w, r, err)
				return
			default:
				http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=saved#criteria"), http.StatusSeeOther)
				return
			}
		}
		v.setErrors(errs, criterionFieldOrder)
		status = http.StatusUnprocessableEntity
	}
	d.caHelp = help(v.Lang)
	v.Data = d
	s.render(w, r, status, "campaign_admin_criterion", v)
}

// adminCriterionDelete removes a criterion nobody has scored on.
func (s *Server) adminCriterionDelete(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	crID, _ := pathInt(r, "cr")
	if !slices.ContainsFunc(c.Criteria, func(cr campaign.Criterion) bool { return cr.ID == crID }) {
		s.notFound(w, r)
		return
	}
	err := s.app.Campaigns.DeleteCriterion(r.Context(), u, crID)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=campaign_criterion_in_use#criteria"), http.StatusSeeOther)
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=campaign_deleted#criteria"), http.StatusSeeOther)
	}
}
