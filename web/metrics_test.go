package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

// newMeasuredServer serves a real SQLite ledger whose observer is the
// server's metrics.
func newMeasuredServer(t *testing.T) (*Server, *ledger.Log, *Metrics) {
	t.Helper()
	db, err := store.OpenSQLite(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ls, err := store.NewLedgerStore(db, store.MainLog)
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := ledger.NewKey(storetest.Origin)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMetrics()
	l, err := ledger.Open(ls, ledger.Config{Origin: storetest.Origin, Key: key, Observer: m.Ledger(LogLedger)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return New(Config{Ledger: l, Metrics: m}), l, m
}

// sample finds the one metric of family name whose labels include want.
func sample(t *testing.T, m *Metrics, name string, want map[string]string) *dto.Metric {
	t.Helper()
	fams, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	next:
		for _, mt := range f.GetMetric() {
			have := map[string]string{}
			for _, lp := range mt.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for k, v := range want {
				if have[k] != v {
					continue next
				}
			}
			return mt
		}
	}
	return nil
}

func TestLedgerMetrics(t *testing.T) {
	_, l, m := newMeasuredServer(t)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if _, err := l.Append(context.Background(), storetest.Event(w*each+i)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	refused := errors.New("refused by its projection")
	ev := storetest.Event(-1)
	ev.Project = func(context.Context, ledger.Tx, *ledger.Entry) error { return refused }
	if _, err := l.Append(context.Background(), ev); !errors.Is(err, refused) {
		t.Fatalf("append with a refusing projection: %v", err)
	}

	const n = workers * each
	if got := sample(t, m, "qingdan_ledger_entries_appended_total", map[string]string{"log": LogLedger}).GetCounter().GetValue(); got != n {
		t.Errorf("entries appended: %v, want %d", got, n)
	}
	if got := sample(t, m, "qingdan_ledger_tree_size", map[string]string{"log": LogLedger}).GetGauge().GetValue(); got != n {
		t.Errorf("tree size: %v, want %d", got, n)
	}
	batches := sample(t, m, "qingdan_ledger_batch_entries", map[string]string{"log": LogLedger}).GetHistogram()
	if batches.GetSampleSum() != n || batches.GetSampleCount() < 1 || batches.GetSampleCount() > n {
		t.Errorf("batch sizes: sum %v over %d batches, want sum %d", batches.GetSampleSum(), batches.GetSampleCount(), n)
	}
	if got := sample(t, m, "qingdan_ledger_batch_duration_seconds", map[string]string{"log": LogLedger}).GetHistogram().GetSampleCount(); got != batches.GetSampleCount() {
		t.Errorf("batch durations: %d, want one per batch (%d)", got, batches.GetSampleCount())
	}
	ok := sample(t, m, "qingdan_ledger_append_duration_seconds", map[string]string{"log": LogLedger, "result": "ok"}).GetHistogram()
	if ok.GetSampleCount() != n || ok.GetSampleSum() <= 0 {
		t.Errorf("append latencies: %d observed (sum %vs), want %d", ok.GetSampleCount(), ok.GetSampleSum(), n)
	}
	if got := sample(t, m, "qingdan_ledger_append_duration_seconds", map[string]string{"log": LogLedger, "result": "error"}).GetHistogram().GetSampleCount(); got != 1 {
		t.Errorf("failed appends observed: %d, want 1", got)
	}
}

func TestRequestMetricsByRoutePattern(t *testing.T) {
	s, l, m := newMeasuredServer(t)
	for i := range 5 {
		if _, err := l.Append(context.Background(), storetest.Event(i)); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"/api/v1/ledger/entries/3", "/api/v1/ledger/entries/4", "/api/v1/ledger/entries/99999",
		"/no/such/page", "/metrics"} {
		get(t, s, p)
	}
	if status, _, _ := get(t, s, "/metrics"); status != 404 {
		t.Errorf("/metrics on the public listener: %d, want 404", status)
	}
	count := func(method, route, status string) float64 {
		mt := sample(t, m, "qingdan_http_requests_total", map[string]string{"method": method, "route": route, "status": status})
		return mt.GetCounter().GetValue()
	}
	if got := count("GET", "/api/v1/ledger/entries/:index", "200"); got != 2 {
		t.Errorf("entry reads answered 200: %v, want 2", got)
	}
	if got := count("GET", "/api/v1/ledger/entries/:index", "404"); got != 1 {
		t.Errorf("entry reads answered 404: %v, want 1", got)
	}
	if got := count("GET", "unmatched", "404"); got != 3 {
		t.Errorf("unmatched paths: %v, want 3", got)
	}

	// The operator's listener serves the text format; no raw path is a label.
	resp, err := s.OperatorApp().Test(httptest.NewRequest("GET", "/metrics", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(body)
	if resp.StatusCode != 200 {
		t.Fatalf("operator /metrics: %d %s", resp.StatusCode, text)
	}
	for _, want := range []string{`qingdan_ledger_tree_size{log="ledger"} 5`, `qingdan_ledger_append_duration_seconds_bucket{log="ledger",result="ok",le="+Inf"} 5`,
		`route="/api/v1/ledger/entries/:index"`, "process_resident_memory_bytes", "go_goroutines"} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, raw := range []string{"entries/3", "entries/99999", "/no/such/page"} {
		if strings.Contains(text, raw) {
			t.Errorf("/metrics carries the raw path %q as a label", raw)
		}
	}
}

// TestOperatorRoutesDeclareAccess: the operator's listener is attack
// surface too.
func TestOperatorRoutesDeclareAccess(t *testing.T) {
	s, _, _ := newMeasuredServer(t)
	rs := s.operatorRouteTable()
	if len(rs) == 0 {
		t.Fatal("no operator routes with metrics configured")
	}
	for _, r := range rs {
		if !r.access.declared() {
			t.Errorf("%s %s declares no access", r.method, r.path)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	ready := errors.New("database unreachable: /secret/path/qingdan.db")
	var state error
	s := New(Config{Ready: func(context.Context) error { return state }})
	if status, _, _ := get(t, s, "/healthz"); status != 200 {
		t.Fatalf("healthz: %d", status)
	}
	if status, _, body := get(t, s, "/readyz"); status != 200 || !strings.Contains(string(body), "ready") {
		t.Fatalf("readyz when ready: %d %s", status, body)
	}
	state = ready
	status, ctype, body := get(t, s, "/readyz")
	if status != 503 || ctype != "application/problem+json" {
		t.Fatalf("readyz when not ready: %d %s %s", status, ctype, body)
	}
	if strings.Contains(string(body), "secret") {
		t.Fatalf("readyz shows the internal reason: %s", body)
	}
	if status, _, _ := get(t, s, "/healthz"); status != 200 {
		t.Fatalf("healthz when not ready: %d (alive is not ready)", status)
	}
}

// TestRequestLogNamesThePattern: at debug level every request is logged
// with its route pattern and status, never its raw path.
func TestRequestLogNamesThePattern(t *testing.T) {
	_, l, m := newMeasuredServer(t)
	if _, err := l.Append(context.Background(), storetest.Event(0)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	s := New(Config{Ledger: l, Metrics: m, Logger: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	get(t, s, "/api/v1/ledger/entries/0")
	var rec struct {
		Msg, Method, Route string
		Status             int
	}
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("request log %q: %v", buf.String(), err)
	}
	if rec.Msg != "request" || rec.Method != "GET" || rec.Route != "/api/v1/ledger/entries/:index" || rec.Status != 200 {
		t.Errorf("request log: %+v", rec)
	}
	if strings.Contains(buf.String(), "entries/0") {
		t.Errorf("request log carries the raw path: %s", buf.String())
	}
	buf.Reset()
	quiet := New(Config{Ledger: l, Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	get(t, quiet, "/api/v1/ledger/entries/0")
	if buf.Len() != 0 {
		t.Errorf("request logged at info level: %s", buf.String())
	}
}
