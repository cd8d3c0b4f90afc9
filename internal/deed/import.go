package deed

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/user"
)

// Record is one imported deed, with the field names of the API. The
// organisation and municipality may be plain names (or a municipality
// code), or the objects the API gives out, so that an export can be
// imported again.
type Record struct {
	Ref              string          `json:"ref"`
	Lang             string          `json:"lang"`
	Title            string          `json:"title"`
	Summary          string          `json:"summary"`
	Organisation     json.RawMessage `json:"organisation"`
	OrganisationType string          `json:"organisation_type"`
	Municipality     json.RawMessage `json:"municipality"`
	Sector           string          `json:"sector"`
	Themes           []string        `json:"themes"`
	ClientGroups     []string        `json:"client_groups"`
	Status           string          `json:"status"`
	Year             int             `json:"year"`
	Need             string          `json:"need"`
	Solution         string          `json:"solution"`
	Results          string          `json:"results"`
	Lessons          string          `json:"lessons"`
	Adoption         string          `json:"adoption"`
	Partners         string          `json:"partners"`
	Funding          string          `json:"funding"`
	Contact          *Contact        `json:"contact"`
	Links            []Link          `json:"links"`
	PublishedAt      *time.Time      `json:"published_at"`

	// Fields the API gives out that an import ignores because they are
	// derived: listing them keeps an exported file importable while any
	// other unknown field is still reported.
	ID          json.RawMessage `json:"id"`
	Slug        json.RawMessage `json:"slug"`
	URL         json.RawMessage `json:"url"`
	Region      json.RawMessage `json:"region"`
	County      json.RawMessage `json:"county"`
	SectorLabel json.RawMessage `json:"sector_label"`
	State       json.RawMessage `json:"state"`
	UpdatedAt   json.RawMessage `json:"updated_at"`
	Images      json.RawMessage `json:"images"`
	Attachments json.RawMessage `json:"attachments"`
}

// nameOrObject reads "Name" or {"name": …, "code": …}.
func nameOrObject(raw json.RawMessage) (name, code string, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", "", nil
	}
	if raw[0] == '"' {
		err = json.Unmarshal(raw, &name)
		return strings.TrimSpace(name), "", err
	}
	var obj struct {
		Name string `json:"name"`
		Code string `json:"code"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return "", "", errors.New("must be a name or an object with name and code")
	}
	return strings.TrimSpace(obj.Name), strings.TrimSpace(obj.Code), nil
}

// ImportOptions steer an import.
type ImportOptions struct {
	// AddTerms adds unknown sectors, themes and client groups to the
	// vocabularies instead of rejecting the line.
	AddTerms bool
}

// LineError is a line that was not imported, and why.
type LineError struct {
	Line   int
	Ref    string
	Reason string
}

// ImportReport sums up an import.
type ImportReport struct {
	Added, Updated int
	Errors         []LineError
	CreatedOrgs    []string
	CreatedTerms   []string
}

// Importer loads published deeds from JSON Lines. It is the console's
// tool (tekotori import, the demo data): it writes published deeds past
// moderation and adds organisations and terms as user.System, which the
// audit log names.
type Importer struct {
	deeds *Service
	orgs  *org.Service
	terms *taxonomy.Service
}

// NewImporter returns an Importer.
func NewImporter(deeds *Service, orgs *org.Service, terms *taxonomy.Service) *Importer {
	return &Importer{deeds: deeds, orgs: orgs, terms: terms}
}

// MaxLineBytes bounds one imported line.
const MaxLineBytes = 4 << 20

// Import reads JSON Lines from r. A bad line is reported with its number
// and reason and the good lines still load; the same ref imported again
// updates that deed.
func (im *Importer) Import(ctx context.Context, r io.Reader, opt ImportOptions) (*ImportReport, error) {
	rep := &ImportReport{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), MaxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		ref, added, err := im.importLine(ctx, text, opt, rep)
		if err != nil {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			rep.Errors = append(rep.Errors, LineError{Line: line, Ref: ref, Reason: err.Error()})
			continue
		}
		if added {
			rep.Added++
		} else {
			rep.Updated++
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			rep.Errors = append(rep.Errors, LineError{Line: line + 1, Reason: fmt.Sprintf("line longer than %d bytes; reading stopped", MaxLineBytes)})
			return rep, nil
		}
		return rep, fmt.Errorf("deed: import: read: %w", err)
	}
	return rep, nil
}

func (im *Importer) importLine(ctx context.Context, text []byte, opt ImportOptions, rep *ImportReport) (ref string, added bool, err error) {
	var rec Record
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return "", false, fmt.Errorf("invalid JSON: %v", err)
	}
	if dec.More() {
		return "", false, errors.New("invalid JSON: more than one value on the line")
	}
	ref = strings.TrimSpace(rec.Ref)
	if ref == "" {
		return "", false, errors.New("ref: required")
	}
	if len(ref) > 100 {
		return ref, false, errors.New("ref: longer than 100 characters")
	}
	orgName, orgCode, err := nameOrObject(rec.Organisation)
	if err != nil {
		return ref, false, fmt.Errorf("organisation: %v", err)
	}
	munName, munCode, err := nameOrObject(rec.Municipality)
	if err != nil {
		return ref, false, fmt.Errorf("municipality: %v", err)
	}
	if munCode == "" {
		munCode = munName
	}
	if orgName == "" && orgCode == "" {
		return ref, false, errors.New("organisation: required")
	}
	var mun *org.MunicipalityInfo
	if munCode != "" {
		mun, err = im.orgs.Municipality(ctx, munCode)
		if err != nil {
			return ref, false, fmt.Errorf("municipality: unknown %q", munCode)
		}
	}
	vocab, err := im.terms.All(ctx)
	if err != nil {
		return ref, false, err
	}
	c := Content{
		Lang: rec.Lang, Title: rec.Title, Summary: rec.Summary, Status: Status(rec.Status), Year: rec.Year,
		Need: rec.Need, Solution: rec.Solution, Results: rec.Results, Lessons: rec.Lessons, Adoption: rec.Adoption,
		Partners: rec.Partners, Funding: rec.Funding, Links: rec.Links,
	}
	if c.Lang == "" {
		c.Lang = "fi"
	}
	if rec.Contact != nil {
		c.Contact = *rec.Contact
	}
	var newTerms []taxonomy.Kind
	var newTermValues []string
	resolve := func(k taxonomy.Kind, v string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return "", nil
		}
		if t, ok := vocab.Resolve(k, v); ok {
			return t.Slug, nil
		}
		if !opt.AddTerms {
			return "", fmt.Errorf("%s: unknown value %q (use --add-terms to add it)", k, v)
		}
		newTerms = append(newTerms, k)
		newTermValues = append(newTermValues, v)
		return org.Slug(v), nil
	}
	if c.Sector, err = resolve(taxonomy.Sector, rec.Sector); err != nil {
		return ref, false, err
	}
	for _, v := range rec.Themes {
		slug, err := resolve(taxonomy.Theme, v)
		if err != nil {
			return ref, false, err
		}
		c.Themes = append(c.Themes, slug)
	}
	for _, v := range rec.ClientGroups {
		slug, err := resolve(taxonomy.ClientGroup, v)
		if err != nil {
			return ref, false, err
		}
		c.ClientGroups = append(c.ClientGroups, slug)
	}
	// Everything that can refuse the line is checked before anything is
	// added, so a refused line leaves no term or organisation behind: the
	// record is validated against the vocabulary as it would be with its
	// new terms.
	check := vocab
	for i, k := range newTerms {
		check = check.With(taxonomy.Term{Kind: k, Slug: org.Slug(newTermValues[i]), Active: true,
			Label: i18n.Text{FI: newTermValues[i], SV: newTermValues[i], EN: newTermValues[i]}})
	}
	c.OrgID = -1
	c.Normalize()
	if errs := c.validate(ModeSubmit, check, im.deeds.now()); len(errs) > 0 {
		return ref, false, errors.New(describe(errs))
	}
	if err := im.deeds.importable(ctx, ref); err != nil {
		return ref, false, err
	}
	lookup := orgCode
	if lookup == "" {
		lookup = orgName
	}
	o, ferr := im.orgs.Find(ctx, lookup)
	kind := org.KindCompany
	switch {
	case errors.Is(ferr, org.ErrNotFound):
		if rec.OrganisationType != "" {
			if kind, err = org.ParseKind(rec.OrganisationType); err != nil {
				return ref, false, fmt.Errorf("organisation_type: %v", err)
			}
		}
		if mun == nil {
			return ref, false, fmt.Errorf("organisation: %q is not known and no municipality was given to create it under", orgName)
		}
	case ferr != nil:
		return ref, false, fmt.Errorf("organisation: %v", ferr)
	}
	for i, k := range newTerms {
		t, err := im.terms.Create(ctx, user.System(), k, taxonomy.Input{Slug: org.Slug(newTermValues[i]), LabelFI: newTermValues[i],
			LabelSV: newTermValues[i], LabelEN: newTermValues[i], Position: 1000, Active: true})
		var fe taxonomy.FieldErrors
		if errors.As(err, &fe) && fe["slug"] == "error.code_taken" {
			continue // added by an earlier line of this import
		}
		if err != nil {
			return ref, false, fmt.Errorf("%s: add %q: %v", k, newTermValues[i], err)
		}
		rep.CreatedTerms = append(rep.CreatedTerms, fmt.Sprintf("%s: %s", k, t.Label.FI))
	}
	if len(newTerms) > 0 {
		if vocab, err = im.terms.All(ctx); err != nil {
			return ref, false, err
		}
	}
	if o == nil {
		var created bool
		o, created, err = im.orgs.FindOrCreate(ctx, user.System(), orgName, mun.Code, kind)
		if err != nil {
			return ref, false, fmt.Errorf("organisation: %v", err)
		}
		if created {
			rep.CreatedOrgs = append(rep.CreatedOrgs, fmt.Sprintf("%s (%s, %s)", o.Name.FI, o.Code, mun.Name.FI))
		}
	}
	c.OrgID = o.ID
	if mun != nil {
		c.Municipality = mun.Code
	} else if o.Municipality != nil {
		c.Municipality = o.Municipality.Code // as Service.check does
	}
	added, err = im.deeds.upsertPublished(ctx, ref, &c, vocab, rec.PublishedAt)
	return ref, added, err
}

// describe turns field errors into the plain English a command line shows.
func describe(errs FieldErrors) string {
	var parts []string
	for _, f := range sortedKeys(errs) {
		key, arg, _ := strings.Cut(errs[f], "|")
		msg := strings.TrimPrefix(key, "error.")
		msg = strings.ReplaceAll(msg, "_", " ")
		if arg != "" {
			msg += " (" + arg + ")"
		}
		parts = append(parts, f+": "+msg)
	}
	return strings.Join(parts, "; ")
}

func sortedKeys(m FieldErrors) []string {
	return slices.Sorted(maps.Keys(m))
}

// importable refuses a ref that belongs to a deed written on this site: such
// a deed goes through moderation, and an import must not publish or
// overwrite it.
func (s *Service) importable(ctx context.Context, ref string) error {
	var author sql.NullInt64
	err := s.db.QueryRow(ctx, `SELECT author_id FROM deeds WHERE ref = ?`, ref).Scan(&author)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("deed: import %s: %w", ref, err)
	case author.Valid:
		return fmt.Errorf("ref %s belongs to a deed written on this site; an import updates only imported deeds", ref)
	}
	return nil
}

// upsertPublished writes an imported deed as published, adding it or
// updating the deed with the same ref.
func (s *Service) upsertPublished(ctx context.Context, ref string, c *Content, vocab *taxonomy.Vocabulary, publishedAt *time.Time) (bool, error) {
	now := s.now()
	var pub any // nil keeps the date an earlier import or publication set
	if publishedAt != nil {
		pub = publishedAt.UTC().Truncate(time.Microsecond)
	}
	added := false
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var id int64
		var author sql.NullInt64
		err := tx.QueryRow(ctx, `SELECT id, author_id FROM deeds WHERE ref = ?`, ref).Scan(&id, &author)
		if err == nil && author.Valid {
			// A deed written on this site goes through moderation; an import
			// must not publish or overwrite it.
			return fmt.Errorf("ref %s belongs to a deed written on this site; an import updates only imported deeds", ref)
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			added = true
			if id, err = s.insert(ctx, tx, ref, Published, 0, c, now); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("deed: import %s: %w", ref, err)
		}
		if err := writeContent(ctx, tx, vocab, id, c, now); err != nil {
			return err
		}
		// An archived deed stays archived: that was a moderator's decision.
		if _, err := tx.Exec(ctx, `UPDATE deeds SET state = CASE WHEN state = 'archived' THEN 'archived' ELSE 'published' END,
			published_at = COALESCE(?, published_at, ?) WHERE id = ?`, pub, now, id); err != nil {
			return fmt.Errorf("deed: import %s: %w", ref, err)
		}
		return addRevision(ctx, tx, id, 0, ActImported, Published, "", c, now)
	})
	return added, err
}
