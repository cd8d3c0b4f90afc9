package web

import "net/http"

// Routes is the mux the site's Handler serves, for the authorisation matrix
// test to ask which pattern a request reaches.
func (s *Server) Routes() *http.ServeMux { return s.routes() }
