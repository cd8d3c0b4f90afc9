package web

import (
	"errors"
	"net/http"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/user"
)

type listData struct {
	Page    deed.Page
	Pager   pager
	OrgPage *deed.Page
}

var allStates = []deed.State{deed.Draft, deed.Submitted, deed.Returned, deed.Published, deed.Archived}

// myDeeds lists what the person wrote, in every state, and for an
// organisation editor also the organisation's deeds.
func (s *Server) myDeeds(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if u == nil {
		s.redirectToLogin(w, r, "")
		return
	}
	ctx := r.Context()
	v := s.newView(r, "my.title", nil)
	page := pageNumber(r.URL.Query())
	res, err := s.app.Deeds.List(ctx, u, deed.Filter{States: allStates, AuthorID: u.ID, Sort: "updated", Limit: perPage, Offset: (page - 1) * perPage})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := listData{Page: res, Pager: newPager(v, "/my", r.URL.Query(), page, perPage, res.Total)}
	if u.OrgID != 0 && u.Role.AtLeast(user.RoleOrgEditor) {
		op, err := s.app.Deeds.List(ctx, u, deed.Filter{States: allStates, OrgID: u.OrgID, Sort: "updated", Limit: deed.MaxLimit})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.OrgPage = &op
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "my", v)
}

// moderation is the queue: deeds sent for publication and edits of
// published deeds that wait for approval, oldest first.
func (s *Server) moderation(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if u == nil {
		s.redirectToLogin(w, r, "")
		return
	}
	if !u.IsModerator() {
		s.forbidden(w, r)
		return
	}
	v := s.newView(r, "moderation.title", nil)
	page := pageNumber(r.URL.Query())
	res, err := s.app.Deeds.List(r.Context(), u, deed.Filter{States: []deed.State{deed.Submitted}, PendingEdits: true, Sort: "oldest", Limit: perPage, Offset: (page - 1) * perPage})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Data = listData{Page: res, Pager: newPager(v, "/moderation", r.URL.Query(), page, perPage, res.Total)}
	s.render(w, r, http.StatusOK, "moderation", v)
}

type orgsData struct {
	Query   string
	Kind    string
	Kinds   []option
	Regions []option
	Orgs    []org.Org
}

func (s *Server) organisations(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := s.newView(r, "orgs.title", nil)
	q := r.URL.Query()
	f := org.ListFilter{Query: q.Get("q"), RegionCode: q.Get("region")}
	if k, err := org.ParseKind(q.Get("kind")); err == nil {
		f.Kind = k
	}
	orgs, err := s.app.Orgs.List(ctx, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := orgsData{Query: f.Query, Kind: string(f.Kind), Orgs: orgs}
	for _, k := range org.Kinds() {
		d.Kinds = append(d.Kinds, option{Value: string(k), Label: v.T("orgkind." + string(k)), Selected: k == f.Kind})
	}
	regions, err := s.app.Orgs.Regions(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, p := range regions {
		d.Regions = append(d.Regions, option{Value: p.Code, Label: p.Name.In(v.Lang), Selected: p.Code == f.RegionCode})
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "organisations", v)
}

type orgData struct {
	Org   *org.Org
	Page  deed.Page
	Pager pager
	// Awards are the organisation's and its deeds' awards in published
	// campaign results.
	Awards []pubBadge
}

func (s *Server) organisation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := s.app.Orgs.ByCode(ctx, r.PathValue("code"))
	if errors.Is(err, org.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := s.newView(r, "", nil)
	v.Title = o.Name.In(v.Lang)
	page := pageNumber(r.URL.Query())
	res, err := s.app.Deeds.List(ctx, currentUser(r), deed.Filter{OrgID: o.ID, Limit: perPage, Offset: (page - 1) * perPage})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	awards, err := s.app.Campaigns.AwardsForOrg(ctx, o.ID)
	if err != nil {
		s.log.WarnContext(r.Context(), "organisation awards", "org", o.ID, "err", err)
	}
	v.Data = orgData{Org: o, Page: res, Pager: newPager(v, "/organisations/"+o.Code, r.URL.Query(), page, perPage, res.Total),
		Awards: s.pubBadges(ctx, v, awards, true)}
	s.render(w, r, http.StatusOK, "organisation", v)
}

type revisionsData struct {
	D    *deed.Deed
	Revs []deed.Revision
}

func (s *Server) revisions(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	u := currentUser(r)
	ctx := r.Context()
	d, err := s.app.Deeds.Get(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	revs, err := s.app.Deeds.Revisions(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "revisions.title", nil)
	v.Data = revisionsData{D: d, Revs: revs}
	s.render(w, r, http.StatusOK, "revisions", v)
}
