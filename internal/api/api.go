// Package api serves Tekotori's JSON API, version 1. The read API is public
// and gives only what the public pages show.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/taxonomy"
)

// API is the JSON face of one App.
type API struct {
	app     *app.App
	baseURL string
}

// New returns the API; baseURL prefixes the links it gives out.
func New(a *app.App, baseURL string) *API {
	return &API{app: a, baseURL: strings.TrimRight(baseURL, "/")}
}

// Handler routes /api/v1/….
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/deeds", a.listDeeds)
	mux.HandleFunc("GET /api/v1/deeds/{id}", a.getDeed)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such API endpoint")
	})
	return mux
}

// Named is a coded place or organisation as the API gives it.
type Named struct {
	Code string `json:"code,omitempty"`
	Name string `json:"name"`
}

// Item is a deed in a listing.
type Item struct {
	ID           int64      `json:"id"`
	Ref          string     `json:"ref"`
	Slug         string     `json:"slug"`
	Title        string     `json:"title"`
	Summary      string     `json:"summary"`
	Organisation Named      `json:"organisation"`
	Municipality *Named     `json:"municipality"`
	Region       *Named     `json:"region"`
	County       *Named     `json:"county"`
	Sector       string     `json:"sector"`
	SectorLabel  string     `json:"sector_label"`
	Themes       []string   `json:"themes"`
	ClientGroups []string   `json:"client_groups"`
	Status       string     `json:"status"`
	Year         int        `json:"year,omitempty"`
	Lang         string     `json:"lang"`
	State        string     `json:"state"`
	URL          string     `json:"url"`
	PublishedAt  *time.Time `json:"published_at,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Full is one whole deed.
type Full struct {
	Item
	Need        string        `json:"need"`
	Solution    string        `json:"solution"`
	Results     string        `json:"results"`
	Lessons     string        `json:"lessons"`
	Adoption    string        `json:"adoption"`
	Partners    string        `json:"partners"`
	Funding     string        `json:"funding"`
	Contact     *deed.Contact `json:"contact"`
	Links       []deed.Link   `json:"links"`
	Images      []Media       `json:"images"`
	Attachments []Media       `json:"attachments"`
}

// Media is an image or attachment with where to fetch it.
type Media struct {
	ID       int64  `json:"id"`
	Caption  string `json:"caption"`
	URL      string `json:"url"`
	ThumbURL string `json:"thumb_url,omitempty"`
}

type listResponse struct {
	Total  int    `json:"total"`
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
	Items  []Item `json:"items"`
}

func apiLang(r *http.Request) string {
	if l := r.URL.Query().Get("ui_lang"); i18n.Supported(l) {
		return l
	}
	return i18n.FromRequest(r)
}

func (a *API) listDeeds(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := filterFromQuery(q)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_parameter", err.Error())
		return
	}
	page, err := a.app.Deeds.List(r.Context(), nil, f)
	if err != nil {
		a.app.Log.Error("api list", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	vocab, err := a.app.Terms.All(r.Context())
	if err != nil {
		a.app.Log.Error("api list", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	l := apiLang(r)
	resp := listResponse{Total: page.Total, Limit: f.Limit, Offset: f.Offset, Items: []Item{}}
	for _, d := range page.Items {
		resp.Items = append(resp.Items, a.item(d, vocab, l))
	}
	writeJSON(w, http.StatusOK, resp)
}

// filterFromQuery reads limit, offset and the listing filters; unknown
// filter values match nothing rather than fail.
func filterFromQuery(q url.Values) (deed.Filter, error) {
	f := deed.Filter{Sectors: q["sector"], Themes: q["theme"], ClientGroups: q["client_group"], OrgCodes: q["organisation"],
		Regions: q["region"], Counties: q["county"], Statuses: q["status"], Langs: q["lang"], Sort: q.Get("sort"), Limit: 20}
	for _, y := range q["year"] {
		n, err := strconv.Atoi(y)
		if err != nil {
			return f, fmt.Errorf("year: %q is not a number", y)
		}
		f.Years = append(f.Years, n)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > deed.MaxLimit {
			return f, fmt.Errorf("limit: must be a number from 1 to %d", deed.MaxLimit)
		}
		f.Limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, errors.New("offset: must be a number from 0 up")
		}
		f.Offset = n
	}
	switch f.Sort {
	case "", "newest", "oldest", "title":
	default:
		return f, errors.New("sort: must be newest, oldest or title")
	}
	return f, nil
}

func (a *API) getDeed(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusNotFound, "not_found", "no such deed")
		return
	}
	d, err := a.app.Deeds.Get(r.Context(), nil, id)
	if errors.Is(err, deed.ErrNotFound) {
		writeError(w, http.StatusNotFound, "not_found", "no such deed")
		return
	}
	if err != nil {
		a.app.Log.Error("api get", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	vocab, err := a.app.Terms.All(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	full := Full{Item: a.item(d, vocab, apiLang(r)), Need: d.Need, Solution: d.Solution, Results: d.Results, Lessons: d.Lessons,
		Adoption: d.Adoption, Partners: d.Partners, Funding: d.Funding, Links: d.Links,
		Images: []Media{}, Attachments: []Media{}}
	if full.Links == nil {
		full.Links = []deed.Link{}
	}
	if d.Contact.Public && !d.Contact.IsEmpty() {
		c := d.Contact
		full.Contact = &c
	}
	for _, m := range d.Images {
		full.Images = append(full.Images, Media{ID: m.ID, Caption: m.Caption, URL: fmt.Sprintf("%s/media/%d", a.baseURL, m.ID), ThumbURL: fmt.Sprintf("%s/media/%d/thumb", a.baseURL, m.ID)})
	}
	for _, m := range d.Attachments {
		full.Attachments = append(full.Attachments, Media{ID: m.ID, Caption: m.Caption, URL: fmt.Sprintf("%s/media/%d", a.baseURL, m.ID)})
	}
	writeJSON(w, http.StatusOK, full)
}

func (a *API) item(d *deed.Deed, vocab *taxonomy.Vocabulary, lang string) Item {
	it := Item{ID: d.ID, Ref: d.Ref, Slug: d.Slug, Title: d.Title, Summary: d.Summary,
		Organisation: Named{Code: d.OrgCode, Name: d.OrgName.In(lang)},
		Sector:       d.Sector, SectorLabel: vocab.Label(taxonomy.Sector, d.Sector, lang), Themes: d.Themes, ClientGroups: d.ClientGroups,
		Status: string(d.Status), Year: d.Year, Lang: d.Lang, State: string(d.State),
		URL: fmt.Sprintf("%s/deeds/%d/%s", a.baseURL, d.ID, d.Slug), PublishedAt: d.PublishedAt, UpdatedAt: d.UpdatedAt}
	if d.Municipality != nil {
		it.Municipality = &Named{Code: d.Municipality.Code, Name: d.Municipality.Name.In(lang)}
	}
	if d.Region != nil {
		it.Region = &Named{Code: d.Region.Code, Name: d.Region.Name.In(lang)}
	}
	if d.County != nil {
		it.County = &Named{Code: d.County.Code, Name: d.County.Name.In(lang)}
	}
	return it
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	var e apiError
	e.Error.Code, e.Error.Message = code, msg
	writeJSON(w, status, e)
}
