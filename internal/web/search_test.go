package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

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

// A result list reads its hits in one query: each item of the search API
// is the same as the deed's own API answer, and a hit unpublished since
// the index saw it is left out of the items and of the total.
func TestSearchHitsAsListed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		if _, err := demo.Fill(ctx, s.app); err != nil {
			t.Fatal(err)
		}
		c := s.client()
		type listing struct {
			Total int              `json:"total"`
			Items []map[string]any `json:"items"`
		}
		get := func(path string) listing {
			t.Helper()
			r := c.get(path)
			wantStatus(t, r, http.StatusOK)
			var l listing
			if err := json.Unmarshal([]byte(r.body), &l); err != nil {
				t.Fatal(err)
			}
			return l
		}
		all := get("/api/v1/deeds?q=kunta&limit=100&ui_lang=sv")
		if all.Total < 5 || len(all.Items) != all.Total {
			t.Fatalf("total %d, %d items", all.Total, len(all.Items))
		}
		for _, it := range all.Items[:5] {
			r := c.get(fmt.Sprintf("/api/v1/deeds/%v?ui_lang=sv", it["id"]))
			wantStatus(t, r, http.StatusOK)
			var full map[string]any
			if err := json.Unmarshal([]byte(r.body), &full); err != nil {
				t.Fatal(err)
			}
			for k, v := range it {
				if k == "score" || k == "highlight" {
					continue
				}
				if want, _ := json.Marshal(full[k]); string(want) != mustJSON(t, v) {
					t.Errorf("deed %v: %s is %s in the search, %s on its own", it["id"], k, mustJSON(t, v), want)
				}
			}
		}

		// Unpublished behind the index's back: the change sequence does
		// not move, so the index still has the deed.
		gone := all.Items[0]["id"]
		if _, err := db.Exec(ctx, `UPDATE deeds SET state = 'archived' WHERE id = ?`, gone); err != nil {
			t.Fatal(err)
		}
		after := get("/api/v1/deeds?q=kunta&limit=100")
		if after.Total != all.Total-1 || len(after.Items) != after.Total {
			t.Fatalf("after unpublishing one: total %d, %d items (was %d)", after.Total, len(after.Items), all.Total)
		}
		for _, it := range after.Items {
			if it["id"] == gone {
				t.Fatalf("deed %v is listed though archived", gone)
			}
		}
		page := c.get("/search?q=kunta")
		mustContain(t, page.body, fmt.Sprintf(">%d tekoa</h2>", after.Total))
		mustNotContain(t, page.body, fmt.Sprintf(`href="/deeds/%v/`, gone))
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The award facet's values are ids, the same in every language and
// across renames; its labels are in the reader's language.
func TestSearchAwardFacet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		if _, err := demo.Fill(ctx, s.app); err != nil {
			t.Fatal(err)
		}
		c := s.client()
		type facetValue struct {
			Value string `json:"value"`
			Label string `json:"label"`
			Count int    `json:"count"`
		}
		awards := func(query string) (int, []facetValue) {
			t.Helper()
			r := c.get("/api/v1/deeds?" + query)
			wantStatus(t, r, http.StatusOK)
			var res struct {
				Total  int                     `json:"total"`
				Facets map[string][]facetValue `json:"facets"`
			}
			if err := json.Unmarshal([]byte(r.body), &res); err != nil {
				t.Fatal(err)
			}
			return res.Total, res.Facets["award"]
		}
		// Publishing the demo results rebuilds the index in the
		// background: the awards show once it is swapped in.
		_, fi := awards("ui_lang=fi")
		for deadline := time.Now().Add(15 * time.Second); len(fi) == 0 && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
			_, fi = awards("ui_lang=fi")
		}
		_, en := awards("ui_lang=en")
		if len(fi) == 0 || len(fi) != len(en) {
			t.Fatalf("award facet: %d values in Finnish, %d in English", len(fi), len(en))
		}
		value := regexp.MustCompile(`^[0-9]+-[0-9]+-(winner|mention)$`)
		for i := range fi {
			if !value.MatchString(fi[i].Value) || fi[i].Value != en[i].Value || fi[i].Label == en[i].Label {
				t.Errorf("award value %q / %q, labels %q and %q", fi[i].Value, en[i].Value, fi[i].Label, en[i].Label)
			}
		}
		if !strings.HasSuffix(fi[0].Label, ": palkittu") && !strings.HasSuffix(fi[0].Label, ": kunniamaininta") {
			t.Errorf("Finnish award label %q", fi[0].Label)
		}
		total, picked := awards("award=" + fi[0].Value)
		if total != fi[0].Count || len(picked) == 0 {
			t.Fatalf("filtered by %s: %d deeds, want %d", fi[0].Value, total, fi[0].Count)
		}
		page := c.get("/search?award=" + fi[0].Value)
		mustContain(t, page.body, fmt.Sprintf(">%d tekoa</h2>", fi[0].Count), fi[0].Label)
	})
}

// A search of several words finds deeds with some of them too, and the
// page and the API say how many have them all.
func TestSearchSaysWhatMatched(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		if _, err := demo.Fill(context.Background(), s.app); err != nil {
			t.Fatal(err)
		}
		c := s.client()
		var res struct {
			Total    int  `json:"total"`
			Complete int  `json:"complete"`
			Relaxed  bool `json:"relaxed"`
		}
		r := c.get("/api/v1/deeds?q=kotihoito+kunta")
		wantStatus(t, r, http.StatusOK)
		if err := json.Unmarshal([]byte(r.body), &res); err != nil {
			t.Fatal(err)
		}
		if res.Complete < 1 || res.Complete >= res.Total || !res.Relaxed {
			t.Fatalf("kotihoito kunta: total %d, complete %d, relaxed %v", res.Total, res.Complete, res.Relaxed)
		}
		page := c.get("/search?q=kotihoito+kunta")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, fmt.Sprintf("Kaikki hakusanat sisältäviä tekoja on %d;", res.Complete))

		r = c.get("/api/v1/deeds?q=kotihoito+kes%C3%A4ty%C3%B6seteli")
		wantStatus(t, r, http.StatusOK)
		if err := json.Unmarshal([]byte(r.body), &res); err != nil {
			t.Fatal(err)
		}
		if res.Complete != 0 || res.Total < 2 || !res.Relaxed {
			t.Fatalf("kotihoito kesätyöseteli: total %d, complete %d, relaxed %v", res.Total, res.Complete, res.Relaxed)
		}
		page = c.get("/search?q=kotihoito+kes%C3%A4ty%C3%B6seteli")
		mustContain(t, page.body, "Mikään teko ei sisällä kaikkia hakusanoja;")
	})
}

// A query is expanded through the starter thesaurus: the page says with
// what and links to the same search without it, and expand=0 in the page
// and the API turns it off.
func TestSearchExpansion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		if _, err := demo.Fill(context.Background(), s.app); err != nil {
			t.Fatal(err)
		}
		c := s.client()
		var on, off struct {
			Total    int      `json:"total"`
			Expanded []string `json:"expanded"`
		}
		r := c.get("/api/v1/deeds?q=vanhus")
		wantStatus(t, r, http.StatusOK)
		if err := json.Unmarshal([]byte(r.body), &on); err != nil {
			t.Fatal(err)
		}
		r = c.get("/api/v1/deeds?q=vanhus&expand=0")
		if err := json.Unmarshal([]byte(r.body), &off); err != nil {
			t.Fatal(err)
		}
		// The demo deeds write ikäihminen and iäkäs, hardly vanhus.
		if !strings.Contains(strings.Join(on.Expanded, ","), "ikäihminen") || len(off.Expanded) != 0 || on.Total <= off.Total {
			t.Fatalf("expanded %v (total %d), without %v (total %d)", on.Expanded, on.Total, off.Expanded, off.Total)
		}
		page := c.get("/search?q=vanhus")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Haettiin myös: ", "ikäihminen", `href="/search?expand=0&amp;q=vanhus">Hae ilman niitä</a>`)
		page = c.get("/search?q=vanhus&expand=0")
		mustContain(t, page.body, "Haettiin ilman synonyymejä ja käännöksiä.", `<input type="hidden" name="expand" value="0">`)
		if strings.Contains(page.body, "Haettiin myös: ") {
			t.Fatal("expand=0 still expanded")
		}
	})
}
