package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/taxonomy"
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
}

type browseData struct {
	Facets  []facet
	Years   []option
	Orgs    []option
	Sorts   []option
	Page    deed.Page
	Pager   pager
	Filters bool
}

// filterFromQuery reads the browse filters. Unknown values simply match
// nothing, so a hand-edited address gives an empty list, not an error.
func filterFromQuery(q url.Values) deed.Filter {
	f := deed.Filter{
		Sectors: q["sector"], Themes: q["theme"], ClientGroups: q["client_group"], OrgCodes: q["org"],
		Regions: q["region"], Counties: q["county"], Statuses: q["status"], Langs: q["lang"], Sort: q.Get("sort"),
	}
	for _, y := range q["year"] {
		if n, err := strconv.Atoi(y); err == nil {
			f.Years = append(f.Years, n)
		}
	}
	f.OrgCodes = nonEmpty(f.OrgCodes)
	return f
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

func (s *Server) browse(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := s.newView(r, "browse.title", nil)
	q := r.URL.Query()
	f := filterFromQuery(q)
	page := pageNumber(q)
	f.Limit, f.Offset = perPage, (page-1)*perPage
	res, err := s.app.Deeds.List(ctx, currentUser(r), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	vocab, err := s.app.Terms.All(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	counts, err := s.app.Deeds.TermCounts(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	countOf := map[string]int{}
	for _, c := range counts {
		countOf[string(c.Kind)+"/"+c.Slug] = c.Count
	}
	d := browseData{Page: res}
	termFacet := func(name, label string, k taxonomy.Kind, selected []string) facet {
		fc := facet{Name: name, Label: v.T(label)}
		for _, t := range vocab.Terms(k, false) {
			o := option{Value: t.Slug, Label: t.Label.In(v.Lang), Count: countOf[string(k)+"/"+t.Slug], Selected: contains(selected, t.Slug)}
			fc.Open = fc.Open || o.Selected
			fc.Options = append(fc.Options, o)
		}
		return fc
	}
	d.Facets = append(d.Facets,
		termFacet("sector", "field.sector", taxonomy.Sector, f.Sectors),
		termFacet("theme", "field.themes", taxonomy.Theme, f.Themes),
		termFacet("client_group", "field.client_groups", taxonomy.ClientGroup, f.ClientGroups))
	regions, err := s.app.Orgs.Regions(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Facets = append(d.Facets, placeFacet(v, "region", "field.region", regions, f.Regions))
	counties, err := s.app.Orgs.Counties(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Facets = append(d.Facets, placeFacet(v, "county", "field.county", counties, f.Counties))
	st := facet{Name: "status", Label: v.T("field.status")}
	for _, x := range deed.Statuses() {
		o := option{Value: string(x), Label: v.StatusLabel(x), Selected: contains(f.Statuses, string(x))}
		st.Open = st.Open || o.Selected
		st.Options = append(st.Options, o)
	}
	lg := facet{Name: "lang", Label: v.T("field.lang")}
	for _, x := range deed.Languages() {
		o := option{Value: x, Label: v.ContentLang(x), Selected: contains(f.Langs, x)}
		lg.Open = lg.Open || o.Selected
		lg.Options = append(lg.Options, o)
	}
	d.Facets = append(d.Facets, st, lg)
	years, err := s.app.Deeds.Years(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, y := range years {
		ys := strconv.Itoa(y)
		d.Years = append(d.Years, option{Value: ys, Label: ys, Selected: contains(q["year"], ys)})
	}
	orgs, err := s.app.Orgs.List(ctx, org.ListFilter{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, option{Value: o.Code, Label: o.Name.In(v.Lang), Selected: contains(f.OrgCodes, o.Code)})
	}
	for _, so := range []string{"newest", "oldest", "title"} {
		d.Sorts = append(d.Sorts, option{Value: so, Label: v.T("sort." + so), Selected: f.Sort == so || (f.Sort == "" && so == "newest")})
	}
	d.Filters = len(f.Sectors)+len(f.Themes)+len(f.ClientGroups)+len(f.OrgCodes)+len(f.Regions)+len(f.Counties)+len(f.Years)+len(f.Statuses)+len(f.Langs) > 0
	d.Pager = newPager(v, "/deeds", q, page, perPage, res.Total)
	v.Data = d
	s.render(w, r, http.StatusOK, "browse", v)
}

func placeFacet(v *view, name, label string, places []org.Place, selected []string) facet {
	fc := facet{Name: name, Label: v.T(label)}
	for _, p := range places {
		o := option{Value: p.Code, Label: p.Name.In(v.Lang), Selected: contains(selected, p.Code)}
		fc.Open = fc.Open || o.Selected
		fc.Options = append(fc.Options, o)
	}
	return fc
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
