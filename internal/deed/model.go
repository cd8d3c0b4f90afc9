// Package deed owns the development deed (kehittämisteko): its content, its
// validation, its lifecycle from draft to publication, who may do what to
// it, its revisions, and the import of published deeds. The HTML pages, the
// API and the command line all go through its Service.
package deed

import (
	"time"

	"github.com/tekotori/tekotori/internal/i18n"
)

// State is where a deed is in its lifecycle.
type State string

const (
	Draft     State = "draft"
	Submitted State = "submitted"
	Published State = "published"
	Returned  State = "returned"
	Archived  State = "archived"
)

// States lists the lifecycle states in order.
func States() []State { return []State{Draft, Submitted, Returned, Published, Archived} }

// Status is how far the development work itself has come, which is not the
// same as where its description is in moderation.
type Status string

const (
	Planned    Status = "planned"
	InProgress Status = "in_progress"
	Done       Status = "done"
	Ended      Status = "ended"
)

// Statuses lists the work statuses in order.
func Statuses() []Status { return []Status{Planned, InProgress, Done, Ended} }

// Languages a deed can be written in.
func Languages() []string { return []string{"fi", "sv", "en"} }

// Contact is the person to ask about a deed. It is shown publicly only
// when Public is set, because the person has to agree to that.
type Contact struct {
	Name   string `json:"name"`
	Title  string `json:"title"`
	Email  string `json:"email"`
	Phone  string `json:"phone"`
	Public bool   `json:"public"`
}

// IsEmpty reports whether no contact field is filled.
func (c Contact) IsEmpty() bool {
	return c.Name == "" && c.Title == "" && c.Email == "" && c.Phone == ""
}

// Link kinds.
const (
	LinkWeb   = "web"
	LinkVideo = "video"
)

// Link is a web page or video about the deed.
type Link struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	Kind  string `json:"kind"`
}

// MediaRef points at an uploaded image or attachment; Caption is an
// image's alternative text or an attachment's title.
type MediaRef struct {
	ID      int64  `json:"id"`
	Caption string `json:"caption"`
}

// Content is everything an author writes. A revision stores one, and so
// does an edit of a published deed that waits for a moderator.
type Content struct {
	Lang         string     `json:"lang"`
	Title        string     `json:"title"`
	Summary      string     `json:"summary"`
	OrgID        int64      `json:"org_id"`
	UnitID       int64      `json:"unit_id,omitempty"`
	Municipality string     `json:"municipality,omitempty"`
	Sector       string     `json:"sector"`
	Themes       []string   `json:"themes"`
	ClientGroups []string   `json:"client_groups"`
	Status       Status     `json:"status"`
	Year         int        `json:"year,omitempty"`
	Need         string     `json:"need"`
	Solution     string     `json:"solution"`
	Results      string     `json:"results"`
	Lessons      string     `json:"lessons"`
	Adoption     string     `json:"adoption"`
	Partners     string     `json:"partners"`
	Funding      string     `json:"funding"`
	Contact      Contact    `json:"contact"`
	Links        []Link     `json:"links"`
	Images       []MediaRef `json:"images"`
	Attachments  []MediaRef `json:"attachments"`
}

// Place is a municipality, region or wellbeing services county as a deed
// shows it.
type Place struct {
	Code string
	Name i18n.Text
}

// Deed is a stored deed with its live content and where it stands.
type Deed struct {
	ID       int64
	Ref      string
	Slug     string
	State    State
	AuthorID int64
	Content

	OrgCode      string
	OrgKind      string
	OrgName      i18n.Text
	UnitName     string
	Municipality *Place
	Region       *Place
	County       *Place
	AuthorName   string

	// ReturnReason is the moderator's word to the author when the deed or
	// its pending edit was returned.
	ReturnReason string
	// Pending is an edit of a published deed that waits for a moderator;
	// the published content stays visible meanwhile.
	Pending      *Content
	PendingState string // "submitted" or "returned"
	PendingBy    int64
	PendingAt    *time.Time
	// SubmittedBy are the people who wrote the version waiting for
	// moderation: who sent it and anyone who changed it since. None of them
	// may publish it. Loaded by Service.Get for a submitted deed.
	SubmittedBy []int64

	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt *time.Time
	PublishedAt *time.Time
	ArchivedAt  *time.Time
}

// IsPublic reports whether anyone may read the deed.
func (d *Deed) IsPublic() bool { return d.State == Published || d.State == Archived }

// Revision is one recorded change of a deed: who, when, what.
type Revision struct {
	ID        int64
	DeedID    int64
	Number    int
	UserID    int64
	UserName  string
	Action    string
	State     State
	Note      string
	Content   Content
	CreatedAt time.Time
	// Changed lists the content fields that differ from the revision
	// before, filled by Service.Revisions.
	Changed []string
}

// Revision actions.
const (
	ActCreated      = "created"
	ActSaved        = "saved"
	ActSubmitted    = "submitted"
	ActPublished    = "published"
	ActReturned     = "returned"
	ActArchived     = "archived"
	ActRestored     = "restored"
	ActEdited       = "edited"
	ActEditProposed = "edit_proposed"
	ActEditApproved = "edit_approved"
	ActEditReturned = "edit_returned"
	ActImported     = "imported"
)
