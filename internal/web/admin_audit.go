package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/audit"
)

// auditPerPage is how many lines of the audit log a page shows.
const auditPerPage = 50

type auditData struct {
	Rows    []auditRow
	Total   int
	Actors  []option
	Actions []option
	From    string
	To      string
	CSV     string
	Pager   pager
}

type auditRow struct {
	When, Actor, Action, Target, Before, After string
}

// auditFilter reads the filter form (a GET); problems are returned by
// field, as translation keys, and the filter is then not used.
func auditFilter(q url.Values) (audit.Filter, map[string]string) {
	var f audit.Filter
	errs := map[string]string{}
	if v := q.Get("actor"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			errs["actor"] = "error.choice_invalid"
		} else {
			f.ActorID = &id
		}
	}
	if v := q.Get("action"); v != "" {
		known := false
		for _, a := range audit.Actions() {
			known = known || a == v
		}
		if !known {
			errs["action"] = "error.choice_invalid"
		}
		f.Action = v
	}
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := strings.TrimSpace(q.Get(name)); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				errs[name] = "audit.date_invalid"
				continue
			}
			*dst = t
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		errs["to"] = "audit.date_order"
	}
	return f, errs
}

// auditActorName is how a line's actor reads: the console by its role,
// people by the name and e-mail they had.
func (v *view) auditActorName(a audit.Actor) string {
	if a.ID == 0 {
		return v.T("audit.system")
	}
	return a.Name
}

// siteAudit shows the audit log of site administration, filtered and
// paged; the service decides who may read it.
func (s *Server) siteAudit(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	ctx := r.Context()
	q := r.URL.Query()
	v := s.newView(r, "audit.title", nil)
	actors, err := s.app.Audit.Actors(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, errs := auditFilter(q)
	d := auditData{From: q.Get("from"), To: q.Get("to")}
	d.Actors = append(d.Actors, option{Value: "", Label: v.T("audit.everyone")})
	for _, a := range actors {
		val := strconv.FormatInt(a.ID, 10)
		d.Actors = append(d.Actors, option{Value: val, Label: v.auditActorName(a), Selected: val == q.Get("actor")})
	}
	d.Actions = append(d.Actions, option{Value: "", Label: v.T("audit.every_action")})
	for _, a := range audit.Actions() {
		d.Actions = append(d.Actions, option{Value: a, Label: v.T("audit.action." + a), Selected: a == q.Get("action")})
	}
	status := http.StatusOK
	if len(errs) > 0 {
		v.setErrors(errs, []string{"actor", "action", "from", "to"})
		status = http.StatusUnprocessableEntity
	} else {
		page := pageNumber(q)
		p, err := s.app.Audit.List(ctx, u, f, (page-1)*auditPerPage, auditPerPage)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Total = p.Total
		for _, e := range p.Entries {
			d.Rows = append(d.Rows, auditRow{When: e.At.Format("2.1.2006 15.04.05 UTC"), Actor: v.auditActorName(e.Actor),
				Action: s.auditLabel(v, e.Action), Target: e.Target, Before: e.Before, After: e.After})
		}
		d.Pager = newPager(v, "/admin/audit", q, page, auditPerPage, p.Total)
		csvQuery := url.Values{}
		for _, k := range []string{"actor", "action", "from", "to"} {
			if val := q.Get(k); val != "" {
				csvQuery.Set(k, val)
			}
		}
		d.CSV = "/admin/audit.csv"
		if enc := csvQuery.Encode(); enc != "" {
			d.CSV += "?" + enc
		}
	}
	v.Data = d
	s.render(w, r, status, "admin_audit", v)
}

// siteAuditCSV gives the lines the same filter keeps as a CSV download.
func (s *Server) siteAuditCSV(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	f, errs := auditFilter(r.URL.Query())
	if len(errs) > 0 {
		s.badRequest(w, r)
		return
	}
	v := s.newView(r, "", nil)
	// Asked first, so that a refusal is a page and not half a file.
	if _, err := s.app.Audit.Actors(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="tekotori-audit.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := s.app.Audit.WriteCSV(r.Context(), u, f, w, func(a string) string { return s.auditLabel(v, a) }); err != nil {
		// The header is out: all that is left is to log it.
		s.log.ErrorContext(r.Context(), "audit csv failed", "err", err)
	}
}

// auditLabel names an action of the log in the reader's language: campaign
// lines by the campaign log's own words, the rest by the site log's.
func (s *Server) auditLabel(v *view, action string) string {
	if rest, ok := strings.CutPrefix(action, "campaign_"); ok {
		label := rest
		if key := "campaign_admin.audit_" + rest; s.cat.Has(v.Lang, key) {
			label = v.T(key)
		}
		return v.T("audit.campaign_line", label)
	}
	return v.T("audit.action." + action)
}
