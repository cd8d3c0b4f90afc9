package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/user"
)

type accountData struct {
	Email, Name, Next, Resume string
	OrgID                     int64
	Orgs                      []option
	SSO                       []ssoButton
}

func (s *Server) setSession(w http.ResponseWriter, r *http.Request, u *user.User) error {
	token, expires, err := s.app.Users.CreateSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: expires, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
	return nil
}

// afterSignIn sends the person back where they were going, carrying a
// kept form along.
func afterSignIn(next, resume string) string {
	next = safeNext(next)
	if resume == "" {
		return next
	}
	sep := "?"
	if strings.Contains(next, "?") {
		sep = "&"
	}
	return next + sep + url.Values{"resume": {resume}}.Encode()
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "login.title", nil)
	d := accountData{Next: r.FormValue("next"), Resume: r.FormValue("resume"), SSO: s.ssoButtons()}
	if r.Method == http.MethodGet {
		if d.Resume != "" {
			v.Notice = v.T("login.resume_notice")
		}
		v.Data = d
		s.render(w, r, http.StatusOK, "login", v)
		return
	}
	d.Email = r.PostFormValue("email")
	u, err := s.app.Users.SignIn(r.Context(), d.Email, r.PostFormValue("password"), s.clientAddr(r))
	var throttled *user.ThrottledError
	if errors.As(err, &throttled) {
		s.log.WarnContext(r.Context(), "sign-in throttled", "client", s.clientAddr(r), "wait", throttled.Wait)
		secs := int(max(throttled.Wait, time.Second).Round(time.Second) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		v.setErrors(map[string]string{"email": "error.signin_throttled|" + waitText(v, secs)}, nil)
		v.Data = d
		s.render(w, r, http.StatusTooManyRequests, "login", v)
		return
	}
	if errors.Is(err, user.ErrUnverified) {
		// The right password, but the address is not confirmed: a new link
		// goes out (within the mail limits) and the page says so.
		if !s.allowMail(w, r, u.Email) {
			return
		}
		if err := s.app.Users.SendLink(r.Context(), u, user.PurposeVerify, s.linkMail(u.Lang, "verify")); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.notice(w, r, "verify.pending_title", "verify.pending_text", u.Email)
		return
	}
	if errors.Is(err, user.ErrBadCredentials) {
		v.setErrors(map[string]string{"email": "error.bad_credentials"}, nil)
		v.Data = d
		s.render(w, r, http.StatusUnauthorized, "login", v)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.finishSignIn(w, r, u, afterSignIn(d.Next, d.Resume))
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.app.Users.DeleteSession(r.Context(), c.Value); err != nil {
			s.log.WarnContext(r.Context(), "delete session", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
	http.Redirect(w, r, "/?msg=signed_out", http.StatusSeeOther)
}

// registrationsPerHour is how many accounts one client address may start
// in an hour: an office behind one address registers a few at once.
const registrationsPerHour = 10

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := s.newView(r, "register.title", nil)
	d := accountData{Next: r.FormValue("next")}
	var errs user.FieldErrors
	if r.Method == http.MethodPost {
		d.Email, d.Name = r.PostFormValue("email"), r.PostFormValue("name")
		d.OrgID, _ = strconv.ParseInt(r.PostFormValue("org"), 10, 64)
		in := user.NewUser{Email: d.Email, Name: d.Name, Password: r.PostFormValue("password"), Role: user.RoleMember, OrgID: d.OrgID, Lang: v.Lang}
		if d.OrgID == 0 {
			errs = user.FieldErrors{"org": "error.required"}
		}
		if r.PostFormValue("password") != r.PostFormValue("password2") {
			if errs == nil {
				errs = user.FieldErrors{}
			}
			errs["password2"] = "error.password_mismatch"
		}
		if errs == nil {
			dec, err := s.app.Limits.Allow(ctx, "register:"+s.clientAddr(r), registrationsPerHour, time.Hour)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			if !dec.Allowed {
				s.log.WarnContext(r.Context(), "registrations over the limit", "client", s.clientAddr(r))
				s.tooMany(w, r, dec.RetryAfter)
				return
			}
			err = s.app.Users.Register(user.WithClient(ctx, s.clientAddr(r)), in, user.RegisterMails{
				Confirm: s.linkMail(v.Lang, "verify"), Exists: s.linkMail(v.Lang, "exists")})
			if errors.As(err, &errs) {
				// shown below
			} else if err != nil {
				s.serverError(w, r, err)
				return
			} else {
				// The same answer whether the address was new or not.
				s.notice(w, r, "verify.pending_title", "verify.pending_text", d.Email)
				return
			}
		}
	}
	orgs, err := s.app.Orgs.List(ctx, org.ListFilter{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name.In(v.Lang), Selected: o.ID == d.OrgID})
	}
	status := http.StatusOK
	if m, ok := errs["org_id"]; ok {
		errs["org"] = m
		delete(errs, "org_id")
	}
	if errs != nil {
		v.setErrors(errs, []string{"email", "name", "org", "password", "password2"})
		status = http.StatusUnprocessableEntity
	}
	v.Data = d
	s.render(w, r, status, "register", v)
}
