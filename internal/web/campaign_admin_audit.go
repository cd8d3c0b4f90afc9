package web

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/tekotori/tekotori/internal/campaign"
)

// A campaign's audit log, as a page and as CSV.

type caAuditRow struct {
	campaign.AuditEntry
	Label string
	When  string
}

type caAuditData struct {
	caHelp
	C    *campaign.Campaign
	Rows []caAuditRow
}

// adminAudit shows the campaign's audit log, newest last, as it is kept.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	log, err := s.app.Campaigns.Audit(r.Context(), u, c.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	v := s.newView(r, "campaign_admin.audit_title", nil)
	d := caAuditData{caHelp: help(v.Lang), C: c}
	for _, a := range log {
		label := a.Action
		if key := "campaign_admin.audit_" + a.Action; s.cat.Has(v.Lang, key) {
			label = v.T(key)
		}
		d.Rows = append(d.Rows, caAuditRow{AuditEntry: a, Label: label, When: d.Time(a.At)})
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "campaign_admin_audit", v)
}

// adminAuditCSV downloads the audit log.
func (s *Server) adminAuditCSV(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := s.app.Campaigns.WriteAuditCSV(r.Context(), u, c.ID, &buf); err != nil {
		s.campaignFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"campaign-%d-audit.csv\"", c.ID))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
