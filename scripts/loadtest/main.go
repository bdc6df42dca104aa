// Command loadtest drives a running qingdan server over HTTP and reports
// throughput, latency percentiles and errors per kind of request.
//
//	go run ./scripts/loadtest -url http://127.0.0.1:8080 -clients 64 -duration 20s -mix decisions
//
// Start the server first, with the demo accounts and without the public
// rate limit per client address (all clients come from one address):
//
//	go run ./cmd/qingdan serve --demo --rate-limit 0 --data /tmp/qingdan-load
//
// Mixes:
//
//	decisions    each client works for one department (clients are spread
//	             over the demo departments) and runs applications through
//	             submit → accept → review (as clerk.D) → decide (as
//	             approver.D, so four eyes holds); every one of these is a
//	             durable ledger append, and "decide" is the headline figure
//	submissions  public submissions only
//	reads        public reads: list pages and progress queries of
//	             applications submitted before the clock starts
//	mixed        70% reads, 20% submissions, 10% officials' actions that
//	             move the client's own applications on one step
//
// -rate caps the requests per second of all clients together (0: as fast
// as they can). -verify-receipts checks, after the run, every receipt the
// server gave against the verifier key pinned at the start (offline:
// signature, inclusion proof), that no two receipts claim one index, and
// that the checkpoints the receipts carry are consistent with one another
// (consistency proofs fetched from the server, checked locally).
//
// The tool only talks to loopback addresses and is bounded in time
// (-duration ≤ 30m) and in requests (-max-requests). Latency is measured per
// request by closed-loop clients (a client waits for each answer before its
// next request), from sending the request to reading the whole answer.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// Bounds on what one run may do.
const (
	maxDuration    = 30 * time.Minute
	maxClients     = 4096
	maxRequestsCap = 20_000_000
)

// Kinds of measured requests, in report order.
const (
	kSubmit   = "submit"
	kAccept   = "accept"
	kReview   = "review"
	kDecide   = "decide"
	kList     = "list"
	kProgress = "progress"
)

var kindOrder = []string{kSubmit, kAccept, kReview, kDecide, kList, kProgress}

// durable kinds are ledger appends.
var durable = map[string]bool{kSubmit: true, kAccept: true, kReview: true, kDecide: true}

type config struct {
	base        string
	replicas    []string // every -url; base is the first
	clients     int
	duration    time.Duration
	mix         string
	rate        float64
	maxRequests int64
	verify      bool
	password    string
	timeout     time.Duration

	receiptsOut   string // append acknowledged receipts here
	checkReceipts string // no load: check these receipts against the server
	vkey          string // verifier key pinned earlier (for -check-receipts)
}

func main() {
	var cfg config
	flag.StringVar(&cfg.base, "url", "http://127.0.0.1:8080", "base URL of the running server (loopback addresses only); several replicas: comma-separated, used round-robin")
	flag.IntVar(&cfg.clients, "clients", 64, "concurrent clients")
	flag.DurationVar(&cfg.duration, "duration", 20*time.Second, "how long to send requests (at most 30m)")
	flag.StringVar(&cfg.mix, "mix", "decisions", "decisions, submissions, reads or mixed")
	flag.Float64Var(&cfg.rate, "rate", 0, "cap on requests per second of all clients together (0: no cap)")
	flag.Int64Var(&cfg.maxRequests, "max-requests", 2_000_000, "stop after this many measured requests")
	flag.BoolVar(&cfg.verify, "verify-receipts", false, "verify every receipt against the pinned verifier key after the run")
	flag.StringVar(&cfg.password, "password", "qingdan-demo", "password of the demo accounts clerk.D and approver.D")
	flag.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "timeout of one request")
	flag.StringVar(&cfg.receiptsOut, "receipts-out", "", "append every acknowledged receipt to this file, one JSON object a line, as it arrives")
	flag.StringVar(&cfg.checkReceipts, "check-receipts", "", "send no load: check that the server holds every receipt in this file (written by -receipts-out)")
	flag.StringVar(&cfg.vkey, "vkey", "", "with -check-receipts: the verifier key pinned earlier (default: the server's)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runMode := run
	if cfg.checkReceipts != "" {
		runMode = func(ctx context.Context, cfg config, out io.Writer) error {
			if err := checkConfig(&cfg); err != nil {
				return err
			}
			return checkReceipts(ctx, cfg, out)
		}
	}
	if err := runMode(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// checkConfig validates the flags and the loopback-only rule.
func checkConfig(cfg *config) error {
	// Several replicas (issue 8): -url a,b,c spreads the requests over
	// them round-robin, like a load balancer; setup uses the first.
	cfg.replicas = nil
	for _, raw := range strings.Split(cfg.base, ",") {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("-url %q: want http://HOST:PORT", raw)
		}
		if !loopback(u.Hostname()) {
			return fmt.Errorf("-url %q: only loopback addresses (127.0.0.0/8, ::1, localhost) may be load-tested", raw)
		}
		cfg.replicas = append(cfg.replicas, strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"))
	}
	cfg.base = cfg.replicas[0]
	switch cfg.mix {
	case "decisions", "submissions", "reads", "mixed":
	default:
		return fmt.Errorf("-mix %q: want decisions, submissions, reads or mixed", cfg.mix)
	}
	if cfg.clients < 1 || cfg.clients > maxClients {
		return fmt.Errorf("-clients %d: want 1…%d", cfg.clients, maxClients)
	}
	if cfg.duration <= 0 || cfg.duration > maxDuration {
		return fmt.Errorf("-duration %v: want more than 0 and at most %v", cfg.duration, maxDuration)
	}
	if cfg.maxRequests < 1 || cfg.maxRequests > maxRequestsCap {
		return fmt.Errorf("-max-requests %d: want 1…%d", cfg.maxRequests, maxRequestsCap)
	}
	if cfg.rate < 0 {
		return fmt.Errorf("-rate %v: want ≥ 0", cfg.rate)
	}
	return nil
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// session is an official's login, shared by the clients of a department.
type session struct {
	cookie, csrf string
}

// dept is a department with the services that take applications.
type dept struct {
	code             string
	services         []string
	clerk, approver  *session
	clientsAssigned  int
	repealedServices int
}

// loadTest is one run.
type loadTest struct {
	cfg      config
	http     *http.Client
	origin   string
	verifier note.Verifier
	depts    []*dept

	stop     context.Context // ends at the deadline or on interrupt
	deadline time.Time
	start    time.Time
	interval time.Duration // between request slots when -rate is set
	issued   atomic.Int64
	receipts *receiptLog // -receipts-out

	nextReplica atomic.Uint64 // round-robin over cfg.replicas
}

func run(ctx context.Context, cfg config, out io.Writer) error {
	if err := checkConfig(&cfg); err != nil {
		return err
	}
	lt := &loadTest{cfg: cfg, http: &http.Client{Timeout: cfg.timeout, Transport: &http.Transport{
		Proxy:               nil, // never through a proxy: the target is loopback
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * cfg.clients,
		MaxIdleConnsPerHost: 2 * cfg.clients,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}}}
	if err := lt.setup(ctx, out); err != nil {
		return err
	}
	if cfg.receiptsOut != "" {
		rl, err := openReceiptLog(cfg.receiptsOut)
		if err != nil {
			return err
		}
		defer rl.Close()
		lt.receipts = rl
	}
	clients := make([]*client, cfg.clients)
	for i := range clients {
		d := lt.depts[i%len(lt.depts)]
		d.clientsAssigned++
		clients[i] = &client{lt: lt, id: i, dept: d, rng: rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano()))),
			stats: map[string]*stat{}}
	}
	if cfg.mix == "reads" {
		if err := lt.seedReads(ctx, clients); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "mix %s, %d clients over %d departments, %v, rate %s, %s\n", cfg.mix, cfg.clients, min(cfg.clients, len(lt.depts)),
		cfg.duration, rateText(cfg.rate), strings.Join(cfg.replicas, ","))

	var cancel context.CancelFunc
	lt.start = time.Now()
	lt.deadline = lt.start.Add(cfg.duration)
	lt.stop, cancel = context.WithDeadline(ctx, lt.deadline)
	defer cancel()
	if cfg.rate > 0 {
		lt.interval = time.Duration(float64(time.Second) / cfg.rate)
	}
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(c.loop)
	}
	wg.Wait()
	elapsed := time.Since(lt.start)
	ok := lt.report(out, clients, elapsed)
	if cfg.verify {
		if err := lt.verifyReceipts(ctx, out, clients); err != nil {
			return err
		}
	}
	if !ok {
		return errors.New("no request succeeded")
	}
	return nil
}

func rateText(r float64) string {
	if r == 0 {
		return "unlimited"
	}
	return strconv.FormatFloat(r, 'f', -1, 64) + "/s"
}

// call sends one request and reads the whole answer. A non-2xx status is
// returned with the body, not as an error.
func (lt *loadTest) call(method, path string, body any, who *session) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(b)
	}
	base := lt.cfg.base
	if n := len(lt.cfg.replicas); n > 1 {
		base = lt.cfg.replicas[lt.nextReplica.Add(1)%uint64(n)]
	}
	req, err := http.NewRequest(method, base+path, r)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != nil {
		req.AddCookie(&http.Cookie{Name: "qingdan_session", Value: who.cookie})
		req.Header.Set("X-CSRF-Token", who.csrf)
	}
	resp, err := lt.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// getJSON is a setup request that must answer 200.
func (lt *loadTest) getJSON(path string, out any) error {
	status, b, err := lt.call("GET", path, nil, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if status != 200 {
		return fmt.Errorf("GET %s: %d %s", path, status, truncate(b))
	}
	return json.Unmarshal(b, out)
}

func truncate(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// setup pins the verifier key, finds the departments and their services,
// and logs the officials in.
func (lt *loadTest) setup(ctx context.Context, out io.Writer) error {
	var key struct {
		Origin      string `json:"origin"`
		VerifierKey string `json:"verifier_key"`
	}
	if err := lt.getJSON("/api/v1/ledger/key", &key); err != nil {
		return err
	}
	v, err := note.NewVerifier(key.VerifierKey)
	if err != nil {
		return fmt.Errorf("the server's verifier key: %w", err)
	}
	lt.origin, lt.verifier = key.Origin, v
	fmt.Fprintf(out, "pinned verifier key %s\n", key.VerifierKey)

	type item struct {
		Code      string `json:"code"`
		PowerCode string `json:"power_code"`
		Status    string `json:"status"`
	}
	type page struct {
		Items []item `json:"items"`
		Total int    `json:"total"`
	}
	repealed := map[string]bool{}
	for p := 1; ; p++ {
		var pg page
		if err := lt.getJSON(fmt.Sprintf("/api/v1/powers?status=repealed&per_page=100&page=%d", p), &pg); err != nil {
			return err
		}
		for _, it := range pg.Items {
			repealed[it.Code] = true
		}
		if len(pg.Items) == 0 || p*100 >= pg.Total {
			break
		}
	}
	var depts page
	if err := lt.getJSON("/api/v1/departments?per_page=100", &depts); err != nil {
		return err
	}
	for _, it := range depts.Items {
		var svcs page
		if err := lt.getJSON("/api/v1/services?per_page=100&dept="+url.QueryEscape(it.Code), &svcs); err != nil {
			return err
		}
		d := &dept{code: it.Code}
		for _, s := range svcs.Items {
			switch {
			case s.PowerCode == "" || (s.Status != "" && s.Status != "in_force"):
			case repealed[s.PowerCode]:
				d.repealedServices++
			default:
				d.services = append(d.services, s.Code)
			}
		}
		if len(d.services) > 0 {
			lt.depts = append(lt.depts, d)
		}
	}
	if len(lt.depts) == 0 {
		return errors.New("the server lists no service that takes applications (start it with --demo)")
	}
	if lt.cfg.mix == "decisions" || lt.cfg.mix == "mixed" {
		return lt.login(ctx, out)
	}
	return nil
}

// login logs clerk.D and approver.D in for every department (a few at a
// time: a login hashes a password), dropping departments without them.
func (lt *loadTest) login(ctx context.Context, out io.Writer) error {
	var mu sync.Mutex
	var failed []string
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, d := range lt.depts {
		for _, who := range []string{"clerk.", "approver."} {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				s, err := lt.loginAs(who + d.code)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failed = append(failed, fmt.Sprintf("%s%s (%v)", who, d.code, err))
					return
				}
				if who == "clerk." {
					d.clerk = s
				} else {
					d.approver = s
				}
			})
		}
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if len(failed) > 0 {
		sort.Strings(failed)
		fmt.Fprintf(out, "login failed, departments left out: %s\n", strings.Join(failed, "; "))
	}
	lt.depts = slices.DeleteFunc(lt.depts, func(d *dept) bool { return d.clerk == nil || d.approver == nil })
	if len(lt.depts) == 0 {
		return errors.New("no department's clerk and approver could log in (is the server seeded with --demo, and is -password right?)")
	}
	return nil
}

func (lt *loadTest) loginAs(user string) (*session, error) {
	b, _ := json.Marshal(map[string]string{"username": user, "password": lt.cfg.password})
	resp, err := lt.http.Post(lt.cfg.base+"/api/v1/login", "application/json", bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusTooManyRequests {
		return nil, errors.New("429: start the server with --rate-limit 0")
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%d %s", resp.StatusCode, truncate(body))
	}
	var tok struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.CSRF == "" {
		return nil, errors.New("no csrf_token in the answer")
	}
	for _, c := range resp.Cookies() {
		if c.Name == "qingdan_session" && c.Value != "" {
			return &session{cookie: c.Value, csrf: tok.CSRF}, nil
		}
	}
	return nil, errors.New("no session cookie in the answer")
}

// seedReads submits one application per client, before the clock starts,
// for the progress queries of the reads mix.
func (lt *loadTest) seedReads(ctx context.Context, clients []*client) error {
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	errs := make([]error, len(clients))
	for i, c := range clients {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			status, b, err := lt.call("POST", "/api/v1/applications", c.submission(), nil)
			if err == nil && status != 201 {
				err = fmt.Errorf("%d %s", status, truncate(b))
			}
			var sub submitted
			if err == nil {
				err = json.Unmarshal(b, &sub)
			}
			if err != nil {
				errs[i] = fmt.Errorf("seeding an application for the reads: %w", err)
				return
			}
			c.known = append(c.known, application{number: sub.Number, queryCode: sub.QueryCode})
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.Join(errs...)
}

// take claims the next request slot: false once the run is over. With
// -rate, it waits for the slot's time.
func (lt *loadTest) take() bool {
	if lt.stop.Err() != nil {
		return false
	}
	n := lt.issued.Add(1)
	if n > lt.cfg.maxRequests {
		return false
	}
	if lt.interval > 0 {
		slot := lt.start.Add(time.Duration(n-1) * lt.interval)
		if slot.After(lt.deadline) {
			return false
		}
		if d := time.Until(slot); d > 0 {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
			case <-lt.stop.Done():
				return false
			}
		}
	}
	return true
}

// stat is what one client saw of one kind of request.
type stat struct {
	lat    []time.Duration // successful requests
	errs   map[string]int  // by status code, or "net" / "bad-answer"
	sample map[string]string
}

type application struct {
	number, queryCode string
	state             string // the last state reached
}

type submitted struct {
	Number    string          `json:"number"`
	QueryCode string          `json:"query_code"`
	Receipt   *ledger.Receipt `json:"receipt"`
}

// client is one closed-loop client.
type client struct {
	lt       *loadTest
	id       int
	dept     *dept
	rng      *rand.Rand
	stats    map[string]*stat
	receipts []ledger.Receipt
	known    []application // for progress queries (at most maxKnown)
	pending  []application // the mixed mix's applications still to act on
}

const maxKnown = 256

func (c *client) stat(kind string) *stat {
	s := c.stats[kind]
	if s == nil {
		s = &stat{errs: map[string]int{}, sample: map[string]string{}}
		c.stats[kind] = s
	}
	return s
}

// do sends one measured request; it reports whether it succeeded (2xx and
// a readable answer). It returns false without sending once the run is
// over; stopped tells the two apart.
func (c *client) do(kind, method, path string, body any, who *session, out any) bool {
	if !c.lt.take() {
		return false
	}
	start := time.Now()
	status, b, err := c.lt.call(method, path, body, who)
	d := time.Since(start)
	s := c.stat(kind)
	fail := func(key, detail string) bool {
		s.errs[key]++
		if _, ok := s.sample[key]; !ok {
			s.sample[key] = detail
		}
		return false
	}
	switch {
	case err != nil:
		return fail("net", err.Error())
	case status/100 != 2:
		return fail(strconv.Itoa(status), truncate(b))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fail("bad-answer", err.Error())
		}
	}
	s.lat = append(s.lat, d)
	return true
}

func (c *client) stopped() bool {
	return c.lt.stop.Err() != nil || c.lt.issued.Load() >= c.lt.cfg.maxRequests
}

func (c *client) loop() {
	for !c.stopped() {
		switch c.lt.cfg.mix {
		case "decisions":
			c.decision()
		case "submissions":
			c.submit()
		case "reads":
			c.read()
		case "mixed":
			switch r := c.rng.IntN(100); {
			case r < 70:
				c.read()
			case r < 90:
				c.submit()
			default:
				c.act()
			}
		}
	}
}

var applicantData = map[string]any{"type": "natural", "name": "司马相如", "id_type": "resident_id",
	"id_number": "11010519491231002X", "phone": "13812345678", "address": "清江县文昌路16号"}

func (c *client) submission() map[string]any {
	svc := c.dept.services[c.rng.IntN(len(c.dept.services))]
	return map[string]any{"service_code": svc, "summary": "压力测试申请", "applicant": applicantData}
}

func (c *client) submit() (application, bool) {
	var sub submitted
	if !c.do(kSubmit, "POST", "/api/v1/applications", c.submission(), nil, &sub) {
		return application{}, false
	}
	c.keep(sub.Receipt)
	a := application{number: sub.Number, queryCode: sub.QueryCode, state: "submitted"}
	if len(c.known) < maxKnown {
		c.known = append(c.known, a)
	} else {
		c.known[c.rng.IntN(maxKnown)] = a
	}
	if c.lt.cfg.mix == "mixed" && len(c.pending) < maxKnown {
		c.pending = append(c.pending, a)
	}
	return a, true
}

func (c *client) keep(r *ledger.Receipt) {
	if r == nil {
		return
	}
	if c.lt.receipts != nil {
		if err := c.lt.receipts.add(r); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest: -receipts-out:", err)
		}
	}
	if c.lt.cfg.verify {
		c.receipts = append(c.receipts, *r)
	}
}

// step moves an application on by one action; it reports success.
func (c *client) step(a *application) bool {
	var kind, next string
	var body map[string]any
	who := c.dept.clerk
	switch a.state {
	case "submitted":
		kind, next, body = kAccept, "accepted", map[string]any{}
	case "accepted":
		kind, next, body = kReview, "reviewed", map[string]any{"opinion": "材料齐全，符合法定形式"}
	case "reviewed":
		kind, next, body = kDecide, "decided", map[string]any{"outcome": "approved", "reason": "符合法定条件", "basis": "依法准予许可"}
		who = c.dept.approver // four eyes: not the reviewer
	default:
		return false
	}
	var answer struct {
		Receipt *ledger.Receipt `json:"receipt"`
	}
	if !c.do(kind, "POST", "/api/v1/applications/"+a.number+"/"+kind, body, who, &answer) {
		return false
	}
	c.keep(answer.Receipt)
	a.state = next
	return true
}

// decision runs one application from submission to decision; a failed
// step abandons it.
func (c *client) decision() {
	a, ok := c.submit()
	for ok && a.state != "decided" {
		ok = c.step(&a)
	}
}

// act moves the oldest pending application on by one step, or submits one
// when none is pending.
func (c *client) act() {
	if len(c.pending) == 0 {
		c.submit()
		return
	}
	a := &c.pending[0]
	if !c.step(a) || a.state == "decided" {
		c.pending = c.pending[1:]
	}
}

func (c *client) read() {
	if len(c.known) > 0 && c.rng.IntN(2) == 0 {
		a := c.known[c.rng.IntN(len(c.known))]
		c.do(kProgress, "GET", "/api/v1/applications/"+a.number+"?query_code="+url.QueryEscape(a.queryCode), nil, nil, nil)
		return
	}
	var path string
	switch c.rng.IntN(4) {
	case 0:
		path = fmt.Sprintf("/api/v1/powers?page=%d&per_page=20", 1+c.rng.IntN(10))
	case 1:
		path = "/api/v1/services?dept=" + url.QueryEscape(c.dept.code)
	case 2:
		path = "/api/v1/powers?dept=" + url.QueryEscape(c.dept.code)
	default:
		path = "/api/v1/services/" + c.dept.services[c.rng.IntN(len(c.dept.services))]
	}
	c.do(kList, "GET", path, nil, nil, nil)
}

// report prints the table; it reports whether any request succeeded.
func (lt *loadTest) report(out io.Writer, clients []*client, elapsed time.Duration) bool {
	secs := elapsed.Seconds()
	fmt.Fprintf(out, "elapsed %.2fs\n\n", secs)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tok\tok/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\terrors\t")
	var total, totalDurable, totalErr int
	limited := false
	samples := map[string]string{}
	for _, kind := range kindOrder {
		var lat []time.Duration
		errs := map[string]int{}
		for _, c := range clients {
			if s := c.stats[kind]; s != nil {
				lat = append(lat, s.lat...)
				for k, n := range s.errs {
					errs[k] += n
					if _, ok := samples[kind+" "+k]; !ok {
						samples[kind+" "+k] = s.sample[k]
					}
				}
			}
		}
		if len(lat) == 0 && len(errs) == 0 {
			continue
		}
		slices.Sort(lat)
		nerr := 0
		var parts []string
		for k, n := range errs {
			nerr += n
			limited = limited || k == "429"
			parts = append(parts, fmt.Sprintf("%s×%d", k, n))
		}
		sort.Strings(parts)
		total += len(lat)
		totalErr += nerr
		if durable[kind] {
			totalDurable += len(lat)
		}
		errText := "0"
		if nerr > 0 {
			errText = strings.Join(parts, " ")
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%s\t\n", kind, len(lat), float64(len(lat))/secs,
			ms(pct(lat, 50)), ms(pct(lat, 90)), ms(pct(lat, 99)), ms(pct(lat, 100)), errText)
	}
	tw.Flush()
	fmt.Fprintf(out, "\nall requests: %d ok (%.0f/s), %d errors\n", total, float64(total)/secs, totalErr)
	if limited {
		fmt.Fprintln(out, "429 answers: start the server with --rate-limit 0 for load tests from one address")
	}
	if totalDurable > 0 {
		fmt.Fprintf(out, "durable ledger appends (submit+accept+review+decide): %d (%.0f/s)\n", totalDurable, float64(totalDurable)/secs)
	}
	if len(samples) > 0 {
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range samples {
				if !yield(k) {
					return
				}
			}
		})
		fmt.Fprintln(out, "first error of each kind:")
		for _, k := range keys {
			fmt.Fprintf(out, "  %s: %s\n", k, samples[k])
		}
	}
	return total > 0
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64)
}

// verifyReceipts checks every receipt offline against the pinned key, that
// no index was acknowledged twice, and that all the checkpoints seen are
// one log (consistency proofs from the server, checked here).
func (lt *loadTest) verifyReceipts(ctx context.Context, out io.Writer, clients []*client) error {
	var all []ledger.Receipt
	for _, c := range clients {
		all = append(all, c.receipts...)
	}
	start := time.Now()
	var failures []string
	var mu sync.Mutex
	failf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}

	// Each receipt alone: signature by the pinned key, inclusion proof.
	checkpoints := map[string]ledger.Checkpoint{}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			seen := map[string]ledger.Checkpoint{}
			for i := w; i < len(all); i += workers {
				r := &all[i]
				cp, err := ledger.VerifyReceipt(r, nil, lt.origin, lt.verifier)
				if err != nil {
					failf("receipt of entry %d: %v", r.Index, err)
					continue
				}
				seen[r.Checkpoint] = cp
			}
			mu.Lock()
			defer mu.Unlock()
			for k, v := range seen {
				checkpoints[k] = v
			}
		})
	}
	wg.Wait()

	// No index acknowledged twice.
	byIndex := make(map[int64]tlog.Hash, len(all))
	for _, r := range all {
		if h, ok := byIndex[r.Index]; ok {
			if h != r.LeafHash {
				failf("entry %d acknowledged with two leaf hashes %s and %s", r.Index, h, r.LeafHash)
			} else {
				failf("entry %d acknowledged to two requests", r.Index)
			}
		}
		byIndex[r.Index] = r.LeafHash
	}

	// One log: every checkpoint is consistent with the largest.
	var latest ledger.Checkpoint
	for _, cp := range checkpoints {
		if cp.Size > latest.Size {
			latest = cp
		}
	}
	sizes := make(chan ledger.Checkpoint)
	var consistent atomic.Int64
	for range 8 {
		wg.Go(func() {
			for cp := range sizes {
				if cp.Size == latest.Size {
					if cp.Root != latest.Root {
						failf("two signed checkpoints of size %d with different roots", cp.Size)
					} else {
						consistent.Add(1)
					}
					continue
				}
				var proof struct {
					Hashes []tlog.Hash `json:"hashes"`
				}
				if err := lt.getJSON(fmt.Sprintf("/api/v1/ledger/proof/consistency?from=%d&to=%d", cp.Size, latest.Size), &proof); err != nil {
					failf("consistency proof %d → %d: %v", cp.Size, latest.Size, err)
					continue
				}
				if err := tlog.CheckTree(proof.Hashes, latest.Size, latest.Root, cp.Size, cp.Root); err != nil {
					failf("checkpoint of size %d is not consistent with size %d: %v", cp.Size, latest.Size, err)
					continue
				}
				consistent.Add(1)
			}
		})
	}
	for _, cp := range checkpoints {
		if ctx.Err() != nil {
			break
		}
		sizes <- cp
	}
	close(sizes)
	wg.Wait()

	fmt.Fprintf(out, "\nreceipts: %d checked offline against the pinned key in %.2fs; %d distinct checkpoints, %d shown consistent with size %d\n",
		len(all), time.Since(start).Seconds(), len(checkpoints), consistent.Load(), latest.Size)
	if len(failures) > 0 {
		sort.Strings(failures)
		for i, f := range failures {
			if i == 20 {
				fmt.Fprintf(out, "  … and %d more\n", len(failures)-20)
				break
			}
			fmt.Fprintln(out, "  FAIL", f)
		}
		return fmt.Errorf("%d receipt checks failed", len(failures))
	}
	fmt.Fprintln(out, "receipts: all verified")
	return nil
}
