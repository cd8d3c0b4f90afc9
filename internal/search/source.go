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

// read reads the deeds matching where; highlighting uses it for a page of
// hits.
func (s *Service) read(ctx context.Context, full bool, where string, args ...any) ([]*Source, error) {
	var out []*Source
	err := s.each(ctx, full, where, args, func(src *Source) error {
		out = append(out, src)
		return nil
	})
	return out, err
}

type termRef struct{ kind, slug string }

// each streams the deeds matching where to fn, one at a time, so that
// building the index of 100,000 deeds never holds all their text at once.
// The awards are read only when full is set: highlighting needs the text,
// labels included for their positions, but not the facets.
func (s *Service) each(ctx context.Context, full bool, where string, args []any, fn func(*Source) error) error {
	labels, err := s.labels(ctx)
	if err != nil {
		return err
	}
	terms := map[int64][]termRef{}
	termRows, err := s.db.Query(ctx, `SELECT dt.deed_id, t.kind, t.slug FROM deed_terms dt JOIN terms t ON t.id = dt.term_id
		JOIN deeds d ON d.id = dt.deed_id WHERE `+where+` ORDER BY t.position, t.id`, args...)
	if err != nil {
		return fmt.Errorf("search: read terms: %w", err)
	}
	for termRows.Next() {
		var id int64
		var r termRef
		if err := termRows.Scan(&id, &r.kind, &r.slug); err != nil {
			termRows.Close()
			return fmt.Errorf("search: read terms: %w", err)
		}
		terms[id] = append(terms[id], r)
	}
	termRows.Close()
	if err := termRows.Err(); err != nil {
		return fmt.Errorf("search: read terms: %w", err)
	}
	var awards map[int64][]string
	if s.Awards != nil && full {
		if awards, err = s.Awards(ctx); err != nil {
			return err
		}
	}
	rows, err := s.db.Query(ctx, sourceSelect+" WHERE "+where, args...)
	if err != nil {
		return fmt.Errorf("search: read deeds: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var src Source
		var published sql.NullTime
		var need, solution, results, lessons, adoption, partners, orgFI, orgSV, unit, munFI, munSV string
		var sector, region, county, orgKind, orgCode, status string
		var year int
		if err := rows.Scan(&src.DeedID, &src.Lang, &published, &src.Title, &src.Summary, &need, &solution, &results, &lessons, &adoption, &partners,
			&orgFI, &orgSV, &unit, &munFI, &munSV, &sector, &region, &county, &orgKind, &orgCode, &year, &status); err != nil {
			return fmt.Errorf("search: read deeds: %w", err)
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
		src.Labels = labels["sector/"+sector]
		for _, r := range terms[src.DeedID] {
			switch r.kind {
			case "theme":
				src.Facets[FacetTheme] = append(src.Facets[FacetTheme], r.slug)
			case "client_group":
				src.Facets[FacetClientGroup] = append(src.Facets[FacetClientGroup], r.slug)
			}
			src.Labels += " " + labels[r.kind+"/"+r.slug]
		}
		if a := awards[src.DeedID]; len(a) > 0 {
			src.Facets[FacetAward] = a
		}
		if err := fn(&src); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search: read deeds: %w", err)
	}
	return nil
}

func nonEmpty(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
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
