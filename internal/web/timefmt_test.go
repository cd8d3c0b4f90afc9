package web

import (
	"testing"
	"time"
)

// TestTimeFormat checks the one way each language writes a moment in
// Finnish time: the hour without a leading zero in Finnish and Swedish,
// summer and winter time, and nothing for the zero time.
func TestTimeFormat(t *testing.T) {
	winter := time.Date(2026, 12, 6, 7, 5, 0, 0, time.UTC)  // 9.05 in Helsinki (UTC+2)
	summer := time.Date(2026, 6, 1, 6, 0, 0, 0, time.UTC)   // 9.00 in Helsinki (UTC+3)
	late := time.Date(2026, 12, 31, 22, 30, 0, 0, time.UTC) // already 1.1.2027 in Helsinki
	for _, c := range []struct {
		lang string
		at   time.Time
		date string
		time string
	}{
		{"fi", winter, "6.12.2026", "6.12.2026 klo 9.05"},
		{"sv", winter, "6.12.2026", "6.12.2026 kl. 9.05"},
		{"en", winter, "6 Dec 2026", "6 Dec 2026, 09:05"},
		{"fi", summer, "1.6.2026", "1.6.2026 klo 9.00"},
		{"fi", late, "1.1.2027", "1.1.2027 klo 0.30"},
		{"en", late, "1 Jan 2027", "1 Jan 2027, 00:30"},
	} {
		f := timeFormat{c.lang}
		if got := f.Date(c.at); got != c.date {
			t.Errorf("%s Date(%s) = %q, want %q", c.lang, c.at, got, c.date)
		}
		if got := f.Time(c.at); got != c.time {
			t.Errorf("%s Time(%s) = %q, want %q", c.lang, c.at, got, c.time)
		}
		if got := f.TimePtr(&c.at); got != c.time {
			t.Errorf("%s TimePtr = %q, want %q", c.lang, got, c.time)
		}
	}
	f := timeFormat{"fi"}
	if f.Date(time.Time{}) != "" || f.Time(time.Time{}) != "" || f.DatePtr(nil) != "" || f.TimePtr(nil) != "" {
		t.Error("the zero time is not written as nothing")
	}
}
