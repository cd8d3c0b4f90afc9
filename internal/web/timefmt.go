package web

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Finnish time wherever the server runs
)

// helsinki is the one time zone the site shows and reads times in: the
// deeds and the campaigns are Finnish, whatever zone the server or the
// browser is in.
var helsinki = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}()

// timeFormat writes moments in Finnish time the way one language writes
// them: "6.12.2026 klo 9.05", "6.12.2026 kl. 9.05", "6 Dec 2026, 09:05".
// Every page and template function goes through it, so that no two pages
// write the same moment differently.
type timeFormat struct {
	lang string
}

// Date is the Finnish day of t; "" for the zero time.
func (f timeFormat) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(helsinki)
	if f.lang == "en" {
		return t.Format("2 Jan 2006")
	}
	return t.Format("2.1.2006")
}

// DatePtr is Date for an optional moment.
func (f timeFormat) DatePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return f.Date(*t)
}

// Time is t to the minute in Finnish time; "" for the zero time. Finnish
// and Swedish write the hour without a leading zero and a full stop before
// the minutes.
func (f timeFormat) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(helsinki)
	switch f.lang {
	case "en":
		return t.Format("2 Jan 2006, 15:04")
	case "sv":
		return f.Date(t) + " kl. " + strconv.Itoa(t.Hour()) + t.Format(".04")
	}
	return f.Date(t) + " klo " + strconv.Itoa(t.Hour()) + t.Format(".04")
}

// TimePtr is Time for an optional moment.
func (f timeFormat) TimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return f.Time(*t)
}

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
