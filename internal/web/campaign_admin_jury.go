package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/campaign"
)

// The jury page of a campaign's administration: invitations, jurors with
// their progress, conflicts of interest and automatic assignment.

type caJurorRow struct {
	J campaign.Juror
	P campaign.JurorProgress
}

type caConflictRow struct {
	EntryID int64
	Entry   string
	Juror   string
	Kind    string
	Reason  string
	At      string
}

type caEntryProgress struct {
	P        campaign.EntryProgress
	Category string
	Jury     bool
}

type caJuryData struct {
	caHelp
	C           *campaign.Campaign
	Invitations []campaign.Invitation
	Jurors      []caJurorRow
	Conflicts   []caConflictRow
	Entries     []caEntryProgress
	InviteEmail string
	NewLink     string
	NewEmail    string
	Langs       map[int64]string
	// The jury's progress at a glance.
	Assigned, Submitted, Percent, Late int
	JudgingOpen                        bool
}

// adminJury shows the jury: invitations, members with their progress,
// conflicts of interest, and the entries' progress.
func (s *Server) adminJury(w http.ResponseWriter, r *http.Request) {
	c, _, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	v := s.newView(r, "campaign_admin.jury_title", nil)
	q := r.URL.Query()
	if q.Get("msg") == "campaign_assigned" {
		added, _ := strconv.Atoi(q.Get("added"))
		short, _ := strconv.Atoi(q.Get("short"))
		v.Notice = v.T("campaign_admin.assigned_report", added, short)
		if linked, _ := strconv.Atoi(q.Get("linked")); linked > 0 {
			v.Notice += " " + v.T("campaign_admin.assigned_linked", linked)
		}
	}
	if q.Get("msg") == "campaign_reminded" {
		n, _ := strconv.Atoi(q.Get("n"))
		skipped, _ := strconv.Atoi(q.Get("skipped"))
		v.Notice = v.T("campaign_admin.reminded", n, skipped)
	}
	s.renderJury(w, r, http.StatusOK, v, caJuryData{C: c})
}

// adminJuryRemind mails the jurors who have reviews left.
func (s *Server) adminJuryRemind(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	rep, err := s.app.Campaigns.RemindLateJurors(r.Context(), u, c.ID)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		v := s.newView(r, "campaign_admin.jury_title", nil)
		v.Notice = v.T(fe["campaign"])
		s.renderJury(w, r, http.StatusUnprocessableEntity, v, caJuryData{C: c})
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, fmt.Sprintf("/jury?msg=campaign_reminded&n=%d&skipped=%d#jury-progress", rep.Reminded, rep.Skipped)), http.StatusSeeOther)
	}
}

func (s *Server) renderJury(w http.ResponseWriter, r *http.Request, status int, v *view, d caJuryData) {
	ctx := r.Context()
	u := currentUser(r)
	d.caHelp = help(v.Lang)
	var err error
	if d.Invitations, err = s.app.Campaigns.Invitations(ctx, u, d.C.ID); err != nil {
		s.campaignFail(w, r, err)
		return
	}
	jurors, err := s.app.Campaigns.Jurors(ctx, u, d.C.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	prog, err := s.app.Campaigns.Progress(ctx, u, d.C.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	conflicts, err := s.app.Campaigns.Conflicts(ctx, u, d.C.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	d.Assigned, d.Submitted = prog.Totals()
	if d.Assigned > 0 {
		d.Percent = 100 * d.Submitted / d.Assigned
	}
	d.Late, d.JudgingOpen = prog.LateJurors(), d.C.Judging.Contains(time.Now())
	names := map[int64]string{}
	progress := map[int64]campaign.JurorProgress{}
	for _, jp := range prog.Jurors {
		progress[jp.UserID] = jp
	}
	for _, j := range jurors {
		names[j.UserID] = j.Name
		d.Jurors = append(d.Jurors, caJurorRow{J: j, P: progress[j.UserID]})
	}
	titles := map[int64]string{}
	for _, ep := range prog.Entries {
		titles[ep.EntryID] = ep.Title
		cat := d.C.Category(ep.CategoryID)
		row := caEntryProgress{P: ep}
		if cat != nil {
			row.Category = cat.Name.In(v.Lang)
			row.Jury = cat.Rule == campaign.RuleJury
		}
		d.Entries = append(d.Entries, row)
	}
	d.Conflicts = conflictRows(v, d.caHelp, conflicts, titles, names, 0)
	if d.Langs, err = s.entryLangs(ctx, u, d.C.ID); err != nil {
		s.campaignFail(w, r, err)
		return
	}
	v.Data = d
	s.render(w, r, status, "campaign_admin_jury", v)
}

// conflictRows names the conflicts of one entry, or of all when entryID
// is 0, in words.
func conflictRows(v *view, h caHelp, cs []campaign.Conflict, titles, names map[int64]string, entryID int64) []caConflictRow {
	var out []caConflictRow
	for _, cf := range cs {
		if entryID != 0 && cf.EntryID != entryID {
			continue
		}
		out = append(out, caConflictRow{EntryID: cf.EntryID, Entry: titles[cf.EntryID], Juror: names[cf.UserID],
			Kind: v.T("campaign_admin.conflict_" + cf.Kind), Reason: cf.Reason, At: h.Time(cf.CreatedAt)})
	}
	return out
}

// adminJuryInvite invites a person to the jury by e-mail. The invitation
// goes to the outbox; the page also shows its link, once, because the
// token is kept only as a hash and mail is not sent yet. So this answers
// with the page itself rather than a redirect, which would put the token
// in the browser's history and the server's logs.
func (s *Server) adminJuryInvite(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	v := s.newView(r, "campaign_admin.jury_title", nil)
	email := r.PostFormValue("invite_email")
	inv, err := s.app.Campaigns.InviteJuror(r.Context(), u, c.ID, email)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		v.setErrors(renamed(fe, "invite_", nil), nil)
		s.renderJury(w, r, http.StatusUnprocessableEntity, v, caJuryData{C: c, InviteEmail: email})
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		v.Notice = v.T("flash.campaign_invited")
		s.renderJury(w, r, http.StatusOK, v, caJuryData{C: c, NewEmail: inv.Email,
			NewLink: strings.TrimSuffix(s.opts.BaseURL, "/") + campaign.InvitationPath + inv.Token})
	}
}

// adminJuryAssign gives every entry its jurors automatically.
func (s *Server) adminJuryAssign(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	rep, err := s.app.Campaigns.AssignAutomatically(r.Context(), u, c.ID)
	if err != nil {
		s.campaignFail(w, r, err)
		return
	}
	http.Redirect(w, r, campaignPath(c.ID, fmt.Sprintf("/jury?msg=campaign_assigned&added=%d&short=%d&linked=%d", rep.Added, len(rep.Short), rep.Linked)), http.StatusSeeOther)
}
