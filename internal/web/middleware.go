package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/user"
)

const sessionCookie = "tekotori_session"

type ctxKey int

const (
	langKey ctxKey = iota
)

// currentUser is the signed-in person, or nil. It travels in the user
// package's context key, so that the API sees the same person.
func currentUser(r *http.Request) *user.User {
	return user.FromContext(r.Context())
}

// lang is the interface language of the request.
func lang(r *http.Request) string {
	if l, ok := r.Context().Value(langKey).(string); ok {
		return l
	}
	return i18n.Default
}

// withSession loads the signed-in user from the session the cookie names
// and settles the request's language.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var u *user.User
		// Static files, health checks and metrics are the same for
		// everyone: they cost no session lookup.
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && !sessionless(r.URL.Path) {
			u, err = s.app.Users.SessionUser(ctx, c.Value)
			if err != nil {
				if !errors.Is(err, user.ErrNotFound) {
					s.log.ErrorContext(r.Context(), "session lookup failed; treating the request as signed out", "path", r.URL.Path, "err", err)
				}
				u = nil
			}
		}
		l := i18n.FromRequest(r)
		if _, err := r.Cookie("lang"); err != nil && u != nil && i18n.Supported(u.Lang) {
			l = u.Lang
		}
		ctx = user.NewContext(ctx, u)
		ctx = context.WithValue(ctx, langKey, l)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// csrfProtection refuses cross-site state-changing requests, judged by the
// browser's Sec-Fetch-Site and Origin headers; with SameSite=Lax session
// cookies this needs no token in every form.
func csrfProtection(next http.Handler, deny http.HandlerFunc) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(deny)
	return p.Handler(next)
}

// contentSecurityPolicy allows only the site's own scripts, styles and
// images: no inline code, no third parties, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers every response carries; behind TLS
// (an https base URL) also HSTS, so that browsers never fall back to plain
// http for the site.
func securityHeaders(next http.Handler, tls bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if tls {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.log.DebugContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "dur", time.Since(start))
	})
}

// maxPlainFormBytes bounds a form posted without files (urlencoded, or any
// body that is not multipart): the longest text a person writes in one is
// a few tens of kilobytes. Go parses such a body into memory whole, and
// several times its size, so it is bounded before any handler reads it.
const maxPlainFormBytes = 2 << 20

func (s *Server) limitFormBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxPlainFormBytes)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			// Parsed here, so that no handler goes on with half a form.
			if err := r.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.renderError(w, r, http.StatusRequestEntityTooLarge, s.newView(r, "error.form_too_large_title", nil), "error.form_too_large_text")
					return
				}
				s.badRequest(w, r)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// observe counts each request by the route pattern it matched.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.metrics.Observe(r.Pattern, r.Method, sw.status, time.Since(start))
	})
}

// sessionless tells the paths whose answer does not depend on who asks.
func sessionless(path string) bool {
	switch path {
	case "/healthz", "/readyz", "/metrics", "/robots.txt":
		return true
	}
	return strings.HasPrefix(path, "/static/")
}
