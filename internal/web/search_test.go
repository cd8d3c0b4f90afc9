package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tekotori/tekotori/internal/demo"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
)

// An address with thousands of filter values gives a page the size of an
// ordinary one: the values are capped and each counts once, and the links
// that drop a filter do not repeat every other value. (Uncapped, 5,000
// values made a page of about 250 MB.)
func TestSearchManyFilterValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		if _, err := demo.Fill(context.Background(), s.app); err != nil {
			t.Fatal(err)
		}
		c := s.client()
		var b strings.Builder
		b.WriteString("q=kunta")
		// 2,500 different sectors and one theme repeated 2,500 times;
		// none exists, so the page offers its drop-a-filter links.
		for i := range 2500 {
			fmt.Fprintf(&b, "&sector=ei-ole-%d&theme=ei-ole", i)
		}
		query := b.String()

		page := c.get("/search?" + query)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Haulla ei löytynyt tekoja.")
		if len(page.body) > 100_000 {
			t.Fatalf("search page is %d bytes", len(page.body))
		}
		sectors := strings.Count(page.body, `name="sector" value="ei-ole-`)
		themes := strings.Count(page.body, `name="theme" value="ei-ole"`)
		// Each selected value shows as a hidden field and a checked box.
		if sectors != 2*search.MaxValuesPerFacet || themes != 2 {
			t.Fatalf("page carries %d sector and %d theme fields", sectors, themes)
		}
		drops := strings.Count(page.body, "ilman: ")
		if drops != search.MaxValuesPerFacet+1 {
			t.Fatalf("%d drop-a-filter links", drops)
		}

		r := c.get("/api/v1/deeds?" + query)
		wantStatus(t, r, http.StatusOK)
		if len(r.body) > 100_000 {
			t.Fatalf("API answer is %d bytes", len(r.body))
		}
		var res struct {
			Total  int `json:"total"`
			Facets map[string][]struct {
				Value    string `json:"value"`
				Selected bool   `json:"selected"`
			} `json:"facets"`
		}
		if err := json.Unmarshal([]byte(r.body), &res); err != nil {
			t.Fatal(err)
		}
		if res.Total != 0 || len(res.Facets["sector"]) != search.MaxValuesPerFacet || len(res.Facets["theme"]) != 1 {
			t.Fatalf("API: total %d, %d sector and %d theme values", res.Total, len(res.Facets["sector"]), len(res.Facets["theme"]))
		}

		// Every facet together stays within the overall cap.
		b.Reset()
		b.WriteString("q=kunta")
		for _, f := range search.Facets {
			for i := range 30 {
				fmt.Fprintf(&b, "&%s=ei-ole-%d", f, i)
			}
		}
		r = c.get("/api/v1/deeds?" + b.String())
		wantStatus(t, r, http.StatusOK)
		if err := json.Unmarshal([]byte(r.body), &res); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, vals := range res.Facets {
			for _, v := range vals {
				if v.Selected {
					n++
				}
			}
		}
		if n != search.MaxFilterValues {
			t.Fatalf("%d filter values used", n)
		}
	})
}
