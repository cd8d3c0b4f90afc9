// Package taxonomy keeps the vocabularies deeds are classified by: sectors
// (toimiala), themes (teema) and client groups (asiakasryhmä). They are data
// that admins edit, seeded with defaults on first start.
package taxonomy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/audit"
	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/field"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Kind names a vocabulary.
type Kind string

const (
	Sector      Kind = "sector"
	Theme       Kind = "theme"
	ClientGroup Kind = "client_group"
)

// Kinds lists the vocabularies in the order forms show them.
func Kinds() []Kind { return []Kind{Sector, Theme, ClientGroup} }

// ParseKind accepts a vocabulary name from a URL or form.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds() {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("taxonomy: unknown vocabulary %q", s)
}

// Term is one value of a vocabulary.
type Term struct {
	ID       int64
	Kind     Kind
	Slug     string
	Label    i18n.Text
	Position int
	Active   bool
}

// ErrNotFound is returned for a term that does not exist.
var ErrNotFound = fault.New(fault.NotFound, "taxonomy: term not found")

// ErrForbidden is returned when the actor may not edit the vocabularies.
var ErrForbidden = fault.New(fault.Forbidden, "taxonomy: not allowed")

// FieldErrors maps a form field to the translation key of its problem.
type FieldErrors = field.Errors

// Service reads and edits the vocabularies.
type Service struct {
	db *store.DB
	// OnChange, when set, runs after every committed change of a term, so
	// that caches of the vocabularies' labels are refreshed.
	OnChange func()
}

// inTx runs a change and tells OnChange once it is committed.
func (s *Service) inTx(ctx context.Context, fn func(tx *store.Tx) error) error {
	if err := s.db.InTx(ctx, fn); err != nil {
		return err
	}
	if s.OnChange != nil {
		s.OnChange()
	}
	return nil
}

// NewService returns a Service on db.
func NewService(db *store.DB) *Service { return &Service{db: db} }

// Seed fills each vocabulary that has no terms yet with the defaults; a
// vocabulary an admin has edited is left alone.
func (s *Service) Seed(ctx context.Context) error {
	return s.inTx(ctx, func(tx *store.Tx) error {
		for _, k := range Kinds() {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM terms WHERE kind = ?`, string(k)).Scan(&n); err != nil {
				return fmt.Errorf("taxonomy: seed %s: %w", k, err)
			}
			if n > 0 {
				continue
			}
			for i, d := range defaults[k] {
				if _, err := tx.Exec(ctx, `INSERT INTO terms (kind, slug, label_fi, label_sv, label_en, position, active)
					VALUES (?, ?, ?, ?, ?, ?, TRUE) ON CONFLICT (kind, slug) DO NOTHING`,
					string(k), d.slug, d.fi, d.sv, d.en, (i+1)*10); err != nil {
					return fmt.Errorf("taxonomy: seed %s %s: %w", k, d.slug, err)
				}
			}
		}
		return nil
	})
}

const termColumns = `id, kind, slug, label_fi, label_sv, label_en, position, active`

func scanTerm(sc interface{ Scan(...any) error }) (Term, error) {
	var t Term
	var kind string
	err := sc.Scan(&t.ID, &kind, &t.Slug, &t.Label.FI, &t.Label.SV, &t.Label.EN, &t.Position, &t.Active)
	t.Kind = Kind(kind)
	return t, err
}

// All returns every term of every vocabulary, inactive ones included, in
// display order.
func (s *Service) All(ctx context.Context) (*Vocabulary, error) {
	rows, err := s.db.Query(ctx, `SELECT `+termColumns+` FROM terms ORDER BY kind, position, id`)
	if err != nil {
		return nil, fmt.Errorf("taxonomy: list: %w", err)
	}
	defer rows.Close()
	v := &Vocabulary{byKind: map[Kind][]Term{}}
	for rows.Next() {
		t, err := scanTerm(rows)
		if err != nil {
			return nil, fmt.Errorf("taxonomy: list: %w", err)
		}
		v.byKind[t.Kind] = append(v.byKind[t.Kind], t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("taxonomy: list: %w", err)
	}
	return v, nil
}

// Get returns one term.
func (s *Service) Get(ctx context.Context, id int64) (*Term, error) {
	t, err := scanTerm(s.db.QueryRow(ctx, `SELECT `+termColumns+` FROM terms WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("taxonomy: get %d: %w", id, err)
	}
	return &t, nil
}

// Input is what an admin submits for a term.
type Input struct {
	Slug                      string
	LabelFI, LabelSV, LabelEN string
	Position                  int
	Active                    bool
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,59}$`)

func (in *Input) validate() FieldErrors {
	in.Slug = strings.TrimSpace(in.Slug)
	in.LabelFI = strings.TrimSpace(in.LabelFI)
	in.LabelSV = strings.TrimSpace(in.LabelSV)
	in.LabelEN = strings.TrimSpace(in.LabelEN)
	errs := FieldErrors{}
	if in.Slug == "" {
		errs["slug"] = "error.required"
	} else if !slugPattern.MatchString(in.Slug) {
		errs["slug"] = "error.code_invalid"
	}
	for field, v := range map[string]string{"label_fi": in.LabelFI, "label_sv": in.LabelSV, "label_en": in.LabelEN} {
		if v == "" {
			errs[field] = "error.required"
		} else if utf8.RuneCountInString(v) > 120 {
			errs[field] = "error.too_long"
		}
	}
	return errs
}

// Create adds a term to vocabulary k; only admins may.
func (s *Service) Create(ctx context.Context, actor *user.User, k Kind, in Input) (*Term, error) {
	if !actor.CanAdminister() {
		return nil, fmt.Errorf("taxonomy: create: %w", ErrForbidden)
	}
	errs := in.validate()
	if _, err := ParseKind(string(k)); err != nil {
		errs["kind"] = "error.choice_invalid"
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var id int64
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO terms (kind, slug, label_fi, label_sv, label_en, position, active) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			string(k), in.Slug, in.LabelFI, in.LabelSV, in.LabelEN, in.Position, in.Active)
		if store.IsUniqueViolation(err) {
			return FieldErrors{"slug": "error.code_taken"}
		}
		if err != nil {
			return fmt.Errorf("taxonomy: create: %w", err)
		}
		t := Term{ID: id, Kind: k, Slug: in.Slug, Label: i18n.Text{FI: in.LabelFI, SV: in.LabelSV, EN: in.LabelEN}, Position: in.Position, Active: in.Active}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: audit.TermCreated, Target: t.auditTarget(), After: t.auditSummary()})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// auditTarget names the term in the audit log.
func (t *Term) auditTarget() string {
	return fmt.Sprintf("term %d %s", t.ID, t.Kind)
}

// auditSummary is what the audit log keeps of a term's values.
func (t *Term) auditSummary() string {
	return fmt.Sprintf("slug=%s fi=%q sv=%q en=%q position=%d active=%t", t.Slug, t.Label.FI, t.Label.SV, t.Label.EN, t.Position, t.Active)
}

// Update changes a term; only admins may. Deeds refer to terms by id, so a
// new slug or label shows on every deed at once.
func (s *Service) Update(ctx context.Context, actor *user.User, id int64, in Input) (*Term, error) {
	if !actor.CanAdminister() {
		return nil, fmt.Errorf("taxonomy: update %d: %w", id, ErrForbidden)
	}
	if errs := in.validate(); len(errs) > 0 {
		return nil, errs
	}
	err := s.inTx(ctx, func(tx *store.Tx) error {
		cur, err := scanTerm(tx.QueryRow(ctx, `SELECT `+termColumns+` FROM terms WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("taxonomy: update %d: %w", id, err)
		}
		next := Term{ID: id, Kind: cur.Kind, Slug: in.Slug, Label: i18n.Text{FI: in.LabelFI, SV: in.LabelSV, EN: in.LabelEN}, Position: in.Position, Active: in.Active}
		if next == cur {
			return nil // nothing changed, nothing to record
		}
		_, err = tx.Exec(ctx, `UPDATE terms SET slug = ?, label_fi = ?, label_sv = ?, label_en = ?, position = ?, active = ? WHERE id = ?`,
			in.Slug, in.LabelFI, in.LabelSV, in.LabelEN, in.Position, in.Active, id)
		if store.IsUniqueViolation(err) {
			return FieldErrors{"slug": "error.code_taken"}
		}
		if err != nil {
			return fmt.Errorf("taxonomy: update %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: audit.TermUpdated, Target: cur.auditTarget(),
			Before: cur.auditSummary(), After: next.auditSummary()})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Vocabulary is a loaded copy of all terms, for resolving and labelling.
type Vocabulary struct {
	byKind map[Kind][]Term
}

// With returns a copy of v that also has t, for checking a record against
// terms that are to be added only if the record is sound.
func (v *Vocabulary) With(t Term) *Vocabulary {
	out := &Vocabulary{byKind: make(map[Kind][]Term, len(v.byKind))}
	for k, ts := range v.byKind {
		out.byKind[k] = append([]Term(nil), ts...)
	}
	if _, ok := out.BySlug(t.Kind, t.Slug); !ok {
		out.byKind[t.Kind] = append(out.byKind[t.Kind], t)
	}
	return out
}

// Terms returns the terms of k; inactive ones only when all is true.
func (v *Vocabulary) Terms(k Kind, all bool) []Term {
	var out []Term
	for _, t := range v.byKind[k] {
		if all || t.Active {
			out = append(out, t)
		}
	}
	return out
}

// BySlug finds a term of k by slug.
func (v *Vocabulary) BySlug(k Kind, slug string) (Term, bool) {
	for _, t := range v.byKind[k] {
		if t.Slug == slug {
			return t, true
		}
	}
	return Term{}, false
}

// ByID finds a term by id.
func (v *Vocabulary) ByID(id int64) (Term, bool) {
	for _, ts := range v.byKind {
		for _, t := range ts {
			if t.ID == id {
				return t, true
			}
		}
	}
	return Term{}, false
}

// Resolve finds a term of k by slug or by its label in any language,
// ignoring case, as importers and people write either.
func (v *Vocabulary) Resolve(k Kind, s string) (Term, bool) {
	s = strings.TrimSpace(s)
	if t, ok := v.BySlug(k, s); ok {
		return t, true
	}
	for _, t := range v.byKind[k] {
		if strings.EqualFold(t.Label.FI, s) || strings.EqualFold(t.Label.SV, s) || strings.EqualFold(t.Label.EN, s) {
			return t, true
		}
	}
	return Term{}, false
}

// Label gives the label of the term of k with slug, or the slug itself
// when the term is gone.
func (v *Vocabulary) Label(k Kind, slug, lang string) string {
	if t, ok := v.BySlug(k, slug); ok {
		return t.Label.In(lang)
	}
	return slug
}
