package web

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/tekotori/tekotori/internal/campaign"
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
	mux.HandleFunc("POST /admin/campaigns/{id}/jury/remind", s.adminJuryRemind)
	mux.HandleFunc("GET /admin/campaigns/{id}/jury/{user}/remove", s.adminJuryRemove)
	mux.HandleFunc("POST /admin/campaigns/{id}/jury/{user}/remove", s.adminJuryRemove)

	// Entries: snapshot, assignment by hand, reviews, decision, feedback.
	mux.HandleFunc("GET /admin/campaigns/{id}/entries/{entry}", s.adminEntry)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/assign", s.adminEntryAssign)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/unassign", s.adminEntryUnassign)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/conflict", s.adminEntryConflict)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/decision", s.adminEntryDecision)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/feedback", s.adminEntryFeedback)
	mux.HandleFunc("GET /admin/campaigns/{id}/entries/{entry}/reviews/{user}/reopen", s.adminReviewReopen)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/reviews/{user}/reopen", s.adminReviewReopen)
	mux.HandleFunc("GET /admin/campaigns/{id}/entries/{entry}/withdraw", s.adminEntryWithdraw)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/withdraw", s.adminEntryWithdraw)

	// Results, publication and the audit log.
	mux.HandleFunc("GET /admin/campaigns/{id}/results", s.adminResults)
	mux.HandleFunc("POST /admin/campaigns/{id}/publish", s.adminPublish)
	mux.HandleFunc("POST /admin/campaigns/{id}/results/bulk", s.adminBulk)
	mux.HandleFunc("POST /admin/campaigns/{id}/entries/{entry}/extra-juror", s.adminExtraJuror)
	mux.HandleFunc("GET /admin/campaigns/{id}/close-judging", s.adminCloseJudging)
	mux.HandleFunc("POST /admin/campaigns/{id}/close-judging", s.adminCloseJudging)
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
	p, err := s.app.Campaigns.ManagedProgramme(r.Context(), u, id)
	if err != nil {
		s.campaignFail(w, r, err)
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
	c, err := s.app.Campaigns.ManagedCampaign(r.Context(), u, id)
	if err != nil {
		s.campaignFail(w, r, err)
		return nil, nil, false
	}
	return c, u, true
}

func campaignPath(id int64, rest string) string {
	return fmt.Sprintf("/admin/campaigns/%d%s", id, rest)
}

// entryLangs maps a campaign's entries to the language of their titles.
func (s *Server) entryLangs(ctx context.Context, u *user.User, campaignID int64) (map[int64]string, error) {
	entries, err := s.app.Campaigns.Entries(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(entries))
	for _, e := range entries {
		out[e.ID] = help("").EntryLang(e)
	}
	return out, nil
}
