package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/tekotori/tekotori/internal/user"
)

// The membership page: requests to join an organisation, which its admins
// (or a site admin) approve or refuse, and for an organisation's admin the
// organisation's people, whom they make its editors or take that role back.

type requestRow struct {
	ID                          int64
	Name, Email, Org, Requested string
}

type membersData struct {
	Requests []requestRow
	// OrgName and Members are an organisation admin's own organisation.
	OrgName string
	Members []user.User
	Roles   []option
}

// requireMemberManager lets site admins and organisation admins through;
// the user service asks again, per request and organisation.
func (s *Server) requireMemberManager(w http.ResponseWriter, r *http.Request) (*user.User, bool) {
	u := currentUser(r)
	if u == nil {
		s.redirectToLogin(w, r, "")
		return nil, false
	}
	if !u.MayManageMembers() {
		s.forbidden(w, r)
		return nil, false
	}
	return u, true
}

func (s *Server) adminMembers(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireMemberManager(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := s.newView(r, "members.title", nil)
	reqs, err := s.app.Users.MembershipRequests(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := map[int64]string{}
	orgName := func(id int64) (string, error) {
		if n, ok := names[id]; ok {
			return n, nil
		}
		o, err := s.app.Orgs.Get(ctx, id)
		if err != nil {
			return "", err
		}
		names[id] = o.Name.In(v.Lang)
		return names[id], nil
	}
	var d membersData
	tf := timeFormat{lang: v.Lang}
	for _, mr := range reqs {
		n, err := orgName(mr.OrgID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Requests = append(d.Requests, requestRow{ID: mr.ID, Name: mr.User.Name, Email: mr.User.Email, Org: n, Requested: tf.Date(mr.CreatedAt)})
	}
	if own := u.OrgIDIfAdmin(); own != 0 {
		if d.OrgName, err = orgName(own); err != nil {
			s.serverError(w, r, err)
			return
		}
		if d.Members, err = s.app.Users.OrgMembers(ctx, u, own); err != nil {
			s.fail(w, r, err)
			return
		}
		for _, ro := range []user.Role{user.RoleMember, user.RoleOrgEditor} {
			d.Roles = append(d.Roles, option{Value: string(ro), Label: v.T("role." + string(ro))})
		}
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "admin_members", v)
}

// adminMemberDecide approves (decision=approve) or refuses a request; the
// requester is told by mail in their language.
func (s *Server) adminMemberDecide(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireMemberManager(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	var approve bool
	switch r.PostFormValue("decision") {
	case "approve":
		approve = true
	case "refuse":
	default:
		s.badRequest(w, r)
		return
	}
	// The mail names the organisation, read before the decision's
	// transaction so that nothing else is read while it holds the database.
	reqs, err := s.app.Users.MembershipRequests(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := map[string]string{}
	for _, mr := range reqs {
		if mr.ID != id {
			continue
		}
		o, err := s.app.Orgs.Get(ctx, mr.OrgID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, l := range []string{"fi", "sv", "en"} {
			names[l] = o.Name.In(l)
		}
	}
	write := func(to *user.User, _ int64, approved bool, path string) (string, string) {
		kind := "member_refused"
		if approved {
			kind = "member_approved"
		}
		return s.cat.T(to.Lang, "mail."+kind+".subject"), s.cat.T(to.Lang, "mail."+kind+".body", to.Name, names[to.Lang]) + "\n\n" + path
	}
	err = s.app.Users.DecideMembership(ctx, u, id, approve, write)
	if errors.Is(err, user.ErrRequestGone) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "member_refused"
	if approve {
		msg = "member_approved"
	}
	http.Redirect(w, r, "/admin/members?msg="+msg, http.StatusSeeOther)
}

// adminMemberRole makes a member of an organisation admin's organisation
// its editor, or a member again.
func (s *Server) adminMemberRole(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireMemberManager(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	target, err := s.app.Users.Get(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The organisation stays the person's own; the service refuses anything
	// but member and editor of the actor's organisation.
	err = s.app.Users.SetRole(ctx, u, id, user.Role(r.PostFormValue("role")), target.OrgID)
	var fe user.FieldErrors
	if errors.As(err, &fe) {
		http.Redirect(w, r, "/admin/members?msg=user_refused", http.StatusSeeOther)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/members?msg=saved#member-%d", id), http.StatusSeeOther)
}
