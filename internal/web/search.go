package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/search"
)

const perPage = 20

type option struct {
	Value, Label string
	Count        int
	Selected     bool
}

type facet struct {
	Name, Label string
	Options     []option
	Open        bool
	// More holds the options past the first few, behind a disclosure.
	More []option
}

type searchItem struct {
	D       *deed.Deed
	Title   []search.Segment
	Snippet []search.Segment
	Score   float64
}

type searchData struct {
	Q          string
	Sort       string
	Sorts      []option
	Total      int
	Items      []searchItem
	Facets     []facet
	Pager      pager
	Filters    bool
	Suggestion string
	SuggestURL string
	Corrected  map[string]string
	Relaxed    bool
	Drop       []option // links that remove one filter, for an empty result
}

// facetsShown is how many values of a facet show before "more".
const facetsShown = 8

// searchRequest reads a search from the query string; the page and the API
// read the same parameters.
func searchRequest(q url.Values) search.Request {
	req := search.Request{Q: q.Get("q"), Sort: q.Get("sort"), Filters: map[string][]string{}}
	for _, f := range search.Facets {
		if vals := nonEmpty(q[f]); len(vals) > 0 {
			req.Filters[f] = vals
		}
	}
	return req
}

func nonEmpty(in []string) []string {
	var out []string
	for _, s := range in {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// facetTitle is the heading of a facet on the page.
func facetTitle(v *view, f string) string {
	switch f {
	case search.FacetTheme:
		return v.T("field.themes")
	case search.FacetClientGroup:
		return v.T("field.client_groups")
	case search.FacetOrg:
		return v.T("field.org")
	case search.FacetOrgKind:
		return v.T("orgs.kind")
	case search.FacetAward:
		return v.T("search.award")
	}
	return v.T("field." + f)
}

// searchPage is the idea bank's finder: one search box, ranked results
// with highlighted words, and facets that narrow as filters are picked.
// /deeds (browsing) is the same page without a query.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := s.newView(r, "search.title", nil)
	q := r.URL.Query()
	req := searchRequest(q)
	page := pageNumber(q)
	req.Limit, req.Offset = perPage, (page-1)*perPage
	res, err := s.app.Search.Search(ctx, req)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if req.Q != "" {
		v.Title = v.T("search.title_q", req.Q)
	}
	label, err := s.app.FacetLabels(ctx, s.cat, v.Lang)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := searchData{Q: req.Q, Sort: req.Sort, Total: res.Total, Corrected: res.Corrected, Relaxed: res.Relaxed, Filters: len(req.Filters) > 0}
	for _, f := range search.Facets {
		fc := facet{Name: f, Label: facetTitle(v, f)}
		for i, fv := range res.Facets[f] {
			o := option{Value: fv.Value, Label: label(f, fv.Value), Count: fv.Count, Selected: fv.Selected}
			fc.Open = fc.Open || o.Selected
			if i < facetsShown || o.Selected {
				fc.Options = append(fc.Options, o)
			} else {
				fc.More = append(fc.More, o)
			}
		}
		if len(fc.Options) == 0 {
			continue
		}
		d.Facets = append(d.Facets, fc)
	}
	sorts := []string{"relevance", "newest"}
	if req.Q == "" {
		sorts = []string{"newest"}
	}
	for _, so := range sorts {
		d.Sorts = append(d.Sorts, option{Value: so, Label: v.T("sort." + so), Selected: req.Sort == so || (req.Sort == "" && so == sorts[0])})
	}
	for _, it := range res.Items {
		dd, err := s.app.Deeds.Get(ctx, nil, it.DeedID)
		if err != nil {
			continue // unpublished since the index saw it
		}
		d.Items = append(d.Items, searchItem{D: dd, Title: it.Title, Snippet: it.Snippet, Score: it.Score})
	}
	if res.Suggestion != "" {
		sq := cloneValues(q)
		sq.Set("q", res.Suggestion)
		sq.Del("page")
		d.Suggestion, d.SuggestURL = res.Suggestion, r.URL.Path+"?"+sq.Encode()
	}
	if res.Total == 0 {
		for f, vals := range req.Filters {
			for _, val := range vals {
				dq := cloneValues(q)
				dq.Del("page")
				dq[f] = removeValue(dq[f], val)
				d.Drop = append(d.Drop, option{Value: r.URL.Path + "?" + dq.Encode(), Label: facetTitle(v, f) + ": " + label(f, val)})
			}
		}
	}
	d.Pager = newPager(v, r.URL.Path, q, page, perPage, res.Total)
	v.Data = d
	s.render(w, r, http.StatusOK, "search", v)
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func removeValue(vals []string, v string) []string {
	var out []string
	for _, x := range vals {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// suggest answers the search box's prefix suggestions as JSON; the box
// works without them.
func (s *Server) suggest(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	if n <= 0 || n > 20 {
		n = 8
	}
	words := s.app.Search.Searcher().Suggest(r.URL.Query().Get("q"), n)
	if words == nil {
		words = []string{}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=60")
	json.NewEncoder(w).Encode(words)
}
