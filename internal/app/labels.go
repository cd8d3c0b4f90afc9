package app

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/taxonomy"
)

// AwardValue is the award facet's value for an award: campaign id,
// category id and outcome ("12-34-winner"). It names no campaign, so
// renaming one changes no link or API filter.
func AwardValue(campaignID, categoryID int64, outcome campaign.Outcome) string {
	return campaign.Badge{CampaignID: campaignID, CategoryID: categoryID, Outcome: outcome}.Key()
}

// AwardName is how the award facet names an award on the page and in the
// API: "<campaign> – <category>: <outcome>" in lang.
func AwardName(cat *i18n.Catalog, l campaign.AwardLabel, lang string) string {
	outcome := string(l.Outcome)
	if key := "cpublic.outcome_" + outcome; cat.Has(i18n.Default, key) {
		outcome = cat.T(lang, key)
	}
	return l.Campaign.In(lang) + " – " + l.Category.In(lang) + ": " + outcome
}

// AwardLabels gives every awarded deed the facet values of its awards in
// the latest published results, for the search index's award facet.
func (a *App) AwardLabels(ctx context.Context) (map[int64][]string, error) {
	awards, err := a.Campaigns.AwardedDeedIDs(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]string, len(awards))
	for id, ls := range awards {
		for _, l := range ls {
			if !slices.Contains(out[id], l.Key) {
				out[id] = append(out[id], l.Key)
			}
		}
	}
	return out, nil
}

// labelTTL is how long facet names are reused before they are read
// again. Organisations, vocabularies and published results change a few
// times a month, and no change of them moves a counter that could be
// read cheaply on every request; so each node reads the names again
// after this long, and at once after a change it made itself through the
// app (publishing results). A rename made on another node shows in the
// facets within labelTTL; facet values are codes and ids, which a
// rename does not change, so no filter or link goes stale meanwhile.
const labelTTL = 30 * time.Second

// facetNames are the names of facet values in every language.
type facetNames struct {
	read   time.Time
	vocab  *taxonomy.Vocabulary
	names  map[string]map[string]i18n.Text // facet → code → names
	awards map[string]campaign.AwardLabel  // award value → campaign, category, outcome
}

// labelCache holds the facet names between requests.
type labelCache struct {
	mu  sync.Mutex // one reader of the database at a time
	cur *facetNames
}

// ForgetFacetLabels makes the next request read the facet names again.
func (a *App) ForgetFacetLabels() {
	a.labels.mu.Lock()
	a.labels.cur = nil
	a.labels.mu.Unlock()
}

func (a *App) facetNames(ctx context.Context) (*facetNames, error) {
	a.labels.mu.Lock()
	defer a.labels.mu.Unlock()
	if c := a.labels.cur; c != nil && time.Since(c.read) < labelTTL {
		return c, nil
	}
	fn := &facetNames{read: time.Now(), names: map[string]map[string]i18n.Text{
		search.FacetRegion: {}, search.FacetCounty: {}, search.FacetOrg: {}}, awards: map[string]campaign.AwardLabel{}}
	var err error
	if fn.vocab, err = a.Terms.All(ctx); err != nil {
		return nil, err
	}
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
			fn.names[facet][p.Code] = p.Name
		}
	}
	orgs, err := a.Orgs.List(ctx, org.ListFilter{})
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		fn.names[search.FacetOrg][o.Code] = o.Name
	}
	awards, err := a.Campaigns.AwardedDeedIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("app: award names: %w", err)
	}
	for _, ls := range awards {
		for _, l := range ls {
			fn.awards[l.Key] = l
		}
	}
	a.labels.cur = fn
	return fn, nil
}

// FacetLabels names search facet values in a language, for the search page
// and the API alike: vocabulary labels, place, organisation and award
// names, and the interface's words for statuses, languages and
// organisation kinds. The names are read once per labelTTL, not per
// request.
func (a *App) FacetLabels(ctx context.Context, cat *i18n.Catalog, lang string) (func(facet, value string) string, error) {
	fn, err := a.facetNames(ctx)
	if err != nil {
		return nil, err
	}
	kinds := map[string]taxonomy.Kind{search.FacetSector: taxonomy.Sector, search.FacetTheme: taxonomy.Theme, search.FacetClientGroup: taxonomy.ClientGroup}
	prefixes := map[string]string{search.FacetOrgKind: "orgkind.", search.FacetStatus: "status.", search.FacetLang: "lang."}
	return func(facet, value string) string {
		if k, ok := kinds[facet]; ok {
			return fn.vocab.Label(k, value, lang)
		}
		if facet == search.FacetAward {
			if l, ok := fn.awards[value]; ok {
				return AwardName(cat, l, lang)
			}
			return value
		}
		if n, ok := fn.names[facet][value]; ok {
			return n.In(lang)
		}
		if p, ok := prefixes[facet]; ok && cat.Has(i18n.Default, p+value) {
			return cat.T(lang, p+value)
		}
		return value
	}, nil
}
