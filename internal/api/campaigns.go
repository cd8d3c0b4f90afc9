package api

import "net/http"

// campaignRoutes registers the campaign endpoints of the API.
func (a *API) campaignRoutes(mux *http.ServeMux) {}
