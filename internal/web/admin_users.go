package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/user"
)

// The site admins' pages for accounts: a searchable, paged list with role,
// organisation and disabling, and invitations by mail.

const usersPerPage = 50

type usersData struct {
	Users []user.User
	Total int
	Pager pager
	Roles []option // for each row's role menu
	All   []option // organisations, for each row's menu
	Orgs  map[int64]string
	// The filter as given.
	Query       string
	RoleFilter  []option
	OrgFilter   []option
	InviteRoles []option
	Langs       []option
	Invite      inviteForm
	// Campaign holds each listed person's campaign roles, written out.
	Campaign map[int64][]string
}

type inviteForm struct {
	Email, Name string
	Role        string
	OrgID       int64
	Lang        string
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := s.newView(r, "admin.users_title", nil)
	q := r.URL.Query()
	f := user.Filter{Query: q.Get("q"), Role: user.Role(q.Get("role")), Page: pageNumber(q), PerPage: usersPerPage}
	f.OrgID, _ = strconv.ParseInt(q.Get("org"), 10, 64)
	if _, err := user.ParseRole(string(f.Role)); err != nil {
		f.Role = ""
	}
	found, err := s.app.Users.Search(ctx, u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := usersData{Users: found.Users, Total: found.Total, Query: f.Query, Invite: inviteForm{Role: string(user.RoleMember), Lang: v.Lang}}
	if d.Campaign, err = s.campaignRoles(r, v, u, found.Users); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.userOptions(r, v, &d, f); err != nil {
		s.serverError(w, r, err)
		return
	}
	keep := url.Values{}
	for k, val := range map[string]string{"q": f.Query, "role": string(f.Role), "org": q.Get("org")} {
		if val != "" {
			keep.Set(k, val)
		}
	}
	d.Pager = newPager(v, "/admin/users", keep, f.Page, usersPerPage, found.Total)
	v.Data = d
	s.render(w, r, http.StatusOK, "admin_users", v)
}

// campaignRoles writes out the programme admin and juror roles of users.
func (s *Server) campaignRoles(r *http.Request, v *view, actor *user.User, users []user.User) (map[int64][]string, error) {
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	roles, err := s.app.Users.CampaignRoles(r.Context(), actor, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64][]string{}
	for id, rs := range roles {
		for _, cr := range rs {
			out[id] = append(out[id], v.T("users.campaign_role."+cr.Kind, cr.Name.In(v.Lang)))
		}
	}
	return out, nil
}

// userOptions fills the menus of the users page.
func (s *Server) userOptions(r *http.Request, v *view, d *usersData, f user.Filter) error {
	orgs, err := s.app.Orgs.List(r.Context(), org.ListFilter{})
	if err != nil {
		return err
	}
	d.Orgs = map[int64]string{}
	for _, o := range orgs {
		name := o.Name.In(v.Lang)
		d.Orgs[o.ID] = name
		id := strconv.FormatInt(o.ID, 10)
		d.All = append(d.All, option{Value: id, Label: name})
		d.OrgFilter = append(d.OrgFilter, option{Value: id, Label: name, Selected: o.ID == f.OrgID})
	}
	for _, ro := range user.Roles() {
		label := v.T("role." + string(ro))
		d.Roles = append(d.Roles, option{Value: string(ro), Label: label})
		d.RoleFilter = append(d.RoleFilter, option{Value: string(ro), Label: label, Selected: ro == f.Role})
		d.InviteRoles = append(d.InviteRoles, option{Value: string(ro), Label: label, Selected: string(ro) == d.Invite.Role})
	}
	for _, l := range []string{"fi", "sv", "en"} {
		d.Langs = append(d.Langs, option{Value: l, Label: v.T("lang." + l), Selected: l == d.Invite.Lang})
	}
	return nil
}

// adminUser changes a person's role and organisation.
func (s *Server) adminUser(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	// The service refuses an unknown role or organisation; an empty or
	// unreadable organisation means none.
	orgID, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	err := s.app.Users.SetRole(r.Context(), u, id, user.Role(r.PostFormValue("role")), orgID)
	var fe user.FieldErrors
	if errors.As(err, &fe) {
		http.Redirect(w, r, "/admin/users?msg=user_refused", http.StatusSeeOther)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users?msg=saved", http.StatusSeeOther)
}

// adminUserDisable disables (disabled=1) or enables an account.
func (s *Server) adminUserDisable(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	disabled := r.PostFormValue("disabled") == "1"
	if err := s.app.Users.Disable(r.Context(), u, id, disabled); err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "user_enabled"
	if disabled {
		msg = "user_disabled"
	}
	http.Redirect(w, r, "/admin/users?msg="+msg, http.StatusSeeOther)
}

// adminInvite makes an account and mails the person a link to choose its
// password; the form is on the users page and comes back there with its
// errors.
func (s *Server) adminInvite(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := s.newView(r, "admin.users_title", nil)
	in := user.Invitation{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: user.Role(r.PostFormValue("role")),
		Lang: r.PostFormValue("lang")}
	in.OrgID, _ = strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	if !validUILang(in.Lang) {
		in.Lang = v.Lang
	}
	invited, err := s.app.Users.Invite(ctx, u, in, s.linkMail(in.Lang, "invite"))
	var fe user.FieldErrors
	switch {
	case errors.As(err, &fe):
		if m, ok := fe["org_id"]; ok {
			fe["org"] = m
			delete(fe, "org_id")
		}
		found, err := s.app.Users.Search(ctx, u, user.Filter{PerPage: usersPerPage})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d := usersData{Users: found.Users, Total: found.Total,
			Invite: inviteForm{Email: in.Email, Name: in.Name, Role: string(in.Role), OrgID: in.OrgID, Lang: in.Lang}}
		if err := s.userOptions(r, v, &d, user.Filter{}); err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Pager = newPager(v, "/admin/users", url.Values{}, 1, usersPerPage, found.Total)
		v.setErrors(fe, []string{"email", "name", "role", "org"})
		v.Data = d
		s.render(w, r, http.StatusUnprocessableEntity, "admin_users", v)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/users?msg=invited&q=%s", url.QueryEscape(invited.Email)), http.StatusSeeOther)
}

func validUILang(l string) bool { return l == "fi" || l == "sv" || l == "en" }

// acceptInvite shows the password form of an invitation link (GET) and
// sets the password (POST), which confirms the address and signs in.
func (s *Server) acceptInvite(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "invite.title", nil)
	v.Data = linkPage{Token: r.FormValue("token"), Action: "/account/invite", Button: v.T("invite.submit"), Text: v.T("invite.text")}
	s.passwordLink(w, r, v, user.PurposeInvite, s.app.Users.AcceptInvitation, "/account?msg=welcome")
}
