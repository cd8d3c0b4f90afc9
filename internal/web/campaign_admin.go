package web

import (
	"context"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the campaign windows are entered in Finnish time wherever the server runs

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/user"
)

// campaignAdminRoutes registers the pages programme admins, jurors and
// entrants use to run a campaign.
func (s *Server) campaignAdminRoutes(mux *http.ServeMux) {
	// Programmes and their campaigns. Programmes have their own prefix:
	// under /admin/campaigns/ their pages would collide with the
	// campaigns' own /admin/campaigns/{id}/… pages.
	mux.HandleFunc("GET /admin/campaigns", s.adminCampaigns)
	mux.HandleFunc("POST /admin/campaigns", s.adminCampaigns)
	mux.HandleFunc("GET /admin/programmes/{id}", s.adminProgramme)
	mux.HandleFunc("POST /admin/programmes/{id}", s.adminProgramme)
	mux.HandleFunc("POST /admin/programmes/{id}/admins", s.adminProgrammeAddAdmin)
	mux.HandleFunc("POST /admin/programmes/{id}/admins/{user}/remove", s.adminProgrammeRemoveAdmin)
	mux.HandleFunc("GET /admin/programmes/{id}/campaigns/new", s.adminCampaignNew)
	mux.HandleFunc("POST /admin/programmes/{id}/campaigns/new", s.adminCampaignNew)

	// One campaign: settings, categories and criteria.
	mux.HandleFunc("GET /admin/campaigns/{id}", s.adminCampaignDashboard)
	mux.HandleFunc("GET /admin/campaigns/{id}/settings", s.adminCampaignSettings)
	mux.HandleFunc("POST /admin/campaigns/{id}/settings", s.adminCampaignSettings)
	mux.HandleFunc("GET /admin/campaigns/{id}/categories/new", s.adminCategory)
	mux.HandleFunc("POST /admin/campaigns/{id}/categories/new", s.adminCategory)
	mux.HandleFunc("GET /admin/campaigns/{id}/categories/{cat}", s.adminCategory)
	mux.HandleFunc("POST /admin/campaigns/{id}/categories/{cat}", s.adminCategory)
	mux.HandleFunc("POST /admin/campaigns/{id}/categories/{cat}/delete", s.adminCategoryDelete)
	mux.HandleFunc("POST /admin/campaigns/{id}/categories/{cat}/enrol", s.adminCategoryEnrol)
	mux.HandleFunc("GET /admin/campaigns/{id}/criteria/new", s.adminCriterion)
	mux.HandleFunc("POST /admin/campaigns/{id}/criteria/new", s.adminCriterion)
	mux.HandleFunc("GET /admin/campaigns/{id}/criteria/{cr}", s.adminCriterion)
	mux.HandleFunc("POST /admin/campaigns/{id}/criteria/{cr}", s.adminCriterion)
	mux.HandleFunc("POST /admin/campaigns/{id}/criteria/{cr}/delete", s.adminCriterionDelete)

	// The jury: invitations, conflicts, assignment and progress.
	mux.HandleFunc("GET /admin/campaigns/{id}/jury", s.adminJury)
	mux.HandleFunc("POST /admin/campaigns/{id}/jury/invite", s.adminJuryInvite)
	mux.HandleFunc("POST /admin/campaigns/{id}/jury/assign", s.adminJuryAssign)
	mux.HandleFunc("POST /admin/campaigns/{id}/jury/{user}/remove", s.adminJuryRemove)

	// Entries: snapshot, assignment by hand, reviews, decision, feedback.
	mux.HandleFunc("GET /admin/campaigns/{id}/entries/{entry}", s.adminEntry)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/assign", s.adminEntryAssign)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/unassign", s.adminEntryUnassign)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/decision", s.adminEntryDecision)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/feedback", s.adminEntryFeedback)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/withdraw", s.adminEntryWithdraw)

	// Results, publication and the audit log.
	mux.HandleFunc("GET /admin/campaigns/{id}/results", s.adminResults)
	mux.HandleFunc("POST /admin/campaigns/{id}/publish", s.adminPublish)
	mux.HandleFunc("GET /admin/campaigns/{id}/audit", s.adminAudit)
	mux.HandleFunc("GET /admin/campaigns/{id}/audit.csv", s.adminAuditCSV)

	// Jurors.
	mux.HandleFunc("GET /jury", s.juryHome)
	mux.HandleFunc("GET /jury/accept", s.juryAccept)
	mux.HandleFunc("POST /jury/accept", s.juryAccept)
	mux.HandleFunc("GET /jury/entries/{id}", s.juryEntry)
	mux.HandleFunc("POST /jury/entries/{id}", s.juryEntry)
	mux.HandleFunc("POST /jury/entries/{id}/conflict", s.juryConflict)

	// Entrants.
	mux.HandleFunc("GET /campaigns/enter", s.campaignEnter)
	mux.HandleFunc("POST /campaigns/enter", s.campaignEnter)
	mux.HandleFunc("GET /campaigns/feedback", s.campaignFeedback)
	mux.HandleFunc("GET /deeds/{id}/enter", s.deedEnter)
	mux.HandleFunc("POST /deeds/{id}/enter", s.deedEnter)
}

// helsinki is the time zone the campaign windows are entered and shown
// in: the campaigns are Finnish, whatever zone the server or the browser
// is in.
var helsinki = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}()

// localInput formats t for a datetime-local input in Finnish time.
func localInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(helsinki).Format("2006-01-02T15:04")
}

// localLayouts are what a datetime field accepts: the browsers' own
// datetime-local value, and what people type where the browser shows a
// plain text box.
var localLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2.1.2006 15.04", "2.1.2006 15:04", "2.1.2006 klo 15.04"}

// parseLocal reads a time in Finnish time. Empty is the zero time, left
// for the service to call required; a time that does not parse is not ok.
// A time in the hour skipped when summer time starts (03.00–04.00 on the
// last Sunday of March) does not exist and is moved an hour forward; one
// in the hour repeated in October is read, as Go's time package reads it,
// in winter time. The form shows the stored time back, so either is seen.
func parseLocal(raw string) (time.Time, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return time.Time{}, true
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, raw, helsinki); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseCount reads a whole number from a form; empty is 0.
func parseCount(raw string) (int, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0, true
	}
	n, err := strconv.Atoi(raw)
	return n, err == nil
}

// parseDecimal reads a number that may have a decimal comma.
func parseDecimal(raw string) (float64, bool) {
	raw = strings.ReplaceAll(strings.TrimSpace(raw), ",", ".")
	if raw == "" {
		return 0, true
	}
	f, err := strconv.ParseFloat(raw, 64)
	return f, err == nil
}

// formatDecimal writes a weight back for its input.
func formatDecimal(f float64, lang string) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if lang != "en" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

func pathInt(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

func formInt(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue(name)), 10, 64)
	return id
}

// signedIn answers anonymous visitors by sending them to sign in, with
// the way back.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) (*user.User, bool) {
	u := currentUser(r)
	if u == nil {
		s.redirectToLogin(w, r, "")
		return nil, false
	}
	return u, true
}

// campaignFail answers the campaign service's errors; the kinds are the
// same as every service's, so it is s.fail.
func (s *Server) campaignFail(w http.ResponseWriter, r *http.Request, err error) {
	s.fail(w, r, err)
}

// refusal is the first message of a FieldErrors that answers a request
// with no form to show it by, such as a juror opening an entry they may
// not judge.
func (s *Server) refusal(w http.ResponseWriter, r *http.Request, status int, fe campaign.FieldErrors) {
	key := "error.forbidden_text"
	if fields := slices.Sorted(maps.Keys(fe)); len(fields) > 0 {
		key = fe[fields[0]]
	}
	v := s.newView(r, "error.forbidden_title", nil)
	if status == http.StatusUnprocessableEntity {
		v = s.newView(r, "error.conflict_title", nil)
	}
	s.renderError(w, r, status, v, key)
}

// renamed gives field errors the names of the form's inputs: the
// service's "name_fi" is the form's "campaign_name_fi", and so on.
// Fields not in names get prefix.
func renamed(errs campaign.FieldErrors, prefix string, names map[string]string) map[string]string {
	out := map[string]string{}
	for f, key := range errs {
		if n, ok := names[f]; ok {
			f = n
		} else {
			f = prefix + f
		}
		out[f] = key
	}
	return out
}

// managedProgramme loads a programme for a page only its admins see.
// The service checks again on every change; this is for showing.
func (s *Server) managedProgramme(w http.ResponseWriter, r *http.Request, id int64) (*campaign.Programme, *user.User, bool) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return nil, nil, false
	}
	p, err := s.app.Campaigns.Programme(r.Context(), id)
	if err != nil {
		s.campaignFail(w, r, err)
		return nil, nil, false
	}
	if !campaign.Can(u, campaign.ActionManage, campaign.Standing{ProgrammeAdmin: slices.Contains(p.AdminIDs, u.ID)}) {
		s.forbidden(w, r)
		return nil, nil, false
	}
	return p, u, true
}

// managedCampaign loads the campaign of the request's {id} for a page
// only its programme's admins see.
func (s *Server) managedCampaign(w http.ResponseWriter, r *http.Request) (*campaign.Campaign, *user.User, bool) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return nil, nil, false
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return nil, nil, false
	}
	c, err := s.app.Campaigns.Campaign(r.Context(), id)
	if err != nil {
		s.campaignFail(w, r, err)
		return nil, nil, false
	}
	p, err := s.app.Campaigns.Programme(r.Context(), c.ProgrammeID)
	if err != nil {
		s.campaignFail(w, r, err)
		return nil, nil, false
	}
	if !campaign.Can(u, campaign.ActionManage, campaign.Standing{ProgrammeAdmin: slices.Contains(p.AdminIDs, u.ID)}) {
		s.forbidden(w, r)
		return nil, nil, false
	}
	return c, u, true
}

// caHelp gives the campaign templates what the shared template functions
// lack: Finnish time, numbers with the language's decimal sign, and
// three-language names marked with the language they are shown in.
type caHelp struct {
	lang string
}

// Time shows a moment in Finnish time.
func (h caHelp) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(helsinki)
	switch h.lang {
	case "sv":
		return fmt.Sprintf("%s kl. %d.%02d", t.Format("2.1.2006"), t.Hour(), t.Minute())
	case "en":
		return t.Format("2 Jan 2006, 15:04")
	}
	return fmt.Sprintf("%s klo %d.%02d", t.Format("2.1.2006"), t.Hour(), t.Minute())
}

// TimePtr is Time for an optional moment.
func (h caHelp) TimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return h.Time(*t)
}

// Window shows a window from its opening to its closing.
func (h caHelp) Window(w campaign.Window) string {
	return h.Time(w.Opens) + " – " + h.Time(w.Closes)
}

// Num shows a score with two decimals.
func (h caHelp) Num(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	if h.lang != "en" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// Weight shows a criterion's weight as briefly as it goes.
func (h caHelp) Weight(f float64) string { return formatDecimal(f, h.lang) }

// L shows a three-language text in the page's language, marked as
// Finnish when it falls back to Finnish.
func (h caHelp) L(t i18n.Text) template.HTML {
	s := template.HTMLEscapeString(t.In(h.lang))
	if h.lang != "fi" && t.In(h.lang) == t.FI && ((h.lang == "sv" && t.SV == "") || (h.lang == "en" && t.EN == "")) {
		return template.HTML(`<span lang="fi">` + s + `</span>`)
	}
	return template.HTML(s)
}

// Lang is the language a three-language text is shown in on this page.
func (h caHelp) Lang(t i18n.Text) string {
	if (h.lang == "sv" && t.SV != "") || (h.lang == "en" && t.EN != "") {
		return h.lang
	}
	return "fi"
}

// caField is a form field with what the campaign forms add to the shared
// one: the language of its content and the kind of input.
type caField struct {
	formField
	Lang    string
	Type    string
	Numeric bool
	On      bool
}

// F is a text field whose content is in lang.
func (h caHelp) F(v *view, name, value, hintKey string, required bool, lang string) caField {
	f := caField{formField: newFormField(v, name, value, hintKey, required)}
	if lang != h.lang {
		f.Lang = lang
	}
	return f
}

// N is a field for a whole number.
func (h caHelp) N(v *view, name, value, hintKey string, required bool) caField {
	return caField{formField: newFormField(v, name, value, hintKey, required), Numeric: true}
}

// DT is a field for a moment in Finnish time.
func (h caHelp) DT(v *view, name, value string, required bool) caField {
	return caField{formField: newFormField(v, name, value, "campaign_admin.datetime_hint", required), Type: "datetime-local"}
}

// E is a field for an e-mail address.
func (h caHelp) E(v *view, name, value, hintKey string) caField {
	return caField{formField: newFormField(v, name, value, hintKey, true), Type: "email"}
}

// YesNo is a yes-or-no choice.
func (h caHelp) YesNo(v *view, name string, on bool, hintKey string) caField {
	return caField{formField: newFormField(v, name, "", hintKey, false), On: on}
}

// summaryItem is one line of an error summary a page builds itself, for
// fields whose labels are not fixed words (a criterion's name).
type summaryItem struct {
	Anchor, Label, Message string
}

func kindLabel(v *view, k campaign.Kind) string { return v.T("campaign_admin.kind_" + string(k)) }

func ruleLabel(v *view, r campaign.Rule) string {
	if r == campaign.RuleJury {
		return v.T("campaign_admin.rule_jury")
	}
	return v.T("campaign_admin.rule_" + string(r))
}

func campaignPath(id int64, rest string) string {
	return fmt.Sprintf("/admin/campaigns/%d%s", id, rest)
}

// caTexts is the three fields of a three-language text in one fieldset.
type caTexts struct {
	Legend     string
	Area       bool
	FI, SV, EN caField
}

// Texts is the fieldset for the text called name; only Finnish can be
// required, since the other languages fall back to it.
func (h caHelp) Texts(v *view, name string, t i18n.Text, legendKey string, area, required bool) caTexts {
	return caTexts{Legend: v.T(legendKey), Area: area,
		FI: h.F(v, name+"_fi", t.FI, "", required, "fi"),
		SV: h.F(v, name+"_sv", t.SV, "", false, "sv"),
		EN: h.F(v, name+"_en", t.EN, "", false, "en")}
}

// caChoice is a group of radio buttons.
type caChoice struct {
	caField
	Options []option
}

// Choice is a radio group called name.
func (h caHelp) Choice(v *view, name string, opts []option, hintKey string) caChoice {
	return caChoice{caField: caField{formField: newFormField(v, name, "", hintKey, true)}, Options: opts}
}

// Scale is one end of a criterion's scale, described also by the
// scale's own error.
func (h caHelp) Scale(v *view, name, value string) caField {
	f := h.N(v, name, value, "", true)
	if v.Err("criterion_scale") != "" {
		f.Describe = strings.TrimSpace(f.Describe + " f-criterion_scale-error")
	}
	return f
}

// KindLabel names a category's kind.
func (h caHelp) KindLabel(v *view, k campaign.Kind) string { return kindLabel(v, k) }

// RuleLabel names how a category's winners are found.
func (h caHelp) RuleLabel(v *view, r campaign.Rule) string { return ruleLabel(v, r) }

// OutcomeLabel names a decision.
func (h caHelp) OutcomeLabel(v *view, o campaign.Outcome) string {
	return v.T("campaign_admin.outcome_" + string(o))
}

// Nav links the parts of a campaign's administration, marking the one
// shown.
func (h caHelp) Nav(v *view, id int64, here string) template.HTML {
	var b strings.Builder
	b.WriteString(`<nav aria-label="` + template.HTMLEscapeString(v.T("campaign_admin.sections")) + `"><ul class="ways">`)
	for _, part := range []struct{ name, path string }{
		{"dashboard", ""}, {"settings", "/settings"}, {"jury", "/jury"}, {"results", "/results"}, {"audit", "/audit"},
	} {
		b.WriteString(`<li><a href="` + campaignPath(id, part.path) + `"`)
		if part.name == here {
			b.WriteString(` aria-current="page"`)
		}
		b.WriteString(`>` + template.HTMLEscapeString(v.T("campaign_admin.section_"+part.name)) + `</a></li>`)
	}
	b.WriteString(`</ul></nav>`)
	return template.HTML(b.String())
}

// EntryLang is the language of an entry's title: its deed's language, or
// Finnish for an organisation, whose entry is titled by its Finnish name.
func (h caHelp) EntryLang(e campaign.Entry) string {
	if e.Kind == campaign.KindDeed && len(e.Snapshot.Deeds) > 0 && e.Snapshot.Deeds[0].Content.Lang != "" {
		return e.Snapshot.Deeds[0].Content.Lang
	}
	return "fi"
}

// ChangeText tells in words what a correction changed for one award.
func (h caHelp) ChangeText(v *view, c campaign.Change) string {
	switch {
	case c.Rationale:
		return v.T("campaign_admin.change_rationale")
	case c.From == "":
		return v.T("campaign_admin.change_added", h.OutcomeLabel(v, c.To))
	case c.To == "":
		return v.T("campaign_admin.change_removed", h.OutcomeLabel(v, c.From))
	}
	return v.T("campaign_admin.change_outcome", h.OutcomeLabel(v, c.From), h.OutcomeLabel(v, c.To))
}

// caSnapshot is what the snapshot template shows: frozen deeds.
type caSnapshot struct {
	V     *view
	Deeds []campaign.DeedSnapshot
}

// Snapshot passes frozen deeds to the snapshot template.
func (h caHelp) Snapshot(v *view, deeds []campaign.DeedSnapshot) caSnapshot {
	return caSnapshot{V: v, Deeds: deeds}
}

// Place names an entrant with its municipality, leaving the municipality
// out when it is the organisation's name too (a municipality entering
// itself).
func (h caHelp) Place(org, municipality i18n.Text) template.HTML {
	out := h.L(org)
	if municipality.FI != "" && municipality.In(h.lang) != org.In(h.lang) {
		out += ", " + h.L(municipality)
	}
	return out
}

// entryLangs maps a campaign's entries to the language of their titles.
func (s *Server) entryLangs(ctx context.Context, u *user.User, campaignID int64) (map[int64]string, error) {
	entries, err := s.app.Campaigns.Entries(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(entries))
	for _, e := range entries {
		out[e.ID] = caHelp{}.EntryLang(e)
	}
	return out, nil
}
