package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"qingdan/ledger"
)

// Metrics are the service's Prometheus metrics, on a registry of their
// own (so that tests and several servers in one process do not share
// counters). The ledger reports through Ledger's observer; the web layer
// counts requests by route pattern, never by raw path, so that the label
// set stays small and no application number or query code becomes a label.
type Metrics struct {
	reg *prometheus.Registry

	requests       *prometheus.CounterVec   // method, route, status
	requestSeconds *prometheus.HistogramVec // method, route

	appendSeconds *prometheus.HistogramVec // log, result
	batchEntries  *prometheus.HistogramVec // log
	batchSeconds  *prometheus.HistogramVec // log
	entries       *prometheus.CounterVec   // log
	treeSize      *prometheus.GaugeVec     // log
	verifySeconds *prometheus.HistogramVec // log, result
}

// Names of the two logs in the "log" label.
const (
	LogLedger   = "ledger"
	LogSecurity = "seclog"
)

// NewMetrics registers every metric, with the Go runtime's and the
// process's (resident memory, open files) beside them.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "qingdan_http_requests_total", Help: "HTTP requests answered, by method, route pattern and status.",
	}, []string{"method", "route", "status"})
	m.requestSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "qingdan_http_request_duration_seconds", Help: "Time to answer an HTTP request, by method and route pattern.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"method", "route"})
	m.appendSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "qingdan_ledger_append_duration_seconds", Help: "Time from an append's request to its durable receipt (or failure).",
		Buckets: []float64{.0005, .001, .002, .004, .008, .016, .032, .064, .128, .256, .512, 1, 2, 5},
	}, []string{"log", "result"})
	m.batchEntries = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "qingdan_ledger_batch_entries", Help: "Entries per committed group-commit batch.",
		Buckets: prometheus.ExponentialBuckets(1, 2, 11), // 1 … 1024
	}, []string{"log"})
	m.batchSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "qingdan_ledger_batch_duration_seconds", Help: "Time to write and commit one batch transaction.",
		Buckets: []float64{.0005, .001, .002, .004, .008, .016, .032, .064, .128, .256, .512, 1, 2},
	}, []string{"log"})
	m.entries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "qingdan_ledger_entries_appended_total", Help: "Entries this process appended since it started.",
	}, []string{"log"})
	m.treeSize = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "qingdan_ledger_tree_size", Help: "Entries in the log at the last signed checkpoint this process wrote or read.",
	}, []string{"log"})
	m.verifySeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "qingdan_ledger_verify_duration_seconds", Help: "Time of a full verification of a log by the server (--verify-interval), by result.",
		Buckets: []float64{.01, .05, .1, .5, 1, 2.5, 5, 10, 30, 60, 300},
	}, []string{"log", "result"})
	m.reg.MustRegister(m.requests, m.requestSeconds, m.appendSeconds, m.batchEntries, m.batchSeconds,
		m.entries, m.treeSize, m.verifySeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Ledger returns the observer to give the named log (ledger.Config.Observer).
func (m *Metrics) Ledger(log string) ledger.Observer { return ledgerObserver{m: m, log: log} }

// TreeSize records a log's size read at startup, before any commit.
func (m *Metrics) TreeSize(log string, size int64) {
	m.treeSize.WithLabelValues(log).Set(float64(size))
}

// Verified records one full verification of a log.
func (m *Metrics) Verified(log string, took time.Duration, err error) {
	m.verifySeconds.WithLabelValues(log, result(err)).Observe(took.Seconds())
}

func result(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

type ledgerObserver struct {
	m   *Metrics
	log string
}

func (o ledgerObserver) Appended(took time.Duration, err error) {
	o.m.appendSeconds.WithLabelValues(o.log, result(err)).Observe(took.Seconds())
}

func (o ledgerObserver) Committed(entries int, treeSize int64, took time.Duration) {
	o.m.batchEntries.WithLabelValues(o.log).Observe(float64(entries))
	o.m.batchSeconds.WithLabelValues(o.log).Observe(took.Seconds())
	o.m.entries.WithLabelValues(o.log).Add(float64(entries))
	o.m.treeSize.WithLabelValues(o.log).Set(float64(treeSize))
}

// slowRequest is how long a request may take before it is logged as slow.
const slowRequest = 2 * time.Second

// measure counts and times every request by its route pattern. A request
// no route matched is counted under the route "unmatched". It runs before
// the error handler, so an error's status is worked out here as the
// handler will.
func (s *Server) measure(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	took := time.Since(start)
	status := c.Response().StatusCode()
	if err != nil {
		status, _ = statusOf(err)
	}
	method := c.Method()
	route := "unmatched"
	if c.Locals(unmatchedPath) == nil {
		route = s.routeOf(method, c.Route())
	}
	if m := s.cfg.Metrics; m != nil {
		m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
		m.requestSeconds.WithLabelValues(method, route).Observe(took.Seconds())
	}
	level := s.cfg.Logger.Debug
	if took >= slowRequest {
		level = s.cfg.Logger.Warn
	}
	level("request", "method", method, "route", route, "status", status, "ms", took.Milliseconds())
	return err
}

// unmatchedPath is set by the catch-all: Fiber reports its "/" as the
// route, which is also the home page's.
const unmatchedPath = "qingdan.unmatched"

// routeOf is the pattern of the route table that answered, or
// "unmatched".
func (s *Server) routeOf(method string, r *fiber.Route) string {
	if method == fiber.MethodHead {
		method = fiber.MethodGet
	}
	if r != nil && s.patterns[method+" "+r.Path] {
		return r.Path
	}
	return "unmatched"
}

// metricsHandler serves the registry in the Prometheus text format.
func (s *Server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.cfg.Metrics.reg, promhttp.HandlerOpts{}))
}
