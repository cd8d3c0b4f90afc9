package web_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
	"github.com/tekotori/tekotori/internal/web"
)

// oidcProvider is a minimal OpenID Connect provider for tests: discovery,
// keys, an authorisation endpoint that signs in whoever the test names at
// once, and a token endpoint that checks the code and PKCE and gives an ID
// token signed with RS256 (or, when forge is set, with a key it does not
// publish).
type oidcProvider struct {
	t      *testing.T
	srv    *httptest.Server
	key    *rsa.PrivateKey
	forged *rsa.PrivateKey

	mu    sync.Mutex
	who   map[string]any // the claims of the next sign-in
	codes map[string]grant
	forge bool
}

type grant struct {
	claims    map[string]any
	nonce     string
	challenge string
	clientID  string
}

const testClientID = "tekotori-test"

func newOIDCProvider(t *testing.T) *oidcProvider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &oidcProvider{t: t, key: key, forged: forged, codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize",
			"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/keys", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("client_id") != testClientID {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		code := strings.Repeat("c", 8) + q.Get("state")[:8]
		p.mu.Lock()
		p.codes[code] = grant{claims: p.who, nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), clientID: q.Get("client_id")}
		p.mu.Unlock()
		back, _ := url.Parse(q.Get("redirect_uri"))
		back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		p.mu.Lock()
		g, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		forge := p.forge
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		signWith := p.key
		if forge {
			signWith = p.forged
		}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: signWith}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
		if err != nil {
			t.Error(err)
			return
		}
		now := time.Now()
		claims := map[string]any{"iss": p.srv.URL, "aud": g.clientID, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "nonce": g.nonce}
		for k, v := range g.claims {
			claims[k] = v
		}
		idToken, err := jwt.Signed(signer).Claims(claims).Serialize()
		if err != nil {
			t.Error(err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// signInAs runs the whole flow for the person with claims, following the
// redirects by hand, and gives the site's last answer.
func (p *oidcProvider) signInAs(c *client, claims map[string]any) resp {
	p.t.Helper()
	p.mu.Lock()
	p.who = claims
	p.mu.Unlock()
	r := c.get("/login/sso/testi?next=/my")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.loc, p.srv.URL+"/authorize?") {
		p.t.Fatalf("start: %d %s", r.status, r.loc)
	}
	// The browser at the provider: it is sent back to the site's public
	// address, whose path the test's client takes to the site.
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(mustRequest(p.t, r.loc))
	if err != nil {
		p.t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound || back.Host != "tekotori.test" {
		p.t.Fatalf("the provider answered %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	return c.get(back.RequestURI())
}

func mustRequest(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// Signing in with an OpenID Connect provider: a confirmed address links
// the first sign-in to the account that has it, the provider's subject
// then signs in to that account whatever address it sends; an address the
// provider does not confirm links nothing; a new confirmed address makes a
// member account; a forged ID token, a wrong state and a disabled account
// are refused.
func TestSingleSignOn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		p := newOIDCProvider(t)
		existing := s.addUser("aino@example.org", user.RoleOrgEditor, "varkaus")
		srv, err := web.New(s.app, web.Options{BaseURL: "http://tekotori.test", SSO: []web.SSOProvider{{Name: "testi", Label: "Testikunta",
			Issuer: p.srv.URL, ClientID: testClientID, ClientSecret: "salaisuus"}}})
		if err != nil {
			t.Fatal(err)
		}
		site := httptest.NewServer(srv.Handler())
		t.Cleanup(site.Close)
		sso := func() *client { c := s.client(); c.base = site.URL; return c }

		c := sso()
		mustContain(t, c.get("/login").body, `href="/login/sso/testi"`, "Kirjaudu: Testikunta")
		// A confirmed address links to its account.
		r := p.signInAs(c, map[string]any{"sub": "entra-1", "email": "Aino@Example.org", "email_verified": true, "name": "Aino"})
		wantStatus(t, r, http.StatusSeeOther)
		if r.loc != "/my" {
			t.Fatalf("after signing in: %s", r.loc)
		}
		page := c.get("/account")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "aino@example.org", "Varkaus", "Kirjautuminen muilla palveluilla", "testi – liitetty tiliin")
		mustContain(t, c.get("/account/data.json").body, `"provider": "testi"`)
		// The subject, not the address, names the account from then on.
		c2 := sso()
		wantStatus(t, p.signInAs(c2, map[string]any{"sub": "entra-1", "email": "aino.uusi@example.org", "email_verified": false}), http.StatusSeeOther)
		mustContain(t, c2.get("/account").body, "aino@example.org")

		// An unconfirmed address of an existing account links nothing.
		s.addUser("bertta@example.org", user.RoleAdmin, "")
		c3 := sso()
		r = p.signInAs(c3, map[string]any{"sub": "muu-1", "email": "bertta@example.org", "email_verified": false})
		wantStatus(t, r, http.StatusForbidden)
		mustContain(t, r.body, "Kirjautuminen ei onnistunut")
		wantStatus(t, c3.get("/account"), http.StatusSeeOther)

		// A new confirmed address gets a member account without an organisation.
		c4 := sso()
		wantStatus(t, p.signInAs(c4, map[string]any{"sub": "muu-2", "email": "cecilia@example.org", "email_verified": "true", "name": "Cecilia Uusi"}), http.StatusSeeOther)
		mustContain(t, c4.get("/account").body, "Cecilia Uusi", "cecilia@example.org")
		nu, err := s.app.Users.ByEmail(ctx, "cecilia@example.org")
		if err != nil || nu.Role != user.RoleMember || nu.OrgID != 0 || !nu.Verified() {
			t.Fatalf("the new account: %+v %v", nu, err)
		}

		// A token signed with a key the provider does not publish.
		p.mu.Lock()
		p.forge = true
		p.mu.Unlock()
		c5 := sso()
		wantStatus(t, p.signInAs(c5, map[string]any{"sub": "entra-1", "email": "aino@example.org", "email_verified": true}), http.StatusForbidden)
		wantStatus(t, c5.get("/account"), http.StatusSeeOther)
		p.mu.Lock()
		p.forge = false
		p.mu.Unlock()

		// A callback without the browser's state is refused.
		c6 := sso()
		wantStatus(t, c6.get("/login/sso/testi/callback?code=x&state=y"), http.StatusForbidden)
		c6.get("/login/sso/testi")
		wantStatus(t, c6.get("/login/sso/testi/callback?code=x&state=y"), http.StatusForbidden)
		wantStatus(t, c6.get("/account"), http.StatusSeeOther)

		// A disabled account is refused.
		admin := s.addUser("yllapito@example.org", user.RoleAdmin, "")
		if err := s.app.Users.Disable(ctx, admin, existing.ID, true); err != nil {
			t.Fatal(err)
		}
		c7 := sso()
		wantStatus(t, p.signInAs(c7, map[string]any{"sub": "entra-1", "email": "aino@example.org", "email_verified": true}), http.StatusForbidden)
		// Unknown providers are not found.
		wantStatus(t, c7.get("/login/sso/muu"), http.StatusNotFound)
	})
}
