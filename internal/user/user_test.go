package user

import (
	"context"
	"encoding/base64"
	"errors"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
)

// Every argon2id run costs tens of milliseconds on a shared machine, so
// tests that need accounts without signing in insert them directly.

func addOrg(t *testing.T, db *store.DB, code string) int64 {
	t.Helper()
	id, err := store.InsertID(context.Background(), db, `INSERT INTO organisations (code, kind, name_fi, created_at) VALUES (?, ?, ?, ?)`,
		code, "other", "Organisaatio "+code, store.Now())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func addUser(t *testing.T, db *store.DB, email, name string, role Role) int64 {
	t.Helper()
	id, err := store.InsertID(context.Background(), db, `INSERT INTO users (email, name, password_hash, role, lang, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		email, name, "!", string(role), "fi", false, store.Now())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func fieldErrors(t *testing.T, err error) FieldErrors {
	t.Helper()
	var fe FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("want FieldErrors, got %v", err)
	}
	return fe
}

func TestRoleOrder(t *testing.T) {
	order := []Role{RoleMember, RoleOrgEditor, RoleModerator, RoleAdmin}
	for i, r := range order {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
		for j, o := range order {
			if got, want := r.AtLeast(o), i >= j; got != want {
				t.Errorf("%s.AtLeast(%s) = %v, want %v", r, o, got, want)
			}
		}
	}
	for _, s := range []string{"", "Admin", "root", " member"} {
		if _, err := ParseRole(s); err == nil {
			t.Errorf("ParseRole(%q) accepted", s)
		}
		if Role(s).AtLeast(RoleMember) || RoleAdmin.AtLeast(Role(s)) {
			t.Errorf("unknown role %q compared as known", s)
		}
	}

	var none *User
	if none.IsModerator() || none.IsAdmin() {
		t.Error("nil user has privileges")
	}
	for r, want := range map[Role][2]bool{
		RoleMember: {false, false}, RoleOrgEditor: {false, false},
		RoleModerator: {true, false}, RoleAdmin: {true, true}, "bogus": {false, false},
	} {
		u := &User{Role: r}
		if u.IsModerator() != want[0] || u.IsAdmin() != want[1] {
			t.Errorf("%s: IsModerator %v IsAdmin %v, want %v", r, u.IsModerator(), u.IsAdmin(), want)
		}
	}
}

func TestHashFormat(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(2)
	enc, err := h.Hash(ctx, "oikea hevonen")
	if err != nil {
		t.Fatal(err)
	}
	// 16-byte salt and 32-byte key in unpadded standard base64.
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(enc) {
		t.Fatalf("hash %q does not match %s", enc, re)
	}
	p, salt, key, err := decodeHash(enc)
	if err != nil {
		t.Fatal(err)
	}
	if p != defaultParams || len(salt) != 16 || len(key) != 32 {
		t.Fatalf("decoded %+v, salt %d, key %d", p, len(salt), len(key))
	}
	if ok, err := h.Verify(ctx, enc, "oikea hevonen"); !ok || err != nil {
		t.Fatalf("right password: %v, %v", ok, err)
	}
	if ok, err := h.Verify(ctx, enc, "oikea hevone"); ok || err != nil {
		t.Fatalf("wrong password: %v, %v", ok, err)
	}

	// Verify must use the parameters in the string, not the Hasher's, so
	// that hashes made before a change of settings keep working.
	cheap := params{memory: 64, time: 1, threads: 2}
	salt = []byte("suolaa-suolaa-16")
	old := encodeHash(cheap, salt, argon2.IDKey([]byte("vanha salasana"), salt, 1, 64, 2, 24))
	if !strings.HasPrefix(old, "$argon2id$v=19$m=64,t=1,p=2$") {
		t.Fatalf("encoded %q", old)
	}
	if ok, err := h.Verify(ctx, old, "vanha salasana"); !ok || err != nil {
		t.Fatalf("older parameters: %v, %v", ok, err)
	}
}

// validCheap is "hevonen" hashed with the smallest parameters argon2
// allows, for tests that exercise the format rather than the cost.
const validCheap = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$UMH7w+DncKUOiAtZGQ57ygDGSyBUO7S9PW5qKbsEsKo"

func TestVerifyMalformed(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(1)
	salt := base64.RawStdEncoding.EncodeToString([]byte("0123456789abcdef"))
	key := base64.RawStdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	ok := func(ps string) string { return "$argon2id$v=19$" + ps + "$" + salt + "$" + key }
	if _, err := h.Verify(ctx, ok("m=8,t=1,p=1"), "x"); err != nil {
		t.Fatalf("control case: %v", err)
	}
	for _, enc := range []string{
		"",
		"$",
		"$$$$$",
		"password",
		"$argon2id$",
		"$argon2i$v=19$m=8,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=8,t=1,p=1$" + salt + "$" + key,
		"$argon2id$m=8,t=1,p=1$" + salt + "$" + key,
		"argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key + "$",
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key + "$",
		ok("m=8,t=1"),
		ok("m=8,t=1,p=1,k=1"),
		ok("t=1,m=8,p=1"),
		ok("m=0,t=1,p=1"),
		ok("m=8,t=0,p=1"),
		ok("m=8,t=1,p=0"),
		ok("m=8,t=1,p=300"),
		ok("m=15,t=2,p=2"),
		ok("m=99999999999,t=1,p=1"),
		ok("m=4294967295,t=1,p=1"),
		ok("m=8,t=4294967295,p=1"),
		ok("m=+8,t=1,p=1"),
		ok("m=-8,t=1,p=1"),
		ok("m= 8,t=1,p=1"),
		ok("m=,t=1,p=1"),
		"$argon2id$v=19$m=8,t=1,p=1$$" + key,
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "$",
		"$argon2id$v=19$m=8,t=1,p=1$c2FsdA$" + key,             // 4-byte salt
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "$c2hvcnQ",      // 5-byte key
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "=$" + key,      // padded
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key + "!", // not base64
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + strings.Repeat("QUFB", 40),
	} {
		got, err := h.Verify(ctx, enc, "x")
		if got || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("Verify(%q) = %v, %v; want false, ErrMalformedHash", enc, got, err)
		}
	}
}

func TestHasherWaitsWithContext(t *testing.T) {
	h := NewHasher(1)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(cancelled, "whatever password"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}

	// With the only slot taken, a request must give up when its context
	// ends instead of waiting for the slot.
	h.sem <- struct{}{}
	ctx, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if _, err := h.Verify(ctx, validCheap, "x"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("full semaphore: %v", err)
	}
	<-h.sem
	if ok, err := h.Verify(context.Background(), validCheap, "hevonen"); !ok || err != nil {
		t.Fatalf("after release: %v, %v", ok, err)
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(validCheap, "hevonen")
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$", "")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$$$", "x")
	f.Add("$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA", "x")
	f.Add("$argon2id$v=19$m=8,t=0,p=0$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA", "x")
	f.Add("", "")
	h := NewHasher(2)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, encoded, password string) {
		ok, err := h.Verify(ctx, encoded, password)
		if err != nil && (ok || !errors.Is(err, ErrMalformedHash)) {
			t.Fatalf("Verify(%q) = %v, %v", encoded, ok, err)
		}
	})
}

func TestCreateAndAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := NewService(db)
		org := addOrg(t, db, "espoo")
		u, err := s.Create(ctx, NewUser{
			Email: "  Maija.Meikalainen@Example.FI ", Name: "  Maija Meikäläinen ", Password: "salasana-123",
			Role: RoleMember, OrgID: org, Lang: "de",
		})
		if err != nil {
			t.Fatal(err)
		}
		want := User{ID: u.ID, Email: "maija.meikalainen@example.fi", Name: "Maija Meikäläinen", Role: RoleMember,
			OrgID: org, Lang: "fi", CreatedAt: u.CreatedAt, EmailVerifiedAt: u.CreatedAt}
		if *u != want || u.ID == 0 || u.CreatedAt.IsZero() {
			t.Fatalf("created %+v, want %+v", *u, want)
		}
		got, err := s.Get(ctx, u.ID)
		if err != nil || *got != want {
			t.Fatalf("Get = %+v, %v; want %+v", got, err, want)
		}
		if got, err := s.ByEmail(ctx, " MAIJA.meikalainen@example.fi"); err != nil || got.ID != u.ID {
			t.Fatalf("ByEmail = %+v, %v", got, err)
		}

		if got, err := s.Authenticate(ctx, "Maija.Meikalainen@EXAMPLE.fi", "salasana-123"); err != nil || *got != want {
			t.Fatalf("right password: %+v, %v", got, err)
		}
		if _, err := s.Authenticate(ctx, "maija.meikalainen@example.fi", "salasana-124"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := s.Authenticate(ctx, "nobody@example.fi", "salasana-123"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("unknown e-mail: %v", err)
		}
		if err := s.SetDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "maija.meikalainen@example.fi", "salasana-123"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("disabled account: %v", err)
		}
		if got, err := s.Get(ctx, u.ID); err != nil || !got.Disabled {
			t.Fatalf("disabled account reads %+v, %v", got, err)
		}

		if _, err := s.Get(ctx, u.ID+1000); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get missing: %v", err)
		}
		if _, err := s.ByEmail(ctx, "nobody@example.fi"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("ByEmail missing: %v", err)
		}
		if err := s.SetDisabled(ctx, u.ID+1000, true); !errors.Is(err, ErrNotFound) {
			t.Fatalf("SetDisabled missing: %v", err)
		}
	})
}

func TestCreateValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := NewService(db)
		org := addOrg(t, db, "vantaa")
		good := NewUser{Email: "a@example.fi", Name: "Aino", Password: "pitkä salasana", Role: RoleOrgEditor, OrgID: org}
		with := func(f func(*NewUser)) NewUser {
			in := good
			f(&in)
			return in
		}
		// Each case also carries a too-short password where it would
		// otherwise be valid, so no case spends a hash.
		short := func(in *NewUser) { in.Password = "lyhyt" }
		for _, c := range []struct {
			name string
			in   NewUser
			want FieldErrors
		}{
			{"empty", NewUser{}, FieldErrors{"email": "error.required", "name": "error.required", "password": "error.required", "role": "error.role_invalid"}},
			{"blank", NewUser{Email: "  ", Name: " \t", Password: "", Role: RoleMember}, FieldErrors{"email": "error.required", "name": "error.required", "password": "error.required"}},
			{"no at", with(func(in *NewUser) { in.Email = "aino.example.fi" }), FieldErrors{"email": "error.email_invalid"}},
			{"display name", with(func(in *NewUser) { in.Email = "Aino <a@example.fi>" }), FieldErrors{"email": "error.email_invalid"}},
			{"brackets", with(func(in *NewUser) { in.Email = "<a@example.fi>" }), FieldErrors{"email": "error.email_invalid"}},
			{"comment", with(func(in *NewUser) { in.Email = "a@example.fi (Aino)" }), FieldErrors{"email": "error.email_invalid"}},
			{"two", with(func(in *NewUser) { in.Email = "a@example.fi, b@example.fi" }), FieldErrors{"email": "error.email_invalid"}},
			{"too long e-mail", with(func(in *NewUser) { in.Email = strings.Repeat("a", 60) + "@" + strings.Repeat("b", 200) + ".fi" }), FieldErrors{"email": "error.email_invalid"}},
			{"name 121 chars", with(func(in *NewUser) { in.Name = strings.Repeat("ä", 121) }), FieldErrors{"name": "error.name_long"}},
			{"name 120 chars", with(func(in *NewUser) { in.Name = strings.Repeat("ä", 120); short(in) }), FieldErrors{"password": "error.password_short"}},
			{"password 9 chars", with(func(in *NewUser) { in.Password = "ääääääääö" }), FieldErrors{"password": "error.password_short"}},
			{"password 257 bytes", with(func(in *NewUser) { in.Password = strings.Repeat("x", 257) }), FieldErrors{"password": "error.password_long"}},
			{"password 129 chars", with(func(in *NewUser) { in.Password = strings.Repeat("ö", 129) }), FieldErrors{"password": "error.password_long"}},
			{"role", with(func(in *NewUser) { in.Role = "superuser" }), FieldErrors{"role": "error.role_invalid"}},
			{"org", with(func(in *NewUser) { in.OrgID = org + 1000 }), FieldErrors{"org_id": "error.org_unknown"}},
			{"no org", with(func(in *NewUser) { in.OrgID = 0; short(in) }), FieldErrors{"password": "error.password_short"}},
		} {
			_, err := s.Create(ctx, c.in)
			if got := fieldErrors(t, err); !maps.Equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d users after failed creates (%v)", n, err)
		}

		if _, err := s.Create(ctx, with(func(in *NewUser) { in.Lang = "sv" })); err != nil {
			t.Fatal(err)
		}
		_, err := s.Create(ctx, with(func(in *NewUser) { in.Email = " A@Example.FI" }))
		if got := fieldErrors(t, err); !maps.Equal(got, FieldErrors{"email": "error.email_taken"}) {
			t.Fatalf("duplicate: %v", got)
		}
		// A row that did not come through Create may keep its capitals.
		addUser(t, db, "Legacy@Example.fi", "Vanha", RoleMember)
		_, err = s.Create(ctx, with(func(in *NewUser) { in.Email = "legacy@example.fi"; short(in) }))
		if got := fieldErrors(t, err); !maps.Equal(got, FieldErrors{"email": "error.email_taken", "password": "error.password_short"}) {
			t.Fatalf("duplicate of mixed-case row: %v", got)
		}
		if u, err := s.ByEmail(ctx, "LEGACY@example.FI"); err != nil || u.Name != "Vanha" {
			t.Fatalf("ByEmail of mixed-case row: %+v, %v", u, err)
		}
	})
}

func TestUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := NewService(db)
		org := addOrg(t, db, "turku")
		for _, name := range []string{"bertta", "Aino", "Cecilia", "aapo"} {
			addUser(t, db, name+"@example.fi", name, RoleMember)
		}
		list, err := s.List(ctx, System())
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range list {
			names = append(names, u.Name)
		}
		if got := strings.Join(names, ","); got != "aapo,Aino,bertta,Cecilia" {
			t.Fatalf("List order %s", got)
		}
		id := list[0].ID

		if err := s.SetRole(ctx, System(), id, RoleOrgEditor, org); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.Get(ctx, id); u.Role != RoleOrgEditor || u.OrgID != org {
			t.Fatalf("after SetRole: %+v", u)
		}
		if err := s.SetRole(ctx, System(), id, RoleModerator, 0); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.Get(ctx, id); u.Role != RoleModerator || u.OrgID != 0 {
			t.Fatalf("after SetRole without organisation: %+v", u)
		}
		err = s.SetRole(ctx, System(), id, "owner", org+1000)
		if got := fieldErrors(t, err); !maps.Equal(got, FieldErrors{"role": "error.role_invalid", "org_id": "error.org_unknown"}) {
			t.Fatalf("bad SetRole: %v", got)
		}
		if err := s.SetRole(ctx, System(), id+1000, RoleAdmin, 0); !errors.Is(err, ErrNotFound) {
			t.Fatalf("SetRole missing: %v", err)
		}
		// Only an admin changes roles, and the service says so itself:
		// a moderator, a disabled admin and nobody are refused and the
		// role stays.
		for _, actor := range []*User{nil, {ID: id, Role: RoleModerator}, {ID: id, Role: RoleAdmin, Disabled: true}} {
			if err := s.SetRole(ctx, actor, id, RoleAdmin, 0); !errors.Is(err, ErrForbidden) {
				t.Fatalf("SetRole by %+v: %v", actor, err)
			}
		}
		if u, _ := s.Get(ctx, id); u.Role != RoleModerator {
			t.Fatalf("a refused SetRole changed the role: %+v", u)
		}
		if _, err := s.List(ctx, &User{ID: id, Role: RoleModerator}); !errors.Is(err, ErrForbidden) {
			t.Fatalf("List by a moderator: %v", err)
		}

		if err := s.SetLang(ctx, id, "sv"); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.Get(ctx, id); u.Lang != "sv" {
			t.Fatalf("after SetLang: %+v", u)
		}
		if err := s.SetLang(ctx, id, "de"); err == nil {
			t.Fatal("SetLang accepted de")
		}
		if err := s.SetLang(ctx, id+1000, "en"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("SetLang missing: %v", err)
		}

		err = s.SetPassword(ctx, id, "lyhyt")
		if got := fieldErrors(t, err); !maps.Equal(got, FieldErrors{"password": "error.password_short"}) {
			t.Fatalf("short password: %v", got)
		}
		token, _, err := s.CreateSession(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetPassword(ctx, id, "uusi salasana"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, token); !errors.Is(err, ErrNotFound) {
			t.Fatalf("session survived a password change: %v", err)
		}
		if u, err := s.Authenticate(ctx, "aapo@example.fi", "uusi salasana"); err != nil || u.ID != id {
			t.Fatalf("new password: %+v, %v", u, err)
		}
		if err := s.SetPassword(ctx, id+1000, "uusi salasana"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("SetPassword missing: %v", err)
		}
	})
}

func countSessions(t *testing.T, db *store.DB, userID int64) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM sessions WHERE user_id = ?`, userID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func addSession(t *testing.T, db *store.DB, token string, userID int64, expires time.Time) {
	t.Helper()
	if _, err := db.Exec(context.Background(), `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash(token), userID, expires.Add(-sessionLifetime), expires); err != nil {
		t.Fatal(err)
	}
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := NewService(db)
		alice := addUser(t, db, "alice@example.fi", "Alice", RoleAdmin)
		bob := addUser(t, db, "bob@example.fi", "Bob", RoleMember)

		before := store.Now()
		token, expires, err := s.CreateSession(ctx, alice)
		if err != nil {
			t.Fatal(err)
		}
		if raw, err := base64.RawURLEncoding.DecodeString(token); err != nil || len(raw) != 32 {
			t.Fatalf("token %q: %d bytes, %v", token, len(raw), err)
		}
		if d := expires.Sub(before); d < 14*24*time.Hour || d > 14*24*time.Hour+time.Minute {
			t.Fatalf("expires in %v", d)
		}
		var stored string
		if err := db.QueryRow(ctx, `SELECT token_hash FROM sessions WHERE user_id = ?`, alice).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != tokenHash(token) || len(stored) != 64 || strings.Contains(stored, token) {
			t.Fatalf("stored %q for token %q", stored, token)
		}

		u, err := s.SessionUser(ctx, token)
		if err != nil || u.ID != alice || u.Email != "alice@example.fi" || !u.IsAdmin() {
			t.Fatalf("SessionUser = %+v, %v", u, err)
		}
		for _, bad := range []string{"", "bogus", stored, token + "x"} {
			if _, err := s.SessionUser(ctx, bad); !errors.Is(err, ErrNotFound) {
				t.Fatalf("SessionUser(%q) = %v", bad, err)
			}
		}

		// Expired: rejected, and the row is gone afterwards.
		addSession(t, db, "expired", bob, store.Now().Add(-time.Second))
		if _, err := s.SessionUser(ctx, "expired"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("expired session: %v", err)
		}
		if n := countSessions(t, db, bob); n != 0 {
			t.Fatalf("expired session kept: %d rows", n)
		}

		// Disabled behind the package's back: rejected and removed too.
		addSession(t, db, "bob-live", bob, store.Now().Add(time.Hour))
		if _, err := db.Exec(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, true, bob); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, "bob-live"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("disabled user's session: %v", err)
		}
		if n := countSessions(t, db, bob); n != 0 {
			t.Fatalf("disabled user's session kept: %d rows", n)
		}
		if err := s.SetDisabled(ctx, bob, false); err != nil {
			t.Fatal(err)
		}

		// SetDisabled ends sessions itself.
		bobToken, _, err := s.CreateSession(ctx, bob)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetDisabled(ctx, bob, true); err != nil {
			t.Fatal(err)
		}
		if n := countSessions(t, db, bob); n != 0 {
			t.Fatalf("SetDisabled kept %d sessions", n)
		}
		if err := s.SetDisabled(ctx, bob, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, bobToken); !errors.Is(err, ErrNotFound) {
			t.Fatalf("re-enabling revived a session: %v", err)
		}

		// Delete one, then all of a user's, leaving others alone.
		if err := s.DeleteSession(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, token); !errors.Is(err, ErrNotFound) {
			t.Fatalf("deleted session: %v", err)
		}
		if err := s.DeleteSession(ctx, token); err != nil {
			t.Fatalf("deleting twice: %v", err)
		}
		for range 2 {
			if _, _, err := s.CreateSession(ctx, alice); err != nil {
				t.Fatal(err)
			}
		}
		bobToken, _, err = s.CreateSession(ctx, bob)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUserSessions(ctx, alice); err != nil {
			t.Fatal(err)
		}
		if n := countSessions(t, db, alice); n != 0 {
			t.Fatalf("DeleteUserSessions kept %d", n)
		}
		if u, err := s.SessionUser(ctx, bobToken); err != nil || u.ID != bob {
			t.Fatalf("other user's session: %+v, %v", u, err)
		}

		// Purge takes exactly the expired rows, including ones a fraction
		// of a second past, which on SQLite compare as text.
		now := store.Now()
		addSession(t, db, "old-1", alice, now.Add(-48*time.Hour))
		addSession(t, db, "old-2", alice, now.Add(-1500*time.Millisecond).Truncate(time.Second))
		addSession(t, db, "old-3", bob, now.Truncate(time.Second)) // "…:05+00:00" against "…:05.123+00:00"
		addSession(t, db, "soon", alice, now.Add(time.Minute).Truncate(time.Second))
		n, err := s.PurgeExpiredSessions(ctx)
		if err != nil || n != 3 {
			t.Fatalf("purged %d, %v; want 3", n, err)
		}
		if u, err := s.SessionUser(ctx, "soon"); err != nil || u.ID != alice {
			t.Fatalf("live session after purge: %+v, %v", u, err)
		}
		if _, err := s.SessionUser(ctx, bobToken); err != nil {
			t.Fatalf("live session after purge: %v", err)
		}
	})
}

func TestCreateSessionUnknownUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, _, err := NewService(db).CreateSession(context.Background(), 4242); err == nil {
			t.Fatal("session for a missing user")
		}
	})
}
