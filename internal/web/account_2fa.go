package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/boombuler/barcode/qr"

	"github.com/tekotori/tekotori/internal/user"
)

// Two-factor sign-in: setting it up from the account page, the second step
// of signing in, and the rule that staff set it up first when the site
// requires it.

const challengeCookie = "tekotori_2fa"

// finishSignIn signs u in and sends them to next, or, when the account has
// a second factor, to the page that asks for it.
func (s *Server) finishSignIn(w http.ResponseWriter, r *http.Request, u *user.User, next string) {
	ctx := r.Context()
	on, err := s.app.Users.HasTOTP(ctx, u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if on {
		token, err := s.app.Users.StartChallenge(ctx, u.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: challengeCookie, Value: token, Path: "/login/2fa", MaxAge: 300, HttpOnly: true,
			SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
		http.Redirect(w, r, "/login/2fa?"+url.Values{"next": {next}}.Encode(), http.StatusSeeOther)
		return
	}
	if err := s.setSession(w, r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

type secondFactorPage struct {
	Next string
}

// loginSecondFactor asks for the code from the app or a recovery code.
func (s *Server) loginSecondFactor(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(challengeCookie)
	if err != nil || c.Value == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	v := s.newView(r, "totp.signin_title", nil)
	d := secondFactorPage{Next: r.FormValue("next")}
	v.Data = d
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "login_2fa", v)
		return
	}
	u, err := s.app.Users.CompleteChallenge(r.Context(), c.Value, r.PostFormValue("code"))
	switch {
	case errors.Is(err, user.ErrBadCode):
		v.setErrors(map[string]string{"code": "error.totp_wrong"}, nil)
		s.render(w, r, http.StatusUnprocessableEntity, "login_2fa", v)
		return
	case errors.Is(err, user.ErrChallengeGone):
		http.SetCookie(w, &http.Cookie{Name: challengeCookie, Path: "/login/2fa", MaxAge: -1})
		http.Redirect(w, r, "/login?msg=signin_expired", http.StatusSeeOther)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: challengeCookie, Path: "/login/2fa", MaxAge: -1})
	if err := s.setSession(w, r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, safeNext(d.Next), http.StatusSeeOther)
}

type twoFactorPage struct {
	On       bool
	Left     int
	Required bool
	Setup    *user.TOTPSetup
	QR       template.HTML
	Codes    []string
}

// accountTwoFactor shows the state of the second factor and its forms.
func (s *Server) accountTwoFactor(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	s.renderTwoFactor(w, r, u, http.StatusOK, nil, nil)
}

func (s *Server) renderTwoFactor(w http.ResponseWriter, r *http.Request, u *user.User, status int, errs map[string]string, codes []string) {
	ctx := r.Context()
	v := s.newView(r, "totp.title", nil)
	d := twoFactorPage{Codes: codes}
	var err error
	if d.On, err = s.app.Users.HasTOTP(ctx, u.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Required, err = s.app.Users.MustSetUpTwoFactor(ctx, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.On {
		if d.Left, err = s.app.Users.RecoveryCodesLeft(ctx, u.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
	} else {
		d.Setup, err = s.app.Users.PendingTOTP(ctx, u)
		if err != nil && !errors.Is(err, user.ErrNotFound) {
			s.serverError(w, r, err)
			return
		}
		if d.Setup != nil {
			if d.QR, err = qrSVG(d.Setup.URI, v.T("totp.qr_label")); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
	}
	if errs != nil {
		v.setErrors(errs, []string{"code", "totp_password"})
	}
	v.Data = d
	s.render(w, r, status, "account_2fa", v)
}

// accountTwoFactorSetup makes a new secret to scan.
func (s *Server) accountTwoFactorSetup(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if _, err := s.app.Users.BeginTOTP(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/2fa#confirm", http.StatusSeeOther)
}

// accountTwoFactorConfirm turns the second factor on with a first code and
// shows the recovery codes, once.
func (s *Server) accountTwoFactorConfirm(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	codes, err := s.app.Users.ConfirmTOTP(r.Context(), u, r.PostFormValue("code"))
	switch {
	case errors.Is(err, user.ErrBadCode):
		s.renderTwoFactor(w, r, u, http.StatusUnprocessableEntity, map[string]string{"code": "error.totp_wrong"}, nil)
		return
	case errors.Is(err, user.ErrNotFound):
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.renderTwoFactor(w, r, u, http.StatusOK, nil, codes)
}

// accountTwoFactorDisable turns the second factor off with the password.
func (s *Server) accountTwoFactorDisable(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	err := s.app.Users.DisableTOTP(r.Context(), u, r.PostFormValue("totp_password"))
	var fe user.FieldErrors
	if errors.As(err, &fe) {
		s.renderTwoFactor(w, r, u, http.StatusUnprocessableEntity, fe, nil)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/2fa?msg=totp_off", http.StatusSeeOther)
}

// requireTwoFactorSetup keeps staff who must use a second factor and have
// none on the pages that set it up, until they have.
func (s *Server) requireTwoFactorSetup(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := currentUser(r)
		p := r.URL.Path
		if u == nil || strings.HasPrefix(p, "/account/2fa") || p == "/logout" || strings.HasPrefix(p, "/static/") ||
			strings.HasPrefix(p, "/lang/") || strings.HasPrefix(p, "/api/") || p == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		must, err := s.app.Users.MustSetUpTwoFactor(r.Context(), u)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if must {
			http.Redirect(w, r, "/account/2fa?msg=totp_required", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// qrSVG draws text as a QR code in SVG, drawn here so that the secret goes
// to no outside service; label names it for screen readers.
func qrSVG(text, label string) (template.HTML, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("web: qr: %w", err)
	}
	n := code.Bounds().Dx()
	const quiet = 4
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="240" height="240" role="img" aria-label="%s" shape-rendering="crispEdges">`,
		n+2*quiet, n+2*quiet, template.HTMLEscapeString(label))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n+2*quiet, n+2*quiet)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if r, _, _, _ := code.At(x, y).RGBA(); r == 0 {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	// Only numbers and the escaped label are in it.
	return template.HTML(b.String()), nil
}
