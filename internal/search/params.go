package search

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Limits on the parameters of one search. Filter values are capped so that
// a crafted address with thousands of them costs no more than an ordinary
// one: every value is echoed back in the page's links and hidden fields.
const (
	MaxValuesPerFacet = 20
	MaxFilterValues   = 50
	MaxLimit          = 100
	DefaultLimit      = 20
	maxOffset         = 1000000
	maxPage           = 100000
)

// ParamError is a search parameter that cannot be used as given.
type ParamError struct {
	Param, Message string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Message }

// ParseRequest reads a search from URL parameters; the search page and the
// API share it, so they accept the same parameters: q, sort (relevance or
// newest), limit (1–MaxLimit), offset or page (from 1), and the facet
// filters, each repeatable. Repeated filter values count once, and values
// past MaxValuesPerFacet in a facet or MaxFilterValues in all are dropped.
// A bad limit, offset or sort gives a *ParamError together with a request
// that uses the default in its place.
func ParseRequest(q url.Values) (Request, error) {
	req := Request{Q: q.Get("q"), Sort: q.Get("sort"), Limit: DefaultLimit, NoExpand: q.Get("expand") == "0"}
	if len(req.Q) > MaxQueryBytes {
		// ParseQuery would cut it anyway; cutting here keeps the page's
		// links and form from echoing a megabyte back.
		req.Q = strings.ToValidUTF8(req.Q[:MaxQueryBytes], "")
	}
	var perr error
	fail := func(param, msg string) {
		if perr == nil {
			perr = &ParamError{Param: param, Message: msg}
		}
	}
	switch req.Sort {
	case "", "relevance", "newest":
	default:
		req.Sort = ""
		fail("sort", "must be relevance or newest")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			fail("limit", fmt.Sprintf("must be a number from 1 to %d", MaxLimit))
		} else {
			req.Limit = n
		}
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxOffset {
			fail("offset", "must be a number from 0 up")
		} else {
			req.Offset = n
		}
	}
	// A page number out of range is the first page: it comes from links,
	// and a stale one should still give a page.
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n <= maxPage {
		req.Offset = (n - 1) * req.Limit
	}
	req.Filters = capFilters(func(f string) []string { return q[f] })
	return req, perr
}

// capFilters gathers each facet's values from get, without empty or
// repeated values and within the caps; the work is linear in the values
// given.
func capFilters(get func(facet string) []string) map[string][]string {
	out := map[string][]string{}
	total := 0
	for _, f := range Facets {
		var vals []string
		seen := map[string]bool{}
		for _, v := range get(f) {
			if total >= MaxFilterValues || len(vals) >= MaxValuesPerFacet {
				break
			}
			if v == "" || seen[v] {
				continue
			}
			seen[v] = true
			vals = append(vals, v)
			total++
		}
		if len(vals) > 0 {
			out[f] = vals
		}
	}
	return out
}

// Capped returns the request with its filters within the caps, for
// requests built in code rather than parsed.
func (r Request) Capped() Request {
	r.Filters = capFilters(func(f string) []string { return r.Filters[f] })
	return r
}

// Params is the request written back as URL parameters without paging,
// for the links a result page offers.
func (r Request) Params() url.Values {
	q := url.Values{}
	if r.Q != "" {
		q.Set("q", r.Q)
	}
	if r.Sort != "" {
		q.Set("sort", r.Sort)
	}
	if r.Limit != 0 && r.Limit != DefaultLimit {
		q.Set("limit", strconv.Itoa(r.Limit))
	}
	if r.NoExpand {
		q.Set("expand", "0")
	}
	for _, f := range Facets {
		if vals := r.Filters[f]; len(vals) > 0 {
			q[f] = append([]string(nil), vals...)
		}
	}
	return q
}

// DropLink is a link to the same search without one of its filter values.
type DropLink struct {
	Facet, Value string
	Query        string // the encoded query string, without "?"
}

// DropLinks gives, for each filter value, the query string of the same
// search without it. Each parameter is encoded once and each link joins
// the others, so the work is the links' length and nothing more.
func (r Request) DropLinks() []DropLink {
	var head []string
	if r.Q != "" {
		head = append(head, "q="+url.QueryEscape(r.Q))
	}
	if r.Sort != "" {
		head = append(head, "sort="+url.QueryEscape(r.Sort))
	}
	if r.Limit != 0 && r.Limit != DefaultLimit {
		head = append(head, "limit="+strconv.Itoa(r.Limit))
	}
	type pair struct{ facet, value, enc string }
	var pairs []pair
	for _, f := range Facets {
		for _, v := range r.Filters[f] {
			pairs = append(pairs, pair{f, v, url.QueryEscape(f) + "=" + url.QueryEscape(v)})
		}
	}
	out := make([]DropLink, 0, len(pairs))
	var b strings.Builder
	for i, p := range pairs {
		b.Reset()
		for _, h := range head {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(h)
		}
		for j, o := range pairs {
			if j == i {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(o.enc)
		}
		out = append(out, DropLink{Facet: p.facet, Value: p.value, Query: b.String()})
	}
	return out
}
