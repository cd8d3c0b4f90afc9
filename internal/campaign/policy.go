package campaign

import "github.com/tekotori/tekotori/internal/user"

// Action is something a person may try to do in a campaign.
type Action string

const (
	// ActionCreateProgramme starts a new programme: site admins only.
	ActionCreateProgramme Action = "create_programme"
	// ActionManage covers the programme admins' work: editing the programme
	// and its campaigns, enrolling, inviting jurors, assigning, reading
	// progress and working results, deciding, approving feedback,
	// publishing and reading the audit log.
	ActionManage Action = "manage"
	// ActionEnterDeed enters one published deed in a deed category.
	ActionEnterDeed Action = "enter_deed"
	// ActionEnterOrg enters an organisation in an organisation category.
	ActionEnterOrg Action = "enter_org"
	// ActionJury reads one's own jury work: assignments and progress.
	ActionJury Action = "jury"
	// ActionJudge reads and scores one entry.
	ActionJudge Action = "judge"
	// ActionDeclareConflict tells that one is conflicted with an entry
	// assigned to one. A juror choosing which entries to drop would steer
	// what they judge, so unassigned entries are out of reach; programme
	// admins record conflicts for jurors through ActionManage instead.
	ActionDeclareConflict Action = "declare_conflict"
	// ActionVote casts an audience vote.
	ActionVote Action = "vote"
	// ActionViewFeedback reads the approved feedback on an entry.
	ActionViewFeedback Action = "view_feedback"
)

// Standing is what the database says about one person and one campaign
// (and, where it matters, one entry or deed). The Service fills it; Can
// decides on it, so that the rules stay in one place and can be tested
// without a database.
type Standing struct {
	// ProgrammeAdmin is set for the users listed as admins of the
	// campaign's programme. Site admins count as programme admins anyway.
	ProgrammeAdmin bool
	// Juror is set for a user who accepted an invitation to the campaign.
	Juror bool
	// Assigned is set when the entry is assigned to the juror.
	Assigned bool
	// Conflicted is set when the juror has a conflict with the entry,
	// found automatically or declared.
	Conflicted bool
	// AuthorID is the deed's author, for entering a deed or reading its
	// feedback.
	AuthorID int64
	// OrgID is the organisation entered, or the one whose deed it is.
	OrgID int64
	// EnteredBy is who entered the entry.
	EnteredBy int64
}

// Can is the one place that decides who may do what in a campaign. Windows
// and quotas are not permissions: the Service checks them and answers with
// FieldErrors, because a person who may act can still act at the wrong
// time.
func Can(u *user.User, a Action, st Standing) bool {
	if u == nil || u.Disabled {
		return false
	}
	admin := u.IsAdmin() || st.ProgrammeAdmin
	orgEditor := st.OrgID != 0 && u.OrgID == st.OrgID && u.Role.AtLeast(user.RoleOrgEditor)
	switch a {
	case ActionCreateProgramme:
		return u.IsAdmin()
	case ActionManage:
		return admin
	case ActionEnterDeed:
		return admin || orgEditor || (st.AuthorID != 0 && st.AuthorID == u.ID)
	case ActionEnterOrg:
		return admin || orgEditor
	case ActionJury:
		return st.Juror
	case ActionDeclareConflict:
		return st.Juror && st.Assigned
	case ActionJudge:
		// Being a programme admin is no way around a conflict: admins who
		// judge do so as jurors.
		return st.Juror && st.Assigned && !st.Conflicted
	case ActionVote:
		return true
	case ActionViewFeedback:
		return admin || orgEditor || (st.EnteredBy != 0 && st.EnteredBy == u.ID) || (st.AuthorID != 0 && st.AuthorID == u.ID)
	}
	return false
}

// judgeRefusal explains why a juror may not judge an entry: the brief asks
// for the reason by name, not a bare refusal.
func judgeRefusal(st Standing) error {
	switch {
	case !st.Juror:
		return ErrForbidden
	case st.Conflicted:
		return FieldErrors{"entry": ErrKeyConflicted}
	case !st.Assigned:
		return FieldErrors{"entry": ErrKeyNotAssigned}
	}
	return ErrForbidden
}

// conflictRefusal explains why a juror may not declare a conflict with an
// entry.
func conflictRefusal(st Standing) error {
	if !st.Juror {
		return ErrForbidden
	}
	return FieldErrors{"entry": ErrKeyConflictNotYours}
}
