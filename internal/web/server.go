// Package web serves Tekotori's pages: server-rendered HTML that works
// without JavaScript, in Finnish, Swedish and English, and mounts the JSON
// API beside them.
package web

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/api"
	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/metrics"
	"github.com/tekotori/tekotori/internal/store"
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
	// MetricsToken, when set, serves Prometheus metrics at /metrics to a
	// scraper that sends it as a bearer token.
	MetricsToken string
	// SearchPerMinute is how many searches (pages, suggestions and API
	// listings) one client address may make a minute; 0 means no limit.
	SearchPerMinute int
	// ClientIPHeader names the header a reverse proxy puts the client's
	// address in (such as X-Forwarded-For); empty means the connection's
	// own address is the client's.
	ClientIPHeader string
	// SSO lists the OpenID Connect providers people may sign in with.
	SSO []SSOProvider
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
	// sso holds the configured OpenID Connect providers by name.
	sso map[string]*ssoClient
	// searches limits searching per client across nodes.
	searches *throttle.Gate
	metrics  *metrics.Metrics
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
	s := &Server{app: a, log: a.Log, cat: cat, tmpl: tmpl, opts: opts, api: api.New(a, cat, opts.BaseURL), start: time.Now(),
		decodes:  make(chan struct{}, maxConcurrentDecodes),
		searches: a.Limits.NewGate("search", opts.SearchPerMinute, time.Minute), sso: map[string]*ssoClient{}}
	if opts.MetricsToken != "" {
		s.metrics = metrics.New(metrics.Source{DB: a.DB,
			IndexDeeds: func() int { return a.Search.Status().Deeds },
			IndexBytes: func() int64 {
				st := a.Search.IndexStats()
				return int64(st.DictBytes + st.PostingBytes + st.PositionBytes + st.OffsetBytes)
			}})
	}
	for _, p := range opts.SSO {
		if p.Name == "" || p.Issuer == "" || p.ClientID == "" {
			return nil, fmt.Errorf("web: sso provider %q needs a name, an issuer and a client id", p.Name)
		}
		if _, dup := s.sso[p.Name]; dup {
			return nil, fmt.Errorf("web: sso provider %q twice", p.Name)
		}
		if p.Label == "" {
			p.Label = p.Name
		}
		s.sso[p.Name] = &ssoClient{cfg: p, redirect: strings.TrimSuffix(opts.BaseURL, "/") + "/login/sso/" + p.Name + "/callback"}
	}
	s.opts.SSO = nil
	for _, c := range s.sso {
		s.opts.SSO = append(s.opts.SSO, c.cfg)
	}
	sort.Slice(s.opts.SSO, func(i, j int) bool { return s.opts.SSO[i].Name < s.opts.SSO[j].Name })
	return s, nil
}

// Handler returns the whole site with its middleware.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.routes()
	if s.metrics != nil {
		// Innermost, so that it sees the pattern the mux matched.
		h = s.observe(h)
	}
	h = s.requireTwoFactorSetup(h)
	h = s.limitSearches(h)
	h = s.limitFormBodies(h)
	h = s.withSession(h)
	h = csrfProtection(h, s.forbidden)
	h = securityHeaders(h, s.opts.SecureCookies)
	h = s.recoverer(h)
	h = s.logRequests(h)
	h = withRequestID(h)
	return h
}

// routes registers every page on one mux. Patterns are string literals in
// calls of HandleFunc or Handle on it, so that the authorisation matrix
// test (matrix_test.go) can read them from the source and check that each
// has its row.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", s.cacheStatic(static, http.FileServerFS(static))))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if s.metrics != nil {
		mux.Handle("GET /metrics", s.metrics.Handler(s.opts.MetricsToken))
	}
	mux.Handle("/api/", s.api.Handler())

	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /resume", s.resumePost)
	mux.HandleFunc("GET /feeds/deeds.atom", s.deedFeed)
	mux.HandleFunc("GET /sitemap.xml", s.sitemap)
	mux.HandleFunc("GET /sitemaps/{name}", s.sitemapPart)
	mux.HandleFunc("GET /robots.txt", s.robots)
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
	mux.HandleFunc("POST /account/membership", s.accountMembership)
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
	mux.HandleFunc("GET /login/sso/{provider}", s.ssoStart)
	mux.HandleFunc("GET /login/sso/{provider}/callback", s.ssoCallback)
	mux.HandleFunc("GET /login/2fa", s.loginSecondFactor)
	mux.HandleFunc("POST /login/2fa", s.loginSecondFactor)
	mux.HandleFunc("GET /account/2fa", s.accountTwoFactor)
	mux.HandleFunc("POST /account/2fa/setup", s.accountTwoFactorSetup)
	mux.HandleFunc("POST /account/2fa/confirm", s.accountTwoFactorConfirm)
	mux.HandleFunc("POST /account/2fa/disable", s.accountTwoFactorDisable)
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
	return mux
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.app.DB.PingContext(ctx); err != nil {
		s.log.ErrorContext(r.Context(), "health check failed", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz tells a load balancer whether this node should get traffic: the
// database answers, its schema is the one this build expects, and the
// search index is built. /healthz only tells that the process is alive.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	notReady := func(why string, err error) {
		s.log.WarnContext(r.Context(), "not ready", "why", why, "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, why)
	}
	if err := s.app.DB.PingContext(ctx); err != nil {
		notReady("database unavailable", err)
		return
	}
	have, err := s.app.DB.SchemaVersion(ctx)
	if err != nil {
		notReady("schema unknown", err)
		return
	}
	want, err := store.LatestMigration(s.app.DB.Dialect)
	if err != nil {
		notReady("schema unknown", err)
		return
	}
	if have != want {
		notReady(fmt.Sprintf("schema %d, this version needs %d", have, want), nil)
		return
	}
	if s.app.Search.Searcher() == nil {
		notReady("search index not built", nil)
		return
	}
	fmt.Fprintln(w, "ready")
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
