package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/user"
)

type templates struct {
	pages map[string]*template.Template
}

func parseTemplates(fsys fs.FS, cat *i18n.Catalog) (*templates, error) {
	funcs := template.FuncMap{
		"paras":    paragraphs,
		"date":     func(lang string, t time.Time) string { return timeFormat{lang}.Date(t) },
		"datePtr":  func(lang string, t *time.Time) string { return timeFormat{lang}.DatePtr(t) },
		"dateTime": func(lang string, t time.Time) string { return timeFormat{lang}.Time(t) },
		"join":     strings.Join,
		"add":      func(a, b int) int { return a + b },
		"contains": func(list []string, v string) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		},
		"kb":         func(n int64) string { return fmt.Sprintf("%.0f kB", float64(n)/1024) },
		"card":       func(d *deed.Deed, v *view) cardData { return cardData{D: d, V: v} },
		"field":      newFormField,
		"checks":     newCheckGroup,
		"termForm":   func(v *view, f taxonomy.Input) termFormData { return termFormData{V: v, F: f} },
		"orgForm":    func(v *view, d orgFormData) orgFormView { return orgFormView{V: v, D: d} },
		"ringFields": func(v *view, f ringForm) ringFieldsView { return ringFieldsView{V: v, Form: f} },
	}
	base, err := template.New("base").Funcs(funcs).ParseFS(fsys, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	files, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		clone, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := clone.ParseFS(fsys, f); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", f, err)
		}
		t.pages[name] = clone
	}
	return t, nil
}

// paragraphs turns plain text into escaped paragraphs, keeping the author's
// line breaks.
func paragraphs(s string) template.HTML {
	var b strings.Builder
	for _, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		lines := strings.Split(p, "\n")
		for i, l := range lines {
			lines[i] = template.HTMLEscapeString(l)
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>") + "</p>")
	}
	return template.HTML(b.String())
}

// view is what every page template gets: the request's language and user,
// a translator, and the page's own data.
type view struct {
	Lang      string
	User      *user.User
	Path      string
	Query     string
	Title     string
	Notice    string
	Errors    map[string]string // field -> translated message
	ErrorList []fieldError      // the same, in form order, for the summary
	Data      any
	// Head, when set, describes the page to search engines and previews.
	Head *pageHead
	cat  *i18n.Catalog
}

// formField is what the "text" and "area" templates need for one field.
type formField struct {
	V                        *view
	Name, Label, Value, Hint string
	Error, Describe          string
	Required                 bool
}

func newFormField(v *view, name, value, hintKey string, required bool) formField {
	f := formField{V: v, Name: name, Label: v.T("field." + name), Value: value, Error: v.Err(name), Required: required}
	var ids []string
	if hintKey != "" {
		f.Hint = v.T(hintKey)
		ids = append(ids, "f-"+name+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, "f-"+name+"-error")
	}
	f.Describe = strings.Join(ids, " ")
	return f
}

type checkGroup struct {
	V                  *view
	Name, Label, Error string
	Options            []option
	Required           bool
}

func newCheckGroup(v *view, name string, opts []option, required bool) checkGroup {
	return checkGroup{V: v, Name: name, Label: v.T("field." + name), Error: v.Err(name), Options: opts, Required: required}
}

type termFormData struct {
	V *view
	F taxonomy.Input
}

type orgFormView struct {
	V *view
	D orgFormData
}

type cardData struct {
	D *deed.Deed
	V *view
}

type fieldError struct {
	Field, Message string
}

// T translates a message key into the page's language.
func (v *view) T(key string, args ...any) string { return v.cat.T(v.Lang, key, args...) }

// Langs lists the language switch's targets.
func (v *view) Langs() []string { return i18n.Languages }

// LangName is a language's name in that language, as a switch shows it.
func (v *view) LangName(l string) string {
	switch l {
	case "sv":
		return "Svenska"
	case "en":
		return "English"
	}
	return "Suomi"
}

// StateLabel, StatusLabel and LangLabel name enumerations in the page's
// language.
func (v *view) StateLabel(s deed.State) string   { return v.T("state." + string(s)) }
func (v *view) StatusLabel(s deed.Status) string { return v.T("status." + string(s)) }
func (v *view) ContentLang(l string) string      { return v.T("lang." + l) }

// OGLocale is the page language as Open Graph writes it.
func (v *view) OGLocale() string {
	switch v.Lang {
	case "sv":
		return "sv_FI"
	case "en":
		return "en_GB"
	}
	return "fi_FI"
}

// Err returns the message for field, or "".
func (v *view) Err(field string) string { return v.Errors[field] }

// PathWithLang is the current address, for the language switch to return to.
func (v *view) PathWithQuery() string {
	if v.Query == "" {
		return v.Path
	}
	return v.Path + "?" + v.Query
}

// LangSwitchURL leads to the language switch with the way back.
func (v *view) LangSwitchURL(l string) string {
	return "/lang/" + l + "?next=" + url.QueryEscape(v.PathWithQuery())
}

func (s *Server) newView(r *http.Request, title string, data any) *view {
	v := &view{Lang: lang(r), User: currentUser(r), Path: r.URL.Path, Query: r.URL.RawQuery, Data: data, cat: s.cat}
	if title != "" {
		v.Title = v.T(title)
	}
	if msg := r.URL.Query().Get("msg"); msg != "" && s.cat.Has(i18n.Default, "flash."+msg) {
		v.Notice = v.T("flash." + msg)
	}
	return v
}

// setErrors translates field errors for the page, in the order the form
// shows the fields.
func (v *view) setErrors(errs map[string]string, order []string) {
	v.Errors = map[string]string{}
	for f, key := range errs {
		v.Errors[f] = v.cat.T(v.Lang, key)
	}
	seen := map[string]bool{}
	for _, f := range order {
		if m, ok := v.Errors[f]; ok {
			v.ErrorList = append(v.ErrorList, fieldError{f, m})
			seen[f] = true
		}
	}
	for f, m := range v.Errors {
		if !seen[f] {
			v.ErrorList = append(v.ErrorList, fieldError{f, m})
		}
	}
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	t, ok := s.tmpl.pages[page]
	if !ok {
		s.serverError(w, r, fmt.Errorf("web: no template %q", page))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.serverError(w, r, fmt.Errorf("web: render %s: %w", page, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	v := s.newView(r, "error.server_title", nil)
	s.renderError(w, r, http.StatusInternalServerError, v, "error.server_text")
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, v *view, textKey string) {
	t := s.tmpl.pages["error"]
	v.Data = v.T(textKey)
	var buf bytes.Buffer
	if t == nil || t.ExecuteTemplate(&buf, "layout", v) != nil {
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, s.newView(r, "error.not_found_title", nil), "error.not_found_text")
}

func (s *Server) notFoundHandler(w http.ResponseWriter, r *http.Request) { s.notFound(w, r) }

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusForbidden, s.newView(r, "error.forbidden_title", nil), "error.forbidden_text")
}

func (s *Server) badRequest(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusBadRequest, s.newView(r, "error.bad_request_title", nil), "error.bad_request_text")
}

// fail answers a domain error the way a person should meet it. It is the
// pages' one mapping from fault kinds to answers; the API's is api.fail.
// A form handler shows field.Errors next to its fields before it gets here,
// so Invalid arriving here is input no form can show (a bad choice in a
// button's hidden field, say).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch fault.KindOf(err) {
	case fault.NotFound:
		s.notFound(w, r)
	case fault.Forbidden, fault.Unauthenticated:
		if currentUser(r) == nil {
			s.redirectToLogin(w, r, "")
			return
		}
		s.forbidden(w, r)
	case fault.Conflict:
		text := "error.conflict_text"
		if errors.Is(err, deed.ErrWrongState) {
			text = "error.wrong_state"
		}
		s.renderError(w, r, http.StatusConflict, s.newView(r, "error.conflict_title", nil), text)
	case fault.Invalid:
		s.log.InfoContext(r.Context(), "request refused as invalid", "method", r.Method, "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusUnprocessableEntity, s.newView(r, "error.bad_request_title", nil), "error.bad_request_text")
	default:
		s.serverError(w, r, err)
	}
}

func (s *Server) redirectToLogin(w http.ResponseWriter, r *http.Request, resume string) {
	next := r.URL.Path
	if r.Method == http.MethodGet && r.URL.RawQuery != "" {
		next += "?" + r.URL.RawQuery
	}
	// A form posted signed out (its session expired meanwhile) is kept, so
	// that after signing in the person can send it again as it was.
	if r.Method == http.MethodPost && resume == "" && currentUser(r) == nil && len(r.PostForm) > 0 {
		token, err := s.keepPost(w, r)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		next = "/resume?" + url.Values{"token": {token}}.Encode()
	}
	q := url.Values{"next": {next}}
	if resume != "" {
		q.Set("resume", resume)
	}
	http.Redirect(w, r, "/login?"+q.Encode(), http.StatusSeeOther)
}

// safeNext keeps a redirect target on this site: a path of its own, with
// no backslash, whitespace or control character anywhere (browsers drop
// tabs and newlines from a URL and read "\\" as "/", so "/\t/evil.example"
// would leave the site) and nothing a browser could read as another host.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool {
			return r == '\\' || r <= ' ' || r == 0x7f || unicode.IsSpace(r) || !unicode.IsPrint(r)
		}) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}
