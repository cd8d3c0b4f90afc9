package org

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/tekotori/tekotori/internal/finland"
	"github.com/tekotori/tekotori/internal/store"
)

// helsinkiCounty is the City of Helsinki as a county. The city's own
// municipality organisation already stands for it, so Sync makes no
// separate county organisation.
const helsinkiCounty = "90"

// Sync writes the registry into the place tables and makes sure every
// municipality and every wellbeing services county has its organisation.
//
// It is meant to run on every start, on every node: places are upserted, so
// a new classification renames in place; nothing is deleted, because deeds
// and organisations keep referring to merged-away places. Organisations are
// matched by their place rather than by code, so they keep their id and
// code even when an admin has changed the code or the place was renamed;
// their names and places are reset to the registry's, which owns them.
func (s *Service) Sync(ctx context.Context) error {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.syncPlaces(ctx, tx); err != nil {
			return err
		}
		return s.syncOrgs(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("org: sync: %w", err)
	}
	return nil
}

// syncPlaces upserts each table in one statement, which keeps a start on
// PostgreSQL to a few round trips. The WHERE clauses skip rows that did not
// change, so that a start without a new classification writes nothing.
func (s *Service) syncPlaces(ctx context.Context, tx *store.Tx) error {
	regions := s.reg.Regions()
	args := make([]any, 0, 4*len(regions))
	for _, r := range regions {
		args = append(args, r.Code, r.NameFI, r.NameSV, r.NameEN)
	}
	_, err := tx.Exec(ctx, `INSERT INTO regions (code, name_fi, name_sv, name_en) VALUES `+valueRows(len(regions), 4)+`
		ON CONFLICT (code) DO UPDATE SET name_fi = excluded.name_fi, name_sv = excluded.name_sv, name_en = excluded.name_en
		WHERE regions.name_fi <> excluded.name_fi OR regions.name_sv <> excluded.name_sv OR regions.name_en <> excluded.name_en`, args...)
	if err != nil {
		return fmt.Errorf("regions: %w", err)
	}

	counties := s.reg.Counties()
	args = make([]any, 0, 5*len(counties))
	for _, c := range counties {
		args = append(args, c.Code, c.NameFI, c.NameSV, c.NameEN, c.Wellbeing)
	}
	_, err = tx.Exec(ctx, `INSERT INTO counties (code, name_fi, name_sv, name_en, wellbeing) VALUES `+valueRows(len(counties), 5)+`
		ON CONFLICT (code) DO UPDATE SET name_fi = excluded.name_fi, name_sv = excluded.name_sv, name_en = excluded.name_en, wellbeing = excluded.wellbeing
		WHERE counties.name_fi <> excluded.name_fi OR counties.name_sv <> excluded.name_sv OR counties.name_en <> excluded.name_en
			OR counties.wellbeing <> excluded.wellbeing`, args...)
	if err != nil {
		return fmt.Errorf("counties: %w", err)
	}

	munis := s.reg.Municipalities()
	args = make([]any, 0, 6*len(munis))
	for _, m := range munis {
		args = append(args, m.Code, m.NameFI, m.NameSV, m.RegionCode, m.CountyCode, m.Language)
	}
	_, err = tx.Exec(ctx, `INSERT INTO municipalities (code, name_fi, name_sv, region_code, county_code, language) VALUES `+valueRows(len(munis), 6)+`
		ON CONFLICT (code) DO UPDATE SET name_fi = excluded.name_fi, name_sv = excluded.name_sv,
			region_code = excluded.region_code, county_code = excluded.county_code, language = excluded.language
		WHERE municipalities.name_fi <> excluded.name_fi OR municipalities.name_sv <> excluded.name_sv
			OR municipalities.region_code <> excluded.region_code OR municipalities.county_code <> excluded.county_code
			OR municipalities.language <> excluded.language`, args...)
	if err != nil {
		return fmt.Errorf("municipalities: %w", err)
	}
	return nil
}

// valueRows returns "(?, ?), (?, ?)" for n rows of width columns.
func valueRows(n, width int) string {
	row := "(" + store.Placeholders(width) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// syncRow is an organisation as Sync compares and writes it.
type syncRow struct {
	id                           int64
	code, kind                   string
	nameFI, nameSV, nameEN       string
	municipality, county, region sql.NullString
}

func (r syncRow) sameContent(o syncRow) bool {
	return r.kind == o.kind && r.nameFI == o.nameFI && r.nameSV == o.nameSV && r.nameEN == o.nameEN &&
		r.municipality == o.municipality && r.county == o.county && r.region == o.region
}

func (s *Service) syncOrgs(ctx context.Context, tx *store.Tx) error {
	rows, err := tx.Query(ctx, `SELECT id, code, kind, name_fi, name_sv, name_en, municipality_code, county_code, region_code
		FROM organisations ORDER BY id`)
	if err != nil {
		return fmt.Errorf("load organisations: %w", err)
	}
	taken := make(map[string]bool)
	byMunicipality := make(map[string]syncRow)
	byCounty := make(map[string]syncRow)
	for rows.Next() {
		var r syncRow
		if err := rows.Scan(&r.id, &r.code, &r.kind, &r.nameFI, &r.nameSV, &r.nameEN, &r.municipality, &r.county, &r.region); err != nil {
			rows.Close()
			return fmt.Errorf("load organisations: %w", err)
		}
		taken[r.code] = true
		// Ordered by id, so the oldest organisation of a place is the one
		// kept in step should an admin ever have made a second.
		switch {
		case r.kind == string(KindMunicipality) && r.municipality.Valid:
			if _, dup := byMunicipality[r.municipality.String]; !dup {
				byMunicipality[r.municipality.String] = r
			}
		case r.kind == string(KindCounty) && !r.municipality.Valid && r.county.Valid:
			if _, dup := byCounty[r.county.String]; !dup {
				byCounty[r.county.String] = r
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load organisations: %w", err)
	}

	var inserts []syncRow
	apply := func(want syncRow, have syncRow, found bool) error {
		if found {
			if have.sameContent(want) {
				return nil
			}
			_, err := tx.Exec(ctx, `UPDATE organisations SET kind = ?, name_fi = ?, name_sv = ?, name_en = ?,
				municipality_code = ?, county_code = ?, region_code = ? WHERE id = ?`,
				want.kind, want.nameFI, want.nameSV, want.nameEN, want.municipality, want.county, want.region, have.id)
			if err != nil {
				return fmt.Errorf("update organisation %s: %w", have.code, err)
			}
			return nil
		}
		want.code = freeCode(baseCode(want.nameFI), func(c string) bool { return taken[c] })
		taken[want.code] = true
		inserts = append(inserts, want)
		return nil
	}

	for _, m := range s.reg.Municipalities() {
		name := municipalityText(m.NameFI, m.NameSV, m.Language)
		want := syncRow{
			kind:   string(KindMunicipality),
			nameFI: name.FI, nameSV: name.SV, nameEN: name.EN,
			municipality: valid(m.Code), county: valid(m.CountyCode), region: valid(m.RegionCode),
		}
		have, found := byMunicipality[m.Code]
		if err := apply(want, have, found); err != nil {
			return err
		}
	}
	for _, c := range s.reg.Counties() {
		if !c.Wellbeing || c.Code == helsinkiCounty {
			continue
		}
		want := syncRow{
			kind:   string(KindCounty),
			nameFI: c.NameFI, nameSV: c.NameSV, nameEN: c.NameEN,
			county: valid(c.Code), region: valid(majorityRegion(s.reg, c.Code)),
		}
		have, found := byCounty[c.Code]
		if err := apply(want, have, found); err != nil {
			return err
		}
	}
	if len(inserts) == 0 {
		return nil
	}

	// Another node may be running the same Sync: DO NOTHING lets the second
	// insert of the same code pass quietly, and the rows it would have
	// written are already there.
	now := store.Now()
	args := make([]any, 0, 9*len(inserts))
	for _, r := range inserts {
		args = append(args, r.code, r.kind, r.nameFI, r.nameSV, r.nameEN, r.municipality, r.county, r.region, now)
	}
	_, err = tx.Exec(ctx, `INSERT INTO organisations (code, kind, name_fi, name_sv, name_en, municipality_code, county_code, region_code, created_at)
		VALUES `+valueRows(len(inserts), 9)+` ON CONFLICT (code) DO NOTHING`, args...)
	if err != nil {
		return fmt.Errorf("insert organisations: %w", err)
	}
	return nil
}

func valid(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// majorityRegion is the region most of the county's municipalities are in,
// the lowest code on a tie; "" when the county has none. A county's own
// organisation needs a region so that region filters find it.
func majorityRegion(reg *finland.Registry, countyCode string) string {
	count := make(map[string]int)
	for _, m := range reg.Municipalities() {
		if m.CountyCode == countyCode {
			count[m.RegionCode]++
		}
	}
	best := ""
	for code, n := range count {
		if n > count[best] || (n == count[best] && code < best) {
			best = code
		}
	}
	return best
}

// baseCode is the code an organisation called name would get, made valid
// when the name has too few letters to make one on its own.
func baseCode(name string) string {
	c := Slug(name)
	if !codeRe.MatchString(c) {
		c = strings.Trim("org-"+c, "-")
	}
	return c
}

// freeCode returns base, or base with "-2", "-3", … when taken says base
// is in use, shortened so that the result stays within maxCodeLen.
func freeCode(base string, taken func(string) bool) string {
	if !taken(base) {
		return base
	}
	for n := 2; ; n++ {
		suffix := "-" + strconv.Itoa(n)
		b := base
		if len(b)+len(suffix) > maxCodeLen {
			b = strings.TrimRight(b[:maxCodeLen-len(suffix)], "-")
		}
		if c := b + suffix; !taken(c) {
			return c
		}
	}
}
