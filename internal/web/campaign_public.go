package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/store"
)

// campaignPublicRoutes registers the public campaign pages: the list,
// published results with their versions, downloads and the audience vote.
//
// What follows a campaign's id is one wildcard rather than a literal per
// page, so that the entrant pages' /campaigns/enter/… and
// /campaigns/feedback/… patterns are always the more specific and never
// conflict with these.
func (s *Server) campaignPublicRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /campaigns", s.pubCampaigns)
	mux.HandleFunc("GET /campaigns/{id}", s.pubCampaign)
	mux.HandleFunc("GET /campaigns/{id}/{rest...}", s.pubCampaignFile)
	mux.HandleFunc("POST /campaigns/{id}/{rest...}", s.pubCampaignPost)
}

// pubCampaigns lists the programmes and their campaigns with where each
// stands.
func (s *Server) pubCampaigns(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := s.newView(r, "cpublic.title", nil)
	progs, err := s.app.Campaigns.Programmes(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	cs, err := s.app.Campaigns.Campaigns(ctx, 0)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	now := store.Now()
	byProgramme := map[int64][]pubCampaignRow{}
	for i := range cs {
		c := &cs[i]
		byProgramme[c.ProgrammeID] = append(byProgramme[c.ProgrammeID], pubRow(v, c, now))
	}
	d := pubListData{}
	for _, p := range progs {
		if len(byProgramme[p.ID]) == 0 {
			continue
		}
		d.Programmes = append(d.Programmes, pubProgramme{ID: p.ID, Name: p.Name.In(v.Lang), Description: p.Description.In(v.Lang),
			Campaigns: byProgramme[p.ID]})
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "campaign_public_list", v)
}

// pubCampaign is a campaign's page: what it is and, once published, its
// results in the version asked for.
func (s *Server) pubCampaign(w http.ResponseWriter, r *http.Request) {
	s.renderPubCampaign(w, r, http.StatusOK, nil)
}

// pubCampaignFile serves the results downloads and the awards'
// certificates and badges.
func (s *Server) pubCampaignFile(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if kind, entry, ok := certificatePath(r.PathValue("rest")); ok {
		s.pubCertificate(w, r, id, kind, entry)
		return
	}
	var format string
	switch r.PathValue("rest") {
	case "results.csv":
		format = "csv"
	case "results.json":
		format = "json"
	default:
		s.notFound(w, r)
		return
	}
	version, ok := pubVersionParam(r.URL.Query())
	if !ok {
		s.notFound(w, r)
		return
	}
	res, err := s.app.Campaigns.Published(r.Context(), id, version)
	if err != nil {
		s.pubFail(w, r, err)
		return
	}
	name := fmt.Sprintf("tekotori-campaign-%d-results-v%d.%s", res.CampaignID, res.Version, format)
	h := w.Header()
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	if version > 0 {
		// A published version never changes.
		h.Set("Cache-Control", "public, max-age=86400")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if format == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		err = campaign.WriteResultsCSV(w, res, lang(r))
	} else {
		h.Set("Content-Type", "application/json; charset=utf-8")
		err = campaign.WriteResultsJSON(w, res)
	}
	if err != nil {
		s.log.WarnContext(r.Context(), "results download", "campaign", id, "err", err)
	}
}

// pubCampaignPost takes the audience vote.
func (s *Server) pubCampaignPost(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok || r.PathValue("rest") != "vote" {
		s.notFound(w, r)
		return
	}
	u := currentUser(r)
	if u == nil {
		http.Redirect(w, r, "/login?"+url.Values{"next": {fmt.Sprintf("/campaigns/%d#vote", id)}}.Encode(), http.StatusSeeOther)
		return
	}
	ctx := r.Context()
	c, err := s.app.Campaigns.Campaign(ctx, id)
	if err != nil {
		s.pubFail(w, r, err)
		return
	}
	catID, _ := strconv.ParseInt(r.PostFormValue("category"), 10, 64)
	entryID, _ := strconv.ParseInt(r.PostFormValue("entry"), 10, 64)
	ballot, err := s.app.Campaigns.Audience(ctx, u, c.ID)
	if err != nil {
		s.pubFail(w, r, err)
		return
	}
	var found *campaign.BallotEntry
	for _, ac := range ballot {
		for i := range ac.Entries {
			if ac.Entries[i].EntryID == entryID && entryID != 0 {
				found = &ac.Entries[i]
			}
		}
	}
	refuse := func(key string) {
		s.renderPubCampaign(w, r, http.StatusUnprocessableEntity, &pubVoteError{CategoryID: catID, EntryID: entryID, Key: key})
	}
	switch {
	case !c.AudienceVote:
		refuse(campaign.ErrKeyVoteDisabled)
		return
	case found == nil:
		refuse("cpublic.vote_choose")
		return
	}
	catID = found.CategoryID
	err = s.app.Campaigns.Vote(ctx, u, found.EntryID, s.clientAddr(r))
	var fe campaign.FieldErrors
	if errors.As(err, &fe) {
		key := fe["entry"]
		if key == "" {
			for _, k := range fe {
				key = k
			}
		}
		if key == campaign.ErrKeyWindowClosed {
			key = "cpublic.vote_closed"
		}
		refuse(key)
		return
	}
	if err != nil {
		s.pubFail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?msg=cpublic_voted#vote-%d", c.ID, catID), http.StatusSeeOther)
}

// renderPubCampaign shows a campaign's page, with a refused vote's message
// when voteErr is set.
func (s *Server) renderPubCampaign(w http.ResponseWriter, r *http.Request, status int, voteErr *pubVoteError) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	u := currentUser(r)
	c, err := s.app.Campaigns.Campaign(ctx, id)
	if err != nil {
		s.pubFail(w, r, err)
		return
	}
	version := 0
	if r.Method == http.MethodGet {
		if version, ok = pubVersionParam(r.URL.Query()); !ok {
			s.notFound(w, r)
			return
		}
	}
	v := s.newView(r, "", nil)
	v.Title = c.Name.In(v.Lang)
	// A refused vote is shown at the campaign's own address, which the
	// language switch returns to.
	v.Path, v.Query = fmt.Sprintf("/campaigns/%d", c.ID), r.URL.RawQuery
	if r.Method != http.MethodGet {
		v.Query = ""
	}
	now := store.Now()
	d := pubCampaignData{Row: pubRow(v, c, now), C: c}
	for _, cat := range c.Categories {
		d.Categories = append(d.Categories, pubCategoryInfo(v, cat))
	}
	for _, cr := range c.Criteria {
		d.Criteria = append(d.Criteria, pubCriterionInfo(v, cr))
	}
	if c.Published > 0 {
		res, err := s.app.Campaigns.Published(ctx, c.ID, version)
		if err != nil {
			s.pubFail(w, r, err)
			return
		}
		versions, err := s.app.Campaigns.Versions(ctx, c.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if d.Results, err = s.pubResults(ctx, v, res, versions); err != nil {
			s.serverError(w, r, err)
			return
		}
	} else {
		if version != 0 {
			s.notFound(w, r)
			return
		}
		if d.Entries, err = s.app.Campaigns.EntryCount(ctx, c.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if c.AudienceVote && c.Vote != nil {
		if d.Vote, err = s.pubVote(ctx, v, u, c, now, voteErr); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if voteErr != nil {
		d.VoteError = v.T(voteErr.Key)
		switch {
		case d.Vote == nil:
		case d.Vote.Open && slices.ContainsFunc(d.Vote.Categories, func(b pubBallot) bool { return b.ID == voteErr.CategoryID }):
			d.VoteErrorAnchor = fmt.Sprintf("vote-%d", voteErr.CategoryID)
		default:
			d.VoteErrorAnchor = "vote"
		}
	}
	v.Data = d
	s.render(w, r, status, "campaign_public_campaign", v)
}

// pubVersionParam reads ?version=N: 0 (the latest) when absent.
func pubVersionParam(q url.Values) (int, bool) {
	s := q.Get("version")
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// pubFail answers the campaign service's errors; the kinds are the same
// as every service's, so it is s.fail.
func (s *Server) pubFail(w http.ResponseWriter, r *http.Request, err error) {
	s.fail(w, r, err)
}
