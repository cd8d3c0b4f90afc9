package web

import (
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/media"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/user"
)

// formFieldOrder is the order the deed form shows its fields, for the
// error summary.
var formFieldOrder = []string{"title", "summary", "org", "unit", "municipality", "lang", "sector", "themes", "client_groups",
	"status", "year", "need", "solution", "results", "lessons", "adoption", "partners", "funding",
	"contact_name", "contact_title", "contact_email", "contact_phone", "links", "images", "attachments"}

// Uploads one client address, and one account, may make in an hour: a
// busy writer adds a few dozen images a day.
const (
	uploadsPerClientHour  = 300
	uploadsPerAccountHour = 200
)

// maxFormBytes bounds a whole deed form with its uploads.
const maxFormBytes = 12*media.MaxImageBytes + 4*media.MaxAttachmentBytes

type mediaRow struct {
	ID       int64
	Caption  string
	Filename string
	Size     int64
}

type deedFormData struct {
	Deed        *deed.Deed // nil for a new deed
	C           deed.Content
	YearRaw     string
	Orgs        []option
	Units       []option
	Places      []option
	Sectors     []option
	Themes      []option
	Groups      []option
	Statuses    []option
	Langs       []option
	Links       []deed.Link
	Images      []mediaRow
	Attachments []mediaRow
	Action      string
	Published   bool
	Live        bool
	Limits      map[string]int
	// Duplicates are published deeds that look like the same work.
	Duplicates []*deed.Deed
	// Confirm asks the author to confirm the deed is not one of them.
	Confirm bool
	// Resume carries a form kept over an expired session to its save.
	Resume string
}

// formExtras are what a form shown in special circumstances adds.
type formExtras struct {
	Resume string  // the kept form's token
	Kept   []int64 // the kept form's uploads, which have no owner yet
	// Confirm asks the author to confirm the deed is not one of the
	// published deeds it looks like.
	Confirm bool
	Notice  string // translation key of a notice above the form
}

// duplicatesShown is how many look-alike deeds the form warns about.
const duplicatesShown = 3

// duplicates finds published deeds that are probably the same work as c.
func (s *Server) duplicates(ctx context.Context, d *deed.Deed, c deed.Content) []*deed.Deed {
	if c.Title == "" || (d != nil && d.IsPublic()) {
		return nil
	}
	src := &search.Source{Lang: c.Lang, Title: c.Title, Summary: c.Summary, Body: []string{c.Need, c.Solution, c.Results}}
	if d != nil {
		src.DeedID = d.ID
	}
	return s.publicDeeds(ctx, s.app.Search.Duplicates(src, duplicatesShown))
}

// deedForm shows and handles the form for a new deed and for editing one.
func (s *Server) deedForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := currentUser(r)
	// A form posted after the session expired is kept before anything else:
	// a signed-out visitor may not even see the draft it edits.
	if u == nil && r.Method == http.MethodPost {
		s.stashForm(w, r)
		return
	}
	var d *deed.Deed
	if r.PathValue("id") != "" {
		id, ok := pathID(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		var err error
		if d, err = s.app.Deeds.Get(ctx, u, id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if u == nil {
		s.redirectToLogin(w, r, "")
		return
	}
	if d != nil && !deed.Can(u, deed.ActionEdit, d) {
		s.fail(w, r, deed.ErrForbidden)
		return
	}
	if r.Method == http.MethodGet {
		if token := r.URL.Query().Get("resume"); token != "" {
			s.resumeForm(w, r, d, token)
			return
		}
		c := deed.Content{Lang: "fi", OrgID: u.OrgID, Status: deed.Done}
		if d != nil {
			c = d.Content
			if d.Pending != nil {
				c = *d.Pending
			}
		}
		s.renderForm(w, r, http.StatusOK, d, c, yearString(c.Year), nil)
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
	if token := r.PostFormValue("resume"); token != "" {
		if err := s.claimStash(w, r, token); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.handleForm(w, r, d, r.Form, r.MultipartForm, r.PostFormValue("action"))
}

// handleForm saves or submits what was posted (or resumed after sign-in).
// Uploads are stored first, so that when anything else fails the form
// comes back with them in place.
func (s *Server) handleForm(w http.ResponseWriter, r *http.Request, d *deed.Deed, form url.Values, mp *multipart.Form, action string) {
	ctx := r.Context()
	u := currentUser(r)
	c, yearRaw, errs := contentFromForm(form)
	if mp != nil {
		for field, kind := range map[string]media.Kind{"image_upload": media.KindImage, "attachment_upload": media.KindAttachment} {
			target, limit, have := "images", deed.MaxImages, &c.Images
			if kind == media.KindAttachment {
				target, limit, have = "attachments", deed.MaxFiles, &c.Attachments
			}
			for _, fh := range mp.File[field] {
				// Files past what a deed may have are refused before they
				// are stored.
				if len(*have) >= limit {
					errs[target] = fmt.Sprintf("error.too_many|%d", limit)
					break
				}
				id, key := s.storeUpload(ctx, u, s.clientAddr(r), fh, kind)
				if key != "" {
					errs[target] = key
					continue
				}
				if kind == media.KindImage {
					c.Images = append(c.Images, deed.MediaRef{ID: id})
				} else {
					c.Attachments = append(c.Attachments, deed.MediaRef{ID: id, Caption: strings.TrimSuffix(fh.Filename, ".pdf")})
				}
			}
		}
	}
	if len(errs) > 0 {
		s.renderForm(w, r, http.StatusUnprocessableEntity, d, c, yearRaw, errs)
		return
	}
	var saved *deed.Deed
	var err error
	msg := "saved"
	switch {
	case action == "submit" && (d == nil || deed.Can(u, deed.ActionSubmit, d)):
		// The deed service checks the whole submission, the published deeds
		// it may repeat included, before it saves anything.
		var id int64
		if d != nil {
			id = d.ID
		}
		saved, err = s.app.Deeds.Send(ctx, u, id, c, deed.SubmitOptions{NotLookAlike: form.Get("not_duplicate") == "1"})
		msg = "submitted"
		var la *deed.LookAlikesError
		if errors.As(err, &la) {
			s.renderFormWith(w, r, http.StatusConflict, d, c, yearRaw, nil, formExtras{Notice: "flash.check_duplicates", Confirm: true})
			return
		}
	case d == nil:
		saved, err = s.app.Deeds.Create(ctx, u, c)
	default:
		saved, err = s.app.Deeds.Save(ctx, u, d.ID, c)
		if err == nil && saved.Pending != nil && saved.PendingState == "submitted" {
			msg = "edit_pending"
		}
	}
	var fe deed.FieldErrors
	if errors.As(err, &fe) {
		s.renderForm(w, r, http.StatusUnprocessableEntity, d, c, yearRaw, fe)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if msg == "submitted" || msg == "edit_pending" {
		http.Redirect(w, r, fmt.Sprintf("/deeds/%d/%s?msg=%s", saved.ID, saved.Slug, msg), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/deeds/%d/edit?msg=%s", saved.ID, msg), http.StatusSeeOther)
}

// storeUpload validates one uploaded file by its content and keeps it; it
// returns the translation key of the problem instead when it is refused.
func (s *Server) storeUpload(ctx context.Context, u *user.User, client string, fh *multipart.FileHeader, kind media.Kind) (int64, string) {
	if fh.Size == 0 && fh.Filename == "" {
		return 0, ""
	}
	// Uploads are counted per client address and per account, across
	// nodes, before they are read.
	limits := []namedLimit{{"upload-client:" + client, uploadsPerClientHour}}
	if u != nil {
		limits = append(limits, namedLimit{"upload-account:" + strconv.FormatInt(u.ID, 10), uploadsPerAccountHour})
	}
	for _, l := range limits {
		d, err := s.app.Limits.Allow(ctx, l.name, l.limit, time.Hour)
		if err != nil {
			s.log.ErrorContext(ctx, "upload limit", "err", err)
			return 0, "error.upload_failed"
		}
		if !d.Allowed {
			s.log.WarnContext(ctx, "uploads over the limit", "limit", l.name)
			return 0, "error.upload_limit"
		}
	}
	f, err := fh.Open()
	if err != nil {
		return 0, "error.upload_corrupt"
	}
	defer f.Close()
	var mf *media.File
	if kind == media.KindImage {
		select {
		case s.decodes <- struct{}{}:
		case <-ctx.Done():
			return 0, "error.upload_failed"
		}
		mf, err = media.ReadImage(f, media.MaxImageBytes)
		<-s.decodes
	} else {
		mf, err = media.ReadAttachment(f, media.MaxAttachmentBytes)
	}
	if err != nil {
		return 0, uploadErrorKey(err, kind, fh.Filename)
	}
	id, err := s.app.Deeds.StoreUpload(ctx, u, mf, fh.Filename)
	if err != nil {
		s.log.ErrorContext(ctx, "store upload", "err", err)
		return 0, "error.upload_failed"
	}
	return id, ""
}

func uploadErrorKey(err error, kind media.Kind, name string) string {
	limit := media.MaxImageBytes
	if kind == media.KindAttachment {
		limit = media.MaxAttachmentBytes
	}
	switch {
	case errors.Is(err, media.ErrTooLarge):
		return fmt.Sprintf("error.upload_too_large|%d", limit>>20)
	case errors.Is(err, media.ErrUnsupported):
		if kind == media.KindImage {
			return "error.upload_not_image"
		}
		return "error.upload_not_pdf"
	case errors.Is(err, media.ErrTooManyPixels):
		return "error.upload_too_many_pixels"
	case errors.Is(err, media.ErrEmpty):
		return "error.upload_empty"
	default:
		return "error.upload_corrupt"
	}
}

// contentFromForm reads the posted fields. Problems that only the form can
// have (a year that is not a number) are returned beside the content.
func contentFromForm(form url.Values) (deed.Content, string, deed.FieldErrors) {
	errs := deed.FieldErrors{}
	c := deed.Content{
		Lang: form.Get("lang"), Title: form.Get("title"), Summary: form.Get("summary"),
		Municipality: form.Get("municipality"), Sector: form.Get("sector"),
		Themes: form["themes"], ClientGroups: form["client_groups"], Status: deed.Status(form.Get("status")),
		Need: form.Get("need"), Solution: form.Get("solution"), Results: form.Get("results"), Lessons: form.Get("lessons"),
		Adoption: form.Get("adoption"), Partners: form.Get("partners"), Funding: form.Get("funding"),
		Contact: deed.Contact{Name: form.Get("contact_name"), Title: form.Get("contact_title"), Email: form.Get("contact_email"),
			Phone: form.Get("contact_phone"), Public: form.Get("contact_public") == "1"},
	}
	if v := strings.TrimSpace(form.Get("org")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs["org"] = "error.choice_invalid"
		}
		c.OrgID = id
	}
	if v := strings.TrimSpace(form.Get("unit")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs["unit"] = "error.choice_invalid"
		}
		c.UnitID = id
	}
	yearRaw := strings.TrimSpace(form.Get("year"))
	if yearRaw != "" {
		y, err := strconv.Atoi(yearRaw)
		if err != nil {
			errs["year"] = "error.number"
		}
		c.Year = y
	}
	urls, titles, kinds := form["link_url"], form["link_title"], form["link_kind"]
	for i := range urls {
		l := deed.Link{URL: urls[i]}
		if i < len(titles) {
			l.Title = titles[i]
		}
		if i < len(kinds) {
			l.Kind = kinds[i]
		}
		c.Links = append(c.Links, l)
	}
	c.Images = mediaFromForm(form, "image", errs, "images")
	c.Attachments = mediaFromForm(form, "attachment", errs, "attachments")
	return c, yearRaw, errs
}

// mediaFromForm reads the kept uploads: ids with captions, less those the
// person ticked for removal.
func mediaFromForm(form url.Values, prefix string, errs deed.FieldErrors, field string) []deed.MediaRef {
	ids, captions := form[prefix+"_id"], form[prefix+"_caption"]
	remove := map[string]bool{}
	for _, v := range form[prefix+"_remove"] {
		remove[v] = true
	}
	var out []deed.MediaRef
	for i, raw := range ids {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			errs[field] = "error.choice_invalid"
			continue
		}
		if remove[raw] {
			continue
		}
		m := deed.MediaRef{ID: id}
		if i < len(captions) {
			m.Caption = captions[i]
		}
		out = append(out, m)
	}
	return out
}

func yearString(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, d *deed.Deed, c deed.Content, yearRaw string, errs map[string]string) {
	s.renderFormWith(w, r, status, d, c, yearRaw, errs, formExtras{})
}

func (s *Server) renderFormWith(w http.ResponseWriter, r *http.Request, status int, d *deed.Deed, c deed.Content, yearRaw string, errs map[string]string, x formExtras) {
	ctx := r.Context()
	u := currentUser(r)
	title := "form.new_title"
	if d != nil {
		title = "form.edit_title"
	}
	v := s.newView(r, title, nil)
	fd := deedFormData{Deed: d, C: c, YearRaw: yearRaw, Action: "/deeds/new",
		Limits: map[string]int{"title": deed.MaxTitle, "summary": deed.MaxSummary}}
	if d != nil {
		fd.Action = fmt.Sprintf("/deeds/%d/edit", d.ID)
	}
	fd.Published = d != nil && d.State == deed.Published
	if fd.Published {
		live, err := s.app.Deeds.EditsGoLive(ctx)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		fd.Live = live || u.IsModerator()
	}
	vocab, err := s.app.Terms.All(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	termOpts := func(k taxonomy.Kind, selected []string) []option {
		var out []option
		for _, t := range vocab.Terms(k, false) {
			out = append(out, option{Value: t.Slug, Label: t.Label.In(v.Lang), Selected: contains(selected, t.Slug)})
		}
		return out
	}
	fd.Sectors = termOpts(taxonomy.Sector, []string{c.Sector})
	fd.Themes = termOpts(taxonomy.Theme, c.Themes)
	fd.Groups = termOpts(taxonomy.ClientGroup, c.ClientGroups)
	for _, st := range deed.Statuses() {
		fd.Statuses = append(fd.Statuses, option{Value: string(st), Label: v.StatusLabel(st), Selected: c.Status == st})
	}
	for _, l := range deed.Languages() {
		fd.Langs = append(fd.Langs, option{Value: l, Label: v.ContentLang(l), Selected: c.Lang == l})
	}
	// Members write for their own organisation; moderators choose any.
	var orgs []org.Org
	if u.IsModerator() {
		if orgs, err = s.app.Orgs.List(ctx, org.ListFilter{}); err != nil {
			s.serverError(w, r, err)
			return
		}
	} else {
		for _, id := range []int64{u.OrgID, c.OrgID} {
			if id == 0 || (len(orgs) > 0 && orgs[0].ID == id) {
				continue
			}
			o, err := s.app.Orgs.Get(ctx, id)
			if err == nil {
				orgs = append(orgs, *o)
			}
		}
	}
	for _, o := range orgs {
		fd.Orgs = append(fd.Orgs, option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name.In(v.Lang), Selected: o.ID == c.OrgID})
	}
	if c.OrgID != 0 {
		units, err := s.app.Orgs.Units(ctx, c.OrgID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, un := range units {
			fd.Units = append(fd.Units, option{Value: strconv.FormatInt(un.ID, 10), Label: un.Name, Selected: un.ID == c.UnitID})
		}
	}
	places, err := s.app.Orgs.Municipalities(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, p := range places {
		fd.Places = append(fd.Places, option{Value: p.Code, Label: p.Name.In(v.Lang), Selected: p.Code == c.Municipality})
	}
	fd.Duplicates = s.duplicates(ctx, d, c)
	fd.Confirm = len(fd.Duplicates) > 0 && x.Confirm
	fd.Links = append(append([]deed.Link{}, c.Links...), deed.Link{}, deed.Link{})
	var ids []int64
	for _, m := range append(append([]deed.MediaRef{}, c.Images...), c.Attachments...) {
		ids = append(ids, m.ID)
	}
	var deedID int64
	if d != nil {
		deedID = d.ID
	}
	info, err := s.app.Deeds.MediaInfo(ctx, u, deedID, ids, x.Kept)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// An id the form may not show (someone else's upload) gets no row.
	for _, m := range c.Images {
		if mi, ok := info[m.ID]; ok {
			fd.Images = append(fd.Images, mediaRow{ID: m.ID, Caption: m.Caption, Filename: mi.Filename, Size: mi.Size})
		}
	}
	for _, m := range c.Attachments {
		if mi, ok := info[m.ID]; ok {
			fd.Attachments = append(fd.Attachments, mediaRow{ID: m.ID, Caption: m.Caption, Filename: mi.Filename, Size: mi.Size})
		}
	}
	if errs != nil {
		v.setErrors(errs, formFieldOrder)
	}
	fd.Resume = x.Resume
	if x.Notice != "" {
		v.Notice = v.T(x.Notice)
	}
	v.Data = fd
	s.render(w, r, status, "deedform", v)
}
