// Package campaign runs award campaigns: a programme (KunTeko 2020,
// Kuntatyö2030, …) opens a campaign with award categories and judging
// criteria, deeds and organisations are entered and frozen as entered, a
// jury scores what it is assigned without conflicts of interest, the
// programme admins decide and publish versioned results, and the public
// may vote apart from the jury. Every step that matters is in an audit log.
//
// Who may do what is decided in one place, Can, and every Service method
// asks it. Bad input comes back as field.Errors with translation keys, and
// refusals that a person could have tried on purpose are also written to
// the audit log.
package campaign

import (
	"time"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/field"
	"github.com/tekotori/tekotori/internal/i18n"
)

// FieldErrors maps an input field to the translation key of its problem.
type FieldErrors = field.Errors

// ErrNotFound is returned for a programme, campaign, entry or result that
// does not exist, or an entry that the actor may not see.
var ErrNotFound = fault.New(fault.NotFound, "campaign: not found")

// ErrForbidden is returned when the actor may not do what they tried.
var ErrForbidden = fault.New(fault.Forbidden, "campaign: not allowed")

// Translation keys this package introduces, besides the shared
// error.required, error.too_long and error.choice_invalid.
const (
	ErrKeyWindowOrder       = "error.window_order"          // a window closes before it opens, or judging starts before entries close
	ErrKeyCountRange        = "error.count_range"           // winners, mentions or jurors per entry out of range
	ErrKeyWeightRange       = "error.weight_range"          // a criterion's weight is not positive
	ErrKeyScaleInvalid      = "error.scale_invalid"         // a scale whose top is not above its bottom, or too wide
	ErrKeyInUse             = "error.in_use"                // a category or criterion with entries or scores cannot change that way
	ErrKeyWindowClosed      = "error.window_closed"         // entering, scoring or voting outside its window
	ErrKeyNotPublished      = "error.deed_not_published"    // only published deeds can be entered
	ErrKeyAlreadyEntered    = "error.already_entered"       // the deed or organisation is already in the category
	ErrKeyWrongKind         = "error.category_kind"         // a deed entered in an organisation category or the other way round
	ErrKeyScoreRange        = "error.score_range"           // a score outside the criterion's scale
	ErrKeyNotAssigned       = "error.not_assigned"          // scoring an entry not assigned to the juror
	ErrKeyConflicted        = "error.conflicted"            // scoring or assigning despite a conflict of interest
	ErrKeyNotJuror          = "error.not_juror"             // assigning someone who is not on the jury
	ErrKeyReviewIncomplete  = "error.review_incomplete"     // submitting before every criterion has a score
	ErrKeyInvitationInvalid = "error.invitation_invalid"    // an unknown, used or someone else's invitation
	ErrKeyAlreadyJuror      = "error.already_juror"         // inviting someone already on the jury
	ErrKeyAlreadyVoted      = "error.already_voted"         // a second vote in a category
	ErrKeyVoteDisabled      = "error.vote_disabled"         // voting in a campaign without an audience vote
	ErrKeyTooManyWinners    = "error.too_many_winners"      // more winners than the category allows
	ErrKeyTooManyMentions   = "error.too_many_mentions"     // more honourable mentions than the category allows
	ErrKeyNothingChanged    = "error.nothing_changed"       // publishing a correction identical to the current version
	ErrKeyRuleCategory      = "error.rule_category"         // a jury step on a category whose winners the data decides
	ErrKeyEmailInvalid      = "error.email_invalid"         // shared with the user package
	ErrKeyRequired          = "error.required"              // shared
	ErrKeyTooLong           = "error.too_long"              // shared; takes the limit as argument
	ErrKeyChoiceInvalid     = "error.choice_invalid"        // shared
	ErrKeyUserUnknown       = "error.user_unknown"          // adding a programme admin who has no account
	ErrKeyCorrectionNote    = "error.correction_note"       // a correction needs a note that says what changed
	ErrKeyConflictDeclared  = "error.conflict_declared"     // the juror has already declared this conflict
	ErrKeyJudgingNotStarted = "error.judging_not_started"   // publishing or deciding before judging has started
	ErrKeyConflictNotYours  = "error.conflict_not_assigned" // a juror declaring a conflict on an entry not assigned to them
	ErrKeyConflictClosed    = "error.conflict_closed"       // a juror declaring a conflict outside the judging window
	ErrKeyConflictReviewed  = "error.conflict_reviewed"     // a juror declaring a conflict after submitting their review
)

// Input limits, counted in characters.
const (
	MaxName        = 200
	MaxText        = 10000
	MaxComment     = 4000
	MaxCategories  = 50
	MaxWinners     = 500
	MaxJurorsEntry = 20
	MaxScaleSteps  = 100
)

// Kind says what a category awards.
type Kind string

const (
	KindDeed Kind = "deed" // single deeds
	KindOrg  Kind = "org"  // whole organisations, judged on their deeds of the period
)

// Rule makes a category's winners follow from data instead of the jury.
type Rule string

const (
	RuleJury Rule = ""
	// RuleMostDeeds awards the organisations that published the most deeds
	// in the entry window.
	RuleMostDeeds Rule = "most_deeds"
)

// Outcome is the programme admins' decision on an entry.
type Outcome string

const (
	Winner      Outcome = "winner"
	Mention     Outcome = "mention" // honourable mention
	Shortlisted Outcome = "shortlisted"
	NotAwarded  Outcome = "not_awarded"
)

// Outcomes lists the decisions in the order results show them.
func Outcomes() []Outcome { return []Outcome{Winner, Mention, Shortlisted, NotAwarded} }

// Window is a half-open stretch of time [Opens, Closes).
type Window struct {
	Opens  time.Time `json:"opens"`
	Closes time.Time `json:"closes"`
}

// Contains reports whether t falls in the window.
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.Opens) && t.Before(w.Closes)
}

// Programme is a body that runs award campaigns year after year.
type Programme struct {
	ID          int64     `json:"id"`
	Name        i18n.Text `json:"name"`
	Description i18n.Text `json:"description"`
	AdminIDs    []int64   `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// Campaign is one round of awards.
type Campaign struct {
	ID           int64     `json:"id"`
	ProgrammeID  int64     `json:"programme_id"`
	Programme    i18n.Text `json:"programme"`
	Name         i18n.Text `json:"name"`
	Description  i18n.Text `json:"description"`
	Rules        i18n.Text `json:"rules"`
	Entry        Window    `json:"entry_window"`
	Judging      Window    `json:"judging_window"`
	AudienceVote bool      `json:"audience_vote"`
	Vote         *Window   `json:"vote_window,omitempty"`
	// Blind hides the organisation and the people from the jury.
	Blind bool `json:"blind"`
	// JurorsPerEntry is how many jurors automatic assignment gives each entry.
	JurorsPerEntry int `json:"jurors_per_entry"`
	// ConflictSameCounty makes a juror conflicted with every entry from
	// their own wellbeing services county.
	ConflictSameCounty bool        `json:"conflict_same_county"`
	Categories         []Category  `json:"categories"`
	Criteria           []Criterion `json:"criteria"`
	// Published is the number of the latest published result version, 0
	// before the first publication.
	Published int       `json:"published_version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Phase names where the campaign stands at a moment, for listings.
func (c *Campaign) Phase(now time.Time) string {
	switch {
	case c.Published > 0:
		return "published"
	case now.Before(c.Entry.Opens):
		return "upcoming"
	case c.Entry.Contains(now):
		return "entries_open"
	case now.Before(c.Judging.Opens):
		return "entries_closed"
	case c.Judging.Contains(now):
		return "judging"
	}
	return "judged"
}

// Category returns the campaign's category with id, or nil.
func (c *Campaign) Category(id int64) *Category {
	for i := range c.Categories {
		if c.Categories[i].ID == id {
			return &c.Categories[i]
		}
	}
	return nil
}

// Category is an award series within a campaign, e.g. "Innostavat teot".
type Category struct {
	ID          int64     `json:"id"`
	CampaignID  int64     `json:"campaign_id"`
	Name        i18n.Text `json:"name"`
	Description i18n.Text `json:"description"`
	Kind        Kind      `json:"kind"`
	Rule        Rule      `json:"rule,omitempty"`
	Winners     int       `json:"winners"`
	Mentions    int       `json:"mentions"`
	Position    int       `json:"position"`
}

// Criterion is one thing the jury scores, on an integer scale.
type Criterion struct {
	ID          int64     `json:"id"`
	CampaignID  int64     `json:"campaign_id"`
	Name        i18n.Text `json:"name"`
	Description i18n.Text `json:"description"`
	Weight      float64   `json:"weight"`
	ScaleMin    int       `json:"scale_min"`
	ScaleMax    int       `json:"scale_max"`
	Position    int       `json:"position"`
}

// Entry is a deed or an organisation entered in a category, with what was
// frozen when it was entered.
type Entry struct {
	ID           int64     `json:"id"`
	CampaignID   int64     `json:"campaign_id"`
	CategoryID   int64     `json:"category_id"`
	Kind         Kind      `json:"kind"`
	DeedID       int64     `json:"deed_id,omitempty"`
	OrgID        int64     `json:"org_id"`
	EnteredBy    int64     `json:"-"`
	Title        string    `json:"title"`
	OrgName      i18n.Text `json:"org_name"`
	Municipality i18n.Text `json:"municipality"`
	CountyCode   string    `json:"county_code"`
	Snapshot     Snapshot  `json:"snapshot"`
	CreatedAt    time.Time `json:"created_at"`
}

// Snapshot is the frozen matter of an entry: one deed, or the deeds an
// organisation is judged on.
type Snapshot struct {
	Deeds []DeedSnapshot `json:"deeds"`
}

// DeedSnapshot is a deed as it was entered. Content carries the author's
// text, partners and contact person; the names are those of entry time.
type DeedSnapshot struct {
	DeedID       int64        `json:"deed_id"`
	Ref          string       `json:"ref"`
	AuthorID     int64        `json:"author_id,omitempty"`
	AuthorName   string       `json:"author_name,omitempty"`
	OrgID        int64        `json:"org_id"`
	OrgName      i18n.Text    `json:"org_name"`
	Municipality i18n.Text    `json:"municipality"`
	CountyCode   string       `json:"county_code"`
	PublishedAt  *time.Time   `json:"published_at,omitempty"`
	Content      deed.Content `json:"content"`
}
