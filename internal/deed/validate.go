package deed

import (
	"fmt"
	"github.com/tekotori/tekotori/internal/field"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/taxonomy"
)

// FieldErrors maps a form field to the translation key of its problem. A
// key may carry one argument after a "|", e.g. "error.too_long|300".
type FieldErrors = field.Errors

// Limits of the form, in characters.
const (
	MaxTitle     = 150
	MaxSummary   = 300
	MaxLongText  = 10000
	MaxShortText = 200
	MaxThemes    = 5
	MaxGroups    = 6
	MaxLinks     = 10
	MaxImages    = 12
	MaxFiles     = 10
	MinYear      = 1990
)

// Mode tells how strict validation is: a draft may be saved at any time,
// even incomplete, but what is there must still be well-formed; a deed
// sent to moderation must be complete.
type Mode int

const (
	ModeDraft Mode = iota
	ModeSubmit
)

var phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 ()-]{4,24}$`)

// clean makes text safe to store without dropping anything a person
// wrote: invalid UTF-8 and NUL become U+FFFD, which the reader can see,
// and line endings become "\n".
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}

func cleanList(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = clean(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Normalize trims and cleans every field in place.
func (c *Content) Normalize() {
	for _, p := range []*string{&c.Lang, &c.Title, &c.Summary, &c.Municipality, &c.Sector, &c.Need, &c.Solution,
		&c.Results, &c.Lessons, &c.Adoption, &c.Partners, &c.Funding,
		&c.Contact.Name, &c.Contact.Title, &c.Contact.Email, &c.Contact.Phone} {
		*p = clean(*p)
	}
	c.Status = Status(clean(string(c.Status)))
	c.Themes = cleanList(c.Themes)
	c.ClientGroups = cleanList(c.ClientGroups)
	links := c.Links[:0:0]
	for _, l := range c.Links {
		l.URL, l.Title, l.Kind = clean(l.URL), clean(l.Title), clean(l.Kind)
		if l.URL == "" && l.Title == "" {
			continue
		}
		if l.Kind == "" {
			l.Kind = guessLinkKind(l.URL)
		}
		links = append(links, l)
	}
	c.Links = links
	for i := range c.Images {
		c.Images[i].Caption = clean(c.Images[i].Caption)
	}
	for i := range c.Attachments {
		c.Attachments[i].Caption = clean(c.Attachments[i].Caption)
	}
}

func guessLinkKind(u string) string {
	lu := strings.ToLower(u)
	for _, h := range []string{"youtube.com/", "youtu.be/", "vimeo.com/", "/video"} {
		if strings.Contains(lu, h) {
			return LinkVideo
		}
	}
	return LinkWeb
}

// validate checks the content's own fields; checks that need the database
// (organisation, unit, municipality, media) are the service's.
func (c *Content) validate(mode Mode, vocab *taxonomy.Vocabulary, now time.Time) FieldErrors {
	errs := FieldErrors{}
	required := func(field, v string) {
		if mode == ModeSubmit && v == "" {
			errs[field] = "error.required"
		}
	}
	maxLen := func(field, v string, n int) {
		if utf8.RuneCountInString(v) > n {
			errs[field] = fmt.Sprintf("error.too_long|%d", n)
		}
	}
	if !slices.Contains(Languages(), c.Lang) {
		errs["lang"] = "error.lang_invalid"
	}
	required("title", c.Title)
	maxLen("title", c.Title, MaxTitle)
	required("summary", c.Summary)
	maxLen("summary", c.Summary, MaxSummary)
	if c.OrgID == 0 {
		errs["org"] = "error.required"
	}
	if c.Sector == "" {
		required("sector", c.Sector)
	} else if _, ok := vocab.BySlug(taxonomy.Sector, c.Sector); !ok {
		errs["sector"] = "error.choice_invalid"
	}
	checkTerms := func(field string, k taxonomy.Kind, vals []string, max int) {
		for _, v := range vals {
			if _, ok := vocab.BySlug(k, v); !ok {
				errs[field] = "error.choice_invalid"
				return
			}
		}
		if len(vals) > max {
			errs[field] = fmt.Sprintf("error.too_many|%d", max)
		}
	}
	if mode == ModeSubmit && len(c.Themes) == 0 {
		errs["themes"] = "error.required"
	}
	checkTerms("themes", taxonomy.Theme, c.Themes, MaxThemes)
	checkTerms("client_groups", taxonomy.ClientGroup, c.ClientGroups, MaxGroups)
	if c.Status == "" {
		required("status", "")
	} else if !slices.Contains(Statuses(), c.Status) {
		errs["status"] = "error.choice_invalid"
	}
	if c.Year == 0 {
		required("year", "")
	} else if c.Year < MinYear || c.Year > now.Year()+1 {
		errs["year"] = fmt.Sprintf("error.year_range|%d", now.Year()+1)
	}
	required("need", c.Need)
	required("solution", c.Solution)
	for field, v := range map[string]string{"need": c.Need, "solution": c.Solution, "results": c.Results,
		"lessons": c.Lessons, "adoption": c.Adoption, "partners": c.Partners, "funding": c.Funding} {
		maxLen(field, v, MaxLongText)
	}
	required("contact_name", c.Contact.Name)
	maxLen("contact_name", c.Contact.Name, MaxShortText)
	maxLen("contact_title", c.Contact.Title, MaxShortText)
	if c.Contact.Email == "" {
		required("contact_email", "")
	} else if a, err := mail.ParseAddress(c.Contact.Email); err != nil || a.Address != c.Contact.Email || a.Name != "" {
		errs["contact_email"] = "error.email_invalid"
	}
	if c.Contact.Phone != "" && !phonePattern.MatchString(c.Contact.Phone) {
		errs["contact_phone"] = "error.phone_invalid"
	}
	if len(c.Links) > MaxLinks {
		errs["links"] = fmt.Sprintf("error.too_many|%d", MaxLinks)
	}
	for _, l := range c.Links {
		if !validURL(l.URL) {
			errs["links"] = "error.url_invalid"
			break
		}
		if utf8.RuneCountInString(l.Title) > MaxShortText {
			errs["links"] = fmt.Sprintf("error.too_long|%d", MaxShortText)
			break
		}
		if l.Kind != LinkWeb && l.Kind != LinkVideo {
			errs["links"] = "error.choice_invalid"
			break
		}
	}
	if len(c.Images) > MaxImages {
		errs["images"] = fmt.Sprintf("error.too_many|%d", MaxImages)
	}
	for _, m := range c.Images {
		// Alternative text is what a screen reader says for the image.
		if mode == ModeSubmit && m.Caption == "" {
			errs["images"] = "error.alt_required"
		}
		if utf8.RuneCountInString(m.Caption) > MaxShortText {
			errs["images"] = fmt.Sprintf("error.too_long|%d", MaxShortText)
		}
	}
	if len(c.Attachments) > MaxFiles {
		errs["attachments"] = fmt.Sprintf("error.too_many|%d", MaxFiles)
	}
	for _, m := range c.Attachments {
		if utf8.RuneCountInString(m.Caption) > MaxShortText {
			errs["attachments"] = fmt.Sprintf("error.too_long|%d", MaxShortText)
		}
	}
	return errs
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}

// Slugify makes the readable part of a deed's address from its title.
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch r {
		case 'ä', 'å', 'á', 'à', 'â':
			r = 'a'
		case 'ö', 'ó', 'ò', 'ô', 'ø':
			r = 'o'
		case 'é', 'è', 'ê', 'ë':
			r = 'e'
		case 'ü', 'ú':
			r = 'u'
		case 'š':
			r = 's'
		case 'ž':
			r = 'z'
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "teko"
	}
	return s
}
