// Package metrics exposes a node's figures to Prometheus: request rates
// and latencies by route, the search index, the mail queue, the database
// pool. It uses the official client library, whose exposition format and
// collectors (Go runtime, process, database/sql pool) are what Prometheus
// expects and would take long to get right by hand.
package metrics

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tekotori/tekotori/internal/store"
)

// Metrics is one node's registry.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// Source gives the figures read at each scrape.
type Source struct {
	DB *store.DB
	// IndexDeeds and IndexBytes describe the search index; IndexBuilt is
	// when the current index was built.
	IndexDeeds func() int
	IndexBytes func() int64
	IndexBuilt func() time.Time
}

// New registers the collectors.
func New(src Source) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tekotori_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tekotori_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route pattern.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(src.DB.DB, string(src.DB.Dialect)))
	if src.IndexDeeds != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tekotori_search_index_deeds", Help: "Deeds in this node's search index."},
			func() float64 { return float64(src.IndexDeeds()) }))
	}
	if src.IndexBytes != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tekotori_search_index_bytes", Help: "Size of this node's search index."},
			func() float64 { return float64(src.IndexBytes()) }))
	}
	if src.IndexBuilt != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tekotori_search_index_age_seconds", Help: "Time since this node's search index was built."},
			func() float64 { return time.Since(src.IndexBuilt()).Seconds() }))
	}
	queue := func(where string) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			var n int
			if err := src.DB.QueryRow(ctx, `SELECT COUNT(*) FROM mail_outbox WHERE `+where).Scan(&n); err != nil {
				return -1
			}
			return float64(n)
		}
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tekotori_mail_queue", Help: "Mails waiting to be sent (all nodes)."},
			queue(`sent_at IS NULL AND failed_at IS NULL`)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tekotori_mail_failed", Help: "Mails given up (all nodes, all time)."},
			queue(`failed_at IS NOT NULL`)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tekotori_jobs_failing", Help: "Housekeeping jobs whose last run failed."},
			func() float64 {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				var n int
				if err := src.DB.QueryRow(ctx, `SELECT COUNT(*) FROM scheduled_jobs WHERE last_error <> ''`).Scan(&n); err != nil {
					return -1
				}
				return float64(n)
			}),
	)
	return m
}

// Observe counts one answered request of route pattern route.
func (m *Metrics) Observe(route, method string, code int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

// Handler serves the figures to a scraper that sends token as a bearer
// token; anyone else gets 404, as if there were nothing here.
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token == "" || subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}
