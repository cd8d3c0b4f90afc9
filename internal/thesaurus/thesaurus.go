// Package thesaurus keeps the concepts search expands queries through:
// synonym rings and concepts with labels in Finnish, Swedish and English,
// and narrower concepts. A fresh installation gets a starter set of rings
// for the field's own vocabulary (starter.txt), which admins can edit; the
// search service is handed the whole thesaurus as a search.Vocabulary.
package thesaurus

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/tekotori/tekotori/internal/analysis"
	"github.com/tekotori/tekotori/internal/audit"
	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/field"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Langs are the languages labels may be in, in the order pages show them.
var Langs = []string{"fi", "sv", "en"}

// Sources of concepts.
const (
	SourceStarter = "starter"
	SourceLocal   = "local"
)

// Ring is one concept: every label in it stands for the same thing, and
// a query for one finds deeds with the others.
type Ring struct {
	ID     int64
	URI    string
	Source string
	Labels map[string][]string // by language
}

// Terms counts the ring's labels.
func (r Ring) Terms() int {
	n := 0
	for _, ls := range r.Labels {
		n += len(ls)
	}
	return n
}

func (r Ring) summary() string {
	var parts []string
	for _, l := range Langs {
		if ls := r.Labels[l]; len(ls) > 0 {
			parts = append(parts, l+": "+strings.Join(ls, ", "))
		}
	}
	return strings.Join(parts, " | ")
}

// Service reads and changes the thesaurus.
type Service struct {
	db *store.DB
}

// NewService returns a Service on db.
func NewService(db *store.DB) *Service { return &Service{db: db} }

// ErrForbidden: only site admins edit the thesaurus.
var ErrForbidden = fault.New(fault.Forbidden, "thesaurus: not allowed")

// ErrNotFound: no such ring.
var ErrNotFound = fault.New(fault.NotFound, "thesaurus: no such ring")

//go:embed starter.txt
var starterTxt string

// Starter parses the starter set shipped with the product.
func Starter() ([]Ring, error) {
	return ParseRings(starterTxt)
}

// ParseRings reads rings one a line: "fi: a, b | sv: c | en: d"; blank
// lines and lines starting with # are skipped.
func ParseRings(text string) ([]Ring, error) {
	var out []Ring
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := Ring{Labels: map[string][]string{}, Source: SourceStarter}
		for _, part := range strings.Split(line, "|") {
			lang, labels, ok := strings.Cut(strings.TrimSpace(part), ":")
			lang = strings.TrimSpace(lang)
			if !ok || !slices.Contains(Langs, lang) {
				return nil, fmt.Errorf("thesaurus: line %d: %q is not lang: labels", i+1, part)
			}
			r.Labels[lang] = append(r.Labels[lang], splitLabels(labels)...)
		}
		if errs := r.validate(); len(errs) > 0 {
			return nil, fmt.Errorf("thesaurus: line %d: %v", i+1, errs)
		}
		r.URI = "starter:" + r.first()
		out = append(out, r)
	}
	return out, nil
}

func splitLabels(s string) []string {
	var out []string
	for _, l := range strings.Split(s, ",") {
		if l = strings.Join(strings.Fields(l), " "); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// first is the ring's first label, Finnish first.
func (r Ring) first() string {
	for _, l := range Langs {
		if ls := r.Labels[l]; len(ls) > 0 {
			return ls[0]
		}
	}
	return ""
}

// maxLabelRunes bounds one label.
const maxLabelRunes = 80

// validate checks a ring as saved: at least two labels, none too long,
// and no more than a query word may be expanded into.
func (r Ring) validate() field.Errors {
	errs := field.Errors{}
	n := r.Terms()
	switch {
	case n < 2:
		errs["labels"] = "thesaurus.error.too_few"
	case n > search.MaxExpansion:
		errs["labels"] = "thesaurus.error.too_many"
	}
	for _, l := range Langs {
		for _, label := range r.Labels[l] {
			if len([]rune(label)) > maxLabelRunes {
				errs["labels_"+l] = "thesaurus.error.too_long"
			}
		}
	}
	for l := range r.Labels {
		if !slices.Contains(Langs, l) {
			errs["labels"] = "thesaurus.error.lang"
		}
	}
	return errs
}

// seededKey marks in search_meta that the starter set went in, so that
// rings admins delete do not come back.
const seededKey = "thesaurus_seeded"

// Seed puts the starter set into a database that has never had it.
func (s *Service) Seed(ctx context.Context) error {
	var v string
	err := s.db.QueryRow(ctx, `SELECT value FROM search_meta WHERE key = ?`, seededKey).Scan(&v)
	if err == nil {
		return nil
	}
	if err != sql.ErrNoRows {
		return fmt.Errorf("thesaurus: seed: %w", err)
	}
	rings, err := Starter()
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := insertRings(ctx, tx, rings); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO search_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, seededKey, "1")
		if err != nil {
			return fmt.Errorf("thesaurus: seed: %w", err)
		}
		return nil
	})
}

// insertRings adds rings whose URIs are new, a few statements in all.
func insertRings(ctx context.Context, tx *store.Tx, rings []Ring) error {
	now := store.Now()
	const per = 200
	for from := 0; from < len(rings); from += per {
		batch := rings[from:min(len(rings), from+per)]
		var sb strings.Builder
		var args []any
		sb.WriteString(`INSERT INTO thesaurus_concepts (uri, source, updated_at) VALUES `)
		for i, r := range batch {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?)")
			args = append(args, r.URI, r.Source, now)
		}
		sb.WriteString(" ON CONFLICT (uri) DO NOTHING")
		if _, err := tx.Exec(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("thesaurus: insert concepts: %w", err)
		}
		uris := make([]any, len(batch))
		for i, r := range batch {
			uris[i] = r.URI
		}
		rows, err := tx.Query(ctx, `SELECT id, uri FROM thesaurus_concepts c WHERE uri IN (`+store.Placeholders(len(uris))+`)
			AND NOT EXISTS (SELECT 1 FROM thesaurus_labels l WHERE l.concept_id = c.id)`, uris...)
		if err != nil {
			return fmt.Errorf("thesaurus: insert concepts: %w", err)
		}
		ids := map[string]int64{}
		for rows.Next() {
			var id int64
			var uri string
			if err := rows.Scan(&id, &uri); err != nil {
				rows.Close()
				return fmt.Errorf("thesaurus: insert concepts: %w", err)
			}
			ids[uri] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("thesaurus: insert concepts: %w", err)
		}
		var lb strings.Builder
		var largs []any
		for _, r := range batch {
			id, ok := ids[r.URI]
			if !ok {
				continue
			}
			largs = appendLabels(&lb, largs, id, r)
		}
		if len(largs) > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO thesaurus_labels (concept_id, lang, label, position) VALUES `+lb.String(), largs...); err != nil {
				return fmt.Errorf("thesaurus: insert labels: %w", err)
			}
		}
	}
	return nil
}

func appendLabels(sb *strings.Builder, args []any, id int64, r Ring) []any {
	pos := 0
	for _, l := range Langs {
		for _, label := range r.Labels[l] {
			if len(args) > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?)")
			args = append(args, id, l, label, pos)
			pos++
		}
	}
	return args
}

// List gives every ring, in the order of their first label.
func (s *Service) List(ctx context.Context) ([]Ring, error) {
	rows, err := s.db.Query(ctx, `SELECT c.id, c.uri, c.source, l.lang, l.label FROM thesaurus_concepts c
		JOIN thesaurus_labels l ON l.concept_id = c.id ORDER BY c.id, l.position`)
	if err != nil {
		return nil, fmt.Errorf("thesaurus: list: %w", err)
	}
	defer rows.Close()
	var out []Ring
	for rows.Next() {
		var id int64
		var uri, source, lang, label string
		if err := rows.Scan(&id, &uri, &source, &lang, &label); err != nil {
			return nil, fmt.Errorf("thesaurus: list: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, Ring{ID: id, URI: uri, Source: source, Labels: map[string][]string{}})
		}
		r := &out[len(out)-1]
		r.Labels[lang] = append(r.Labels[lang], label)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("thesaurus: list: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Ring) int { return strings.Compare(strings.ToLower(a.first()), strings.ToLower(b.first())) })
	return out, nil
}

// Get reads one ring.
func (s *Service) Get(ctx context.Context, id int64) (*Ring, error) {
	rs, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.ID == id {
			return &r, nil
		}
	}
	return nil, ErrNotFound
}

// Save adds a ring (ID 0) or replaces the labels of one, for a site
// admin, and records it in the administration log. A ring with fewer
// than two labels, or more than search.MaxExpansion, is refused with
// field errors.
func (s *Service) Save(ctx context.Context, actor *user.User, r Ring) (*Ring, error) {
	if !actor.CanAdminister() {
		return nil, ErrForbidden
	}
	for l, ls := range r.Labels {
		var clean []string
		for _, label := range ls {
			clean = append(clean, splitLabels(label)...)
		}
		r.Labels[l] = clean
	}
	if errs := r.validate(); len(errs) > 0 {
		return nil, errs
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		before := ""
		action := audit.ThesaurusRingAdded
		if r.ID == 0 {
			r.Source = SourceLocal
			r.URI = "local:" + store.Now().Format("20060102T150405.000000")
			if err := tx.QueryRow(ctx, `INSERT INTO thesaurus_concepts (uri, source, updated_at) VALUES (?, ?, ?) RETURNING id`,
				r.URI, r.Source, store.Now()).Scan(&r.ID); err != nil {
				return fmt.Errorf("thesaurus: add: %w", err)
			}
		} else {
			action = audit.ThesaurusRingChanged
			cur, err := ringIn(ctx, tx, r.ID)
			if err != nil {
				return err
			}
			before = cur.summary()
			r.URI, r.Source = cur.URI, cur.Source
			if _, err := tx.Exec(ctx, `DELETE FROM thesaurus_labels WHERE concept_id = ?`, r.ID); err != nil {
				return fmt.Errorf("thesaurus: change: %w", err)
			}
			if _, err := tx.Exec(ctx, `UPDATE thesaurus_concepts SET updated_at = ? WHERE id = ?`, store.Now(), r.ID); err != nil {
				return fmt.Errorf("thesaurus: change: %w", err)
			}
		}
		var sb strings.Builder
		args := appendLabels(&sb, nil, r.ID, r)
		if _, err := tx.Exec(ctx, `INSERT INTO thesaurus_labels (concept_id, lang, label, position) VALUES `+sb.String(), args...); err != nil {
			return fmt.Errorf("thesaurus: save labels: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: action,
			Target: fmt.Sprintf("ring %d %s", r.ID, r.first()), Before: before, After: r.summary()})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Delete removes a ring, for a site admin, and records it.
func (s *Service) Delete(ctx context.Context, actor *user.User, id int64) error {
	if !actor.CanAdminister() {
		return ErrForbidden
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := ringIn(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM thesaurus_concepts WHERE id = ?`, id); err != nil {
			return fmt.Errorf("thesaurus: delete: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: audit.ThesaurusRingDeleted,
			Target: fmt.Sprintf("ring %d %s", id, cur.first()), Before: cur.summary()})
	})
}

func ringIn(ctx context.Context, q store.Querier, id int64) (*Ring, error) {
	rows, err := q.Query(ctx, `SELECT c.uri, c.source, l.lang, l.label FROM thesaurus_concepts c
		JOIN thesaurus_labels l ON l.concept_id = c.id WHERE c.id = ? ORDER BY l.position`, id)
	if err != nil {
		return nil, fmt.Errorf("thesaurus: read %d: %w", id, err)
	}
	defer rows.Close()
	var r *Ring
	for rows.Next() {
		var uri, source, lang, label string
		if err := rows.Scan(&uri, &source, &lang, &label); err != nil {
			return nil, fmt.Errorf("thesaurus: read %d: %w", id, err)
		}
		if r == nil {
			r = &Ring{ID: id, URI: uri, Source: source, Labels: map[string][]string{}}
		}
		r.Labels[lang] = append(r.Labels[lang], label)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("thesaurus: read %d: %w", id, err)
	}
	if r == nil {
		return nil, ErrNotFound
	}
	return r, nil
}

// Vocabulary reads the whole thesaurus for searches, its labels analysed
// with an.
func (s *Service) Vocabulary(ctx context.Context, an analysis.Analyzer) (*search.Vocabulary, error) {
	rings, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	at := map[int64]int{}
	concepts := make([]search.VocabConcept, len(rings))
	for i, r := range rings {
		at[r.ID] = i
		for _, l := range Langs {
			for _, label := range r.Labels[l] {
				concepts[i].Labels = append(concepts[i].Labels, search.VocabLabel{Lang: l, Text: label})
			}
		}
	}
	rows, err := s.db.Query(ctx, `SELECT concept_id, narrower_id FROM thesaurus_narrower`)
	if err != nil {
		return nil, fmt.Errorf("thesaurus: narrower: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b, n int64
		if err := rows.Scan(&b, &n); err != nil {
			return nil, fmt.Errorf("thesaurus: narrower: %w", err)
		}
		bi, ok1 := at[b]
		ni, ok2 := at[n]
		if ok1 && ok2 {
			concepts[bi].Narrower = append(concepts[bi].Narrower, ni)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("thesaurus: narrower: %w", err)
	}
	return search.NewVocabulary(an, concepts), nil
}
