package campaign

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Service carries out everything that happens in programmes and campaigns.
type Service struct {
	db    *store.DB
	deeds *deed.Service
	// now is the service's clock; SeedDemo and the tests run a copy of the
	// service on another clock to play a campaign through its windows.
	now func() time.Time
	// OnPublish, when set, runs after results are published or corrected,
	// so that the search index's award facet follows.
	OnPublish func(ctx context.Context)
}

// NewService returns a Service on db. deeds gives the public view of a
// deed that entries freeze.
func NewService(db *store.DB, deeds *deed.Service) *Service {
	return &Service{db: db, deeds: deeds, now: store.Now}
}

// At returns a copy of the service whose clock reads now() instead of the
// wall clock. The copy shares the database; it exists for the demo data
// and for tests that must act inside a campaign's windows.
func (s *Service) At(now func() time.Time) *Service {
	c := *s
	c.now = func() time.Time { return now().UTC().Truncate(time.Microsecond) }
	return &c
}

func clean(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

func cleanText(t i18n.Text) i18n.Text {
	return i18n.Text{FI: clean(t.FI), SV: clean(t.SV), EN: clean(t.EN)}
}

// checkText adds the problems of a three-language text: Finnish is the
// language every record must have, the others fall back to it.
func checkText(errs FieldErrors, name string, t i18n.Text, required bool, max int) {
	if required && t.FI == "" {
		errs[name+"_fi"] = ErrKeyRequired
	}
	for lang, v := range map[string]string{"fi": t.FI, "sv": t.SV, "en": t.EN} {
		if utf8.RuneCountInString(v) > max {
			errs[name+"_"+lang] = fmt.Sprintf("%s|%d", ErrKeyTooLong, max)
		}
	}
}

func checkWindow(errs FieldErrors, name string, w Window) {
	if w.Opens.IsZero() || w.Closes.IsZero() {
		errs[name] = ErrKeyRequired
		return
	}
	if !w.Closes.After(w.Opens) {
		errs[name] = ErrKeyWindowOrder
	}
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return utc(*t)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func uid(u *user.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}
