package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/tekotori/tekotori/internal/user"
)

// The pages behind the one-time links the site mails: confirming a new
// address, resetting a forgotten password, and signing in without one.
// Opening a link (a GET) only shows a page; its button (a POST) acts, so a
// mail scanner that follows links uses nothing up.

type linkPage struct {
	Text, Action, Button, Token, Email string
}

// Requests that send mail are limited per client address and per address
// written in the form, so the site cannot be made to flood a mailbox.
const (
	mailRequestsPerClient  = 10
	mailRequestsPerAddress = 3
)

// linkMail writes the mail of one kind of link in lang.
func (s *Server) linkMail(lang, kind string) user.Mail {
	return func(u *user.User, path string) (string, string) {
		body := s.cat.T(lang, "mail."+kind+".body", u.Name) + "\n\n" + path + "\n\n" + s.cat.T(lang, "mail."+kind+".footer")
		return s.cat.T(lang, "mail."+kind+".subject"), body
	}
}

// allowMail counts a request that would send mail; false means it was
// answered already (429).
func (s *Server) allowMail(w http.ResponseWriter, r *http.Request, email string) bool {
	ctx := r.Context()
	for _, k := range []namedLimit{{"mail-client:" + s.clientAddr(r), mailRequestsPerClient}, {"mail-address:" + user.NormalizeEmail(email), mailRequestsPerAddress}} {
		d, err := s.app.Limits.Allow(ctx, k.name, k.limit, time.Hour)
		if err != nil {
			s.serverError(w, r, err)
			return false
		}
		if !d.Allowed {
			s.log.WarnContext(r.Context(), "mail requests over the limit", "limit", k.name)
			s.tooMany(w, r, d.RetryAfter)
			return false
		}
	}
	return true
}

func (s *Server) notice(w http.ResponseWriter, r *http.Request, title, text string, args ...any) {
	v := s.newView(r, title, nil)
	v.Data = v.T(text, args...)
	s.render(w, r, http.StatusOK, "notice", v)
}

// verifyEmail shows and uses the link that confirms a new account's
// address; using it signs the person in.
func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) {
	s.linkStep(w, r, user.PurposeVerify, "verify.title", "verify.text", "verify.submit", "/account/verify", "/account?msg=verified")
}

// signInLink asks for an address to mail a sign-in link to, and shows and
// uses such links.
func (s *Server) signInLink(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("token") != "" {
		s.linkStep(w, r, user.PurposeSignIn, "link.title", "link.text", "link.submit", "/login/link", "/")
		return
	}
	s.emailStep(w, r, "link.request_title", "link.request_text", "link.request_submit", "/login/link", func(email string) error {
		return s.app.Users.SendSignInLink(r.Context(), email, s.linkMail(lang(r), "signin"))
	})
}

// resetRequest asks for the address to mail a password reset link to.
func (s *Server) resetRequest(w http.ResponseWriter, r *http.Request) {
	s.emailStep(w, r, "reset.request_title", "reset.request_text", "reset.request_submit", "/account/reset", func(email string) error {
		return s.app.Users.SendResetLink(r.Context(), email, s.linkMail(lang(r), "reset"))
	})
}

// emailStep is a form with one address: posted, it sends a mail if the
// address has an account and answers the same either way.
func (s *Server) emailStep(w http.ResponseWriter, r *http.Request, title, text, button, action string, send func(email string) error) {
	v := s.newView(r, title, nil)
	d := linkPage{Text: v.T(text), Button: v.T(button), Action: action}
	if r.Method == http.MethodPost {
		d.Email = r.PostFormValue("email")
		if problem := user.EmailProblem(d.Email); problem != "" {
			v.setErrors(map[string]string{"email": problem}, nil)
			v.Data = d
			s.render(w, r, http.StatusUnprocessableEntity, "account_email", v)
			return
		}
		if !s.allowMail(w, r, d.Email) {
			return
		}
		if err := send(d.Email); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.notice(w, r, "mail_sent.title", "mail_sent.text", d.Email)
		return
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "account_email", v)
}

// linkStep shows the page of a link (GET) and uses it (POST).
func (s *Server) linkStep(w http.ResponseWriter, r *http.Request, p user.Purpose, title, text, button, action, next string) {
	ctx := r.Context()
	token := r.FormValue("token")
	if r.Method == http.MethodGet {
		if _, err := s.app.Users.LinkUser(ctx, token, p); err != nil {
			s.badLink(w, r, err)
			return
		}
		v := s.newView(r, title, nil)
		v.Data = linkPage{Text: v.T(text), Button: v.T(button), Action: action, Token: token}
		s.render(w, r, http.StatusOK, "account_link", v)
		return
	}
	u, err := s.app.Users.UseLink(ctx, token, p)
	if err != nil {
		s.badLink(w, r, err)
		return
	}
	s.finishSignIn(w, r, u, next)
}

func (s *Server) badLink(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, user.ErrTokenInvalid) {
		s.renderError(w, r, http.StatusNotFound, s.newView(r, "link.invalid_title", nil), "link.invalid_text")
		return
	}
	s.serverError(w, r, err)
}

// resetConfirm shows the new-password form of a reset link and sets it.
func (s *Server) resetConfirm(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "reset.title", nil)
	v.Data = linkPage{Token: r.FormValue("token")}
	s.passwordLink(w, r, v, user.PurposeReset, s.app.Users.ResetPassword, "/?msg=password_reset")
}

// passwordLink is the page of a link that lets its person choose a
// password (a reset, an invitation): the form on GET, and on POST the
// password set through set, after which the person is signed in and sent
// to next. The password rules are checked before the link is used, so a
// refused password leaves the link working for the next try.
func (s *Server) passwordLink(w http.ResponseWriter, r *http.Request, v *view, p user.Purpose,
	set func(ctx context.Context, token, password string) (*user.User, error), next string) {
	ctx := r.Context()
	token := r.FormValue("token")
	if r.Method == http.MethodGet {
		if _, err := s.app.Users.LinkUser(ctx, token, p); err != nil {
			s.badLink(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, "account_reset", v)
		return
	}
	pw := r.PostFormValue("password")
	errs := map[string]string{}
	if pw != r.PostFormValue("password2") {
		errs["password2"] = "error.password_mismatch"
	}
	var u *user.User
	var err error
	if len(errs) == 0 {
		u, err = set(ctx, token, pw)
	}
	var fe user.FieldErrors
	if errors.As(err, &fe) {
		for k, m := range fe {
			errs[k] = m
		}
	} else if err != nil {
		s.badLink(w, r, err)
		return
	}
	if len(errs) > 0 {
		v.setErrors(errs, []string{"password", "password2"})
		s.render(w, r, http.StatusUnprocessableEntity, "account_reset", v)
		return
	}
	s.finishSignIn(w, r, u, next)
}
