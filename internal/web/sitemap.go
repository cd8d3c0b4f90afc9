package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/org"
)

// sitemap.xml is an index of sitemaps: the site's own pages, and the
// public deeds in parts small enough for the protocol's 50,000 URLs.
const sitemapDeeds = 40000

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

func (s *Server) writeXML(w http.ResponseWriter, r *http.Request, v any) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(xml.Header))
	if err := xml.NewEncoder(w).Encode(v); err != nil {
		s.log.WarnContext(r.Context(), "sitemap", "err", err)
	}
}

func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) {
	_, total, err := s.app.Deeds.PublicRefs(r.Context(), 0, 0)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	idx := sitemapIndex{Sitemaps: []sitemapURL{{Loc: s.absURL("/sitemaps/pages.xml")}}}
	for part := 1; (part-1)*sitemapDeeds < total; part++ {
		idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: s.absURL(fmt.Sprintf("/sitemaps/deeds-%d.xml", part))})
	}
	s.writeXML(w, r, idx)
}

// sitemapPart serves /sitemaps/pages.xml and /sitemaps/deeds-N.xml.
func (s *Server) sitemapPart(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("name")
	set := urlSet{}
	switch {
	case name == "pages.xml":
		for _, p := range []string{"/", "/search", "/organisations", "/campaigns", "/accessibility"} {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.absURL(p)})
		}
		orgs, err := s.app.Orgs.List(ctx, org.ListFilter{})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, o := range orgs {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.absURL("/organisations/" + o.Code)})
		}
		cs, err := s.app.Campaigns.Campaigns(ctx, 0)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, c := range cs {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.absURL(fmt.Sprintf("/campaigns/%d", c.ID))})
		}
	case strings.HasPrefix(name, "deeds-") && strings.HasSuffix(name, ".xml"):
		part, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, "deeds-"), ".xml"))
		if err != nil || part < 1 {
			s.notFound(w, r)
			return
		}
		refs, _, err := s.app.Deeds.PublicRefs(ctx, (part-1)*sitemapDeeds, sitemapDeeds)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if len(refs) == 0 {
			s.notFound(w, r)
			return
		}
		for _, d := range refs {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.absURL(fmt.Sprintf("/deeds/%d/%s", d.ID, d.Slug)),
				LastMod: d.UpdatedAt.UTC().Format(time.RFC3339)})
		}
	default:
		s.notFound(w, r)
		return
	}
	s.writeXML(w, r, set)
}

// robots keeps crawlers to the public pages and names the sitemap.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	fmt.Fprintf(w, `User-agent: *
Disallow: /admin
Disallow: /account
Disallow: /moderation
Disallow: /my
Disallow: /jury
Disallow: /login
Disallow: /register
Disallow: /deeds/new
Disallow: /search/suggest
Disallow: /lang/
Allow: /

Sitemap: %s
`, s.absURL("/sitemap.xml"))
}
