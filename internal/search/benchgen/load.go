package benchgen

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/store"
)

// Loader writes generated deeds straight into the deeds and deed_terms
// tables, many rows to a statement, as published deeds with the columns
// the importer sets. The importer checks, resolves and records a revision
// for every line in a transaction of its own, which is right for real
// imports and far too slow for 100,000 benchmark deeds. No revision
// history is written: search does not read it.
//
// The database must be migrated and hold the places, the municipalities'
// organisations and the vocabularies, as app.New leaves it.
type Loader struct {
	db    *store.DB
	munis map[string]muniRow // by municipality code
	terms map[string]int64   // "kind/slug" → term id
	batch []deed.Record
	n     int
}

type muniRow struct {
	orgID          int64
	county, region string
}

// batchRows is how many deeds go into one INSERT: 500 rows of 31 columns
// stay under both engines' limits on statement parameters (SQLite 32,766,
// PostgreSQL 65,535).
const batchRows = 500

// deedColumns are the columns a bulk insert fills.
var deedColumns = []string{"ref", "slug", "state", "org_id", "municipality_code", "county_code", "region_code",
	"lang", "title", "summary", "sector_id", "status", "year_started", "need", "solution", "results", "lessons",
	"adoption", "partners", "funding", "contact_name", "contact_title", "contact_email", "contact_phone",
	"contact_public", "links", "media", "created_at", "updated_at", "published_at", "seq"}

// NewLoader reads the organisations and vocabularies deeds refer to.
func NewLoader(ctx context.Context, db *store.DB) (*Loader, error) {
	l := &Loader{db: db, munis: map[string]muniRow{}, terms: map[string]int64{}}
	// The municipality's own organisation: the oldest of its kind there,
	// as org.Sync keeps it.
	rows, err := db.Query(ctx, `SELECT o.id, m.code, m.county_code, m.region_code FROM organisations o
		JOIN municipalities m ON m.code = o.municipality_code WHERE o.kind = 'municipality' ORDER BY o.id`)
	if err != nil {
		return nil, fmt.Errorf("benchgen: load organisations: %w", err)
	}
	for rows.Next() {
		var m muniRow
		var code string
		if err := rows.Scan(&m.orgID, &code, &m.county, &m.region); err != nil {
			rows.Close()
			return nil, fmt.Errorf("benchgen: load organisations: %w", err)
		}
		if _, dup := l.munis[code]; !dup {
			l.munis[code] = m
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("benchgen: load organisations: %w", err)
	}
	rows, err = db.Query(ctx, `SELECT id, kind, slug FROM terms`)
	if err != nil {
		return nil, fmt.Errorf("benchgen: load terms: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind, slug string
		if err := rows.Scan(&id, &kind, &slug); err != nil {
			return nil, fmt.Errorf("benchgen: load terms: %w", err)
		}
		l.terms[kind+"/"+slug] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("benchgen: load terms: %w", err)
	}
	if len(l.munis) == 0 || len(l.terms) == 0 {
		return nil, fmt.Errorf("benchgen: the database has no municipalities or vocabularies; open it with app.New first")
	}
	return l, nil
}

// Add queues rec (copying it) and writes a batch when one is full.
func (l *Loader) Add(ctx context.Context, rec *deed.Record) error {
	l.batch = append(l.batch, *rec)
	if len(l.batch) >= batchRows {
		return l.Flush(ctx)
	}
	return nil
}

// Loaded is the number of deeds written so far.
func (l *Loader) Loaded() int { return l.n }

// Flush writes the queued deeds in one transaction.
func (l *Loader) Flush(ctx context.Context) error {
	if len(l.batch) == 0 {
		return nil
	}
	batch := l.batch
	l.batch = l.batch[:0]
	err := l.db.InTx(ctx, func(tx *store.Tx) error {
		// Reserve a run of the change sequence, as every deed write does,
		// so that the search index's follower sees where the bank stands.
		var last int64
		if err := tx.QueryRow(ctx, `UPDATE counters SET n = n + ? WHERE name = 'deeds' RETURNING n`, len(batch)).Scan(&last); err != nil {
			return fmt.Errorf("benchgen: change sequence: %w", err)
		}
		first := last - int64(len(batch)) + 1
		now := store.Now()
		args := make([]any, 0, len(batch)*len(deedColumns))
		for i := range batch {
			row, err := l.row(&batch[i], first+int64(i), now)
			if err != nil {
				return err
			}
			args = append(args, row...)
		}
		rows, err := tx.Query(ctx, `INSERT INTO deeds (`+strings.Join(deedColumns, ", ")+`) VALUES `+
			valueRows(len(batch), len(deedColumns))+` RETURNING id, ref`, args...)
		if err != nil {
			return fmt.Errorf("benchgen: insert deeds: %w", err)
		}
		ids := make(map[string]int64, len(batch))
		for rows.Next() {
			var id int64
			var ref string
			if err := rows.Scan(&id, &ref); err != nil {
				rows.Close()
				return fmt.Errorf("benchgen: insert deeds: %w", err)
			}
			ids[ref] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("benchgen: insert deeds: %w", err)
		}
		var termArgs []any
		for i := range batch {
			rec := &batch[i]
			id, ok := ids[rec.Ref]
			if !ok {
				return fmt.Errorf("benchgen: deed %s was not inserted", rec.Ref)
			}
			for _, set := range []struct {
				kind  string
				slugs []string
			}{{"theme", rec.Themes}, {"client_group", rec.ClientGroups}} {
				for _, slug := range set.slugs {
					t, ok := l.terms[set.kind+"/"+slug]
					if !ok {
						return fmt.Errorf("benchgen: deed %s: unknown %s %q", rec.Ref, set.kind, slug)
					}
					termArgs = append(termArgs, id, t)
				}
			}
		}
		if len(termArgs) > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO deed_terms (deed_id, term_id) VALUES `+valueRows(len(termArgs)/2, 2)+
				` ON CONFLICT DO NOTHING`, termArgs...); err != nil {
				return fmt.Errorf("benchgen: insert deed terms: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	l.n += len(batch)
	return nil
}

// row gives the column values of rec in deedColumns' order.
func (l *Loader) row(rec *deed.Record, seq int64, now time.Time) ([]any, error) {
	var code string
	if err := json.Unmarshal(rec.Municipality, &code); err != nil {
		return nil, fmt.Errorf("benchgen: deed %s: municipality: %w", rec.Ref, err)
	}
	m, ok := l.munis[code]
	if !ok {
		return nil, fmt.Errorf("benchgen: deed %s: no organisation for municipality %q", rec.Ref, code)
	}
	sector, ok := l.terms["sector/"+rec.Sector]
	if !ok {
		return nil, fmt.Errorf("benchgen: deed %s: unknown sector %q", rec.Ref, rec.Sector)
	}
	published := now
	if rec.PublishedAt != nil {
		published = rec.PublishedAt.UTC().Truncate(time.Microsecond)
	}
	var c deed.Contact
	if rec.Contact != nil {
		c = *rec.Contact
	}
	return []any{rec.Ref, deed.Slugify(rec.Title), string(deed.Published), m.orgID, code, m.county, m.region,
		rec.Lang, rec.Title, rec.Summary, sector, rec.Status, rec.Year, rec.Need, rec.Solution, rec.Results, rec.Lessons,
		rec.Adoption, rec.Partners, rec.Funding, c.Name, c.Title, c.Email, c.Phone,
		c.Public, "[]", `{"images":[],"attachments":[]}`, now, now, published, seq}, nil
}

// valueRows returns "(?, ?), (?, ?)" for n rows of width columns.
func valueRows(n, width int) string {
	row := "(" + store.Placeholders(width) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
