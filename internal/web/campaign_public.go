package web

import "net/http"

// campaignPublicRoutes registers the public campaign pages: the list,
// published results with their versions, downloads and the audience vote.
func (s *Server) campaignPublicRoutes(mux *http.ServeMux) {}
