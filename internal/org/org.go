// Package org keeps the organisations that publish deeds and ties each of
// them to places: a municipality, a wellbeing services county, a region.
//
// Municipality and county organisations are not entered by hand: Sync
// derives them from the finland registry on every start, so that every
// municipality and county can publish from day one and their names always
// follow the official classification. Companies, joint authorities and
// other bodies are added by admins (Create) or by the importer
// (FindOrCreate).
package org

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/field"
	"github.com/tekotori/tekotori/internal/finland"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
)

// Kind says what sort of body an organisation is.
type Kind string

const (
	KindMunicipality   Kind = "municipality"    // a municipality's own organisation (kunta / kommun)
	KindCounty         Kind = "county"          // wellbeing services county (hyvinvointialue), also 90 City of Helsinki as organiser
	KindCompany        Kind = "company"         // municipal company (kuntayhtiö)
	KindJointAuthority Kind = "joint_authority" // joint municipal authority (kuntayhtymä)
	KindOther          Kind = "other"
)

// Kinds lists every kind in the order forms show them.
func Kinds() []Kind {
	return []Kind{KindMunicipality, KindCounty, KindCompany, KindJointAuthority, KindOther}
}

// ParseKind accepts a kind as stored, ignoring surrounding space and letter
// case, because it also reads values from import files.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Kinds(), k) {
		return k, nil
	}
	return "", fmt.Errorf("org: unknown kind %q", s)
}

// registryOwned reports whether Sync owns organisations of kind k: their
// names and places come from the registry and are not edited by hand.
func registryOwned(k Kind) bool {
	return k == KindMunicipality || k == KindCounty
}

// Place is a region, county or municipality as shown in lists and forms.
type Place struct {
	Code string
	Name i18n.Text
}

// Org is an organisation that publishes deeds.
type Org struct {
	ID      int64
	Code    string
	Kind    Kind
	Name    i18n.Text
	Website string
	// Municipality is the organisation's home municipality; nil when it has
	// none (county organisations, county-level bodies).
	Municipality *Place
	// County is the wellbeing services county the organisation belongs to:
	// its municipality's county, or the county itself for a county org.
	County *Place
	Region *Place
	// Units is filled by Get and ByCode only, to keep lists cheap.
	Units     []Unit
	CreatedAt time.Time
}

// Unit is a part of an organisation (a department, a service area) that
// deeds can be credited to.
type Unit struct {
	ID    int64
	OrgID int64
	Name  string
}

// MunicipalityInfo is a municipality with the places it belongs to.
type MunicipalityInfo struct {
	Place
	Region Place
	County Place
	// Language is the registry's language status: "fi", "sv", "fi+sv" or
	// "sv+fi".
	Language string
}

// ListFilter narrows List. Zero fields do not filter.
type ListFilter struct {
	Kind       Kind
	RegionCode string
	// Query is matched as a case-insensitive substring of any of the names.
	Query string
}

// Input is what an admin form or the importer gives for an organisation.
type Input struct {
	Code             string
	Kind             Kind
	NameFI           string
	NameSV           string
	NameEN           string
	Website          string
	MunicipalityCode string
	CountyCode       string
}

// ErrNotFound is returned when an organisation or unit does not exist.
var ErrNotFound = fault.New(fault.NotFound, "org: not found")

// ErrForbidden is returned when the actor may not edit organisations.
var ErrForbidden = fault.New(fault.Forbidden, "org: not allowed")

// FieldErrors maps an input field ("code", "kind", "name_fi", "name_sv",
// "name_en", "website", "municipality_code", "county_code", and "name" for
// units) to a translation key, so that a form can show each message next to
// its field.
type FieldErrors = field.Errors

// Translation keys of FieldErrors.
const (
	errRequired            = "error.required"
	errCodeInvalid         = "error.code_invalid"
	errCodeTaken           = "error.code_taken"
	errKindInvalid         = "error.kind_invalid"
	errMunicipalityUnknown = "error.municipality_unknown"
	errCountyUnknown       = "error.county_unknown"
	errURLInvalid          = "error.url_invalid"
	errTooLong             = "error.too_long"
	errUnitTaken           = "error.unit_taken"
)

// maxNameLen is counted in characters, not bytes, so that a Finnish name
// full of ä and ö gets the same room as an English one.
const maxNameLen = 200

func tooLong(s string) bool { return utf8.RuneCountInString(s) > maxNameLen }

// Service reads and edits organisations.
type Service struct {
	db  *store.DB
	reg *finland.Registry
	// OnChange, when set, runs after every committed change of an
	// organisation or unit, so that caches of their names are refreshed.
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

// NewService returns a Service on db. reg is the classification Sync
// writes and the one place input is checked against.
func NewService(db *store.DB, reg *finland.Registry) *Service {
	return &Service{db: db, reg: reg}
}

// maxCodeLen bounds codes, which appear in URLs.
const maxCodeLen = 60

// Slug turns a name into a code: lower-case ASCII letters and digits with
// single hyphens between words. The Nordic and common Latin letters lose
// their marks rather than becoming hyphens, so that "Hämeenlinna" reads as
// "hameenlinna" and not "h-meenlinna".
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if f, ok := slugFold[r]; ok {
			r = f
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	s := b.String()
	if len(s) > maxCodeLen {
		s = strings.TrimRight(s[:maxCodeLen], "-")
	}
	return s
}

// slugFold maps accented letters to their base letter. It is a fixed table
// rather than Unicode decomposition because codes must never change when a
// library is upgraded.
var slugFold = map[rune]rune{
	'ä': 'a', 'å': 'a', 'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a',
	'ö': 'o', 'ø': 'o', 'ó': 'o', 'ò': 'o', 'ô': 'o', 'õ': 'o',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'ü': 'u', 'ú': 'u', 'ù': 'u', 'û': 'u',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i',
	'ý': 'y', 'ÿ': 'y', 'š': 's', 'ž': 'z', 'ç': 'c', 'ñ': 'n',
}

// finnishKey makes names sort as in Finnish: case ignored and å, ä, ö after
// z. Sorting happens in Go because the engines' collations differ (SQLite
// compares bytes, PostgreSQL follows the database locale), and lists must
// come out the same on both.
func finnishKey(s string) []rune {
	rs := []rune(strings.ToLower(s))
	for i, r := range rs {
		switch r {
		case 'å':
			rs[i] = 'z' + 1
		case 'ä', 'æ':
			rs[i] = 'z' + 2
		case 'ö', 'ø':
			rs[i] = 'z' + 3
		case 'é', 'è':
			rs[i] = 'e'
		case 'ü':
			rs[i] = 'y'
		}
	}
	return rs
}

func compareFinnish(a, b string) int {
	if c := slices.Compare(finnishKey(a), finnishKey(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// municipalityText names a municipality in the three interface languages.
// Place names are not translated into English: an English reader gets the
// name in the municipality's majority language, as finland.Municipality.Name
// does.
func municipalityText(fi, sv, language string) i18n.Text {
	en := fi
	if language == finland.LangSwedish || language == finland.LangSwedishBilingual {
		en = sv
	}
	return i18n.Text{FI: fi, SV: sv, EN: en}
}
