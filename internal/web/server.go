// Package web serves Tekotori's pages: server-rendered HTML that works
// without JavaScript, in Finnish, Swedish and English, and mounts the JSON
// API beside them.
package web

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/api"
	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/throttle"
)

//go:embed templates static
var assets embed.FS

// Options configure the server.
type Options struct {
	// BaseURL is the public address, used in links the API gives out.
	BaseURL string
	// SecureCookies marks cookies Secure; on by default behind https.
	SecureCookies bool
	// SearchPerMinute is how many searches (pages, suggestions and API
	// listings) one client address may make a minute; 0 means no limit.
	SearchPerMinute int
	// ClientIPHeader names the header a reverse proxy puts the client's
	// address in (such as X-Forwarded-For); empty means the connection's
	// own address is the client's.
	ClientIPHeader string
}

// Server is the HTTP face of one App.
type Server struct {
	app   *app.App
	log   *slog.Logger
	cat   *i18n.Catalog
	tmpl  *templates
	opts  Options
	api   *api.API
	start time.Time
	// decodes bounds how many uploaded images are decoded at once: each
	// may take up to media.MaxDecodedBytes two or three times over.
	decodes chan struct{}
	// searches limits searching per client across nodes.
	searches *throttle.Gate
}

// maxConcurrentDecodes is the size of the decoding queue.
const maxConcurrentDecodes = 2

// New builds a Server.
func New(a *app.App, opts Options) (*Server, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	tmpl, err := parseTemplates(assets, cat)
	if err != nil {
		return nil, err
	}
	return &Server{app: a, log: a.Log, cat: cat, tmpl: tmpl, opts: opts, api: api.New(a, cat, opts.BaseURL), start: time.Now(),
		decodes: make(chan struct{}, maxConcurrentDecodes), searches: a.Limits.NewGate("search", opts.SearchPerMinute, time.Minute)}, nil
}

// Handler returns the whole site with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", s.cacheStatic(static, http.FileServerFS(static))))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("/api/", s.api.Handler())

	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /lang/{lang}", s.setLang)
	mux.HandleFunc("GET /accessibility", s.accessibility)

	mux.HandleFunc("GET /deeds", s.searchPage)
	mux.HandleFunc("GET /search", s.searchPage)
	mux.HandleFunc("GET /search/suggest", s.suggest)
	mux.HandleFunc("GET /deeds/new", s.deedForm)
	mux.HandleFunc("POST /deeds/new", s.deedForm)
	mux.HandleFunc("GET /deeds/{id}", s.deedPage)
	mux.HandleFunc("GET /deeds/{id}/{slug}", s.deedPage)
	mux.HandleFunc("GET /deeds/{id}/edit", s.deedForm)
	mux.HandleFunc("POST /deeds/{id}/edit", s.deedForm)
	mux.HandleFunc("POST /deeds/{id}/publish", s.deedStep("published"))
	mux.HandleFunc("POST /deeds/{id}/return", s.deedStep("returned"))
	mux.HandleFunc("POST /deeds/{id}/archive", s.deedStep("archived"))
	mux.HandleFunc("POST /deeds/{id}/restore", s.deedStep("restored"))
	mux.HandleFunc("GET /deeds/{id}/revisions", s.revisions)
	mux.HandleFunc("GET /media/{id}", s.media)
	mux.HandleFunc("GET /media/{id}/thumb", s.media)

	mux.HandleFunc("GET /my", s.myDeeds)
	mux.HandleFunc("GET /moderation", s.moderation)
	mux.HandleFunc("GET /organisations", s.organisations)
	mux.HandleFunc("GET /organisations/{code}", s.organisation)

	mux.HandleFunc("GET /register", s.register)
	mux.HandleFunc("POST /register", s.register)
	mux.HandleFunc("GET /login", s.login)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /account", s.account)
	mux.HandleFunc("POST /account/profile", s.accountProfile)
	mux.HandleFunc("POST /account/password", s.accountPassword)
	mux.HandleFunc("POST /account/sessions", s.accountSessions)
	mux.HandleFunc("POST /account/delete", s.accountDelete)
	mux.HandleFunc("GET /account/data.json", s.accountData)
	mux.HandleFunc("GET /login/link", s.signInLink)
	mux.HandleFunc("POST /login/link", s.signInLink)
	mux.HandleFunc("GET /account/verify", s.verifyEmail)
	mux.HandleFunc("POST /account/verify", s.verifyEmail)
	mux.HandleFunc("GET /account/reset", s.resetRequest)
	mux.HandleFunc("POST /account/reset", s.resetRequest)
	mux.HandleFunc("GET /account/reset/confirm", s.resetConfirm)
	mux.HandleFunc("POST /account/reset/confirm", s.resetConfirm)
	mux.HandleFunc("GET /account/invite", s.acceptInvite)
	mux.HandleFunc("POST /account/invite", s.acceptInvite)

	mux.HandleFunc("GET /admin", s.adminHome)
	mux.HandleFunc("GET /admin/terms", s.adminTerms)
	mux.HandleFunc("POST /admin/terms", s.adminTerms)
	mux.HandleFunc("GET /admin/terms/{id}", s.adminTerm)
	mux.HandleFunc("POST /admin/terms/{id}", s.adminTerm)
	mux.HandleFunc("GET /admin/organisations", s.adminOrgs)
	mux.HandleFunc("POST /admin/organisations", s.adminOrgs)
	mux.HandleFunc("GET /admin/organisations/{id}", s.adminOrg)
	mux.HandleFunc("POST /admin/organisations/{id}", s.adminOrg)
	mux.HandleFunc("POST /admin/organisations/{id}/units", s.adminOrgUnits)
	mux.HandleFunc("GET /admin/settings", s.adminSettings)
	mux.HandleFunc("POST /admin/settings", s.adminSettings)
	mux.HandleFunc("GET /admin/users", s.adminUsers)
	mux.HandleFunc("POST /admin/users/{id}", s.adminUser)
	mux.HandleFunc("POST /admin/users/{id}/disable", s.adminUserDisable)
	mux.HandleFunc("POST /admin/users/invite", s.adminInvite)
	mux.HandleFunc("GET /admin/members", s.adminMembers)
	mux.HandleFunc("POST /admin/members/requests/{id}", s.adminMemberDecide)
	mux.HandleFunc("POST /admin/members/users/{id}/role", s.adminMemberRole)
	mux.HandleFunc("GET /admin/audit", s.siteAudit)
	mux.HandleFunc("GET /admin/audit.csv", s.siteAuditCSV)

	s.campaignAdminRoutes(mux)
	s.thesaurusRoutes(mux)
	s.campaignPublicRoutes(mux)

	mux.HandleFunc("/", s.notFoundHandler)

	var h http.Handler = mux
	h = s.limitSearches(h)
	h = s.limitFormBodies(h)
	h = s.withSession(h)
	h = csrfProtection(h, s.forbidden)
	h = securityHeaders(h, s.opts.SecureCookies)
	h = s.recoverer(h)
	h = s.logRequests(h)
	return h
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.app.DB.PingContext(ctx); err != nil {
		s.log.Error("health check failed", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// cacheStatic serves the static files with a cache lifetime, and never a
// listing of them: a directory is not found.
func (s *Server) cacheStatic(files fs.FS, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if st, err := fs.Stat(files, name); name == "" || err != nil || st.IsDir() {
			s.notFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}
