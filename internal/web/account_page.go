package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/user"
)

// The account page: a person's own name, language, password, signed-in
// devices, a copy of their data and deleting the account. Every change is
// a POST; each comes back to the page with its errors or a notice.

type accountPage struct {
	Email, Name, OrgName string
	// Pending tells of a membership request waiting for approval.
	Pending   string
	TwoFactor bool
	// Orgs are offered for a membership request.
	Orgs     []option
	Langs    []option
	Sessions []user.SessionInfo
	// Identities are the sign-on accounts that sign in to this one.
	Identities []user.LinkedIdentity
}

func (s *Server) sessionToken(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) == nil {
		s.redirectToLogin(w, r, "")
		return
	}
	s.renderAccount(w, r, http.StatusOK, nil, nil)
}

// renderAccount shows the page; form, when a change failed, holds what the
// person typed (passwords are never shown back).
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, form map[string]string) {
	ctx := r.Context()
	u := currentUser(r)
	v := s.newView(r, "account.title", nil)
	d := accountPage{Email: u.Email, Name: u.Name}
	if n, ok := form["name"]; ok {
		d.Name = n
	}
	uiLang := u.Lang
	if l, ok := form["ui_lang"]; ok {
		uiLang = l
	}
	for _, l := range i18n.Languages {
		d.Langs = append(d.Langs, option{Value: l, Label: v.LangName(l), Selected: l == uiLang})
	}
	if u.OrgID != 0 {
		o, err := s.app.Orgs.Get(ctx, u.OrgID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.OrgName = o.Name.In(v.Lang)
	}
	var err error
	if d.TwoFactor, err = s.app.Users.HasTOTP(ctx, u.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	pending, err := s.app.Users.PendingOrg(ctx, u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if pending != 0 {
		o, err := s.app.Orgs.Get(ctx, pending)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Pending = v.T("account.membership_pending", o.Name.In(v.Lang))
	}
	orgs, err := s.app.Orgs.List(ctx, org.ListFilter{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, o := range orgs {
		if o.ID != u.OrgID {
			d.Orgs = append(d.Orgs, option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name.In(v.Lang), Selected: o.ID == pending})
		}
	}
	sessions, err := s.app.Users.Sessions(ctx, u, s.sessionToken(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Sessions = sessions
	if d.Identities, err = s.app.Users.Identities(ctx, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	if errs != nil {
		v.setErrors(errs, []string{"name", "ui_lang", "membership_org", "current_password", "new_password", "new_password2", "delete_password", "confirm"})
	}
	v.Data = d
	s.render(w, r, status, "account", v)
}

// accountChange runs one change of the account page: do returns field
// errors to show, or another error; on success the page says msg.
func (s *Server) accountChange(msg string, do func(r *http.Request, u *user.User) (map[string]string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := currentUser(r)
		if u == nil {
			s.redirectToLogin(w, r, "")
			return
		}
		errs, err := do(r, u)
		var fe user.FieldErrors
		if errors.As(err, &fe) {
			errs, err = fe, nil
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if len(errs) > 0 {
			s.renderAccount(w, r, http.StatusUnprocessableEntity, errs, map[string]string{"name": r.PostFormValue("name"), "ui_lang": r.PostFormValue("ui_lang")})
			return
		}
		http.Redirect(w, r, "/account?msg="+msg, http.StatusSeeOther)
	}
}

// accountMembership asks to join an organisation.
func (s *Server) accountMembership(w http.ResponseWriter, r *http.Request) {
	s.accountChange("membership_requested", func(r *http.Request, u *user.User) (map[string]string, error) {
		orgID, _ := strconv.ParseInt(r.PostFormValue("membership_org"), 10, 64)
		return nil, s.app.Users.RequestMembership(r.Context(), u, orgID)
	})(w, r)
}

func (s *Server) accountProfile(w http.ResponseWriter, r *http.Request) {
	s.accountChange("profile_saved", func(r *http.Request, u *user.User) (map[string]string, error) {
		err := s.app.Users.UpdateProfile(r.Context(), u, r.PostFormValue("name"), r.PostFormValue("ui_lang"))
		var fe user.FieldErrors
		if errors.As(err, &fe) {
			if m, ok := fe["lang"]; ok {
				fe["ui_lang"] = m
				delete(fe, "lang")
			}
			return fe, nil
		}
		if err == nil {
			// The chosen language shows at once on this device too.
			http.SetCookie(w, &http.Cookie{Name: "lang", Value: r.PostFormValue("ui_lang"), Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
				SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
		}
		return nil, err
	})(w, r)
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	s.accountChange("password_changed", func(r *http.Request, u *user.User) (map[string]string, error) {
		if r.PostFormValue("new_password") != r.PostFormValue("new_password2") {
			return map[string]string{"new_password2": "error.password_mismatch"}, nil
		}
		return nil, s.app.Users.ChangePassword(r.Context(), u, r.PostFormValue("current_password"), r.PostFormValue("new_password"), s.sessionToken(r))
	})(w, r)
}

func (s *Server) accountSessions(w http.ResponseWriter, r *http.Request) {
	s.accountChange("sessions_ended", func(r *http.Request, u *user.User) (map[string]string, error) {
		_, err := s.app.Users.EndOtherSessions(r.Context(), u, s.sessionToken(r))
		return nil, err
	})(w, r)
}

func (s *Server) accountDelete(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if u == nil {
		s.redirectToLogin(w, r, "")
		return
	}
	errs := map[string]string{}
	if r.PostFormValue("confirm") != "1" {
		errs["confirm"] = "error.required"
	}
	if len(errs) == 0 {
		err := s.app.Users.Delete(r.Context(), u, r.PostFormValue("delete_password"))
		var fe user.FieldErrors
		if errors.As(err, &fe) {
			errs = fe
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		s.renderAccount(w, r, http.StatusUnprocessableEntity, errs, nil)
		return
	}
	s.log.InfoContext(r.Context(), "account deleted", "user", u.ID)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
	http.Redirect(w, r, "/?msg=account_deleted", http.StatusSeeOther)
}

// accountData is everything the site keeps about the person, as JSON: the
// account, its devices and the deeds they wrote.
func (s *Server) accountData(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := currentUser(r)
	if u == nil {
		s.redirectToLogin(w, r, "")
		return
	}
	sessions, err := s.app.Users.Sessions(ctx, u, s.sessionToken(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	type deedOut struct {
		ID        int64     `json:"id"`
		Title     string    `json:"title"`
		State     string    `json:"state"`
		URL       string    `json:"url"`
		UpdatedAt time.Time `json:"updated_at"`
	}
	out := struct {
		Email         string                `json:"email"`
		Name          string                `json:"name"`
		Role          string                `json:"role"`
		OrgID         int64                 `json:"organisation_id,omitempty"`
		Lang          string                `json:"lang"`
		CreatedAt     time.Time             `json:"created_at"`
		EmailVerified *time.Time            `json:"email_verified_at"`
		Sessions      []user.SessionInfo    `json:"sessions"`
		Identities    []user.LinkedIdentity `json:"sign_on_identities"`
		Deeds         []deedOut             `json:"deeds"`
	}{Email: u.Email, Name: u.Name, Role: string(u.Role), OrgID: u.OrgID, Lang: u.Lang, CreatedAt: u.CreatedAt, Sessions: sessions, Deeds: []deedOut{}}
	if u.Verified() {
		out.EmailVerified = &u.EmailVerifiedAt
	}
	if out.Identities, err = s.app.Users.Identities(ctx, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	for offset := 0; ; offset += deed.MaxLimit {
		page, err := s.app.Deeds.List(ctx, u, deed.Filter{States: allStates, AuthorID: u.ID, Sort: "updated", Limit: deed.MaxLimit, Offset: offset})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, d := range page.Items {
			out.Deeds = append(out.Deeds, deedOut{ID: d.ID, Title: d.Title, State: string(d.State), URL: s.opts.BaseURL + "/deeds/" + strconv.FormatInt(d.ID, 10) + "/" + d.Slug, UpdatedAt: d.UpdatedAt})
		}
		if offset+deed.MaxLimit >= page.Total {
			break
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="tekotori-account.json"`)
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		s.log.WarnContext(r.Context(), "account data", "err", err)
	}
}
