// Package demo fills an empty platform with realistic published deeds, a
// few accounts to try every role with, and award campaigns: one finished
// with published results and one open. The deeds were written for the
// project; the people in them are fictional.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/user"
)

//go:embed deeds.jsonl
var deeds []byte

// Password is the password of every demo account. The accounts exist only
// in a database filled with --demo.
const Password = "tekotori-demo"

// Account is a demo sign-in.
type Account struct {
	Email, Name string
	Role        user.Role
	OrgCode     string
}

// Accounts lists the demo sign-ins, one per role.
func Accounts() []Account {
	return []Account{
		{"admin@example.org", "Aino Ylläpitäjä", user.RoleAdmin, ""},
		{"moderaattori@example.org", "Matti Moderaattori", user.RoleModerator, ""},
		{"toimittaja@example.org", "Oona Organisaatio", user.RoleOrgEditor, "varkaus"},
		{"paakayttaja@example.org", "Paula Pääkäyttäjä", user.RoleOrgAdmin, "varkaus"},
		{"jasen@example.org", "Jussi Jäsen", user.RoleMember, "kangasala"},
	}
}

// Result says what Fill did.
type Result struct {
	Skipped  bool // the database already had deeds
	Report   *deed.ImportReport
	Accounts int
	// Campaigns says what campaigns were seeded; their programme admin and
	// jurors sign in with Password too.
	Campaigns *campaign.DemoResult
}

// Fill loads the demo deeds, accounts and campaigns into a database that
// has no deeds yet; a database in use is left alone.
func Fill(ctx context.Context, a *app.App) (*Result, error) {
	page, err := a.Deeds.List(ctx, nil, deed.Filter{States: []deed.State{deed.Published, deed.Archived}, Limit: 1})
	if err != nil {
		return nil, err
	}
	if page.Total > 0 {
		return &Result{Skipped: true}, nil
	}
	rep, err := a.Importer.Import(ctx, bytes.NewReader(deeds), deed.ImportOptions{})
	if err != nil {
		return nil, fmt.Errorf("demo: import: %w", err)
	}
	if len(rep.Errors) > 0 {
		return nil, fmt.Errorf("demo: line %d: %s", rep.Errors[0].Line, rep.Errors[0].Reason)
	}
	res := &Result{Report: rep}
	for _, acc := range Accounts() {
		var orgID int64
		if acc.OrgCode != "" {
			o, err := a.Orgs.ByCode(ctx, acc.OrgCode)
			if err != nil {
				return nil, fmt.Errorf("demo: account %s: %w", acc.Email, err)
			}
			orgID = o.ID
		}
		if _, err := a.Users.ByEmail(ctx, acc.Email); err == nil {
			continue
		}
		if _, err := a.Users.Create(ctx, user.NewUser{Email: acc.Email, Name: acc.Name, Password: Password, Role: acc.Role, OrgID: orgID, Lang: "fi"}); err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", acc.Email, err)
		}
		res.Accounts++
	}
	// The campaigns are built from the deeds, so they come after them.
	if res.Campaigns, err = campaign.SeedDemo(ctx, a.Campaigns, a.Users, Password); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return res, nil
}
