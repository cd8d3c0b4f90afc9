// Package api serves Tekotori's JSON API, version 1. The read API is public
// and gives only what the public pages show.
package api

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/user"
)

// API is the JSON face of one App.
type API struct {
	app     *app.App
	cat     *i18n.Catalog
	baseURL string
}

// New returns the API; baseURL prefixes the links it gives out, cat names
// facet values.
func New(a *app.App, cat *i18n.Catalog, baseURL string) *API {
	return &API{app: a, cat: cat, baseURL: strings.TrimRight(baseURL, "/")}
}

// Handler routes /api/v1/….
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/deeds", a.listDeeds)
	mux.HandleFunc("GET /api/v1/deeds/{id}", a.getDeed)
	a.campaignRoutes(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		a.failWith(w, r, fault.NotFound, "api.error.no_endpoint")
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
	Score        *float64   `json:"score,omitempty"`
	Highlight    string     `json:"highlight,omitempty"`
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
	Total      int                     `json:"total"`
	Limit      int                     `json:"limit"`
	Offset     int                     `json:"offset"`
	Items      []Item                  `json:"items"`
	Facets     map[string][]FacetValue `json:"facets"`
	Suggestion string                  `json:"suggestion,omitempty"`
	Corrected  map[string]string       `json:"corrected,omitempty"`
	Relaxed    bool                    `json:"relaxed,omitempty"`
	// Complete is how many of the found deeds have every word of the
	// query; the others (when relaxed) have some of them.
	Complete int `json:"complete"`
	// Expanded lists the thesaurus labels the query was also searched
	// for by; expand=0 turns that off.
	Expanded []string `json:"expanded,omitempty"`
}

// FacetValue is one value of a facet with how many deeds it would give.
type FacetValue struct {
	Value    string `json:"value"`
	Label    string `json:"label"`
	Count    int    `json:"count"`
	Selected bool   `json:"selected,omitempty"`
}

func apiLang(r *http.Request) string {
	if l := r.URL.Query().Get("ui_lang"); i18n.Supported(l) {
		return l
	}
	return i18n.FromRequest(r)
}

// listDeeds searches the published deeds: the same implementation as the
// search page, with the same parameters.
func (a *API) listDeeds(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	req, err := search.ParseRequest(q)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_parameter", err.Error())
		return
	}
	page, err := a.app.Search.Search(ctx, req)
	if err != nil {
		a.app.Log.Error("api search", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	l := apiLang(r)
	label, err := a.app.FacetLabels(ctx, a.cat, l)
	if err != nil {
		a.app.Log.Error("api search", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	resp := listResponse{Total: page.Total, Limit: req.Limit, Offset: req.Offset, Items: []Item{}, Facets: map[string][]FacetValue{},
		Suggestion: page.Suggestion, Corrected: page.Corrected, Relaxed: page.Relaxed, Complete: page.Complete, Expanded: page.Expanded}
	for _, it := range page.Items {
		item := a.listItem(&it.Deed, label, l)
		score := it.Score
		item.Score = &score
		item.Highlight = markup(it.Snippet)
		resp.Items = append(resp.Items, item)
	}
	for f, vals := range page.Facets {
		out := []FacetValue{}
		for _, v := range vals {
			out = append(out, FacetValue{Value: v.Value, Label: label(f, v.Value), Count: v.Count, Selected: v.Selected})
		}
		resp.Facets[f] = out
	}
	writeJSON(w, http.StatusOK, resp)
}

// markup writes a snippet as HTML: the text escaped, the matched words in
// <mark>.
func markup(segs []search.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Mark {
			b.WriteString("<mark>" + html.EscapeString(s.Text) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(s.Text))
		}
	}
	return b.String()
}

func (a *API) getDeed(w http.ResponseWriter, r *http.Request) {
	// Whether a deed that is not public is found depends on the session.
	w.Header().Set("Vary", "Cookie")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		a.fail(w, r, deed.ErrNotFound)
		return
	}
	// The deed service decides with the session's person, as for the deed
	// page, so that the two never disagree on who may see a draft.
	d, err := a.app.Deeds.Get(r.Context(), user.FromContext(r.Context()), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	vocab, err := a.app.Terms.All(r.Context())
	if err != nil {
		a.fail(w, r, err)
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

// listItem is a search hit as a listing gives it: the same fields as
// item, the sector named by the facet labels.
func (a *API) listItem(d *search.Listing, label func(facet, value string) string, lang string) Item {
	it := Item{ID: d.ID, Ref: d.Ref, Slug: d.Slug, Title: d.Title, Summary: d.Summary,
		Organisation: Named{Code: d.OrgCode, Name: d.OrgName.In(lang)},
		Sector:       d.Sector, SectorLabel: label(search.FacetSector, d.Sector), Themes: d.Themes, ClientGroups: d.ClientGroups,
		Status: d.Status, Year: d.Year, Lang: d.Lang, State: d.State,
		URL: fmt.Sprintf("%s/deeds/%d/%s", a.baseURL, d.ID, d.Slug), PublishedAt: d.PublishedAt, UpdatedAt: d.UpdatedAt}
	named := func(p *search.Place) *Named {
		if p == nil {
			return nil
		}
		return &Named{Code: p.Code, Name: p.Name.In(lang)}
	}
	it.Municipality, it.Region, it.County = named(d.Municipality), named(d.Region), named(d.County)
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
