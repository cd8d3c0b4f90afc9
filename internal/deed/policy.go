package deed

import (
	"slices"

	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/user"
)

// Action is something a person may try to do to a deed.
type Action string

const (
	ActionView          Action = "view"
	ActionEdit          Action = "edit"
	ActionSubmit        Action = "submit"
	ActionPublish       Action = "publish"
	ActionReturn        Action = "return"
	ActionArchive       Action = "archive"
	ActionRestore       Action = "restore"
	ActionViewRevisions Action = "revisions"
	ActionViewPrivate   Action = "private" // the contact person's details when not public, the return reason, pending edits
)

// ErrForbidden is returned when the actor may not do what they tried.
var ErrForbidden = fault.New(fault.Forbidden, "deed: not allowed")

// ErrNotFound is returned for a deed that does not exist or that the actor
// may not see; the two are not told apart so drafts stay private.
var ErrNotFound = fault.New(fault.NotFound, "deed: not found")

// ErrWrongState is returned for a lifecycle step the deed's state does not
// allow, e.g. publishing a draft.
var ErrWrongState = fault.New(fault.Conflict, "deed: not possible in this state")

// Can is the one place that decides who may do what to a deed. Both the
// pages and the API ask it, through the Service.
func Can(u *user.User, a Action, d *Deed) bool {
	if a == ActionView && d.IsPublic() {
		return true
	}
	if u == nil || u.Disabled {
		return false
	}
	own := d.AuthorID != 0 && d.AuthorID == u.ID
	sameOrg := u.OrgID != 0 && u.OrgID == d.OrgID
	orgEditor := sameOrg && u.Role.AtLeast(user.RoleOrgEditor)
	writer := own || orgEditor || u.IsModerator()
	switch a {
	case ActionView, ActionViewPrivate:
		return writer
	case ActionEdit:
		return writer && d.State != Archived
	case ActionSubmit:
		return writer && (d.State == Draft || d.State == Returned)
	case ActionPublish, ActionReturn:
		// Four eyes: nobody publishes or returns what they wrote or proposed.
		if !u.IsModerator() || own {
			return false
		}
		if d.State == Published && d.Pending != nil {
			return d.PendingBy != u.ID && d.PendingState == "submitted"
		}
		// Nor does a moderator publish a version they changed after it was
		// sent: someone else must read what they wrote.
		if a == ActionPublish && slices.Contains(d.SubmittedBy, u.ID) {
			return false
		}
		return d.State == Submitted
	case ActionArchive:
		return (u.IsModerator() || orgEditor) && d.State == Published
	case ActionRestore:
		return u.IsModerator() && d.State == Archived
	case ActionViewRevisions:
		return u.IsModerator() || orgEditor || own
	}
	return false
}

// CanCreateFor reports whether u may start a deed for organisation orgID:
// members write for their own organisation, moderators for any.
func CanCreateFor(u *user.User, orgID int64) bool {
	if u == nil || u.Disabled {
		return false
	}
	return u.IsModerator() || (u.OrgID != 0 && u.OrgID == orgID)
}
