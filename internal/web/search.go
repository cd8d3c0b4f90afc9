package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

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
	D       search.Listing
	Title   []search.Segment
	Snippet []search.Segment
	Score   float64
}

type searchData struct {
	// Feed is the Atom feed of this search's newest deeds.
	Feed       string
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
	Complete   int
	// Expanded is what the query was also searched for by, through the
	// thesaurus; ExpandURL turns expansion off, or back on when NoExpand.
	Expanded  string
	NoExpand  bool
	ExpandURL string
	Drop      []option // links that remove one filter, for an empty result
}

// facetsShown is how many values of a facet show before "more".
const facetsShown = 8

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
	req, err := search.ParseRequest(r.URL.Query())
	if err != nil {
		s.badRequest(w, r)
		return
	}
	// Links are built from the parsed request, not the address: it holds
	// each filter value once and within the caps.
	params := req.Params()
	page := req.Offset/req.Limit + 1
	here := req.Params()
	if page > 1 {
		here.Set("page", strconv.Itoa(page))
	}
	v.Query = here.Encode() // the language switch returns here
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
	d := searchData{Q: req.Q, Sort: req.Sort, Total: res.Total, Corrected: res.Corrected, Relaxed: res.Relaxed, Complete: res.Complete, Filters: len(req.Filters) > 0}
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
	if len(res.Expanded) > 0 || req.NoExpand {
		eq := req.Params()
		if req.NoExpand {
			eq.Del("expand")
		} else {
			eq.Set("expand", "0")
		}
		d.Expanded, d.NoExpand, d.ExpandURL = strings.Join(res.Expanded, ", "), req.NoExpand, r.URL.Path+"?"+eq.Encode()
	}
	sorts := []string{"relevance", "newest"}
	if req.Q == "" {
		sorts = []string{"newest"}
	}
	for _, so := range sorts {
		d.Sorts = append(d.Sorts, option{Value: so, Label: v.T("sort." + so), Selected: req.Sort == so || (req.Sort == "" && so == sorts[0])})
	}
	for _, it := range res.Items {
		d.Items = append(d.Items, searchItem{D: it.Deed, Title: it.Title, Snippet: it.Snippet, Score: it.Score})
	}
	if res.Suggestion != "" {
		sq := req.Params()
		sq.Set("q", res.Suggestion)
		d.Suggestion, d.SuggestURL = res.Suggestion, r.URL.Path+"?"+sq.Encode()
	}
	if res.Total == 0 {
		for _, l := range req.DropLinks() {
			d.Drop = append(d.Drop, option{Value: r.URL.Path + "?" + l.Query, Label: facetTitle(v, l.Facet) + ": " + label(l.Facet, l.Value)})
		}
	}
	d.Pager = newPager(v, r.URL.Path, params, page, req.Limit, res.Total)
	d.Feed = feedURL(params)
	v.Head = &pageHead{Description: v.T("share.search_description"), FeedURL: d.Feed, FeedTitle: v.T("feed.title")}
	v.Data = d
	s.render(w, r, http.StatusOK, "search", v)
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
