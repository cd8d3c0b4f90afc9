package app

import (
	"context"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/taxonomy"
)

// FacetLabels names search facet values in a language, for the search page
// and the API alike: vocabulary labels, place and organisation names, and
// the interface's words for statuses, languages and organisation kinds.
func (a *App) FacetLabels(ctx context.Context, cat *i18n.Catalog, lang string) (func(facet, value string) string, error) {
	vocab, err := a.Terms.All(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]map[string]string{search.FacetRegion: {}, search.FacetCounty: {}, search.FacetOrg: {}}
	regions, err := a.Orgs.Regions(ctx)
	if err != nil {
		return nil, err
	}
	counties, err := a.Orgs.Counties(ctx)
	if err != nil {
		return nil, err
	}
	for facet, places := range map[string][]org.Place{search.FacetRegion: regions, search.FacetCounty: counties} {
		for _, p := range places {
			names[facet][p.Code] = p.Name.In(lang)
		}
	}
	orgs, err := a.Orgs.List(ctx, org.ListFilter{})
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		names[search.FacetOrg][o.Code] = o.Name.In(lang)
	}
	kinds := map[string]taxonomy.Kind{search.FacetSector: taxonomy.Sector, search.FacetTheme: taxonomy.Theme, search.FacetClientGroup: taxonomy.ClientGroup}
	prefixes := map[string]string{search.FacetOrgKind: "orgkind.", search.FacetStatus: "status.", search.FacetLang: "lang."}
	return func(facet, value string) string {
		if k, ok := kinds[facet]; ok {
			return vocab.Label(k, value, lang)
		}
		if n, ok := names[facet][value]; ok {
			return n
		}
		if p, ok := prefixes[facet]; ok && cat.Has(i18n.Default, p+value) {
			return cat.T(lang, p+value)
		}
		return value
	}, nil
}
