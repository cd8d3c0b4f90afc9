package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
)

// campaignRoutes registers the campaign endpoints of the API.
func (a *API) campaignRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/campaigns", a.listCampaigns)
	mux.HandleFunc("GET /api/v1/campaigns/{id}/results", a.campaignResults)
}

// Campaign is an award campaign in the listing. Names are given in every
// language, as in the results.
type Campaign struct {
	ID          int64            `json:"id"`
	Name        i18n.Text        `json:"name"`
	ProgrammeID int64            `json:"programme_id"`
	Programme   i18n.Text        `json:"programme"`
	Phase       string           `json:"phase"`
	Entry       campaign.Window  `json:"entry_window"`
	Judging     campaign.Window  `json:"judging_window"`
	Vote        *campaign.Window `json:"vote_window,omitempty"`
	URL         string           `json:"url"`
	// ResultsURL is set once results are published, PublishedVersion is
	// their latest version (0 before).
	ResultsURL       string `json:"results_url,omitempty"`
	PublishedVersion int    `json:"published_version"`
}

type campaignList struct {
	Items []Campaign `json:"items"`
}

// listCampaigns lists every campaign, newest first, with where it stands.
func (a *API) listCampaigns(w http.ResponseWriter, r *http.Request) {
	cs, err := a.app.Campaigns.Campaigns(r.Context(), 0)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	now := store.Now()
	out := campaignList{Items: []Campaign{}}
	for i := range cs {
		c := &cs[i]
		item := Campaign{ID: c.ID, Name: c.Name, ProgrammeID: c.ProgrammeID, Programme: c.Programme, Phase: c.Phase(now),
			Entry: c.Entry, Judging: c.Judging, Vote: c.Vote, URL: fmt.Sprintf("%s/campaigns/%d", a.baseURL, c.ID),
			PublishedVersion: c.Published}
		if c.Published > 0 {
			item.ResultsURL = fmt.Sprintf("%s/api/v1/campaigns/%d/results", a.baseURL, c.ID)
		}
		out.Items = append(out.Items, item)
	}
	writeJSON(w, http.StatusOK, out)
}

// campaignResults gives a campaign's published results: the latest
// version, or the one ?version= names. The document is the one the
// campaign page offers for download.
func (a *API) campaignResults(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		a.fail(w, r, campaign.ErrNotFound)
		return
	}
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		if version, err = strconv.Atoi(v); err != nil || version < 1 {
			writeError(w, http.StatusBadRequest, "bad_parameter", "version: must be a number from 1 up")
			return
		}
	}
	ctx := r.Context()
	if _, err = a.app.Campaigns.Campaign(ctx, id); err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.app.Campaigns.Published(ctx, id, version)
	if errors.Is(err, campaign.ErrNotFound) {
		key := "api.error.results_unpublished"
		if version > 0 {
			key = "api.error.no_results_version"
		}
		a.failWith(w, r, err, key)
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
