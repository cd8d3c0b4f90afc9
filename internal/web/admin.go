package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/user"
)

// requireAdmin lets admins through to the admin pages and answers everyone
// else. It asks the user package's rule (CanAdminister); the services ask
// it again for every edit, so this is the pages' courtesy, not the guard.
func (s *Server) requireAdmin(w http.ResponseWriter, r *http.Request) (*user.User, bool) {
	u := currentUser(r)
	if u == nil {
		s.redirectToLogin(w, r, "")
		return nil, false
	}
	if !u.CanAdminister() {
		s.forbidden(w, r)
		return nil, false
	}
	return u, true
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireAdmin(w, r); !ok {
		return
	}
	s.render(w, r, http.StatusOK, "admin", s.newView(r, "admin.title", s.app.Search.Status()))
}

type termsData struct {
	Vocabs []vocabData
	Form   taxonomy.Input
	Kind   string
}

type vocabData struct {
	Kind  string
	Label string
	Terms []taxonomy.Term
}

func termInput(r *http.Request) taxonomy.Input {
	pos, _ := strconv.Atoi(r.PostFormValue("position"))
	return taxonomy.Input{Slug: r.PostFormValue("slug"), LabelFI: r.PostFormValue("label_fi"), LabelSV: r.PostFormValue("label_sv"),
		LabelEN: r.PostFormValue("label_en"), Position: pos, Active: r.PostFormValue("active") == "1"}
}

func (s *Server) adminTerms(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := s.newView(r, "admin.terms_title", nil)
	d := termsData{Form: taxonomy.Input{Active: true}}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		in := termInput(r)
		d.Form, d.Kind = in, r.PostFormValue("kind")
		_, err := s.app.Terms.Create(ctx, u, taxonomy.Kind(d.Kind), in)
		var fe taxonomy.FieldErrors
		switch {
		case errors.As(err, &fe):
			v.setErrors(fe, []string{"kind", "slug", "label_fi", "label_sv", "label_en"})
			status = http.StatusUnprocessableEntity
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			http.Redirect(w, r, "/admin/terms?msg=saved", http.StatusSeeOther)
			return
		}
	}
	vocab, err := s.app.Terms.All(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, k := range taxonomy.Kinds() {
		d.Vocabs = append(d.Vocabs, vocabData{Kind: string(k), Label: v.T("vocab." + string(k)), Terms: vocab.Terms(k, true)})
	}
	v.Data = d
	s.render(w, r, status, "admin_terms", v)
}

type termData struct {
	Term *taxonomy.Term
	Form taxonomy.Input
}

func (s *Server) adminTerm(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	t, err := s.app.Terms.Get(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "admin.term_title", nil)
	d := termData{Term: t, Form: taxonomy.Input{Slug: t.Slug, LabelFI: t.Label.FI, LabelSV: t.Label.SV, LabelEN: t.Label.EN, Position: t.Position, Active: t.Active}}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Form = termInput(r)
		_, err := s.app.Terms.Update(ctx, u, id, d.Form)
		var fe taxonomy.FieldErrors
		switch {
		case errors.As(err, &fe):
			v.setErrors(fe, []string{"slug", "label_fi", "label_sv", "label_en"})
			status = http.StatusUnprocessableEntity
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			http.Redirect(w, r, "/admin/terms?msg=saved", http.StatusSeeOther)
			return
		}
	}
	v.Data = d
	s.render(w, r, status, "admin_term", v)
}

type orgFormData struct {
	Org    *org.Org
	Form   org.Input
	Kinds  []option
	Places []option
	Counts []option
	Orgs   []org.Org
	Query  string
}

func orgInput(r *http.Request) org.Input {
	// The service checks the kind, and says "invalid" rather than "missing".
	return org.Input{Code: r.PostFormValue("code"), Kind: org.Kind(r.PostFormValue("kind")), NameFI: r.PostFormValue("name_fi"), NameSV: r.PostFormValue("name_sv"),
		NameEN: r.PostFormValue("name_en"), Website: r.PostFormValue("website"),
		MunicipalityCode: r.PostFormValue("municipality_code"), CountyCode: r.PostFormValue("county_code")}
}

var orgFieldOrder = []string{"code", "kind", "name_fi", "name_sv", "name_en", "website", "municipality_code", "county_code"}

func (s *Server) orgFormOptions(r *http.Request, v *view, d *orgFormData) error {
	ctx := r.Context()
	for _, k := range org.Kinds() {
		d.Kinds = append(d.Kinds, option{Value: string(k), Label: v.T("orgkind." + string(k)), Selected: k == d.Form.Kind})
	}
	places, err := s.app.Orgs.Municipalities(ctx)
	if err != nil {
		return err
	}
	for _, p := range places {
		d.Places = append(d.Places, option{Value: p.Code, Label: p.Name.In(v.Lang), Selected: p.Code == d.Form.MunicipalityCode})
	}
	counties, err := s.app.Orgs.Counties(ctx)
	if err != nil {
		return err
	}
	for _, p := range counties {
		d.Counts = append(d.Counts, option{Value: p.Code, Label: p.Name.In(v.Lang), Selected: p.Code == d.Form.CountyCode})
	}
	return nil
}

func (s *Server) adminOrgs(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := s.newView(r, "admin.orgs_title", nil)
	d := orgFormData{Form: org.Input{Kind: org.KindCompany}, Query: r.URL.Query().Get("q")}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Form = orgInput(r)
		o, err := s.app.Orgs.Create(ctx, u, d.Form)
		var fe org.FieldErrors
		switch {
		case errors.As(err, &fe):
			v.setErrors(fe, orgFieldOrder)
			status = http.StatusUnprocessableEntity
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			http.Redirect(w, r, fmt.Sprintf("/admin/organisations/%d?msg=saved", o.ID), http.StatusSeeOther)
			return
		}
	}
	orgs, err := s.app.Orgs.List(ctx, org.ListFilter{Query: d.Query})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Orgs = orgs
	if err := s.orgFormOptions(r, v, &d); err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Data = d
	s.render(w, r, status, "admin_orgs", v)
}

func (s *Server) adminOrg(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	o, err := s.app.Orgs.Get(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "admin.org_title", nil)
	d := orgFormData{Org: o, Form: org.Input{Code: o.Code, Kind: o.Kind, NameFI: o.Name.FI, NameSV: o.Name.SV, NameEN: o.Name.EN, Website: o.Website}}
	if o.Municipality != nil {
		d.Form.MunicipalityCode = o.Municipality.Code
	}
	if o.County != nil {
		d.Form.CountyCode = o.County.Code
	}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Form = orgInput(r)
		_, err := s.app.Orgs.Update(ctx, u, id, d.Form)
		var fe org.FieldErrors
		switch {
		case errors.As(err, &fe):
			v.setErrors(fe, orgFieldOrder)
			status = http.StatusUnprocessableEntity
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			http.Redirect(w, r, fmt.Sprintf("/admin/organisations/%d?msg=saved", id), http.StatusSeeOther)
			return
		}
	}
	if err := s.orgFormOptions(r, v, &d); err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Data = d
	s.render(w, r, status, "admin_org", v)
}

// adminOrgUnits adds, renames or removes a unit of an organisation.
func (s *Server) adminOrgUnits(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	unitID, _ := strconv.ParseInt(r.PostFormValue("unit"), 10, 64)
	var err error
	switch r.PostFormValue("op") {
	case "add":
		_, err = s.app.Orgs.AddUnit(ctx, u, id, r.PostFormValue("name"))
	case "rename":
		err = s.app.Orgs.RenameUnit(ctx, u, unitID, r.PostFormValue("name"))
	case "delete":
		err = s.app.Orgs.DeleteUnit(ctx, u, unitID)
	default:
		s.badRequest(w, r)
		return
	}
	var fe org.FieldErrors
	if errors.As(err, &fe) {
		http.Redirect(w, r, fmt.Sprintf("/admin/organisations/%d?msg=unit_refused", id), http.StatusSeeOther)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/organisations/%d?msg=saved", id), http.StatusSeeOther)
}

type settingsData struct {
	EditsGoLive, RequireTwoFactor bool
}

func (s *Server) adminSettings(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if r.Method == http.MethodPost {
		if err := s.app.Deeds.SetEditsGoLive(ctx, u, r.PostFormValue("edits_go_live") == "1"); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.app.Users.SetTwoFactorRequired(ctx, u, r.PostFormValue("require_two_factor") == "1"); err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/admin/settings?msg=saved", http.StatusSeeOther)
		return
	}
	live, err := s.app.Deeds.EditsGoLive(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	twoFactor, err := s.app.Users.TwoFactorRequired(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := s.newView(r, "admin.settings_title", nil)
	v.Data = settingsData{EditsGoLive: live, RequireTwoFactor: twoFactor}
	s.render(w, r, http.StatusOK, "admin_settings", v)
}
