package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/tekotori/tekotori/internal/user"
)

// Single sign-on with OpenID Connect providers (Microsoft Entra ID, Google,
// a municipality's own): the authorisation code flow with PKCE, a state
// and a nonce, and the ID token checked by go-oidc against the provider's
// published keys. The provider's confirmed e-mail address links a first
// sign-in to the account that has it (user.SignInExternal).

// SSOProvider configures one provider.
type SSOProvider struct {
	Name         string // in the site's paths: /login/sso/NAME
	Label        string // on the sign-in button
	Issuer       string // its issuer URL, where discovery starts
	ClientID     string
	ClientSecret string
}

// ssoClient is a provider found by discovery on first use, so that a
// provider that is down does not stop the site from starting.
type ssoClient struct {
	cfg      SSOProvider
	redirect string
	mu       sync.Mutex
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
}

func (c *ssoClient) load(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.oauth != nil {
		return c.oauth, c.verifier, nil
	}
	p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("web: sso %s: discovery: %w", c.cfg.Name, err)
	}
	c.oauth = &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: c.redirect, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
	c.verifier = p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID})
	return c.oauth, c.verifier, nil
}

const ssoCookie = "tekotori_sso"

// ssoState is what the browser keeps between leaving for the provider and
// coming back; the cookie is HttpOnly and lives ten minutes.
type ssoState struct {
	State, Nonce, Verifier, Next string
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

type ssoButton struct{ Name, Label string }

func (s *Server) ssoButtons() []ssoButton {
	var out []ssoButton
	for _, p := range s.opts.SSO {
		out = append(out, ssoButton{Name: p.Name, Label: p.Label})
	}
	return out
}

// ssoStart sends the browser to the provider.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) {
	c, ok := s.sso[r.PathValue("provider")]
	if !ok {
		s.notFound(w, r)
		return
	}
	conf, _, err := c.load(r.Context())
	if err != nil {
		s.log.Error("sso provider unavailable", "provider", c.cfg.Name, "err", err)
		s.renderError(w, r, http.StatusBadGateway, s.newView(r, "sso.failed_title", nil), "sso.unavailable")
		return
	}
	st := ssoState{Next: r.URL.Query().Get("next"), Verifier: oauth2.GenerateVerifier()}
	if st.State, err = randomToken(); err == nil {
		st.Nonce, err = randomToken()
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	b, err := json.Marshal(st)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/login/sso/", MaxAge: 600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
	http.Redirect(w, r, conf.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)), http.StatusSeeOther)
}

// ssoCallback is where the provider sends the browser back with a code.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, ok := s.sso[r.PathValue("provider")]
	if !ok {
		s.notFound(w, r)
		return
	}
	refuse := func(why string, args ...any) {
		s.log.Warn("sso sign-in refused", append([]any{"provider", c.cfg.Name, "why", why}, args...)...)
		s.renderError(w, r, http.StatusForbidden, s.newView(r, "sso.failed_title", nil), "sso.failed")
	}
	var st ssoState
	ck, err := r.Cookie(ssoCookie)
	if err != nil {
		refuse("no state cookie")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Path: "/login/sso/", MaxAge: -1})
	raw, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil || json.Unmarshal(raw, &st) != nil || st.State == "" {
		refuse("unreadable state cookie")
		return
	}
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(st.State)) != 1 {
		refuse("state does not match")
		return
	}
	if e := q.Get("error"); e != "" {
		refuse("provider error", "error", e, "description", q.Get("error_description"))
		return
	}
	conf, verifier, err := c.load(ctx)
	if err != nil {
		s.log.Error("sso provider unavailable", "provider", c.cfg.Name, "err", err)
		s.renderError(w, r, http.StatusBadGateway, s.newView(r, "sso.failed_title", nil), "sso.unavailable")
		return
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		refuse("code exchange failed", "err", err)
		return
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := verifier.Verify(ctx, rawID)
	if err != nil {
		refuse("ID token not valid", "err", err)
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		refuse("nonce does not match")
		return
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"`
		Name          string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		refuse("claims unreadable", "err", err)
		return
	}
	u, err := s.app.Users.SignInExternal(ctx, user.ExternalIdentity{Provider: c.cfg.Name, Subject: idt.Subject, Email: claims.Email,
		EmailVerified: isTrue(claims.EmailVerified), Name: claims.Name, Lang: lang(r)})
	switch {
	case errors.Is(err, user.ErrExternalUnverified):
		refuse("e-mail address not confirmed by the provider")
		return
	case errors.Is(err, user.ErrBadCredentials):
		refuse("account disabled")
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.finishSignIn(w, r, u, safeNext(st.Next))
}

// isTrue reads email_verified, which some providers send as a string.
func isTrue(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return strings.EqualFold(x, "true")
	}
	return false
}
