package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/taxonomy"
)

type deedPageData struct {
	D            *deed.Deed
	Sector       string
	Themes       []string
	ClientGroups []string
	ShowContact  bool
	Can          map[string]bool
	Reason       string
	Similar      []*deed.Deed
	// Awards are the deed's awards in published campaign results.
	Awards []pubBadge
	// Feedback is the jury's approved feedback, for the deed's own people.
	Feedback []campaign.DeedFeedback
}

// similarShown is how many similar deeds a deed page lists.
const similarShown = 4

func (s *Server) deedPage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	u := currentUser(r)
	d, err := s.app.Deeds.Get(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PathValue("slug") != d.Slug {
		http.Redirect(w, r, fmt.Sprintf("/deeds/%d/%s", d.ID, d.Slug), http.StatusMovedPermanently)
		return
	}
	s.renderDeed(w, r, http.StatusOK, d, nil, "")
}

func (s *Server) renderDeed(w http.ResponseWriter, r *http.Request, status int, d *deed.Deed, errs map[string]string, reason string) {
	u := currentUser(r)
	v := s.newView(r, "", nil)
	v.Title = d.Title
	if v.Title == "" {
		v.Title = v.T("deed.untitled")
	}
	vocab, err := s.app.Terms.All(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	pd := deedPageData{D: d, Reason: reason, Can: map[string]bool{}}
	pd.Sector = vocab.Label(taxonomy.Sector, d.Sector, v.Lang)
	for _, t := range d.Themes {
		pd.Themes = append(pd.Themes, vocab.Label(taxonomy.Theme, t, v.Lang))
	}
	for _, t := range d.ClientGroups {
		pd.ClientGroups = append(pd.ClientGroups, vocab.Label(taxonomy.ClientGroup, t, v.Lang))
	}
	for _, a := range []deed.Action{deed.ActionEdit, deed.ActionSubmit, deed.ActionPublish, deed.ActionReturn,
		deed.ActionArchive, deed.ActionRestore, deed.ActionViewRevisions, deed.ActionViewPrivate} {
		pd.Can[string(a)] = deed.Can(u, a, d)
	}
	pd.ShowContact = !d.Contact.IsEmpty() && (d.Contact.Public || pd.Can["private"])
	if d.IsPublic() {
		sims, err := s.app.Search.Similar(r.Context(), d.ID, similarShown)
		if err != nil {
			s.log.WarnContext(r.Context(), "similar deeds", "deed", d.ID, "err", err)
		}
		pd.Similar = s.publicDeeds(r.Context(), sims)
		awards, err := s.app.Campaigns.AwardsForDeed(r.Context(), d.ID)
		if err != nil {
			s.log.WarnContext(r.Context(), "deed awards", "deed", d.ID, "err", err)
		}
		pd.Awards = s.pubBadges(r.Context(), v, awards, false)
		if pd.Feedback, err = s.app.Campaigns.FeedbackForDeed(r.Context(), u, d.ID); err != nil {
			s.log.Warn("deed feedback", "deed", d.ID, "err", err)
		}
	}
	if errs != nil {
		v.setErrors(errs, []string{"reason"})
	}
	v.Data = pd
	s.render(w, r, status, "deed", v)
}

// deedStep carries out a moderation step posted from the deed page or the
// moderation queue.
func (s *Server) deedStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		u := currentUser(r)
		if u == nil {
			s.redirectToLogin(w, r, "")
			return
		}
		ctx := r.Context()
		var d *deed.Deed
		var err error
		switch step {
		case "published":
			d, err = s.app.Deeds.Publish(ctx, u, id)
		case "returned":
			d, err = s.app.Deeds.Return(ctx, u, id, r.PostFormValue("reason"))
		case "archived":
			d, err = s.app.Deeds.Archive(ctx, u, id, r.PostFormValue("note"))
		case "restored":
			d, err = s.app.Deeds.Restore(ctx, u, id)
		}
		var fe deed.FieldErrors
		if errors.As(err, &fe) {
			cur, gerr := s.app.Deeds.Get(ctx, u, id)
			if gerr != nil {
				s.fail(w, r, gerr)
				return
			}
			s.renderDeed(w, r, http.StatusUnprocessableEntity, cur, fe, r.PostFormValue("reason"))
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		next := fmt.Sprintf("/deeds/%d/%s?msg=%s", d.ID, d.Slug, step)
		if r.PostFormValue("from") == "moderation" {
			next = "/moderation?msg=" + step
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

func (s *Server) media(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	m, err := s.app.Deeds.Media(r.Context(), currentUser(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, ctype := m.Data, m.ContentType
	if strings.HasSuffix(r.URL.Path, "/thumb") {
		if len(m.Thumb) == 0 {
			s.notFound(w, r)
			return
		}
		data, ctype = m.Thumb, m.ThumbType
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "private, max-age=300")
	if m.Kind == "attachment" {
		// PDFs are only checked for their frame, so they are downloaded
		// rather than shown inside the site's origin.
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", m.Filename))
	}
	w.Write(data)
}

// publicDeeds loads the deeds a similarity search found, skipping any that
// stopped being public since the index saw them.
func (s *Server) publicDeeds(ctx context.Context, sims []search.Similar) []*deed.Deed {
	var out []*deed.Deed
	for _, sim := range sims {
		if d, err := s.app.Deeds.Get(ctx, nil, sim.DeedID); err == nil {
			out = append(out, d)
		}
	}
	return out
}
