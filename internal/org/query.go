package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tekotori/tekotori/internal/finland"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
)

// orgSelect joins the place names in, so that one query gives everything a
// page needs to show an organisation.
const orgSelect = `SELECT o.id, o.code, o.kind, o.name_fi, o.name_sv, o.name_en, o.website, o.created_at,
	o.municipality_code, m.name_fi, m.name_sv, m.language,
	o.county_code, c.name_fi, c.name_sv, c.name_en,
	o.region_code, r.name_fi, r.name_sv, r.name_en
FROM organisations o
LEFT JOIN municipalities m ON m.code = o.municipality_code
LEFT JOIN counties c ON c.code = o.county_code
LEFT JOIN regions r ON r.code = o.region_code`

func scanOrg(rows *sql.Rows) (Org, error) {
	var (
		o                      Org
		kind                   string
		mCode, mFI, mSV, mLang sql.NullString
		cCode, cFI, cSV, cEN   sql.NullString
		rCode, rFI, rSV, rEN   sql.NullString
	)
	err := rows.Scan(&o.ID, &o.Code, &kind, &o.Name.FI, &o.Name.SV, &o.Name.EN, &o.Website, &o.CreatedAt,
		&mCode, &mFI, &mSV, &mLang,
		&cCode, &cFI, &cSV, &cEN,
		&rCode, &rFI, &rSV, &rEN)
	if err != nil {
		return Org{}, err
	}
	o.Kind = Kind(kind)
	if mCode.Valid {
		o.Municipality = &Place{Code: mCode.String, Name: municipalityText(mFI.String, mSV.String, mLang.String)}
	}
	if cCode.Valid {
		o.County = &Place{Code: cCode.String, Name: i18n.Text{FI: cFI.String, SV: cSV.String, EN: cEN.String}}
	}
	if rCode.Valid {
		o.Region = &Place{Code: rCode.String, Name: i18n.Text{FI: rFI.String, SV: rSV.String, EN: rEN.String}}
	}
	o.CreatedAt = o.CreatedAt.UTC()
	return o, nil
}

// queryOrgs runs orgSelect with an optional WHERE clause.
func queryOrgs(ctx context.Context, q store.Querier, where string, args ...any) ([]Org, error) {
	query := orgSelect
	if where != "" {
		query += " WHERE " + where
	}
	rows, err := q.Query(ctx, query+" ORDER BY o.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func queryOrg(ctx context.Context, q store.Querier, where string, args ...any) (*Org, error) {
	orgs, err := queryOrgs(ctx, q, where, args...)
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		return nil, ErrNotFound
	}
	return &orgs[0], nil
}

// Get returns the organisation with its units.
func (s *Service) Get(ctx context.Context, id int64) (*Org, error) {
	return s.getBy(ctx, "o.id = ?", id)
}

// ByCode returns the organisation with the exact code, with its units.
func (s *Service) ByCode(ctx context.Context, code string) (*Org, error) {
	return s.getBy(ctx, "o.code = ?", code)
}

func (s *Service) getBy(ctx context.Context, where string, arg any) (*Org, error) {
	o, err := queryOrg(ctx, s.db, where, arg)
	if errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("org: get %v: %w", arg, err)
	}
	if o.Units, err = units(ctx, s.db, o.ID); err != nil {
		return nil, err
	}
	return o, nil
}

// Find resolves what an importer or a person typed: an organisation code,
// or a name in Finnish, Swedish or English, ignoring letter case and
// surrounding space. A code wins over a name. When several organisations
// carry the name, a Finnish name wins over a Swedish one and that over an
// English one, and then the oldest organisation wins, so the answer is the
// same every time.
func (s *Service) Find(ctx context.Context, text string) (*Org, error) {
	o, err := find(ctx, s.db, text)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("org: find %q: %w", text, err)
	}
	return o, err
}

// find is Find inside a transaction or not.
func find(ctx context.Context, q store.Querier, text string) (*Org, error) {
	o, err := findByCode(ctx, q, text)
	if !errors.Is(err, ErrNotFound) {
		return o, err
	}
	return findByName(ctx, q, text, nil)
}

// findByCode also tries the lower-cased text, since codes are lower case
// and people type "Kangasala" for "kangasala".
func findByCode(ctx context.Context, q store.Querier, text string) (*Org, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, ErrNotFound
	}
	return queryOrg(ctx, q, "o.code = ? OR o.code = ?", text, strings.ToLower(text))
}

// findByName matches names in Go: SQLite's lower() folds only ASCII, so
// "HÄMEENLINNA" would not find "Hämeenlinna" there. The table holds a few
// hundred rows. When keep is given, only organisations it accepts match.
func findByName(ctx context.Context, q store.Querier, text string, keep func(Org) bool) (*Org, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, ErrNotFound
	}
	all, err := queryOrgs(ctx, q, "")
	if err != nil {
		return nil, err
	}
	for _, name := range []func(Org) string{
		func(o Org) string { return o.Name.FI },
		func(o Org) string { return o.Name.SV },
		func(o Org) string { return o.Name.EN },
	} {
		for i := range all {
			if n := name(all[i]); n != "" && strings.EqualFold(strings.TrimSpace(n), text) && (keep == nil || keep(all[i])) {
				return &all[i], nil
			}
		}
	}
	return nil, ErrNotFound
}

// List returns the organisations that pass f, ordered by Finnish name.
// Units are not filled.
func (s *Service) List(ctx context.Context, f ListFilter) ([]Org, error) {
	var (
		where []string
		args  []any
	)
	if f.Kind != "" {
		where = append(where, "o.kind = ?")
		args = append(args, string(f.Kind))
	}
	if f.RegionCode != "" {
		where = append(where, "o.region_code = ?")
		args = append(args, f.RegionCode)
	}
	orgs, err := queryOrgs(ctx, s.db, strings.Join(where, " AND "), args...)
	if err != nil {
		return nil, fmt.Errorf("org: list: %w", err)
	}
	// The query is matched in Go for the same reason as in find: SQLite's
	// lower() leaves ä, ö and å alone.
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		orgs = slices.DeleteFunc(orgs, func(o Org) bool {
			return !strings.Contains(strings.ToLower(o.Name.FI), q) &&
				!strings.Contains(strings.ToLower(o.Name.SV), q) &&
				!strings.Contains(strings.ToLower(o.Name.EN), q)
		})
	}
	slices.SortStableFunc(orgs, func(a, b Org) int { return compareFinnish(a.Name.FI, b.Name.FI) })
	return orgs, nil
}

// Units returns the organisation's units ordered by name.
func (s *Service) Units(ctx context.Context, orgID int64) ([]Unit, error) {
	return units(ctx, s.db, orgID)
}

func units(ctx context.Context, q store.Querier, orgID int64) ([]Unit, error) {
	rows, err := q.Query(ctx, "SELECT id, org_id, name FROM org_units WHERE org_id = ?", orgID)
	if err != nil {
		return nil, fmt.Errorf("org: units of %d: %w", orgID, err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.OrgID, &u.Name); err != nil {
			return nil, fmt.Errorf("org: units of %d: %w", orgID, err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("org: units of %d: %w", orgID, err)
	}
	slices.SortFunc(out, func(a, b Unit) int { return compareFinnish(a.Name, b.Name) })
	return out, nil
}

// The place lists come from the registry, not the database: forms and
// filters must offer the current classification, while the database also
// keeps places that were merged away, so that old references stay valid.

// Regions returns the regions ordered by code.
func (s *Service) Regions(ctx context.Context) ([]Place, error) {
	var out []Place
	for _, r := range s.reg.Regions() {
		out = append(out, regionPlace(r))
	}
	return out, nil
}

// Counties returns the wellbeing services counties and Helsinki (90), which
// organises the same services itself, ordered by code. Åland is left out
// because it has no such county.
func (s *Service) Counties(ctx context.Context) ([]Place, error) {
	var out []Place
	for _, c := range s.reg.Counties() {
		if c.Wellbeing {
			out = append(out, countyPlace(c))
		}
	}
	return out, nil
}

// Municipalities returns the municipalities ordered by Finnish name.
func (s *Service) Municipalities(ctx context.Context) ([]Place, error) {
	var out []Place
	for _, m := range s.reg.Municipalities() {
		out = append(out, municipalityPlace(m))
	}
	slices.SortFunc(out, func(a, b Place) int { return compareFinnish(a.Name.FI, b.Name.FI) })
	return out, nil
}

// Municipality looks a municipality up by code (leading zeros may be left
// out) or by its Finnish or Swedish name in any letter case.
func (s *Service) Municipality(ctx context.Context, text string) (*MunicipalityInfo, error) {
	m, ok := s.reg.FindMunicipality(text)
	if !ok {
		return nil, ErrNotFound
	}
	r, _ := s.reg.Region(m.RegionCode)
	c, _ := s.reg.County(m.CountyCode)
	return &MunicipalityInfo{
		Place:    municipalityPlace(m),
		Region:   regionPlace(r),
		County:   countyPlace(c),
		Language: m.Language,
	}, nil
}

func regionPlace(r finland.Region) Place {
	return Place{Code: r.Code, Name: i18n.Text{FI: r.NameFI, SV: r.NameSV, EN: r.NameEN}}
}

func countyPlace(c finland.County) Place {
	return Place{Code: c.Code, Name: i18n.Text{FI: c.NameFI, SV: c.NameSV, EN: c.NameEN}}
}

func municipalityPlace(m finland.Municipality) Place {
	return Place{Code: m.Code, Name: municipalityText(m.NameFI, m.NameSV, m.Language)}
}
