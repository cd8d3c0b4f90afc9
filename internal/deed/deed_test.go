package deed_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/media"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

// env is one platform on a fresh database with a cast of accounts.
type env struct {
	ctx context.Context
	a   *app.App
	s   *deed.Service

	kangasala, varkaus *org.Org

	member      *user.User // writes for Kangasala
	colleague   *user.User // another member of Kangasala
	outsider    *user.User // a member of Varkaus
	editor      *user.User // org editor of Kangasala
	editorOther *user.User // org editor of Varkaus
	moderator   *user.User
	moderator2  *user.User
	admin       *user.User
}

func newApp(t testing.TB, db *store.DB) *app.App {
	t.Helper()
	a, err := app.New(context.Background(), db, nil)
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	return a
}

func mustOrg(t testing.TB, a *app.App, code string) *org.Org {
	t.Helper()
	o, err := a.Orgs.ByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("ByCode(%q): %v", code, err)
	}
	return o
}

func mkUser(t testing.TB, a *app.App, name string, role user.Role, orgID int64) *user.User {
	t.Helper()
	u, err := a.Users.Create(context.Background(), user.NewUser{
		Email: strings.ToLower(name) + "@example.org", Name: name, Password: "salasana-1234",
		Role: role, OrgID: orgID,
	})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	a := newApp(t, db)
	e := &env{ctx: t.Context(), a: a, s: a.Deeds}
	e.kangasala = mustOrg(t, a, "kangasala")
	e.varkaus = mustOrg(t, a, "varkaus")
	e.member = mkUser(t, a, "Member", user.RoleMember, e.kangasala.ID)
	e.colleague = mkUser(t, a, "Colleague", user.RoleMember, e.kangasala.ID)
	e.outsider = mkUser(t, a, "Outsider", user.RoleMember, e.varkaus.ID)
	e.editor = mkUser(t, a, "Editor", user.RoleOrgEditor, e.kangasala.ID)
	e.editorOther = mkUser(t, a, "EditorOther", user.RoleOrgEditor, e.varkaus.ID)
	e.moderator = mkUser(t, a, "Moderator", user.RoleModerator, 0)
	e.moderator2 = mkUser(t, a, "Moderator2", user.RoleModerator, 0)
	e.admin = mkUser(t, a, "Admin", user.RoleAdmin, 0)
	return e
}

// fullContent is a deed that passes submit validation.
func fullContent(orgID int64) deed.Content {
	return deed.Content{
		Lang: "fi", Title: "Yhteinen kehittämisteko", Summary: "Lyhyt kuvaus teosta.", OrgID: orgID,
		Sector: "sote", Themes: []string{"digitalisaatio", "osallisuus"}, ClientGroups: []string{"nuoret"},
		Status: deed.InProgress, Year: 2023, Need: "Tarve oli suuri.", Solution: "Ratkaisu löytyi.",
		Contact: deed.Contact{Name: "Maija Meikäläinen", Email: "maija@example.org", Phone: "+358 40 123 4567", Public: true},
		Links:   []deed.Link{{URL: "https://example.org/teko", Title: "Sivu"}},
	}
}

// fieldErrors asserts that err is deed.FieldErrors and returns it.
func fieldErrors(t *testing.T, err error) deed.FieldErrors {
	t.Helper()
	var fe deed.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T), want deed.FieldErrors", err, err)
	}
	return fe
}

// wantOnlyField asserts that err is FieldErrors with exactly one entry.
func wantOnlyField(t *testing.T, err error, field, key string) {
	t.Helper()
	fe := fieldErrors(t, err)
	if len(fe) != 1 || fe[field] != key {
		t.Fatalf("FieldErrors %v, want only %s=%s", fe, field, key)
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// published takes a deed by author from draft to published.
func (e *env) published(t *testing.T, author *user.User, c deed.Content) *deed.Deed {
	t.Helper()
	d, err := e.s.Create(e.ctx, author, deed.Content{Lang: c.Lang, OrgID: c.OrgID})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if _, err := e.s.Submit(e.ctx, author, d.ID, c); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	d, err = e.s.Publish(e.ctx, e.moderator, d.ID)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	return d
}

func (e *env) getAs(t *testing.T, u *user.User, id int64) *deed.Deed {
	t.Helper()
	d, err := e.s.Get(e.ctx, u, id)
	if err != nil {
		t.Fatalf("Get(%d): %v", id, err)
	}
	return d
}

func TestLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s
		kid := e.kangasala.ID

		// A draft may be saved with almost nothing in it.
		d, err := s.Create(ctx, e.member, deed.Content{Lang: "fi", OrgID: kid})
		if err != nil {
			t.Fatalf("Create near-empty draft: %v", err)
		}
		if d.State != deed.Draft || d.AuthorID != e.member.ID || d.Ref != fmt.Sprintf("TT-%d", d.ID) || d.OrgCode != "kangasala" {
			t.Fatalf("new draft = state %s author %d ref %q org %q", d.State, d.AuthorID, d.Ref, d.OrgCode)
		}
		if _, err := s.Create(ctx, nil, deed.Content{Lang: "fi", OrgID: kid}); !errors.Is(err, deed.ErrForbidden) {
			t.Fatalf("anonymous Create: %v, want ErrForbidden", err)
		}

		// Submitting it names every missing required field.
		_, err = s.Submit(ctx, e.member, d.ID, deed.Content{Lang: "fi", OrgID: kid})
		fe := fieldErrors(t, err)
		for _, f := range []string{"title", "summary", "sector", "themes", "status", "year", "need", "solution", "contact_name", "contact_email"} {
			if fe[f] != "error.required" {
				t.Errorf("incomplete Submit: %s = %q, want error.required (all: %v)", f, fe[f], fe)
			}
		}
		if st := e.getAs(t, e.member, d.ID).State; st != deed.Draft {
			t.Fatalf("after failed Submit state = %s, want draft", st)
		}

		// Anonymous readers see nothing of drafts.
		if _, err := s.Get(ctx, nil, d.ID); !errors.Is(err, deed.ErrNotFound) {
			t.Fatalf("anonymous Get of draft: %v, want ErrNotFound", err)
		}
		if _, err := s.Get(ctx, nil, d.ID+1000); !errors.Is(err, deed.ErrNotFound) {
			t.Fatalf("Get of missing deed: %v, want ErrNotFound", err)
		}
		// A moderator cannot publish a draft: it is the state, not the person.
		_, err = s.Publish(ctx, e.moderator, d.ID)
		wantErr(t, err, deed.ErrWrongState)
		_, err = s.Return(ctx, e.moderator, d.ID, "ei vielä")
		wantErr(t, err, deed.ErrWrongState)
		_, err = s.Archive(ctx, e.moderator, d.ID, "")
		wantErr(t, err, deed.ErrWrongState)

		d, err = s.Submit(ctx, e.member, d.ID, fullContent(kid))
		if err != nil {
			t.Fatalf("complete Submit: %v", err)
		}
		if d.State != deed.Submitted || d.SubmittedAt == nil || d.Title != "Yhteinen kehittämisteko" {
			t.Fatalf("after Submit: state %s submitted_at %v title %q", d.State, d.SubmittedAt, d.Title)
		}
		if _, err := s.Get(ctx, nil, d.ID); !errors.Is(err, deed.ErrNotFound) {
			t.Fatalf("anonymous Get of submitted deed: %v, want ErrNotFound", err)
		}
		// Submitting again is a wrong step for the author.
		_, err = s.Submit(ctx, e.member, d.ID, fullContent(kid))
		wantErr(t, err, deed.ErrWrongState)

		// Nobody but another moderator publishes.
		_, err = s.Publish(ctx, e.member, d.ID)
		wantErr(t, err, deed.ErrForbidden)
		_, err = s.Publish(ctx, e.editor, d.ID)
		wantErr(t, err, deed.ErrForbidden)

		// A moderator cannot publish what they wrote themselves.
		md := must[*deed.Deed](t)(s.Create(ctx, e.moderator, deed.Content{Lang: "fi", OrgID: e.varkaus.ID}))
		must[*deed.Deed](t)(s.Submit(ctx, e.moderator, md.ID, fullContent(e.varkaus.ID)))
		_, err = s.Publish(ctx, e.moderator, md.ID)
		wantErr(t, err, deed.ErrForbidden)
		_, err = s.Return(ctx, e.moderator, md.ID, "oma")
		wantErr(t, err, deed.ErrForbidden)
		if _, err := s.Publish(ctx, e.moderator2, md.ID); err != nil {
			t.Fatalf("second moderator Publish: %v", err)
		}

		// Returning needs a reason.
		for _, reason := range []string{"", "   \n "} {
			_, err = s.Return(ctx, e.moderator, d.ID, reason)
			wantOnlyField(t, err, "reason", "error.required")
		}
		d, err = s.Return(ctx, e.moderator, d.ID, "Lisää tuloksia, kiitos.")
		if err != nil {
			t.Fatalf("Return: %v", err)
		}
		if d.State != deed.Returned {
			t.Fatalf("after Return state = %s", d.State)
		}
		if got := e.getAs(t, e.member, d.ID); got.ReturnReason != "Lisää tuloksia, kiitos." || got.State != deed.Returned {
			t.Fatalf("author sees state %s reason %q", got.State, got.ReturnReason)
		}

		// The author edits and sends it again.
		c := fullContent(kid)
		c.Results = "Tulokset ovat hyviä."
		d, err = s.Save(ctx, e.member, d.ID, c)
		if err != nil {
			t.Fatalf("Save returned deed: %v", err)
		}
		if d.State != deed.Returned || d.Results != "Tulokset ovat hyviä." {
			t.Fatalf("after Save: state %s results %q", d.State, d.Results)
		}
		d, err = s.Submit(ctx, e.member, d.ID, c)
		if err != nil || d.State != deed.Submitted {
			t.Fatalf("re-Submit: %v, state %v", err, d)
		}

		before := time.Now().Add(-time.Minute)
		d, err = s.Publish(ctx, e.moderator, d.ID)
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if d.State != deed.Published || d.PublishedAt == nil || d.PublishedAt.Before(before) || d.ReturnReason != "" {
			t.Fatalf("after Publish: state %s published_at %v reason %q", d.State, d.PublishedAt, d.ReturnReason)
		}
		pub := e.getAs(t, nil, d.ID)
		if pub.Results != "Tulokset ovat hyviä." || !slices.Equal(pub.Themes, []string{"digitalisaatio", "osallisuus"}) {
			t.Fatalf("anonymous reads results %q themes %v", pub.Results, pub.Themes)
		}
		// Publishing twice is a wrong step.
		_, err = s.Publish(ctx, e.moderator, d.ID)
		wantErr(t, err, deed.ErrWrongState)
		_, err = s.Restore(ctx, e.moderator, d.ID)
		wantErr(t, err, deed.ErrWrongState)

		// Archiving: not by the author, not by another organisation's editor.
		_, err = s.Archive(ctx, e.member, d.ID, "")
		wantErr(t, err, deed.ErrForbidden)
		_, err = s.Archive(ctx, e.editorOther, d.ID, "")
		wantErr(t, err, deed.ErrForbidden)
		_, err = s.Archive(ctx, nil, d.ID, "")
		wantErr(t, err, deed.ErrForbidden)

		d, err = s.Archive(ctx, e.moderator, d.ID, "Vanhentunut")
		if err != nil || d.State != deed.Archived || d.ArchivedAt == nil {
			t.Fatalf("moderator Archive: %v, %+v", err, d)
		}
		if got := e.getAs(t, nil, d.ID); got.State != deed.Archived {
			t.Fatalf("anonymous Get of archived deed: state %s", got.State)
		}
		// Only moderators restore; an org editor is refused, not told the
		// state is wrong.
		_, err = s.Restore(ctx, e.editor, d.ID)
		wantErr(t, err, deed.ErrForbidden)
		_, err = s.Restore(ctx, e.member, d.ID)
		wantErr(t, err, deed.ErrForbidden)
		// An archived deed cannot be edited.
		_, err = s.Save(ctx, e.member, d.ID, fullContent(kid))
		wantErr(t, err, deed.ErrForbidden)

		d, err = s.Restore(ctx, e.moderator, d.ID)
		if err != nil || d.State != deed.Published || d.ArchivedAt != nil {
			t.Fatalf("Restore: %v, %+v", err, d)
		}
		d, err = s.Archive(ctx, e.editor, d.ID, "")
		if err != nil || d.State != deed.Archived {
			t.Fatalf("org editor Archive: %v, %+v", err, d)
		}
	})
}

func TestPendingEdits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s
		kid := e.kangasala.ID
		d := e.published(t, e.member, fullContent(kid))

		live, err := s.EditsGoLive(ctx)
		if err != nil || live {
			t.Fatalf("default EditsGoLive = %v, %v; want false", live, err)
		}

		edit := fullContent(kid)
		edit.Title = "Uusi otsikko"
		edit.Themes = []string{"johtaminen"}
		got, err := s.Save(ctx, e.member, d.ID, edit)
		if err != nil {
			t.Fatalf("member Save of published deed: %v", err)
		}
		if got.Title != "Yhteinen kehittämisteko" || got.State != deed.Published {
			t.Fatalf("live content changed at once: title %q state %s", got.Title, got.State)
		}
		if got.Pending == nil || got.Pending.Title != "Uusi otsikko" || got.PendingState != "submitted" || got.PendingBy != e.member.ID || got.PendingAt == nil {
			t.Fatalf("pending = %+v state %q by %d", got.Pending, got.PendingState, got.PendingBy)
		}
		if pub := e.getAs(t, nil, d.ID); pub.Title != "Yhteinen kehittämisteko" || !slices.Equal(pub.Themes, []string{"digitalisaatio", "osallisuus"}) {
			t.Fatalf("anonymous sees title %q themes %v before approval", pub.Title, pub.Themes)
		}

		// The moderation queue shows it, and only when asked for edits.
		q, err := s.List(ctx, e.moderator, deed.Filter{States: []deed.State{deed.Submitted}, PendingEdits: true})
		if err != nil {
			t.Fatal(err)
		}
		if ids := pageIDs(q); !slices.Contains(ids, d.ID) {
			t.Fatalf("moderation queue %v lacks pending edit of %d", ids, d.ID)
		}
		q, err = s.List(ctx, e.moderator, deed.Filter{States: []deed.State{deed.Submitted}})
		if err != nil {
			t.Fatal(err)
		}
		if ids := pageIDs(q); slices.Contains(ids, d.ID) {
			t.Fatalf("queue without PendingEdits %v includes %d", ids, d.ID)
		}

		// The proposer cannot approve their own edit.
		_, err = s.Publish(ctx, e.member, d.ID)
		wantErr(t, err, deed.ErrForbidden)

		got, err = s.Publish(ctx, e.moderator, d.ID)
		if err != nil {
			t.Fatalf("approve edit: %v", err)
		}
		if got.Title != "Uusi otsikko" || got.Pending != nil || got.PendingState != "" {
			t.Fatalf("after approval: title %q pending %v %q", got.Title, got.Pending, got.PendingState)
		}
		if pub := e.getAs(t, nil, d.ID); pub.Title != "Uusi otsikko" || !slices.Equal(pub.Themes, []string{"johtaminen"}) {
			t.Fatalf("anonymous after approval: %q %v", pub.Title, pub.Themes)
		}

		// A returned edit keeps the live content and tells the author why.
		edit2 := edit
		edit2.Title = "Kolmas otsikko"
		if _, err := s.Save(ctx, e.member, d.ID, edit2); err != nil {
			t.Fatal(err)
		}
		_, err = s.Return(ctx, e.moderator, d.ID, "")
		wantOnlyField(t, err, "reason", "error.required")
		got, err = s.Return(ctx, e.moderator, d.ID, "Otsikko on liian yleinen.")
		if err != nil {
			t.Fatalf("Return edit: %v", err)
		}
		if got.State != deed.Published || got.Title != "Uusi otsikko" || got.PendingState != "returned" ||
			got.Pending == nil || got.Pending.Title != "Kolmas otsikko" || got.ReturnReason != "Otsikko on liian yleinen." {
			t.Fatalf("after Return of edit: state %s title %q pending %q/%v reason %q",
				got.State, got.Title, got.PendingState, got.Pending, got.ReturnReason)
		}
		if a := e.getAs(t, e.member, d.ID); a.ReturnReason != "Otsikko on liian yleinen." || a.PendingState != "returned" {
			t.Fatalf("author sees reason %q pending %q", a.ReturnReason, a.PendingState)
		}
		// A returned edit waits for the author, not for a moderator.
		_, err = s.Publish(ctx, e.moderator, d.ID)
		wantErr(t, err, deed.ErrWrongState)
		q, err = s.List(ctx, e.moderator, deed.Filter{States: []deed.State{deed.Submitted}, PendingEdits: true})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(pageIDs(q), d.ID) {
			t.Fatalf("returned edit still in moderation queue")
		}
		// Proposing again sends it back to the queue and clears the reason.
		got, err = s.Save(ctx, e.member, d.ID, edit2)
		if err != nil || got.PendingState != "submitted" || got.ReturnReason != "" {
			t.Fatalf("re-proposed edit: %v, pending %q reason %q", err, got.PendingState, got.ReturnReason)
		}

		// A moderator's own edit goes live at once and drops what was
		// pending.
		modEdit := edit2
		modEdit.Title = "Moderaattorin otsikko"
		got, err = s.Save(ctx, e.moderator, d.ID, modEdit)
		if err != nil || got.Title != "Moderaattorin otsikko" || got.Pending != nil {
			t.Fatalf("moderator Save: %v, title %q pending %v", err, got.Title, got.Pending)
		}

		// The setting belongs to admins.
		for _, u := range []*user.User{nil, e.member, e.editor, e.moderator} {
			wantErr(t, s.SetEditsGoLive(ctx, u, true), deed.ErrForbidden)
		}
		if live, _ := s.EditsGoLive(ctx); live {
			t.Fatal("refused SetEditsGoLive changed the setting")
		}
		if err := s.SetEditsGoLive(ctx, e.admin, true); err != nil {
			t.Fatalf("admin SetEditsGoLive: %v", err)
		}
		if live, err := s.EditsGoLive(ctx); err != nil || !live {
			t.Fatalf("EditsGoLive after set = %v, %v", live, err)
		}
		edit3 := edit2
		edit3.Title = "Heti näkyvä otsikko"
		got, err = s.Save(ctx, e.member, d.ID, edit3)
		if err != nil || got.Title != "Heti näkyvä otsikko" || got.Pending != nil || got.PendingState != "" {
			t.Fatalf("member Save with edits going live: %v, title %q pending %v", err, got.Title, got.Pending)
		}
		if pub := e.getAs(t, nil, d.ID); pub.Title != "Heti näkyvä otsikko" {
			t.Fatalf("anonymous sees %q", pub.Title)
		}
		// And back off again.
		if err := s.SetEditsGoLive(ctx, e.admin, false); err != nil {
			t.Fatal(err)
		}
		if live, _ := s.EditsGoLive(ctx); live {
			t.Fatal("EditsGoLive still true after setting false")
		}
	})
}

func pageIDs(p deed.Page) []int64 {
	ids := make([]int64, len(p.Items))
	for i, d := range p.Items {
		ids[i] = d.ID
	}
	return ids
}

func TestPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s
		kid, vid := e.kangasala.ID, e.varkaus.ID

		// Members write only for their own organisation; moderators for any.
		_, err := s.Create(ctx, e.member, deed.Content{Lang: "fi", OrgID: vid})
		wantOnlyField(t, err, "org", "error.org_forbidden")
		_, err = s.Create(ctx, e.editor, deed.Content{Lang: "fi", OrgID: vid})
		wantOnlyField(t, err, "org", "error.org_forbidden")
		_, err = s.Create(ctx, e.member, deed.Content{Lang: "fi", OrgID: 987654})
		wantOnlyField(t, err, "org", "error.org_unknown")
		_, err = s.Create(ctx, e.member, deed.Content{Lang: "fi"})
		wantOnlyField(t, err, "org", "error.required")
		if _, err := s.Create(ctx, e.moderator, deed.Content{Lang: "fi", OrgID: vid}); err != nil {
			t.Fatalf("moderator Create for any org: %v", err)
		}

		draft := must[*deed.Deed](t)(s.Create(ctx, e.member, deed.Content{Lang: "fi", OrgID: kid, Title: "Luonnos"}))
		pub := e.published(t, e.member, fullContent(kid))

		// Another organisation's member: a draft is invisible, a published
		// deed is visible but not editable.
		_, err = s.Save(ctx, e.outsider, draft.ID, deed.Content{Lang: "fi", OrgID: kid, Title: "Kaapattu"})
		if !errors.Is(err, deed.ErrNotFound) {
			t.Fatalf("outsider Save of draft: %v, want ErrNotFound", err)
		}
		_, err = s.Save(ctx, e.outsider, pub.ID, fullContent(kid))
		if !errors.Is(err, deed.ErrForbidden) {
			t.Fatalf("outsider Save of published deed: %v, want ErrForbidden", err)
		}
		for _, id := range []int64{draft.ID, pub.ID} {
			_, err = s.Save(ctx, nil, id, fullContent(kid))
			if !errors.Is(err, deed.ErrForbidden) && !errors.Is(err, deed.ErrNotFound) {
				t.Fatalf("anonymous Save of %d: %v", id, err)
			}
		}
		// A plain colleague is not an editor of the organisation.
		_, err = s.Save(ctx, e.colleague, draft.ID, deed.Content{Lang: "fi", OrgID: kid})
		wantErr(t, err, deed.ErrNotFound)
		_, err = s.Save(ctx, e.editorOther, draft.ID, deed.Content{Lang: "fi", OrgID: kid})
		wantErr(t, err, deed.ErrNotFound)
		_, err = s.Submit(ctx, e.outsider, draft.ID, fullContent(kid))
		wantErr(t, err, deed.ErrNotFound)
		if got := e.getAs(t, e.member, draft.ID); got.Title != "Luonnos" {
			t.Fatalf("refused saves changed the draft: %q", got.Title)
		}

		// The author cannot move a deed to an organisation they do not
		// write for.
		_, err = s.Save(ctx, e.member, draft.ID, deed.Content{Lang: "fi", OrgID: vid})
		wantOnlyField(t, err, "org", "error.org_forbidden")

		// The organisation's editor edits a colleague's deed.
		got, err := s.Save(ctx, e.editor, draft.ID, deed.Content{Lang: "fi", OrgID: kid, Title: "Editorin korjaama"})
		if err != nil || got.Title != "Editorin korjaama" || got.AuthorID != e.member.ID {
			t.Fatalf("org editor Save: %v, %+v", err, got)
		}
		if _, err := s.Submit(ctx, e.editor, draft.ID, fullContent(kid)); err != nil {
			t.Fatalf("org editor Submit: %v", err)
		}

		// Revisions: moderator, author and org editor yes; others no.
		for _, u := range []*user.User{e.moderator, e.member, e.editor} {
			if _, err := s.Revisions(ctx, u, draft.ID); err != nil {
				t.Fatalf("Revisions as %s: %v", u.Name, err)
			}
		}
		_, err = s.Revisions(ctx, e.outsider, draft.ID)
		wantErr(t, err, deed.ErrNotFound)
		_, err = s.Revisions(ctx, e.colleague, draft.ID)
		wantErr(t, err, deed.ErrNotFound)
		_, err = s.Revisions(ctx, e.outsider, pub.ID)
		wantErr(t, err, deed.ErrForbidden)
		_, err = s.Revisions(ctx, nil, pub.ID)
		wantErr(t, err, deed.ErrForbidden)

		// A disabled account can do nothing.
		dis := *e.member
		dis.Disabled = true
		_, err = s.Get(ctx, &dis, draft.ID)
		wantErr(t, err, deed.ErrNotFound)
		_, err = s.Create(ctx, &dis, deed.Content{Lang: "fi", OrgID: kid})
		wantOnlyField(t, err, "org", "error.org_forbidden")

		// The moderation listing of others' unpublished deeds is for
		// moderators; members see their own and editors their org's.
		listed := func(u *user.User) []int64 {
			t.Helper()
			p, err := s.List(ctx, u, deed.Filter{States: []deed.State{deed.Submitted}})
			if err != nil {
				t.Fatal(err)
			}
			return pageIDs(p)
		}
		for _, c := range []struct {
			u    *user.User
			sees bool
		}{{e.moderator, true}, {e.member, true}, {e.editor, true}, {e.colleague, false}, {e.outsider, false}, {e.editorOther, false}, {nil, false}} {
			if got := slices.Contains(listed(c.u), draft.ID); got != c.sees {
				name := "anonymous"
				if c.u != nil {
					name = c.u.Name
				}
				t.Errorf("%s sees submitted deed in listing: %v, want %v", name, got, c.sees)
			}
		}
	})
}

func TestCan(t *testing.T) {
	author := &user.User{ID: 1, Role: user.RoleMember, OrgID: 10}
	mod := &user.User{ID: 2, Role: user.RoleModerator}
	mod3 := &user.User{ID: 3, Role: user.RoleModerator}
	junk := &user.User{ID: 4, Role: user.Role("superuser"), OrgID: 10}
	d := &deed.Deed{AuthorID: 1, State: deed.Published, Content: deed.Content{OrgID: 10}}
	d.Pending = &deed.Content{}
	d.PendingState = "submitted"
	d.PendingBy = 2
	if deed.Can(mod, deed.ActionPublish, d) {
		t.Error("moderator may approve the edit they proposed")
	}
	if !deed.Can(mod3, deed.ActionPublish, d) {
		t.Error("another moderator may not approve a pending edit")
	}
	if deed.Can(author, deed.ActionPublish, d) {
		t.Error("author may approve")
	}
	d.PendingState = "returned"
	if deed.Can(mod3, deed.ActionPublish, d) {
		t.Error("moderator may approve a returned edit")
	}
	// An unknown role grants nothing beyond reading what is public.
	d.AuthorID = 0
	if deed.Can(junk, deed.ActionEdit, d) || deed.Can(junk, deed.ActionArchive, d) {
		t.Error("unknown role may edit or archive")
	}
	if !deed.Can(nil, deed.ActionView, d) || deed.Can(nil, deed.ActionViewPrivate, d) {
		t.Error("anonymous view rights of a published deed wrong")
	}
	if deed.CanCreateFor(nil, 10) || !deed.CanCreateFor(author, 10) || deed.CanCreateFor(author, 11) || !deed.CanCreateFor(mod, 11) {
		t.Error("CanCreateFor wrong")
	}
}

func TestRevisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s
		kid := e.kangasala.ID

		d := must[*deed.Deed](t)(s.Create(ctx, e.member, deed.Content{Lang: "fi", OrgID: kid, Title: "Ensimmäinen"}))
		must[*deed.Deed](t)(s.Save(ctx, e.member, d.ID, deed.Content{Lang: "fi", OrgID: kid, Title: "Toinen", Themes: []string{"johtaminen"}}))
		c := fullContent(kid)
		must[*deed.Deed](t)(s.Submit(ctx, e.member, d.ID, c))
		must[*deed.Deed](t)(s.Return(ctx, e.moderator, d.ID, "Tarkenna"))
		c.Summary = "Tarkennettu kuvaus."
		must[*deed.Deed](t)(s.Save(ctx, e.member, d.ID, c))
		must[*deed.Deed](t)(s.Submit(ctx, e.member, d.ID, c))
		must[*deed.Deed](t)(s.Publish(ctx, e.moderator, d.ID))
		c.Title = "Julkaisun jälkeen"
		c.Themes = []string{"johtaminen", "osaaminen"}
		must[*deed.Deed](t)(s.Save(ctx, e.member, d.ID, c))
		must[*deed.Deed](t)(s.Publish(ctx, e.moderator2, d.ID))
		must[*deed.Deed](t)(s.Archive(ctx, e.editor, d.ID, "Päättynyt"))
		must[*deed.Deed](t)(s.Restore(ctx, e.moderator, d.ID))

		revs, err := s.Revisions(ctx, e.member, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			action string
			by     *user.User
			state  deed.State
		}{
			{deed.ActCreated, e.member, deed.Draft},
			{deed.ActSaved, e.member, deed.Draft},
			{deed.ActSubmitted, e.member, deed.Submitted},
			{deed.ActReturned, e.moderator, deed.Returned},
			{deed.ActSaved, e.member, deed.Returned},
			{deed.ActSubmitted, e.member, deed.Submitted},
			{deed.ActPublished, e.moderator, deed.Published},
			{deed.ActEditProposed, e.member, deed.Published},
			{deed.ActEditApproved, e.moderator2, deed.Published},
			{deed.ActArchived, e.editor, deed.Archived},
			{deed.ActRestored, e.moderator, deed.Published},
		}
		if len(revs) != len(want) {
			for _, r := range revs {
				t.Logf("rev %d %s %s", r.Number, r.Action, r.State)
			}
			t.Fatalf("%d revisions, want %d", len(revs), len(want))
		}
		// Newest first.
		for i, w := range want {
			r := revs[len(revs)-1-i]
			if r.Number != i+1 || r.Action != w.action || r.UserID != w.by.ID || r.UserName != w.by.Name || r.State != w.state || r.DeedID != d.ID {
				t.Errorf("revision %d = #%d %s by %d/%q state %s; want %s by %d state %s",
					i+1, r.Number, r.Action, r.UserID, r.UserName, r.State, w.action, w.by.ID, w.state)
			}
		}
		byNumber := func(n int) deed.Revision { return revs[len(revs)-n] }
		if r := byNumber(1); r.Changed != nil || r.Content.Title != "Ensimmäinen" {
			t.Errorf("first revision: changed %v title %q", r.Changed, r.Content.Title)
		}
		if got := byNumber(2).Changed; !slices.Equal(got, []string{"title", "themes"}) {
			t.Errorf("Save of title and themes: changed %v, want [title themes]", got)
		}
		if r := byNumber(4); r.Note != "Tarkenna" || len(r.Changed) != 0 {
			t.Errorf("return revision: note %q changed %v", r.Note, r.Changed)
		}
		if got := byNumber(5).Changed; !slices.Equal(got, []string{"summary"}) {
			t.Errorf("Save of summary: changed %v", got)
		}
		if got := byNumber(8).Changed; !slices.Equal(got, []string{"title", "themes"}) || byNumber(8).Content.Title != "Julkaisun jälkeen" {
			t.Errorf("proposed edit: changed %v", got)
		}
		if r := byNumber(10); r.Note != "Päättynyt" {
			t.Errorf("archive note %q", r.Note)
		}
	})
}

func TestChanges(t *testing.T) {
	a := deed.Content{Lang: "fi", Title: "A", Themes: nil, Contact: deed.Contact{Name: "X"}}
	b := deed.Content{Lang: "fi", Title: "A", Themes: []string{}, Contact: deed.Contact{Name: "X"}}
	if got := deed.Changes(&a, &b); len(got) != 0 {
		t.Errorf("nil vs empty themes: %v", got)
	}
	b.Contact.Email = "x@example.org"
	b.Year = 2020
	b.Links = []deed.Link{{URL: "https://example.org"}}
	if got := deed.Changes(&a, &b); !slices.Equal(got, []string{"year", "contact", "links"}) {
		t.Errorf("Changes = %v, want [year contact links]", got)
	}
}

// pngFile makes a small valid PNG upload.
func pngFile(t *testing.T) *media.File {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for x := range 8 {
		for y := range 6 {
			img.Set(x, y, color.RGBA{uint8(x * 30), uint8(y * 40), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	f, err := media.ReadImage(&buf, 0)
	if err != nil {
		t.Fatalf("ReadImage: %v", err)
	}
	return f
}

func TestValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s
		kid := e.kangasala.ID
		img := pngFile(t)
		upload := func(u *user.User) int64 {
			t.Helper()
			id, err := s.StoreUpload(ctx, u, img, "kuva.png")
			if err != nil {
				t.Fatalf("StoreUpload: %v", err)
			}
			return id
		}
		nextYear := fmt.Sprint(time.Now().Year() + 1)

		cases := []struct {
			name   string
			mutate func(c *deed.Content)
			field  string
			want   string // "" = valid
			// draftOK: a draft may be saved like this; only a submit fails.
			draftOK bool
		}{
			{name: "valid", mutate: func(c *deed.Content) {}},
			{name: "title 150", mutate: func(c *deed.Content) { c.Title = strings.Repeat("ä", 150) }},
			{name: "title 151", mutate: func(c *deed.Content) { c.Title = strings.Repeat("a", 151) }, field: "title", want: "error.too_long|150"},
			{name: "summary 300 ä", mutate: func(c *deed.Content) { c.Summary = strings.Repeat("ä", 300) + "  " }},
			{name: "summary 301 ä", mutate: func(c *deed.Content) { c.Summary = strings.Repeat("ä", 301) }, field: "summary", want: "error.too_long|300"},
			{name: "need too long", mutate: func(c *deed.Content) { c.Need = strings.Repeat("x", 10001) }, field: "need", want: "error.too_long|10000"},
			{name: "year 1800", mutate: func(c *deed.Content) { c.Year = 1800 }, field: "year", want: "error.year_range|" + nextYear},
			{name: "year far ahead", mutate: func(c *deed.Content) { c.Year = time.Now().Year() + 2 }, field: "year", want: "error.year_range|" + nextYear},
			{name: "email", mutate: func(c *deed.Content) { c.Contact.Email = "maija(at)example.org" }, field: "contact_email", want: "error.email_invalid"},
			{name: "email with name", mutate: func(c *deed.Content) { c.Contact.Email = "Maija <maija@example.org>" }, field: "contact_email", want: "error.email_invalid"},
			{name: "phone", mutate: func(c *deed.Content) { c.Contact.Phone = "abc" }, field: "contact_phone", want: "error.phone_invalid"},
			{name: "javascript link", mutate: func(c *deed.Content) { c.Links = []deed.Link{{URL: "javascript:alert(1)", Title: "x"}} }, field: "links", want: "error.url_invalid"},
			{name: "relative link", mutate: func(c *deed.Content) { c.Links = []deed.Link{{URL: "/sivu"}} }, field: "links", want: "error.url_invalid"},
			{name: "link kind", mutate: func(c *deed.Content) { c.Links = []deed.Link{{URL: "https://example.org", Kind: "podcast"}} }, field: "links", want: "error.choice_invalid"},
			{name: "sector", mutate: func(c *deed.Content) { c.Sector = "avaruus" }, field: "sector", want: "error.choice_invalid"},
			{name: "theme", mutate: func(c *deed.Content) { c.Themes = []string{"johtaminen", "ei-ole"} }, field: "themes", want: "error.choice_invalid"},
			{name: "client group", mutate: func(c *deed.Content) { c.ClientGroups = []string{"marsilaiset"} }, field: "client_groups", want: "error.choice_invalid"},
			{name: "6 themes", mutate: func(c *deed.Content) {
				c.Themes = []string{"tyohyvinvointi", "johtaminen", "osaaminen", "digitalisaatio", "osallisuus", "viestinta"}
			}, field: "themes", want: "error.too_many|5"},
			{name: "5 themes and duplicates", mutate: func(c *deed.Content) {
				c.Themes = []string{"tyohyvinvointi", "johtaminen", "osaaminen", "digitalisaatio", "osallisuus", " osallisuus", "johtaminen"}
			}},
			{name: "status", mutate: func(c *deed.Content) { c.Status = "valmis" }, field: "status", want: "error.choice_invalid"},
			{name: "lang de", mutate: func(c *deed.Content) { c.Lang = "de" }, field: "lang", want: "error.lang_invalid"},
			{name: "municipality", mutate: func(c *deed.Content) { c.Municipality = "999" }, field: "municipality", want: "error.municipality_unknown"},
			{name: "unit of nobody", mutate: func(c *deed.Content) { c.UnitID = 424242 }, field: "unit", want: "error.choice_invalid"},
			{name: "image with alt", mutate: func(c *deed.Content) {
				c.Images = []deed.MediaRef{{ID: upload(e.member), Caption: "Kuvassa työryhmä"}}
			}},
			{name: "image without alt", mutate: func(c *deed.Content) { c.Images = []deed.MediaRef{{ID: upload(e.member), Caption: "  "}} },
				field: "images", want: "error.alt_required", draftOK: true},
			{name: "someone else's image", mutate: func(c *deed.Content) { c.Images = []deed.MediaRef{{ID: upload(e.colleague), Caption: "Kuva"}} },
				field: "images", want: "error.choice_invalid"},
			{name: "image twice", mutate: func(c *deed.Content) {
				id := upload(e.member)
				c.Images = []deed.MediaRef{{ID: id, Caption: "a"}, {ID: id, Caption: "b"}}
			}, field: "images", want: "error.choice_invalid"},
			{name: "image as attachment", mutate: func(c *deed.Content) { c.Attachments = []deed.MediaRef{{ID: upload(e.member), Caption: "Liite"}} },
				field: "attachments", want: "error.choice_invalid"},
			{name: "missing image", mutate: func(c *deed.Content) { c.Images = []deed.MediaRef{{ID: 999999, Caption: "Kuva"}} },
				field: "images", want: "error.choice_invalid"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				// Draft mode: Create.
				c := fullContent(kid)
				tc.mutate(&c)
				_, err := s.Create(ctx, e.member, c)
				if tc.want == "" || tc.draftOK {
					if err != nil {
						t.Fatalf("Create (draft): %v, want no error", err)
					}
				} else {
					wantOnlyField(t, err, tc.field, tc.want)
				}

				// Submit mode on a fresh draft.
				d := must[*deed.Deed](t)(s.Create(ctx, e.member, deed.Content{Lang: "fi", OrgID: kid}))
				c = fullContent(kid)
				tc.mutate(&c)
				got, err := s.Submit(ctx, e.member, d.ID, c)
				if tc.want == "" {
					if err != nil {
						t.Fatalf("Submit: %v, want no error", err)
					}
					if got.State != deed.Submitted {
						t.Fatalf("state %s", got.State)
					}
					return
				}
				wantOnlyField(t, err, tc.field, tc.want)
				if st := e.getAs(t, e.member, d.ID).State; st != deed.Draft {
					t.Fatalf("failed Submit moved the deed to %s", st)
				}
			})
		}

		// Media refs survive a round trip and join the deed.
		id := upload(e.member)
		c := fullContent(kid)
		c.Images = []deed.MediaRef{{ID: id, Caption: "Alt-teksti"}}
		d := must[*deed.Deed](t)(s.Create(ctx, e.member, c))
		if len(d.Images) != 1 || d.Images[0] != (deed.MediaRef{ID: id, Caption: "Alt-teksti"}) {
			t.Fatalf("images %+v", d.Images)
		}
		m, err := s.Media(ctx, e.member, id)
		if err != nil || m.DeedID != d.ID || m.Filename != "kuva.png" || m.ContentType != media.TypePNG {
			t.Fatalf("Media: %v, %+v", err, m)
		}
		// A media item already on one deed cannot be put on another.
		c2 := fullContent(kid)
		c2.Images = []deed.MediaRef{{ID: id, Caption: "x"}}
		_, err = s.Create(ctx, e.member, c2)
		wantOnlyField(t, err, "images", "error.choice_invalid")
		// Nobody else sees an unpublished deed's image.
		_, err = s.Media(ctx, nil, id)
		wantErr(t, err, deed.ErrNotFound)
		_, err = s.Media(ctx, e.outsider, id)
		wantErr(t, err, deed.ErrNotFound)
	})
}

// TestTextKept shows that invalid UTF-8 and NUL become U+FFFD instead of
// disappearing or breaking the store (PostgreSQL rejects NUL in text).
func TestTextKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := fullContent(e.kangasala.ID)
		c.Title = "  Hyvä\xffteko\x00x  "
		c.Need = "rivi 1\r\nrivi 2\rrivi 3\x00"
		c.Contact.Title = "\xc3"
		c.Themes = []string{"johtaminen\x00"}
		d, err := e.s.Create(e.ctx, e.member, c)
		if err != nil {
			// The NUL in the theme is kept too, so the slug is unknown.
			wantOnlyField(t, err, "themes", "error.choice_invalid")
		} else {
			t.Fatalf("theme with NUL accepted as %v", d.Themes)
		}
		c.Themes = []string{"johtaminen"}
		d, err = e.s.Create(e.ctx, e.member, c)
		if err != nil {
			t.Fatal(err)
		}
		d = e.getAs(t, e.member, d.ID)
		if d.Title != "Hyvä\uFFFDteko\uFFFDx" {
			t.Errorf("title %q", d.Title)
		}
		if d.Need != "rivi 1\nrivi 2\nrivi 3\uFFFD" {
			t.Errorf("need %q", d.Need)
		}
		if d.Contact.Title != "\uFFFD" {
			t.Errorf("contact title %q", d.Contact.Title)
		}
		if d.Slug != "hyva-teko-x" {
			t.Errorf("slug %q", d.Slug)
		}
	})
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Hyvinvointikoordinaattori kokoaa työn": "hyvinvointikoordinaattori-kokoaa-tyon",
		"  --Åbo Akademi & Närpes!!  ":          "abo-akademi-narpes",
		"":                                      "teko",
		"!!!":                                   "teko",
		"Žaneta Škoda":                          "zaneta-skoda",
		strings.Repeat("abc ", 40):              strings.TrimRight(strings.Repeat("abc-", 15), "-"),
		"Tulevaisuudentekijät – toimialojen ryhmä": "tulevaisuudentekijat-toimialojen-ryhma",
	} {
		if got := deed.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

// importLines imports JSON lines and fails on any error.
func importLines(t *testing.T, a *app.App, lines ...string) *deed.ImportReport {
	t.Helper()
	rep, err := a.Importer.Import(t.Context(), strings.NewReader(strings.Join(lines, "\n")), deed.ImportOptions{})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(rep.Errors) > 0 {
		t.Fatalf("Import errors: %+v", rep.Errors)
	}
	return rep
}

// listLine is one deed in the import format for the listing tests.
func listLine(ref, title, orgName, mun, sector string, themes, groups []string, status string, year int, lang, published string) string {
	q := func(ss []string) string {
		if len(ss) == 0 {
			return "[]"
		}
		return `["` + strings.Join(ss, `","`) + `"]`
	}
	return fmt.Sprintf(`{"ref":%q,"lang":%q,"title":%q,"summary":"Tiivistelmä.","organisation":%q,"municipality":%q,`+
		`"sector":%q,"themes":%s,"client_groups":%s,"status":%q,"year":%d,"need":"Tarve.","solution":"Ratkaisu.",`+
		`"contact":{"name":"Testi Henkilö","email":"testi@example.org","public":true},"published_at":%q}`,
		ref, lang, title, orgName, mun, sector, q(themes), q(groups), status, year, published)
}

func TestList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, s := e.ctx, e.s
		rep := importLines(t, e.a,
			listLine("L-1", "Alfa", "Kangasala", "Kangasala", "sote", []string{"digitalisaatio", "osallisuus"}, []string{"nuoret"}, "done", 2020, "fi", "2024-01-01T10:00:00Z"),
			listLine("L-2", "Beta", "Tampere", "Tampere", "opetus", []string{"digitalisaatio"}, []string{"ikaantyneet"}, "in_progress", 2021, "fi", "2024-02-01T10:00:00Z"),
			listLine("L-3", "Gamma", "Varkaus", "Varkaus", "sote", []string{"johtaminen"}, []string{"nuoret", "henkilosto"}, "planned", 2021, "sv", "2024-03-01T10:00:00Z"),
			listLine("L-4", "Delta", "Varkaus", "Varkaus", "tekniset", []string{"osallisuus", "johtaminen"}, nil, "done", 2022, "en", "2024-04-01T10:00:00Z"),
			listLine("L-5", "Epsilon", "Kangasala", "", "opetus", []string{"kestava-kehitys"}, []string{"henkilosto"}, "ended", 2019, "fi", "2024-05-01T10:00:00Z"),
		)
		if rep.Added != 5 {
			t.Fatalf("added %d", rep.Added)
		}
		kgl := must[*org.MunicipalityInfo](t)(e.a.Orgs.Municipality(ctx, "Kangasala"))
		vrk := must[*org.MunicipalityInfo](t)(e.a.Orgs.Municipality(ctx, "Varkaus"))
		tre := must[*org.MunicipalityInfo](t)(e.a.Orgs.Municipality(ctx, "Tampere"))
		if kgl.Region.Code != tre.Region.Code || kgl.Region.Code == vrk.Region.Code || kgl.County.Code == vrk.County.Code {
			t.Fatalf("registry assumption broken: regions %s %s %s", kgl.Region.Code, tre.Region.Code, vrk.Region.Code)
		}

		// A draft with matching terms that must never show to the public.
		dc := fullContent(e.kangasala.ID)
		dc.Title = "Salainen luonnos"
		draft := must[*deed.Deed](t)(s.Create(ctx, e.member, dc))

		refs := func(u *user.User, f deed.Filter) []string {
			t.Helper()
			p, err := s.List(ctx, u, f)
			if err != nil {
				t.Fatalf("List(%+v): %v", f, err)
			}
			var out []string
			for _, d := range p.Items {
				if d.ID == draft.ID {
					out = append(out, "DRAFT")
				} else {
					out = append(out, d.Ref)
				}
			}
			if p.Total != len(out) && f.Limit == 0 {
				t.Fatalf("List(%+v): total %d, %d items", f, p.Total, len(out))
			}
			slices.Sort(out)
			return out
		}
		for _, c := range []struct {
			name string
			f    deed.Filter
			want []string
		}{
			{"all", deed.Filter{}, []string{"L-1", "L-2", "L-3", "L-4", "L-5"}},
			{"sector", deed.Filter{Sectors: []string{"sote"}}, []string{"L-1", "L-3"}},
			{"sectors or", deed.Filter{Sectors: []string{"sote", "opetus"}}, []string{"L-1", "L-2", "L-3", "L-5"}},
			{"theme", deed.Filter{Themes: []string{"digitalisaatio"}}, []string{"L-1", "L-2"}},
			{"themes or", deed.Filter{Themes: []string{"osallisuus", "johtaminen"}}, []string{"L-1", "L-3", "L-4"}},
			{"client group", deed.Filter{ClientGroups: []string{"nuoret"}}, []string{"L-1", "L-3"}},
			{"region", deed.Filter{Regions: []string{kgl.Region.Code}}, []string{"L-1", "L-2", "L-5"}},
			{"county", deed.Filter{Counties: []string{vrk.County.Code}}, []string{"L-3", "L-4"}},
			{"year", deed.Filter{Years: []int{2021}}, []string{"L-2", "L-3"}},
			{"years or", deed.Filter{Years: []int{2019, 2022}}, []string{"L-4", "L-5"}},
			{"status", deed.Filter{Statuses: []string{"done"}}, []string{"L-1", "L-4"}},
			{"langs", deed.Filter{Langs: []string{"sv", "en"}}, []string{"L-3", "L-4"}},
			{"org", deed.Filter{OrgCodes: []string{"kangasala"}}, []string{"L-1", "L-5"}},
			{"orgs or", deed.Filter{OrgCodes: []string{"kangasala", "varkaus"}}, []string{"L-1", "L-3", "L-4", "L-5"}},
			{"org id", deed.Filter{OrgID: e.varkaus.ID}, []string{"L-3", "L-4"}},
			{"sector and lang", deed.Filter{Sectors: []string{"sote"}, Langs: []string{"fi"}}, []string{"L-1"}},
			{"theme and region", deed.Filter{Themes: []string{"osallisuus"}, Regions: []string{vrk.Region.Code}}, []string{"L-4"}},
			{"sectors and year", deed.Filter{Sectors: []string{"sote", "opetus"}, Years: []int{2021}}, []string{"L-2", "L-3"}},
			{"theme and group", deed.Filter{Themes: []string{"digitalisaatio"}, ClientGroups: []string{"nuoret"}}, []string{"L-1"}},
			{"themes or and status", deed.Filter{Themes: []string{"johtaminen", "kestava-kehitys"}, Statuses: []string{"planned", "ended"}}, []string{"L-3", "L-5"}},
			{"no match combination", deed.Filter{Sectors: []string{"tekniset"}, Langs: []string{"fi"}}, nil},
			{"unknown sector", deed.Filter{Sectors: []string{"avaruus"}}, nil},
			{"unknown theme", deed.Filter{Themes: []string{"ei-ole"}}, nil},
			{"unknown group", deed.Filter{ClientGroups: []string{"x'; DROP TABLE deeds; --"}}, nil},
			{"unknown region", deed.Filter{Regions: []string{"99"}}, nil},
			{"unknown county", deed.Filter{Counties: []string{"zz"}}, nil},
			{"unknown year", deed.Filter{Years: []int{1900}}, nil},
			{"unknown status", deed.Filter{Statuses: []string{"valmis"}}, nil},
			{"unknown lang", deed.Filter{Langs: []string{"de"}}, nil},
			{"unknown org", deed.Filter{OrgCodes: []string{"ei-ole"}}, nil},
		} {
			if got := refs(nil, c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}

		// Paging over the title order.
		var seen []string
		for off := 0; off < 6; off += 2 {
			p, err := s.List(ctx, nil, deed.Filter{Sort: "title", Limit: 2, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != 5 {
				t.Fatalf("offset %d: total %d", off, p.Total)
			}
			wantN := min(2, 5-off)
			if len(p.Items) != wantN {
				t.Fatalf("offset %d: %d items, want %d", off, len(p.Items), wantN)
			}
			for _, d := range p.Items {
				seen = append(seen, d.Title)
			}
		}
		if !slices.Equal(seen, []string{"Alfa", "Beta", "Delta", "Epsilon", "Gamma"}) {
			t.Fatalf("pages by title: %v", seen)
		}
		p, err := s.List(ctx, nil, deed.Filter{Limit: 2, Offset: 10})
		if err != nil || p.Total != 5 || len(p.Items) != 0 {
			t.Fatalf("offset past end: %v total %d items %d", err, p.Total, len(p.Items))
		}
		p, err = s.List(ctx, nil, deed.Filter{Sectors: []string{"sote"}, Limit: 1})
		if err != nil || p.Total != 2 || len(p.Items) != 1 {
			t.Fatalf("filtered page: %v total %d items %d", err, p.Total, len(p.Items))
		}
		// Newest published first by default; oldest on request.
		order := func(sort string) []string {
			p, err := s.List(ctx, nil, deed.Filter{Sort: sort})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range p.Items {
				out = append(out, d.Ref)
			}
			return out
		}
		if got := order(""); !slices.Equal(got, []string{"L-5", "L-4", "L-3", "L-2", "L-1"}) {
			t.Errorf("newest order %v", got)
		}
		if got := order("oldest"); !slices.Equal(got, []string{"L-1", "L-2", "L-3", "L-4", "L-5"}) {
			t.Errorf("oldest order %v", got)
		}
		// Listed deeds carry their terms and places.
		p, err = s.List(ctx, nil, deed.Filter{OrgCodes: []string{"varkaus"}, Themes: []string{"osallisuus"}})
		if err != nil || len(p.Items) != 1 {
			t.Fatalf("L-4: %v %d", err, len(p.Items))
		}
		if d := p.Items[0]; !slices.Equal(d.Themes, []string{"osallisuus", "johtaminen"}) && !slices.Equal(d.Themes, []string{"johtaminen", "osallisuus"}) ||
			d.Sector != "tekniset" || d.Region == nil || d.Region.Code != vrk.Region.Code || d.County == nil || d.Municipality == nil || d.Municipality.Code != vrk.Code {
			t.Errorf("L-4 listed as %+v", d)
		}

		// Drafts: never to the public, to the author, the org's editor and
		// moderators only.
		drafts := deed.Filter{States: []deed.State{deed.Draft}}
		both := deed.Filter{States: []deed.State{deed.Draft, deed.Published}, Sectors: []string{"sote"}}
		if got := refs(nil, drafts); len(got) != 0 {
			t.Errorf("anonymous sees drafts %v", got)
		}
		if got := refs(nil, both); slices.Contains(got, "DRAFT") {
			t.Errorf("anonymous sees draft with published %v", got)
		}
		if got := refs(nil, deed.Filter{Sectors: []string{"sote"}}); slices.Contains(got, "DRAFT") {
			t.Errorf("anonymous default listing %v", got)
		}
		if got := refs(e.outsider, drafts); len(got) != 0 {
			t.Errorf("outsider sees drafts %v", got)
		}
		if got := refs(e.colleague, drafts); len(got) != 0 {
			t.Errorf("colleague sees drafts %v", got)
		}
		for _, u := range []*user.User{e.member, e.editor, e.moderator} {
			if got := refs(u, drafts); !slices.Equal(got, []string{"DRAFT"}) {
				t.Errorf("%s sees drafts %v", u.Name, got)
			}
		}
		if got := refs(e.member, both); !slices.Equal(got, []string{"DRAFT", "L-1", "L-3"}) {
			t.Errorf("author's drafts and published: %v", got)
		}

		// Archived deeds leave the default listing.
		l5 := p5(t, s, ctx)
		must[*deed.Deed](t)(s.Archive(ctx, e.moderator, l5, ""))
		if got := refs(nil, deed.Filter{}); !slices.Equal(got, []string{"L-1", "L-2", "L-3", "L-4"}) {
			t.Errorf("after archive: %v", got)
		}
		if got := refs(nil, deed.Filter{States: []deed.State{deed.Archived}}); !slices.Equal(got, []string{"L-5"}) {
			t.Errorf("archived listing: %v", got)
		}
		if n, err := s.Count(ctx); err != nil || n != 4 {
			t.Errorf("Count = %d, %v", n, err)
		}
		if ys, err := s.Years(ctx); err != nil || !slices.Equal(ys, []int{2022, 2021, 2020}) {
			t.Errorf("Years = %v, %v", ys, err)
		}
		tc, err := s.TermCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, c := range tc {
			counts[string(c.Kind)+":"+c.Slug] = c.Count
		}
		for k, want := range map[string]int{"sector:sote": 2, "theme:johtaminen": 2, "theme:digitalisaatio": 2, "client_group:nuoret": 2, "sector:opetus": 1} {
			if counts[k] != want {
				t.Errorf("TermCounts[%s] = %d, want %d (all %v)", k, counts[k], want, slices.Sorted(maps.Keys(counts)))
			}
		}
	})
}

// p5 finds the id of L-5 through the listing.
func p5(t *testing.T, s *deed.Service, ctx context.Context) int64 {
	t.Helper()
	p, err := s.List(ctx, nil, deed.Filter{Statuses: []string{"ended"}})
	if err != nil || len(p.Items) != 1 || p.Items[0].Ref != "L-5" {
		t.Fatalf("find L-5: %v %+v", err, p.Items)
	}
	return p.Items[0].ID
}

// Send checks a whole submission before it saves anything: incomplete
// content and a repeat of a published deed leave no row; the author's word
// that it is other work lets it through.
func TestSendChecksBeforeSaving(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		if err := e.a.StartSearch(e.ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.a.Close() })
		c := fullContent(e.kangasala.ID)
		c.Title = "Kotihoidon toiminnanohjaus ja reittien suunnittelu"
		c.Summary = "Kotihoidon käynnit suunnitellaan toiminnanohjausjärjestelmällä, ja reitit lyhenivät."
		c.Need = "Kotihoidon käynnit kasautuivat aamuihin ja hoitajat ajoivat pitkiä reittejä."
		c.Solution = "Toiminnanohjausjärjestelmä jakaa käynnit ja suunnittelee reitit."
		pub, err := e.s.Send(e.ctx, e.member, 0, c, deed.SubmitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Publish(e.ctx, e.moderator, pub.ID); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			var n int
			if err := db.QueryRow(e.ctx, `SELECT COUNT(*) FROM deeds`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		incomplete := c
		incomplete.Need = ""
		fe := fieldErrors(t, func() error { _, err := e.s.Send(e.ctx, e.colleague, 0, incomplete, deed.SubmitOptions{}); return err }())
		if fe["need"] == "" {
			t.Fatalf("errors %v", fe)
		}
		_, err = e.s.Send(e.ctx, e.colleague, 0, c, deed.SubmitOptions{})
		var la *deed.LookAlikesError
		if !errors.As(err, &la) || len(la.IDs) == 0 || la.IDs[0] != pub.ID || !errors.Is(err, fault.Conflict) {
			t.Fatalf("a repeat of a published deed: %v", err)
		}
		if n := count(); n != before {
			t.Fatalf("refused submissions saved %d deeds", n-before)
		}
		d, err := e.s.Send(e.ctx, e.colleague, 0, c, deed.SubmitOptions{NotLookAlike: true})
		if err != nil || d.State != deed.Submitted {
			t.Fatalf("confirmed as other work: %+v, %v", d, err)
		}
	})
}
