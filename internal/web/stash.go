package web

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/media"
	"github.com/tekotori/tekotori/internal/store"
)

// A form posted after its session expired is kept here, uploads and all,
// until the person signs in again; then it is saved as they left it.
type stashed struct {
	Form    url.Values `json:"form"`
	Action  string     `json:"action"`
	Images  []int64    `json:"images"`
	Files   []int64    `json:"files"`
	Refused []string   `json:"refused"`
}

// stashLifetime is how long a kept form waits for its author to sign in.
const stashLifetime = 24 * time.Hour

func (s *Server) stashForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.badRequest(w, r)
		return
	}
	st := stashed{Form: r.PostForm, Action: r.PostForm.Get("action")}
	if mp := r.MultipartForm; mp != nil {
		for field, kind := range map[string]media.Kind{"image_upload": media.KindImage, "attachment_upload": media.KindAttachment} {
			for _, fh := range mp.File[field] {
				id, key := s.storeUpload(ctx, nil, fh, kind)
				switch {
				case key != "":
					st.Refused = append(st.Refused, key)
				case id == 0:
				case kind == media.KindImage:
					st.Images = append(st.Images, id)
				default:
					st.Files = append(st.Files, id)
				}
			}
		}
	}
	body, err := json.Marshal(st)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		s.serverError(w, r, err)
		return
	}
	token := hex.EncodeToString(b)
	now := store.Now()
	db := s.app.DB
	if _, err := db.Exec(ctx, `DELETE FROM form_stash WHERE created_at < ?`, now.Add(-stashLifetime)); err != nil {
		s.log.Warn("purge form stash", "err", err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO form_stash (token, path, data, created_at) VALUES (?, ?, ?, ?)`, token, r.URL.Path, string(body), now); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.redirectToLogin(w, r, token)
}

// resumeForm saves a kept form for the person who has just signed in.
func (s *Server) resumeForm(w http.ResponseWriter, r *http.Request, d *deed.Deed, token string) {
	ctx := r.Context()
	u := currentUser(r)
	var path, body string
	err := s.app.DB.QueryRow(ctx, `SELECT path, data FROM form_stash WHERE token = ? AND created_at > ?`, token, store.Now().Add(-stashLifetime)).Scan(&path, &body)
	if err != nil || path != r.URL.Path {
		http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
		return
	}
	var st stashed
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		s.serverError(w, r, fmt.Errorf("web: stash: %w", err))
		return
	}
	if err := s.app.Deeds.ClaimUploads(ctx, u, append(append([]int64{}, st.Images...), st.Files...)); err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, err := s.app.DB.Exec(ctx, `DELETE FROM form_stash WHERE token = ?`, token); err != nil {
		s.serverError(w, r, err)
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
	// The person meant to save or send; saving keeps the work and lets them
	// look it over before sending it to moderation.
	s.handleForm(w, r, d, form, nil, "save")
}
