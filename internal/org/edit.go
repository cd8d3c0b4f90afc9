package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/tekotori/tekotori/internal/audit"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

var codeRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,59}$`)

// errCodeRace means that a code chosen for an organisation was taken by
// another transaction between the check and the insert; the caller tries
// again, and the next try sees the code as taken.
var errCodeRace = errors.New("org: generated code taken meanwhile")

// codeTries bounds the retries after errCodeRace.
const codeTries = 3

// orgRow is an organisation as written by Create and Update.
type orgRow struct {
	code, kind                   string
	nameFI, nameSV, nameEN       string
	website                      string
	municipality, county, region sql.NullString
	// codeGiven tells an explicit code, whose collision is the user's to
	// fix, from a generated one, which is retried.
	codeGiven bool
}

// Create adds a company, joint authority or other body. Municipality and
// county organisations come from Sync only and are refused with
// "error.kind_invalid". Only admins may. Invalid input gives FieldErrors. Sync must have run,
// because the places are checked against the registry and referenced in
// the database.
func (s *Service) Create(ctx context.Context, actor *user.User, in Input) (*Org, error) {
	if !actor.CanAdminister() {
		return nil, fmt.Errorf("org: create: %w", ErrForbidden)
	}
	var id int64
	err := s.retryCode(ctx, func(tx *store.Tx) error {
		var err error
		id, err = s.create(ctx, tx, actor, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// retryCode runs fn in a transaction, again when a generated code was
// taken meanwhile. Only PostgreSQL can get there: SQLite transactions take
// the write lock up front.
func (s *Service) retryCode(ctx context.Context, fn func(tx *store.Tx) error) error {
	for try := 1; ; try++ {
		err := s.inTx(ctx, fn)
		if errors.Is(err, errCodeRace) && try < codeTries {
			continue
		}
		var fe FieldErrors
		if err == nil || errors.As(err, &fe) || errors.Is(err, ErrNotFound) {
			return err
		}
		return fmt.Errorf("org: %w", err)
	}
}

func (s *Service) create(ctx context.Context, tx *store.Tx, actor *user.User, in Input) (int64, error) {
	r, err := s.validate(ctx, tx, in, nil)
	if err != nil {
		return 0, err
	}
	id, err := store.InsertID(ctx, tx, `INSERT INTO organisations
		(code, kind, name_fi, name_sv, name_en, website, municipality_code, county_code, region_code, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.code, r.kind, r.nameFI, r.nameSV, r.nameEN, r.website, r.municipality, r.county, r.region, store.Now())
	if err != nil {
		return 0, codeConflict(err, r)
	}
	if err := audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: audit.OrgCreated,
		Target: orgTarget(id, r.code), After: r.summary()}); err != nil {
		return 0, err
	}
	return id, nil
}

// orgTarget names an organisation in the audit log.
func orgTarget(id int64, code string) string {
	return fmt.Sprintf("organisation %d %s", id, code)
}

// summary is what the audit log keeps of an organisation's values.
func (r orgRow) summary() string {
	return fmt.Sprintf("code=%s kind=%s fi=%q sv=%q en=%q website=%q municipality=%s county=%s",
		r.code, r.kind, r.nameFI, r.nameSV, r.nameEN, r.website, r.municipality.String, r.county.String)
}

// rowOf gives the values of o as Update would write them, to compare and
// summarise.
func rowOf(o *Org) orgRow {
	r := orgRow{code: o.Code, kind: string(o.Kind), nameFI: o.Name.FI, nameSV: o.Name.SV, nameEN: o.Name.EN, website: o.Website}
	if o.Municipality != nil {
		r.municipality = valid(o.Municipality.Code)
	}
	if o.County != nil {
		r.county = valid(o.County.Code)
	}
	if o.Region != nil {
		r.region = valid(o.Region.Code)
	}
	return r
}

// Update changes an organisation. An empty Code keeps the current one,
// since codes are in links people have saved. For municipality and county
// organisations only Code and Website are taken from in: the registry owns
// their kind, names and places, and Sync would put them back anyway. Only
// admins may.
func (s *Service) Update(ctx context.Context, actor *user.User, id int64, in Input) (*Org, error) {
	if !actor.CanAdminister() {
		return nil, fmt.Errorf("org: update %d: %w", id, ErrForbidden)
	}
	err := s.retryCode(ctx, func(tx *store.Tx) error {
		cur, err := queryOrg(ctx, tx, "o.id = ?", id)
		if err != nil {
			return err
		}
		r, err := s.validate(ctx, tx, in, cur)
		if err != nil {
			return err
		}
		before := rowOf(cur)
		if before.summary() == r.summary() && before.region == r.region {
			return nil // nothing changed, nothing to record
		}
		_, err = tx.Exec(ctx, `UPDATE organisations SET code = ?, kind = ?, name_fi = ?, name_sv = ?, name_en = ?, website = ?,
			municipality_code = ?, county_code = ?, region_code = ? WHERE id = ?`,
			r.code, r.kind, r.nameFI, r.nameSV, r.nameEN, r.website, r.municipality, r.county, r.region, id)
		if err != nil {
			return codeConflict(err, r)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: audit.OrgUpdated,
			Target: orgTarget(id, cur.Code), Before: before.summary(), After: r.summary()})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// codeConflict turns a unique violation on insert or update into what the
// caller should see; code is the organisations table's only unique column.
func codeConflict(err error, r orgRow) error {
	if !store.IsUniqueViolation(err) {
		return fmt.Errorf("write organisation %s: %w", r.code, err)
	}
	if r.codeGiven {
		return FieldErrors{"code": errCodeTaken}
	}
	return errCodeRace
}

// validate checks in and works out the row to write; cur is the
// organisation being updated, nil on create. All problems are reported at
// once, so that a form can mark every field.
func (s *Service) validate(ctx context.Context, q store.Querier, in Input, cur *Org) (orgRow, error) {
	fe := FieldErrors{}
	in.Code = strings.TrimSpace(in.Code)
	in.NameFI = strings.TrimSpace(in.NameFI)
	in.NameSV = strings.TrimSpace(in.NameSV)
	in.NameEN = strings.TrimSpace(in.NameEN)
	in.Website = strings.TrimSpace(in.Website)
	in.MunicipalityCode = strings.TrimSpace(in.MunicipalityCode)
	in.CountyCode = strings.TrimSpace(in.CountyCode)

	r := orgRow{website: in.Website}
	if in.Website != "" && !validURL(in.Website) {
		fe["website"] = errURLInvalid
	}

	if cur != nil && registryOwned(cur.Kind) {
		// Kind, names and places stay as Sync wrote them.
		if in.Kind != "" && in.Kind != cur.Kind {
			fe["kind"] = errKindInvalid
		}
		r.kind = string(cur.Kind)
		r.nameFI, r.nameSV, r.nameEN = cur.Name.FI, cur.Name.SV, cur.Name.EN
		if cur.Municipality != nil {
			r.municipality = valid(cur.Municipality.Code)
		}
		if cur.County != nil {
			r.county = valid(cur.County.Code)
		}
		if cur.Region != nil {
			r.region = valid(cur.Region.Code)
		}
	} else {
		s.validateContent(in, &r, fe)
	}

	if err := s.validateCode(ctx, q, in, cur, &r, fe); err != nil {
		return orgRow{}, err
	}
	if len(fe) > 0 {
		return orgRow{}, fe
	}
	return r, nil
}

// validateContent checks what an admin may set on a company, joint
// authority or other body: kind, names and places.
func (s *Service) validateContent(in Input, r *orgRow, fe FieldErrors) {
	switch k, err := ParseKind(string(in.Kind)); {
	case strings.TrimSpace(string(in.Kind)) == "":
		fe["kind"] = errRequired
	case err != nil, registryOwned(k):
		fe["kind"] = errKindInvalid
	default:
		r.kind = string(k)
	}

	if in.NameFI == "" {
		fe["name_fi"] = errRequired
	}
	for field, name := range map[string]string{"name_fi": in.NameFI, "name_sv": in.NameSV, "name_en": in.NameEN} {
		if tooLong(name) {
			fe[field] = errTooLong
		}
	}
	r.nameFI, r.nameSV, r.nameEN = in.NameFI, in.NameSV, in.NameEN

	// The county may be given on its own for a county-level body, or next
	// to a municipality when a body at home in one municipality serves a
	// county other than that municipality's.
	if in.CountyCode != "" {
		if c, ok := s.reg.County(in.CountyCode); ok {
			r.county = valid(c.Code)
			r.region = valid(majorityRegion(s.reg, c.Code))
		} else {
			fe["county_code"] = errCountyUnknown
		}
	}
	if in.MunicipalityCode != "" {
		if m, ok := s.reg.FindMunicipality(in.MunicipalityCode); ok {
			r.municipality = valid(m.Code)
			r.region = valid(m.RegionCode)
			if in.CountyCode == "" {
				r.county = valid(m.CountyCode)
			}
		} else {
			fe["municipality_code"] = errMunicipalityUnknown
		}
	}
	if in.MunicipalityCode == "" && in.CountyCode == "" {
		fe["municipality_code"] = errRequired
	}
}

// validateCode checks an explicit code or makes one from the Finnish name.
func (s *Service) validateCode(ctx context.Context, q store.Querier, in Input, cur *Org, r *orgRow, fe FieldErrors) error {
	switch {
	case in.Code == "" && cur != nil:
		r.code = cur.Code
		return nil
	case in.Code == "":
		if r.nameFI == "" {
			return nil // already reported as a missing name
		}
		codes, err := allCodes(ctx, q)
		if err != nil {
			return err
		}
		r.code = freeCode(baseCode(r.nameFI), func(c string) bool { return codes[c] })
		return nil
	case !codeRe.MatchString(in.Code):
		fe["code"] = errCodeInvalid
		return nil
	}
	r.code, r.codeGiven = in.Code, true
	var id int64
	err := q.QueryRow(ctx, "SELECT id FROM organisations WHERE code = ?", in.Code).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("check code: %w", err)
	case cur == nil || id != cur.ID:
		fe["code"] = errCodeTaken
	}
	return nil
}

func allCodes(ctx context.Context, q store.Querier) (map[string]bool, error) {
	rows, err := q.Query(ctx, "SELECT code FROM organisations")
	if err != nil {
		return nil, fmt.Errorf("load codes: %w", err)
	}
	defer rows.Close()
	codes := make(map[string]bool)
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("load codes: %w", err)
		}
		codes[c] = true
	}
	return codes, rows.Err()
}

// validURL accepts absolute http and https addresses only: the website is
// shown as a link, and any other scheme (javascript:, file:) has no
// business there.
func validURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\r\n")
}

// AddUnit adds a unit to an organisation. Names are trimmed, and one that
// differs from an existing unit's only in letter case counts as taken, so
// that an organisation does not end up with two spellings of one unit.
// Only admins may.
func (s *Service) AddUnit(ctx context.Context, actor *user.User, orgID int64, name string) (*Unit, error) {
	if !actor.CanAdminister() {
		return nil, fmt.Errorf("org: add unit: %w", ErrForbidden)
	}
	name = strings.TrimSpace(name)
	if fe := checkUnitName(name); fe != nil {
		return nil, fe
	}
	u := &Unit{OrgID: orgID, Name: name}
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var code string
		err := tx.QueryRow(ctx, "SELECT code FROM organisations WHERE id = ?", orgID).Scan(&code)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("org: add unit: %w", err)
		}
		if err := checkUnitFree(ctx, tx, orgID, 0, name); err != nil {
			return err
		}
		u.ID, err = store.InsertID(ctx, tx, "INSERT INTO org_units (org_id, name) VALUES (?, ?)", orgID, name)
		if store.IsUniqueViolation(err) {
			return FieldErrors{"name": errUnitTaken}
		}
		if err != nil {
			return fmt.Errorf("org: add unit: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: audit.UnitAdded,
			Target: unitTarget(orgID, code, u.ID), After: name})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// RenameUnit renames a unit under the same rules as AddUnit.
func (s *Service) RenameUnit(ctx context.Context, actor *user.User, unitID int64, name string) error {
	if !actor.CanAdminister() {
		return fmt.Errorf("org: rename unit: %w", ErrForbidden)
	}
	name = strings.TrimSpace(name)
	if fe := checkUnitName(name); fe != nil {
		return fe
	}
	return s.inTx(ctx, func(tx *store.Tx) error {
		var (
			orgID      int64
			code, prev string
		)
		err := tx.QueryRow(ctx, `SELECT u.org_id, o.code, u.name FROM org_units u JOIN organisations o ON o.id = u.org_id
			WHERE u.id = ?`, unitID).Scan(&orgID, &code, &prev)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("org: rename unit: %w", err)
		}
		if prev == name {
			return nil // nothing changed, nothing to record
		}
		if err := checkUnitFree(ctx, tx, orgID, unitID, name); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE org_units SET name = ? WHERE id = ?", name, unitID)
		if store.IsUniqueViolation(err) {
			return FieldErrors{"name": errUnitTaken}
		}
		if err != nil {
			return fmt.Errorf("org: rename unit: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: audit.UnitRenamed,
			Target: unitTarget(orgID, code, unitID), Before: prev, After: name})
	})
}

// DeleteUnit removes a unit; deeds credited to it keep their organisation
// and lose only the unit. Only admins may.
func (s *Service) DeleteUnit(ctx context.Context, actor *user.User, unitID int64) error {
	if !actor.CanAdminister() {
		return fmt.Errorf("org: delete unit: %w", ErrForbidden)
	}
	return s.inTx(ctx, func(tx *store.Tx) error {
		var (
			orgID      int64
			code, name string
		)
		err := tx.QueryRow(ctx, `SELECT u.org_id, o.code, u.name FROM org_units u JOIN organisations o ON o.id = u.org_id
			WHERE u.id = ?`, unitID).Scan(&orgID, &code, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("org: delete unit: %w", err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM org_units WHERE id = ?", unitID); err != nil {
			return fmt.Errorf("org: delete unit: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: audit.UnitDeleted,
			Target: unitTarget(orgID, code, unitID), Before: name})
	})
}

// unitTarget names a unit in the audit log.
func unitTarget(orgID int64, code string, unitID int64) string {
	return fmt.Sprintf("organisation %d %s, unit %d", orgID, code, unitID)
}

func checkUnitName(name string) error {
	switch {
	case name == "":
		return FieldErrors{"name": errRequired}
	case tooLong(name):
		return FieldErrors{"name": errTooLong}
	}
	return nil
}

// checkUnitFree reports "error.unit_taken" when another unit of the
// organisation than self has the name in any letter case.
func checkUnitFree(ctx context.Context, q store.Querier, orgID, self int64, name string) error {
	us, err := units(ctx, q, orgID)
	if err != nil {
		return err
	}
	for _, u := range us {
		if u.ID != self && strings.EqualFold(u.Name, name) {
			return FieldErrors{"name": errUnitTaken}
		}
	}
	return nil
}

// FindOrCreate is for the importer. It finds the organisation by code or
// name like Find; when municipality (a code or a name) is given, a name
// only matches organisations of that municipality or, for bodies with no
// municipality, of its county, so that two cities' "Sivistystoimi" stay
// apart. When nothing matches, it creates an organisation of kind
// (company when empty) in that municipality and reports created. Creating
// is an admin's edit like Create, so actor must be an admin.
func (s *Service) FindOrCreate(ctx context.Context, actor *user.User, name, municipality string, kind Kind) (*Org, bool, error) {
	if !actor.CanAdminister() {
		return nil, false, fmt.Errorf("org: find or create: %w", ErrForbidden)
	}
	name = strings.TrimSpace(name)
	municipality = strings.TrimSpace(municipality)
	if name == "" {
		return nil, false, FieldErrors{"name_fi": errRequired}
	}
	if kind == "" {
		kind = KindCompany
	}
	var (
		id      int64
		created bool
	)
	err := s.retryCode(ctx, func(tx *store.Tx) error {
		created = false
		o, err := findByCode(ctx, tx, name)
		if err == nil {
			id = o.ID
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		var keep func(Org) bool
		if municipality != "" {
			m, ok := s.reg.FindMunicipality(municipality)
			if !ok {
				return FieldErrors{"municipality_code": errMunicipalityUnknown}
			}
			keep = func(o Org) bool {
				if o.Municipality != nil {
					return o.Municipality.Code == m.Code
				}
				return o.County != nil && o.County.Code == m.CountyCode
			}
			municipality = m.Code
		}
		o, err = findByName(ctx, tx, name, keep)
		if err == nil {
			id = o.ID
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		id, err = s.create(ctx, tx, actor, Input{Kind: kind, NameFI: name, MunicipalityCode: municipality})
		if err != nil {
			return err
		}
		created = true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	o, err := s.Get(ctx, id)
	if err != nil {
		return nil, false, err
	}
	return o, created, nil
}
