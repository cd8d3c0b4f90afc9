package user

import "fmt"

// Role is what an account may do. Roles are ordered: each one may do
// everything the ones below it may.
type Role string

const (
	RoleMember    Role = "member"     // writes deeds for their organisation
	RoleOrgEditor Role = "org_editor" // edits every deed of their organisation
	// RoleOrgAdmin is an organisation editor who also approves who belongs
	// to the organisation and names its editors. It ranks below moderator:
	// it reaches no other organisation, and what it adds over an editor is
	// asked for by name (CanManageOrg), never by rank.
	RoleOrgAdmin  Role = "org_admin"
	RoleModerator Role = "moderator" // publishes / returns deeds of any organisation
	RoleAdmin     Role = "admin"     // everything, incl. taxonomies, organisations, settings, users
)

// rank gives a role's place in the order; 0 for anything unknown, so a
// stray value in the database never grants anything.
func (r Role) rank() int {
	switch r {
	case RoleMember:
		return 1
	case RoleOrgEditor:
		return 2
	case RoleOrgAdmin:
		return 3
	case RoleModerator:
		return 4
	case RoleAdmin:
		return 5
	}
	return 0
}

// ParseRole accepts a role name from a form or the database.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if r.rank() == 0 {
		return "", fmt.Errorf("user: unknown role %q", s)
	}
	return r, nil
}

// AtLeast reports whether r may do what o may. It is false when either
// role is unknown.
func (r Role) AtLeast(o Role) bool {
	return r.rank() > 0 && o.rank() > 0 && r.rank() >= o.rank()
}

// Roles lists the site-wide roles from least to most.
func Roles() []Role {
	return []Role{RoleMember, RoleOrgEditor, RoleOrgAdmin, RoleModerator, RoleAdmin}
}
