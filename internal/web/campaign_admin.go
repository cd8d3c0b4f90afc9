package web

import "net/http"

// campaignAdminRoutes registers the pages programme admins, jurors and
// entrants use to run a campaign.
func (s *Server) campaignAdminRoutes(mux *http.ServeMux) {}
