package search

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

const sourceSelect = `SELECT d.id, d.lang, d.published_at, d.title, d.summary, d.need, d.solution, d.results, d.lessons, d.adoption, d.partners,
	o.name_fi, o.name_sv, COALESCE(un.name, ''), COALESCE(m.name_fi, ''), COALESCE(m.name_sv, ''),
	COALESCE(s.slug, ''), COALESCE(d.region_code, ''), COALESCE(d.county_code, ''), o.kind, o.code,
	COALESCE(d.year_started, 0), d.status
FROM deeds d
JOIN organisations o ON o.id = d.org_id
LEFT JOIN org_units un ON un.id = d.unit_id
LEFT JOIN municipalities m ON m.code = d.municipality_code
LEFT JOIN terms s ON s.id = d.sector_id`

// sources reads the deeds matching where with everything the index needs.
func (s *Service) sources(ctx context.Context, where string, args ...any) ([]*Source, error) {
	return s.read(ctx, true, where, args...)
}

// read reads deeds; the awards only when full is set, as highlighting
// needs only the text (labels included, for their positions).
func (s *Service) read(ctx context.Context, full bool, where string, args ...any) ([]*Source, error) {
	rows, err := s.db.Query(ctx, sourceSelect+" WHERE "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("search: read deeds: %w", err)
	}
	defer rows.Close()
	var out []*Source
	byID := map[int64]*Source{}
	for rows.Next() {
		var src Source
		var published sql.NullTime
		var need, solution, results, lessons, adoption, partners, orgFI, orgSV, unit, munFI, munSV string
		var sector, region, county, orgKind, orgCode, status string
		var year int
		if err := rows.Scan(&src.DeedID, &src.Lang, &published, &src.Title, &src.Summary, &need, &solution, &results, &lessons, &adoption, &partners,
			&orgFI, &orgSV, &unit, &munFI, &munSV, &sector, &region, &county, &orgKind, &orgCode, &year, &status); err != nil {
			return nil, fmt.Errorf("search: read deeds: %w", err)
		}
		if published.Valid {
			src.Published = published.Time
		} else {
			src.Published = time.Unix(0, 0)
		}
		names := orgFI
		if orgSV != "" && orgSV != orgFI {
			names += " " + orgSV
		}
		places := munFI
		if munSV != "" && munSV != munFI {
			places += " " + munSV
		}
		src.Body = []string{need, solution, results, lessons, adoption, partners}
		src.Names = names + " " + unit + " " + places
		src.Facets = map[string][]string{
			FacetSector: nonEmpty(sector), FacetRegion: nonEmpty(region), FacetCounty: nonEmpty(county),
			FacetOrgKind: nonEmpty(orgKind), FacetOrg: nonEmpty(orgCode), FacetYear: yearValue(year), FacetStatus: nonEmpty(status),
		}
		out = append(out, &src)
		byID[src.DeedID] = &src
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: read deeds: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	labels, err := s.labels(ctx)
	if err != nil {
		return nil, err
	}
	for _, src := range out {
		src.Labels = labels["sector/"+first(src.Facets[FacetSector])]
	}
	// Themes and client groups: one query for the lot. Highlighting needs
	// them too, for the labels' positions.
	termRows, err := s.db.Query(ctx, `SELECT dt.deed_id, t.kind, t.slug FROM deed_terms dt JOIN terms t ON t.id = dt.term_id
		JOIN deeds d ON d.id = dt.deed_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("search: read terms: %w", err)
	}
	defer termRows.Close()
	for termRows.Next() {
		var id int64
		var kind, slug string
		if err := termRows.Scan(&id, &kind, &slug); err != nil {
			return nil, fmt.Errorf("search: read terms: %w", err)
		}
		src := byID[id]
		if src == nil {
			continue
		}
		switch kind {
		case "theme":
			src.Facets[FacetTheme] = append(src.Facets[FacetTheme], slug)
		case "client_group":
			src.Facets[FacetClientGroup] = append(src.Facets[FacetClientGroup], slug)
		}
		src.Labels += " " + labels[kind+"/"+slug]
	}
	if err := termRows.Err(); err != nil {
		return nil, fmt.Errorf("search: read terms: %w", err)
	}
	if s.Awards != nil && full {
		awards, err := s.Awards(ctx)
		if err != nil {
			return nil, err
		}
		for id, labels := range awards {
			if src := byID[id]; src != nil {
				src.Facets[FacetAward] = labels
			}
		}
	}
	return out, nil
}

func nonEmpty(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// labels gives each vocabulary term's labels in the three languages, keyed
// "kind/slug", as searchable text.
func (s *Service) labels(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.Query(ctx, `SELECT kind, slug, label_fi, label_sv, label_en FROM terms`)
	if err != nil {
		return nil, fmt.Errorf("search: read labels: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var kind, slug, fi, sv, en string
		if err := rows.Scan(&kind, &slug, &fi, &sv, &en); err != nil {
			return nil, fmt.Errorf("search: read labels: %w", err)
		}
		out[kind+"/"+slug] = fi + ". " + sv + ". " + en + "."
	}
	return out, rows.Err()
}
