package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/housekeeping"
	"github.com/tekotori/tekotori/internal/media"
	"github.com/tekotori/tekotori/internal/store"
)

// A form posted after its session expired is kept here, uploads and all,
// until the person signs in again; then it is shown to them filled in, to
// look over and save. The kept form belongs to the browser that posted it:
// its token is in a cookie as well as in the link, so a link alone (sent
// by someone else) brings nothing back, and nothing is saved by a GET.
type stashed struct {
	Form    url.Values `json:"form"`
	Action  string     `json:"action"`
	Images  []int64    `json:"images"`
	Files   []int64    `json:"files"`
	Refused []string   `json:"refused"`
}

// stashLifetime is how long a kept form waits for its author to sign in.
const stashLifetime = 24 * time.Hour

// stashCookie names the browser's claim on the form it left.
const stashCookie = "tekotori_stash"

// keptFormsPerHour is how many forms one client address may leave behind
// signed out in an hour: a person whose session expired needs one or two.
const keptFormsPerHour = 10

func (s *Server) stashForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	dec, err := s.app.Limits.Allow(ctx, "kept-form:"+s.clientAddr(r), keptFormsPerHour, time.Hour)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !dec.Allowed {
		s.log.WarnContext(r.Context(), "kept forms over the limit", "client", s.clientAddr(r), "path", r.URL.Path)
		s.tooMany(w, r, dec.RetryAfter)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	cleanMultipartHeaders(r)
	if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderError(w, r, http.StatusRequestEntityTooLarge, s.newView(r, "error.form_too_large_title", nil), "error.form_too_large_text")
			return
		}
		s.badRequest(w, r)
		return
	}
	st := stashed{Form: r.PostForm, Action: r.PostForm.Get("action")}
	if mp := r.MultipartForm; mp != nil {
		// No more files are kept than a deed can have; the rest are refused
		// unread, so a signed-out post cannot fill the database.
		for field, kind := range map[string]media.Kind{"image_upload": media.KindImage, "attachment_upload": media.KindAttachment} {
			limit := deed.MaxImages
			if kind == media.KindAttachment {
				limit = deed.MaxFiles
			}
			kept := 0
			for _, fh := range mp.File[field] {
				if kept >= limit {
					st.Refused = append(st.Refused, fmt.Sprintf("error.too_many|%d", limit))
					break
				}
				id, key := s.storeUpload(ctx, nil, s.clientAddr(r), fh, kind)
				switch {
				case key != "":
					st.Refused = append(st.Refused, key)
				case id == 0:
				case kind == media.KindImage:
					st.Images = append(st.Images, id)
					kept++
				default:
					st.Files = append(st.Files, id)
					kept++
				}
			}
		}
	}
	token, err := s.keep(w, r, r.URL.Path, st)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.redirectToLogin(w, r, token)
}

// keep stores a kept form for target under a new token, which the
// browser's cookie also carries, and returns the token.
func (s *Server) keep(w http.ResponseWriter, r *http.Request, target string, st stashed) (string, error) {
	body, err := json.Marshal(st)
	if err != nil {
		return "", fmt.Errorf("web: keep form: %w", err)
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("web: keep form: %w", err)
	}
	token := hex.EncodeToString(b)
	if _, err := s.app.DB.Exec(r.Context(), `INSERT INTO form_stash (token, path, data, created_at) VALUES (?, ?, ?, ?)`,
		token, target, string(body), store.Now()); err != nil {
		return "", fmt.Errorf("web: keep form: %w", err)
	}
	http.SetCookie(w, &http.Cookie{Name: stashCookie, Value: token, Path: "/", MaxAge: int(stashLifetime / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
	return token, nil
}

// loadStash finds the form this browser kept for this page under token;
// nil when there is none (used, expired, another page's or another
// browser's).
func (s *Server) loadStash(r *http.Request, token string) (*stashed, error) {
	c, err := r.Cookie(stashCookie)
	if err != nil || token == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(token)) != 1 {
		return nil, nil
	}
	var path, body string
	err = s.app.DB.QueryRow(r.Context(), `SELECT path, data FROM form_stash WHERE token = ? AND created_at > ?`,
		token, store.Now().Add(-stashLifetime)).Scan(&path, &body)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && path != r.URL.Path) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("web: stash: %w", err)
	}
	var st stashed
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		return nil, fmt.Errorf("web: stash: %w", err)
	}
	return &st, nil
}

// resumeForm shows a kept form, filled in as it was left, for the person
// who has just signed in to look over and save; nothing is saved yet.
func (s *Server) resumeForm(w http.ResponseWriter, r *http.Request, d *deed.Deed, token string) {
	st, err := s.loadStash(r, token)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if st == nil {
		http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
		return
	}
	form := st.Form
	if form == nil {
		form = url.Values{}
	}
	for _, id := range st.Images {
		form.Add("image_id", strconv.FormatInt(id, 10))
		form.Add("image_caption", "")
	}
	for _, id := range st.Files {
		form.Add("attachment_id", strconv.FormatInt(id, 10))
		form.Add("attachment_caption", "")
	}
	c, yearRaw, errs := contentFromForm(form)
	for _, key := range st.Refused {
		errs["images"] = key
	}
	if len(errs) == 0 {
		errs = nil
	}
	s.renderFormWith(w, r, http.StatusOK, d, c, yearRaw, errs, formExtras{Resume: token, Notice: "form.resume_check",
		Kept: append(append([]int64{}, st.Images...), st.Files...)})
}

// claimStash makes the kept form's uploads the signed-in person's once
// they save it from the same browser, and forgets the kept form.
func (s *Server) claimStash(w http.ResponseWriter, r *http.Request, token string) error {
	st, err := s.loadStash(r, token)
	if err != nil || st == nil {
		return err
	}
	ctx := r.Context()
	if err := s.app.Deeds.ClaimUploads(ctx, currentUser(r), append(append([]int64{}, st.Images...), st.Files...)); err != nil {
		return err
	}
	if _, err := s.app.DB.Exec(ctx, `DELETE FROM form_stash WHERE token = ?`, token); err != nil {
		return fmt.Errorf("web: stash: %w", err)
	}
	http.SetCookie(w, &http.Cookie{Name: stashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
	return nil
}

// HousekeepingJobs are the web layer's periodic clean-ups: kept forms
// nobody came back for.
func (s *Server) HousekeepingJobs() []housekeeping.Job {
	return []housekeeping.Job{{Name: "kept-forms", Every: time.Hour, Run: func(ctx context.Context) (string, error) {
		res, err := s.app.DB.Exec(ctx, `DELETE FROM form_stash WHERE created_at < ?`, store.Now().Add(-stashLifetime))
		if err != nil {
			return "", fmt.Errorf("web: purge kept forms: %w", err)
		}
		n, err := res.RowsAffected()
		return strconv.FormatInt(n, 10), err
	}}}
}

// keepPost keeps a form of any page posted signed out (the deed form has
// its own, with uploads): the values as posted, for /resume to offer.
func (s *Server) keepPost(w http.ResponseWriter, r *http.Request) (string, error) {
	// Passwords are not kept: the person types them again.
	form := url.Values{}
	for k, vs := range r.PostForm {
		if !strings.Contains(k, "password") {
			form[k] = vs
		}
	}
	target := r.URL.Path
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	return s.keep(w, r, target, stashed{Form: form, Action: "repost"})
}

type resumePage struct {
	Action string
	Fields []resumeField
}

type resumeField struct{ Name, Value string }

// resumePost offers a kept form to be sent again, to the person signed in
// in the browser that posted it: a page with the values in hidden fields
// and one button. Opening it sends nothing.
func (s *Server) resumePost(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if currentUser(r) == nil {
		s.redirectToLogin(w, r, "")
		return
	}
	c, err := r.Cookie(stashCookie)
	if err != nil || token == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(token)) != 1 {
		s.renderError(w, r, http.StatusNotFound, s.newView(r, "resume.gone_title", nil), "resume.gone_text")
		return
	}
	var target, body string
	err = s.app.DB.QueryRow(r.Context(), `SELECT path, data FROM form_stash WHERE token = ? AND created_at > ?`,
		token, store.Now().Add(-stashLifetime)).Scan(&target, &body)
	if errors.Is(err, sql.ErrNoRows) {
		s.renderError(w, r, http.StatusNotFound, s.newView(r, "resume.gone_title", nil), "resume.gone_text")
		return
	}
	if err != nil {
		s.serverError(w, r, fmt.Errorf("web: kept form: %w", err))
		return
	}
	var st stashed
	if err := json.Unmarshal([]byte(body), &st); err != nil || st.Action != "repost" {
		s.renderError(w, r, http.StatusNotFound, s.newView(r, "resume.gone_title", nil), "resume.gone_text")
		return
	}
	d := resumePage{Action: safeNext(target)}
	for _, k := range slices.Sorted(maps.Keys(st.Form)) {
		for _, v := range st.Form[k] {
			d.Fields = append(d.Fields, resumeField{k, v})
		}
	}
	v := s.newView(r, "resume.title", nil)
	v.Data = d
	s.render(w, r, http.StatusOK, "resume", v)
}
