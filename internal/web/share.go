package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strings"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/org"
)

// pageHead is what a page tells about itself to search engines, feed
// readers and link previews: a description, its canonical address, Open
// Graph and Twitter card tags, a feed, and schema.org data as JSON-LD.
type pageHead struct {
	Description string
	Canonical   string
	OGType      string
	Image       string
	ImageAlt    string
	FeedURL     string
	FeedTitle   string
	JSONLD      template.JS
}

// jsonLD marshals schema.org data for a <script type="application/ld+json">
// block; json.Marshal escapes <, > and &, so no text can end the block.
func jsonLD(v any) template.JS {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return template.JS(b)
}

func cut(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// deedHead describes a public deed page.
func (s *Server) deedHead(v *view, d *deed.Deed) *pageHead {
	page := s.absURL(fmt.Sprintf("/deeds/%d/%s", d.ID, d.Slug))
	h := &pageHead{Description: cut(d.Summary, 200), Canonical: page, OGType: "article"}
	if len(d.Images) > 0 {
		h.Image = s.absURL(fmt.Sprintf("/media/%d", d.Images[0].ID))
		h.ImageAlt = d.Images[0].Caption
	}
	ld := map[string]any{
		"@context": "https://schema.org", "@type": "CreativeWork", "@id": page, "url": page,
		"name": d.Title, "description": d.Summary, "inLanguage": d.Lang,
		"dateModified": d.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"author": map[string]any{"@type": "GovernmentOrganization", "name": d.OrgName.In(v.Lang),
			"url": s.absURL("/organisations/" + d.OrgCode)},
		"isAccessibleForFree": true,
	}
	if d.PublishedAt != nil {
		ld["datePublished"] = d.PublishedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	if d.Municipality != nil {
		ld["spatialCoverage"] = map[string]any{"@type": "Place", "name": d.Municipality.Name.In(v.Lang)}
	}
	if h.Image != "" {
		ld["image"] = h.Image
	}
	h.JSONLD = jsonLD(ld)
	return h
}

// orgHead describes an organisation's page, with the feed of its deeds.
func (s *Server) orgHead(v *view, o *org.Org) *pageHead {
	page := s.absURL("/organisations/" + o.Code)
	name := o.Name.In(v.Lang)
	return &pageHead{Description: v.T("share.org_description", name), Canonical: page, OGType: "website",
		FeedURL: "/feeds/deeds.atom?organisation=" + o.Code, FeedTitle: v.T("feed.title") + ": " + name,
		JSONLD: jsonLD(map[string]any{"@context": "https://schema.org", "@type": "GovernmentOrganization", "@id": page,
			"url": page, "name": name})}
}
