package taxonomy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tekotori/tekotori/internal/audit"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/user"
)

// TestEditsNeedAnAdmin checks that the service itself refuses vocabulary
// edits to anyone but an enabled admin and writes nothing then, and that
// an admin's edit is in the audit log with its before and after.
func TestEditsNeedAnAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := taxonomy.NewService(db)
		in := taxonomy.Input{Slug: "kokeilu", LabelFI: "Kokeilu", LabelSV: "Försök", LabelEN: "Trial", Position: 5, Active: true}
		for _, actor := range []*user.User{nil, {ID: 3, Role: user.RoleModerator}, {ID: 4, Role: user.RoleAdmin, Disabled: true}} {
			if _, err := s.Create(ctx, actor, taxonomy.Theme, in); !errors.Is(err, taxonomy.ErrForbidden) {
				t.Errorf("Create by %+v: %v", actor, err)
			}
		}
		admin := &user.User{ID: 7, Name: "Aino Ylläpito", Email: "aino@example.org", Role: user.RoleAdmin}
		if _, err := s.Create(ctx, admin, "colour", in); err == nil {
			t.Error("a term of an unknown vocabulary was created")
		}
		term, err := s.Create(ctx, admin, taxonomy.Theme, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(ctx, &user.User{ID: 3, Role: user.RoleMember}, term.ID, in); !errors.Is(err, taxonomy.ErrForbidden) {
			t.Errorf("Update by a member: %v", err)
		}
		in.LabelFI = "Kokeilut"
		if _, err := s.Update(ctx, admin, term.ID, in); err != nil {
			t.Fatal(err)
		}
		p, err := audit.NewService(db).List(ctx, admin, audit.Filter{}, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 2 || p.Entries[0].Action != audit.TermUpdated || p.Entries[1].Action != audit.TermCreated ||
			p.Entries[0].Actor != (audit.Actor{ID: 7, Name: "Aino Ylläpito <aino@example.org>"}) ||
			p.Entries[0].Before == p.Entries[0].After || p.Entries[1].Before != "" {
			t.Fatalf("audit log: %+v", p)
		}
	})
}
