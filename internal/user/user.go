// Package user keeps accounts: who may sign in, with which role and for
// which organisation, their password hashes and their sessions.
package user

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/audit"
	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/field"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/throttle"
)

// ErrNotFound is returned for an account or session that does not exist.
var ErrNotFound = fault.New(fault.NotFound, "user: not found")

// ErrForbidden is returned when the actor may not do what they tried.
var ErrForbidden = fault.New(fault.Forbidden, "user: not allowed")

// ErrBadCredentials is the one answer to a failed sign-in, whether the
// e-mail is unknown, the password wrong or the account disabled, so that
// the answer does not tell which e-mails have accounts.
var ErrBadCredentials = fault.New(fault.Unauthenticated, "user: wrong e-mail or password")

// User is an account as the rest of the application sees it; the password
// hash never leaves this package.
type User struct {
	ID        int64
	Email     string
	Name      string
	Role      Role
	OrgID     int64 // 0 = none
	Lang      string
	Disabled  bool
	CreatedAt time.Time
	// EmailVerifiedAt is when the person confirmed the address by a link
	// sent to it; zero until then.
	EmailVerifiedAt time.Time
	// system marks the actor System returns; no account row or form can
	// set it.
	system bool
}

// System is the actor of the server's own console: the command line
// (tekotori user add, tekotori import) and the demo data. Whoever runs
// those already holds the database, so it may do what an admin may; it is
// an explicit actor rather than a nil that a service would have to guess
// about, and the audit log names it. It has no account (ID 0).
func System() *User {
	return &User{Name: "tekotori", Role: RoleAdmin, Lang: defaultLang, system: true}
}

// IsSystem reports whether u is the console's actor from System.
func (u *User) IsSystem() bool { return u != nil && u.system }

// AuditActor is u as the audit log of site administration names it.
func (u *User) AuditActor() audit.Actor {
	if u.IsSystem() {
		return audit.Actor{ID: 0, Name: u.Name}
	}
	return audit.Actor{ID: u.ID, Name: u.Name + " <" + u.Email + ">"}
}

// Verified reports whether u's e-mail address is confirmed: only then does
// an account do more than read (vote, write, comment).
func (u *User) Verified() bool { return u != nil && !u.EmailVerifiedAt.IsZero() }

// IsModerator reports whether u may publish and return deeds of any
// organisation.
func (u *User) IsModerator() bool {
	return u != nil && u.Role.AtLeast(RoleModerator)
}

// IsAdmin reports whether u may do everything.
func (u *User) IsAdmin() bool {
	return u != nil && u.Role.AtLeast(RoleAdmin)
}

// CanAdminister reports whether u may edit what only admins edit: the
// vocabularies, organisations and their units, roles and site settings,
// and read the audit log of those edits.
func (u *User) CanAdminister() bool {
	return u.IsAdmin() && !u.Disabled
}

// CanManageOrg reports whether u may approve who belongs to organisation
// orgID and grant or withdraw its editor role: that organisation's admins
// and site admins.
func (u *User) CanManageOrg(orgID int64) bool {
	if u == nil || u.Disabled || orgID == 0 {
		return false
	}
	return u.CanAdminister() || (u.Role == RoleOrgAdmin && u.OrgID == orgID)
}

// Input limits.
const (
	minPasswordChars = 10
	maxPasswordBytes = 256 // bytes, not characters: it bounds what gets hashed
	maxNameChars     = 120
	maxEmailBytes    = 254 // RFC 5321's limit on a forward path, less the brackets
	defaultLang      = "fi"
	sessionLifetime  = 14 * 24 * time.Hour
)

// FieldErrors maps an input field ("email", "name", "password", "role",
// "org_id") to the translation key of its problem.
type FieldErrors = field.Errors

// Service reads and changes accounts and sessions.
type Service struct {
	db         *store.DB
	hasher     *Hasher
	sessionTTL time.Duration
	limits     *throttle.Limiter
}

// NewService returns a Service on db. Two hashes at a time keeps password
// checks from taking every core of a small server.
func NewService(db *store.DB) *Service {
	return &Service{db: db, hasher: NewHasher(2), sessionTTL: sessionLifetime, limits: throttle.New(db)}
}

// UseLimits makes the service count sign-in failures and registrations in
// l, which the rest of the platform shares.
func (s *Service) UseLimits(l *throttle.Limiter) { s.limits = l }

// NewUser is what an admin submits to create an account.
type NewUser struct {
	Email    string
	Name     string
	Password string
	Role     Role
	OrgID    int64
	Lang     string // fi, sv or en; anything else becomes fi
	// Unverified leaves the e-mail address to be confirmed by the person
	// (self-registration); accounts an admin makes are confirmed at once.
	Unverified bool
	// RequestOrg makes OrgID a membership request for the organisation's
	// admins to decide (self-registration): the account starts without one.
	RequestOrg bool
}

// normalizeEmail gives the form e-mails are stored and looked up in.
func normalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// emailProblem checks an already normalised e-mail. Only a bare address
// is accepted: net/mail would also take "Name <a@b.fi>", which is not
// something to store as a login.
func emailProblem(email string) string {
	if email == "" {
		return "error.required"
	}
	if len(email) > maxEmailBytes {
		return "error.email_invalid"
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email {
		return "error.email_invalid"
	}
	return ""
}

func passwordProblem(pw string) string {
	switch {
	case pw == "":
		return "error.required"
	case len(pw) > maxPasswordBytes:
		return "error.password_long"
	case utf8.RuneCountInString(pw) < minPasswordChars:
		return "error.password_short"
	}
	return ""
}

func validLang(lang string) bool {
	return lang == "fi" || lang == "sv" || lang == "en"
}

// checkRoleOrg adds the problems of a role and organisation to errs.
func (s *Service) checkRoleOrg(ctx context.Context, role Role, orgID int64, errs FieldErrors) error {
	if _, err := ParseRole(string(role)); err != nil {
		errs["role"] = "error.role_invalid"
	}
	if orgID == 0 {
		return nil
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organisations WHERE id = ?`, orgID).Scan(&n); err != nil {
		return fmt.Errorf("user: check organisation %d: %w", orgID, err)
	}
	if n == 0 {
		errs["org_id"] = "error.org_unknown"
	}
	return nil
}

// Create validates in and adds the account. Bad input gives FieldErrors.
func (s *Service) Create(ctx context.Context, in NewUser) (*User, error) {
	return s.create(ctx, in, nil)
}

// create is Create with then run in the insert's transaction, for what
// must stand or fall with the new account.
func (s *Service) create(ctx context.Context, in NewUser, then func(tx *store.Tx, u *User) error) (*User, error) {
	email := normalizeEmail(in.Email)
	name := strings.TrimSpace(in.Name)
	lang := in.Lang
	if !validLang(lang) {
		lang = defaultLang
	}
	errs := FieldErrors{}
	if k := emailProblem(email); k != "" {
		errs["email"] = k
	} else {
		// Stored e-mails are lower-case, but rows written by other means
		// (imports, hand edits) may not be, and the unique index would not
		// see those as duplicates.
		var n int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE LOWER(email) = ?`, email).Scan(&n); err != nil {
			return nil, fmt.Errorf("user: create: check e-mail: %w", err)
		}
		if n > 0 {
			errs["email"] = "error.email_taken"
		}
	}
	if name == "" {
		errs["name"] = "error.required"
	} else if utf8.RuneCountInString(name) > maxNameChars {
		errs["name"] = "error.name_long"
	}
	if k := passwordProblem(in.Password); k != "" {
		errs["password"] = k
	}
	if err := s.checkRoleOrg(ctx, in.Role, in.OrgID, errs); err != nil {
		return nil, fmt.Errorf("user: create: %w", err)
	}
	if len(errs) > 0 {
		return nil, errs
	}

	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, fmt.Errorf("user: create: %w", err)
	}
	now := store.Now()
	var verified any
	var verifiedAt time.Time
	if !in.Unverified {
		verified, verifiedAt = now, now
	}
	orgID := in.OrgID
	if in.RequestOrg {
		orgID = 0
	}
	u := &User{Email: email, Name: name, Role: in.Role, OrgID: orgID, Lang: lang, CreatedAt: now, EmailVerifiedAt: verifiedAt}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		id, err := store.InsertID(ctx, tx, `INSERT INTO users (email, name, password_hash, role, org_id, lang, disabled, created_at, email_verified_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			email, name, hash, string(in.Role), nullID(orgID), lang, false, now, verified)
		if store.IsUniqueViolation(err) {
			// Another request created the same e-mail since the check above.
			return FieldErrors{"email": "error.email_taken"}
		}
		if err != nil {
			return fmt.Errorf("user: create: %w", err)
		}
		u.ID = id
		if in.RequestOrg && in.OrgID != 0 {
			if err := requestMembership(ctx, tx, id, in.OrgID); err != nil {
				return err
			}
		}
		if then != nil {
			return then(tx, u)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Add creates an account with the role in in on an admin's behalf, as
// the command line's `tekotori user add` does as System, and records it in
// the audit log. Create, which does not ask who acts, is for signing up.
func (s *Service) Add(ctx context.Context, actor *User, in NewUser) (*User, error) {
	if !actor.CanAdminister() {
		return nil, fmt.Errorf("user: add: %w", ErrForbidden)
	}
	return s.create(ctx, in, func(tx *store.Tx, u *User) error {
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: audit.UserAdded,
			Target: u.auditTarget(), After: roleSummary(u.Role, u.OrgID)})
	})
}

// auditTarget names the account in the audit log.
func (u *User) auditTarget() string {
	return fmt.Sprintf("user %d <%s>", u.ID, u.Email)
}

// roleSummary is a role and organisation as the audit log shows them.
func roleSummary(r Role, orgID int64) string {
	if orgID == 0 {
		return "role=" + string(r)
	}
	return fmt.Sprintf("role=%s org=%d", r, orgID)
}

// nullID stores "no organisation" as NULL, which the foreign key needs.
func nullID(id int64) sql.NullInt64 {
	return sql.NullInt64{Int64: id, Valid: id != 0}
}

// userColumns are read by scanUser; the alias u lets them be joined.
const userColumns = `u.id, u.email, u.name, u.role, u.org_id, u.lang, u.disabled, u.created_at, u.email_verified_at`

// userScan holds one row of userColumns while it is scanned.
type userScan struct {
	u        User
	role     string
	org      sql.NullInt64
	verified sql.NullTime
}

func (x *userScan) targets() []any {
	return []any{&x.u.ID, &x.u.Email, &x.u.Name, &x.role, &x.org, &x.u.Lang, &x.u.Disabled, &x.u.CreatedAt, &x.verified}
}

func (x *userScan) user() *User {
	u := x.u
	if x.verified.Valid {
		u.EmailVerifiedAt = x.verified.Time.UTC()
	}
	u.Role = Role(x.role)
	u.OrgID = x.org.Int64
	u.CreatedAt = u.CreatedAt.UTC()
	return &u
}

// scanUser reads userColumns followed by any extra columns into extra.
func scanUser(sc interface{ Scan(...any) error }, extra ...any) (*User, error) {
	var x userScan
	if err := sc.Scan(append(x.targets(), extra...)...); err != nil {
		return nil, err
	}
	return x.user(), nil
}

// scanUserAfter reads leading columns into lead, then userColumns.
func scanUserAfter(sc interface{ Scan(...any) error }, lead ...any) (*User, error) {
	var x userScan
	if err := sc.Scan(append(lead, x.targets()...)...); err != nil {
		return nil, err
	}
	return x.user(), nil
}

// Authenticate returns the account with email and password, or
// ErrBadCredentials.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*User, error) {
	var hash string
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u
		WHERE LOWER(u.email) = ? ORDER BY u.id LIMIT 1`, normalizeEmail(email)), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		// Spend the same work as a real check, so that the response time
		// does not tell which e-mails have accounts.
		if _, err := s.hasher.Hash(ctx, password); err != nil {
			return nil, fmt.Errorf("user: authenticate: %w", err)
		}
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("user: authenticate: %w", err)
	}
	// Disabled accounts are checked after the hash for the same reason.
	ok, err := s.hasher.Verify(ctx, hash, password)
	if err != nil {
		return nil, fmt.Errorf("user: authenticate %d: %w", u.ID, err)
	}
	if !ok || u.Disabled {
		return nil, ErrBadCredentials
	}
	return u, nil
}

// Get returns the account with id.
func (s *Service) Get(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("user: get %d: %w", id, err)
	}
	return u, nil
}

// ByEmail returns the account with email, in any case.
func (s *Service) ByEmail(ctx context.Context, email string) (*User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users u
		WHERE LOWER(u.email) = ? ORDER BY u.id LIMIT 1`, normalizeEmail(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("user: by e-mail: %w", err)
	}
	return u, nil
}

// List returns every account, disabled ones included, by name; only
// admins may see them, e-mails and all.
func (s *Service) List(ctx context.Context, actor *User) ([]User, error) {
	if !actor.CanAdminister() {
		return nil, fmt.Errorf("user: list: %w", ErrForbidden)
	}
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+` FROM users u ORDER BY LOWER(u.name), u.id`)
	if err != nil {
		return nil, fmt.Errorf("user: list: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("user: list: %w", err)
		}
		out = append(out, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("user: list: %w", err)
	}
	return out, nil
}

// SetRole changes what an account may do and for which organisation
// (0 = none). Site admins may make any change; an organisation's admin may
// only make a member of their organisation its editor or take that role
// back (mayGrant). Bad input gives FieldErrors. Sessions look the account
// up on every request, so the change applies at once.
func (s *Service) SetRole(ctx context.Context, actor *User, id int64, role Role, orgID int64) error {
	if !actor.CanAdminister() && (actor == nil || actor.Role != RoleOrgAdmin || actor.Disabled) {
		return fmt.Errorf("user: set role %d: %w", id, ErrForbidden)
	}
	errs := FieldErrors{}
	if err := s.checkRoleOrg(ctx, role, orgID, errs); err != nil {
		return fmt.Errorf("user: set role %d: %w", id, err)
	}
	if len(errs) > 0 {
		return errs
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user: set role %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("user: set role %d: %w", id, err)
		}
		if !mayGrant(actor, cur, role, orgID) {
			return fmt.Errorf("user: set role %d: %w", id, ErrForbidden)
		}
		if cur.Role == role && cur.OrgID == orgID {
			return nil // nothing changed, nothing to record
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET role = ?, org_id = ? WHERE id = ?`, string(role), nullID(orgID), id); err != nil {
			return fmt.Errorf("user: set role %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: audit.RoleChanged, Target: cur.auditTarget(),
			Before: roleSummary(cur.Role, cur.OrgID), After: roleSummary(role, orgID)})
	})
}

// mayGrant is the rule of SetRole: a site admin changes anything; an
// organisation's admin moves another account of their organisation between
// member and organisation editor, and nothing else (not the organisation,
// not any higher role, not their own).
func mayGrant(actor, cur *User, role Role, orgID int64) bool {
	if actor.CanAdminister() {
		return true
	}
	editorial := func(r Role) bool { return r == RoleMember || r == RoleOrgEditor }
	return actor.CanManageOrg(cur.OrgID) && orgID == cur.OrgID && cur.ID != actor.ID &&
		editorial(cur.Role) && editorial(role)
}

// SetPassword replaces an account's password and ends all its sessions,
// so that a password changed because it leaked also shuts out whoever
// used it. A user changing their own password needs a new session.
// A bad password gives FieldErrors.
func (s *Service) SetPassword(ctx context.Context, id int64, password string) error {
	if k := passwordProblem(password); k != "" {
		return FieldErrors{"password": k}
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return fmt.Errorf("user: set password %d: %w", id, err)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
		if err != nil {
			return fmt.Errorf("user: set password %d: %w", id, err)
		}
		if err := mustAffect(res, id, "set password"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("user: set password %d: end sessions: %w", id, err)
		}
		return nil
	})
}

// SetLang changes the interface language of an account.
func (s *Service) SetLang(ctx context.Context, id int64, lang string) error {
	if !validLang(lang) {
		return fmt.Errorf("user: set lang %d: unknown language %q", id, lang)
	}
	res, err := s.db.Exec(ctx, `UPDATE users SET lang = ? WHERE id = ?`, lang, id)
	if err != nil {
		return fmt.Errorf("user: set lang %d: %w", id, err)
	}
	return mustAffect(res, id, "set lang")
}

// SetDisabled disables or re-enables an account. Disabling ends its
// sessions, so that re-enabling it later does not revive them.
func (s *Service) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, id)
		if err != nil {
			return fmt.Errorf("user: set disabled %d: %w", id, err)
		}
		if err := mustAffect(res, id, "set disabled"); err != nil {
			return err
		}
		if !disabled {
			return nil
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("user: set disabled %d: end sessions: %w", id, err)
		}
		return nil
	})
}

// mustAffect turns an update that matched no row into ErrNotFound.
func mustAffect(res sql.Result, id int64, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("user: %s %d: %w", what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("user: %s %d: %w", what, id, ErrNotFound)
	}
	return nil
}
