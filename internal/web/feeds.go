package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/search"
)

// Atom feeds of newly published deeds: all of them, or any search (its
// query and filters as the search page takes them), so that "new deeds on
// work well-being in Pirkanmaa" can be followed in a feed reader.

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	Href     string `xml:"href,attr"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     atomText   `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published,omitempty"`
	Links     []atomLink `xml:"link"`
	Author    atomPerson `xml:"author"`
	Summary   atomText   `xml:"summary"`
	Category  []atomCat  `xml:"category"`
}

type atomText struct {
	Lang string `xml:"xml:lang,attr,omitempty"`
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomCat struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// feedEntries is how many deeds a feed gives.
const feedEntries = 50

func (s *Server) absURL(path string) string {
	return strings.TrimRight(s.opts.BaseURL, "/") + path
}

// feedURL is the feed of the search in params.
func feedURL(params url.Values) string {
	params = cloneValues(params)
	params.Del("page")
	params.Del("sort")
	if q := params.Encode(); q != "" {
		return "/feeds/deeds.atom?" + q
	}
	return "/feeds/deeds.atom"
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// deedFeed serves the newest published deeds of a search as Atom.
func (s *Server) deedFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := s.newView(r, "", nil)
	req, err := search.ParseRequest(r.URL.Query())
	if err != nil {
		s.badRequest(w, r)
		return
	}
	req.Sort, req.Offset = "newest", 0
	full := req
	full.Limit = feedEntries
	res, err := s.app.Search.Search(ctx, full)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	label, err := s.app.FacetLabels(ctx, s.cat, v.Lang)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	title := v.T("feed.title")
	var parts []string
	if req.Q != "" {
		parts = append(parts, req.Q)
	}
	for _, f := range search.Facets {
		for _, val := range req.Filters[f] {
			parts = append(parts, label(f, val))
		}
	}
	if len(parts) > 0 {
		title += ": " + strings.Join(parts, ", ")
	}
	req.Limit = search.DefaultLimit
	self := s.absURL(feedURL(req.Params()))
	searchPage := "/search"
	if q := req.Params().Encode(); q != "" {
		searchPage += "?" + q
	}
	feed := atomFeed{Lang: v.Lang, ID: self, Title: title, Author: atomPerson{Name: "Tekotori", URI: s.absURL("/")},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: s.absURL(searchPage)}}}
	newest := time.Time{}
	for _, it := range res.Items {
		d := it.Deed
		updated := d.UpdatedAt
		if updated.After(newest) {
			newest = updated
		}
		link := s.absURL(fmt.Sprintf("/deeds/%d/%s", d.ID, d.Slug))
		e := atomEntry{
			// The deed's page is its lasting identity: the id stays when the
			// title and so the slug change.
			ID:      s.absURL(fmt.Sprintf("/deeds/%d", d.ID)),
			Title:   atomText{Lang: d.Lang, Type: "text", Text: d.Title},
			Updated: updated.UTC().Format(time.RFC3339),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: link, HrefLang: d.Lang}},
			Author:  atomPerson{Name: d.OrgName.In(v.Lang), URI: s.absURL("/organisations/" + d.OrgCode)},
			Summary: atomText{Lang: d.Lang, Type: "text", Text: d.Summary},
		}
		if d.PublishedAt != nil {
			e.Published = d.PublishedAt.UTC().Format(time.RFC3339)
		}
		if d.Sector != "" {
			e.Category = append(e.Category, atomCat{Term: d.Sector, Label: label("sector", d.Sector)})
		}
		for _, th := range d.Themes {
			e.Category = append(e.Category, atomCat{Term: th, Label: label("theme", th)})
		}
		feed.Entries = append(feed.Entries, e)
	}
	if newest.IsZero() {
		newest = s.start
	}
	feed.Updated = newest.UTC().Format(time.RFC3339)
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(feed); err != nil {
		s.log.WarnContext(ctx, "feed", "err", err)
	}
}
