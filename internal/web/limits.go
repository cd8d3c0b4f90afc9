package web

import (
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// clientAddr names the client for abuse limits: its IP address, or for
// IPv6 its /64 network, since one home or office holds a whole /64. Behind
// a reverse proxy the address comes from Options.ClientIPHeader (the last
// value, which the proxy itself wrote).
func (s *Server) clientAddr(r *http.Request) string {
	raw := r.RemoteAddr
	if h := s.opts.ClientIPHeader; h != "" {
		if v := r.Header.Values(h); len(v) > 0 {
			parts := strings.Split(v[len(v)-1], ",")
			raw = strings.TrimSpace(parts[len(parts)-1])
		}
	}
	if host, _, err := net.SplitHostPort(raw); err == nil {
		raw = host
	}
	ip, err := netip.ParseAddr(raw)
	if err != nil {
		return "unknown"
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// namedLimit is one counter a request passes: its name in the throttle
// table and how many hits it allows.
type namedLimit struct {
	name  string
	limit int
}

// tooMany answers a request over an abuse limit: 429, when to try again,
// in the reader's language.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := int(max(wait, time.Second).Round(time.Second) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	v := s.newView(r, "error.too_many_requests_title", nil)
	v.Data = v.T("error.too_many_requests_text", waitText(v, secs))
	s.render(w, r, http.StatusTooManyRequests, "error", v)
}

// waitText says how long to wait in whole seconds or minutes.
func waitText(v *view, secs int) string {
	if secs < 120 {
		return v.T("time.seconds", secs)
	}
	return v.T("time.minutes", (secs+59)/60)
}

// searchPaths are the requests a search limit counts.
var searchPaths = map[string]bool{"/search": true, "/deeds": true, "/search/suggest": true, "/api/v1/deeds": true}

// limitSearches holds each client to Options.SearchPerMinute searches.
func (s *Server) limitSearches(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !searchPaths[r.URL.Path] {
			next.ServeHTTP(w, r)
			return
		}
		d, err := s.searches.Allow(r.Context(), s.clientAddr(r))
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if !d.Allowed {
			s.log.WarnContext(r.Context(), "searches over the limit", "client", s.clientAddr(r))
			if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/search/suggest" {
				secs := int(max(d.RetryAfter, time.Second).Round(time.Second) / time.Second)
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(http.StatusTooManyRequests)
				v := s.newView(r, "", nil)
				json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "rate_limited",
					"message": v.T("error.too_many_requests_text", waitText(v, secs))}})
				return
			}
			s.tooMany(w, r, d.RetryAfter)
			return
		}
		next.ServeHTTP(w, r)
	})
}
