package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/i18n"
)

// What the campaign templates call on: caHelp and the form widgets
// whose templates are in templates/layout/campaign.html.

// caHelp gives the campaign templates what the shared template functions
// lack: Finnish time (timeFormat's Date, Time and TimePtr), numbers with
// the language's decimal sign, and three-language names marked with the
// language they are shown in.
type caHelp struct {
	timeFormat
}

// help is caHelp for a page in lang.
func help(lang string) caHelp { return caHelp{timeFormat{lang}} }

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
