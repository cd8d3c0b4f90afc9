package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/campaign"
)

// An awarded entry's printable certificate and its badge, an SVG image
// the winner can put on their own site with a link back to the results.

type caCertificateData struct {
	Cert      *campaign.Certificate
	Outcome   string
	Campaign  string
	Programme string
	Category  string
	Org       string
	Date      string
	Results   string
	Badge     string
	// Embed is the HTML to copy for one's own site.
	Embed string
}

// certificatePath parses "certificates/N" or "badges/N.svg".
func certificatePath(rest string) (kind string, entry int64, ok bool) {
	switch {
	case strings.HasPrefix(rest, "certificates/"):
		kind, rest = "certificate", strings.TrimPrefix(rest, "certificates/")
	case strings.HasPrefix(rest, "badges/") && strings.HasSuffix(rest, ".svg"):
		kind, rest = "badge", strings.TrimSuffix(strings.TrimPrefix(rest, "badges/"), ".svg")
	default:
		return "", 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return kind, id, err == nil && id > 0
}

// pubCertificate serves an award's certificate page or badge.
func (s *Server) pubCertificate(w http.ResponseWriter, r *http.Request, campaignID int64, kind string, entryID int64) {
	cert, err := s.app.Campaigns.CertificateOf(r.Context(), campaignID, entryID)
	if err != nil {
		s.pubFail(w, r, err)
		return
	}
	v := s.newView(r, "cpublic.certificate_title", nil)
	tf := timeFormat{v.Lang}
	results := fmt.Sprintf("/campaigns/%d", cert.CampaignID)
	badge := fmt.Sprintf("%s/badges/%d.svg", results, entryID)
	d := caCertificateData{Cert: cert, Outcome: upperFirst(pubOutcome(v, cert.Award.Outcome)), Campaign: cert.Campaign.In(v.Lang),
		Programme: cert.Programme.In(v.Lang), Category: cert.Category.In(v.Lang), Org: cert.Award.OrgName.In(v.Lang),
		Date: tf.Date(cert.PublishedAt), Results: results, Badge: badge}
	if kind == "badge" {
		s.writeBadge(w, v, d)
		return
	}
	base := strings.TrimRight(s.opts.BaseURL, "/")
	alt := v.T("cpublic.badge_alt", d.Outcome, d.Category, d.Campaign)
	d.Embed = fmt.Sprintf(`<a href="%s%s"><img src="%s%s" alt="%s" width="240" height="80"></a>`,
		base, results, base, badge, xmlEscape(alt))
	v.Data = d
	s.render(w, r, http.StatusOK, "campaign_public_certificate", v)
}

// writeBadge draws the badge: the outcome, the category and the campaign,
// each cut to fit.
func (s *Server) writeBadge(w http.ResponseWriter, v *view, d caCertificateData) {
	fit := func(t string, n int) string {
		if utf8.RuneCountInString(t) <= n {
			return t
		}
		return string([]rune(t)[:n-1]) + "…"
	}
	title := v.T("cpublic.badge_alt", d.Outcome, d.Category, d.Campaign)
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	// Badges follow the latest version of the results.
	h.Set("Cache-Control", "public, max-age=3600")
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80" viewBox="0 0 240 80" role="img" aria-label="%s">
<title>%s</title>
<rect x="1" y="1" width="238" height="78" rx="8" fill="#fff8e1" stroke="#8a6d00" stroke-width="2"/>
<text x="120" y="28" text-anchor="middle" font-family="sans-serif" font-size="16" font-weight="bold" fill="#5c4700">%s</text>
<text x="120" y="48" text-anchor="middle" font-family="sans-serif" font-size="12" fill="#222">%s</text>
<text x="120" y="66" text-anchor="middle" font-family="sans-serif" font-size="11" fill="#444">%s</text>
</svg>
`, xmlEscape(title), xmlEscape(title), xmlEscape(fit(d.Outcome, 28)), xmlEscape(fit(d.Category, 36)), xmlEscape(fit(d.Campaign, 40)))
}

// upperFirst capitalises a label that starts a sentence or a badge.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
