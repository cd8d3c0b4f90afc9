package web

import (
	"net/http"
	"net/url"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/taxonomy"
)

type wayIn struct {
	Label, URL string
	Count      int
}

type homeData struct {
	Total   int
	Newest  []*deed.Deed
	Sectors []wayIn
	Themes  []wayIn
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := s.newView(r, "", nil)
	total, err := s.app.Deeds.Count(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	newest, err := s.app.Deeds.List(ctx, nil, deed.Filter{Limit: 6})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	vocab, err := s.app.Terms.All(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	counts, err := s.app.Deeds.TermCounts(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	countOf := map[string]int{}
	for _, c := range counts {
		countOf[string(c.Kind)+"/"+c.Slug] = c.Count
	}
	ways := func(k taxonomy.Kind, param string) []wayIn {
		var out []wayIn
		for _, t := range vocab.Terms(k, false) {
			out = append(out, wayIn{Label: t.Label.In(v.Lang), URL: "/deeds?" + url.Values{param: {t.Slug}}.Encode(), Count: countOf[string(k)+"/"+t.Slug]})
		}
		return out
	}
	v.Data = homeData{Total: total, Newest: newest.Items, Sectors: ways(taxonomy.Sector, "sector"), Themes: ways(taxonomy.Theme, "theme")}
	s.render(w, r, http.StatusOK, "home", v)
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("lang")
	if !i18n.Supported(l) {
		s.notFound(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
	// Only the browser's cookie changes: a GET stores nothing on the server.
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}

func (s *Server) accessibility(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "accessibility", s.newView(r, "a11y.title", nil))
}
