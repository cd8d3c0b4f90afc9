package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tekotori/tekotori/internal/user"
)

// TestAccountAndAdminPagesA11y opens the pages added for accounts, site
// administration and sharing in Chromium, in all three languages, and
// holds each to WCAG 2.1 A and AA with axe: the sign-in helpers, the
// account page and two-factor set-up, a form whose errors are shown, and
// the admin pages of people, members, the audit log and the thesaurus.
func TestAccountAndAdminPagesA11y(t *testing.T) {
	e := setup(t)
	e.addUser("saavutettava@example.org", user.RoleAdmin, "kangasala")
	pages := []string{"/account", "/account/2fa", "/admin/users", "/admin/members", "/admin/audit", "/admin/thesaurus", "/admin/settings"}
	// One browser a language: each has its own time limit.
	for _, lang := range []string{"fi", "sv", "en"} {
		t.Run(lang, func(t *testing.T) {
			ctx, stop := e.browser()
			defer stop()
			e.run(ctx, chromedp.Navigate(e.base+"/lang/"+lang+"?next=/"))
			for _, p := range []string{"/register", "/login", "/account/reset", "/login/link"} {
				e.run(ctx, chromedp.Navigate(e.base+p))
				e.checkA11y(ctx, lang+" "+p)
			}
			e.run(ctx, chromedp.Navigate(e.base+"/login"),
				chromedp.SendKeys("#f-email", "saavutettava@example.org"),
				chromedp.SendKeys("#f-password", password),
				chromedp.Submit("#f-password"),
				chromedp.WaitVisible(`a.who`))
			for _, p := range pages {
				e.run(ctx, chromedp.Navigate(e.base+p))
				e.checkA11y(ctx, lang+" "+p)
			}
			// A form that fails, with every error shown at once.
			e.run(ctx, chromedp.Navigate(e.base+"/account"), chromedp.WaitVisible("#f-name"))
			e.eval(ctx, `(() => { document.querySelector('#f-name').value = ''; return '' })()`)
			e.run(ctx, chromedp.Submit("#f-name"), chromedp.WaitVisible(".error-summary"))
			e.checkA11y(ctx, lang+" account with errors")
		})
	}
}
