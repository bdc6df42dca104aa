package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"qingdan/data/applications"
	"qingdan/data/calendar"
	"qingdan/data/demo"
	"qingdan/data/identity"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/policy"
	"qingdan/web"
	"qingdan/web/accounts"
)

// serveFlags are the flags of 'qingdan serve'; each also reads QINGDAN_<NAME>.
type serveFlags struct {
	addr string
	storageConfig
	demo          bool
	logFormat     string
	secureCookies bool
	rateLimit     int
	witnessKeys   keyList   // issue 7: cosigners whose cosignatures are accepted
	trustedProxy  proxyList // issue 20: reverse proxies whose X-Forwarded-For is believed
	operations
	uploads    uploadFlags // upload quotas, body budget
	piiKeyFlag             // the personal-data master key
}

func parseServeFlags(args []string, stderr io.Writer) (*serveFlags, error) {
	f := &serveFlags{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen address")
	f.addFlags(fs)
	fs.BoolVar(&f.demo, "demo", false, "seed a demo county into an empty data folder")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.IntVar(&f.rateLimit, "rate-limit", 60, "public submissions, progress queries and logins per minute per client address (0: off)")
	fs.BoolVar(&f.secureCookies, "secure-cookies", false, "mark the session cookie Secure (when served over TLS or behind a TLS proxy)")
	fs.Var(&f.witnessKeys, "witness-key", "a witness's cosignature/v1 verifier key whose cosignatures the log accepts (repeatable; comma-separated in QINGDAN_WITNESS_KEY)")
	fs.Var(&f.trustedProxy, "trusted-proxy", "address or CIDR of a reverse proxy whose X-Forwarded-For (set to the client's address) is believed (repeatable; comma-separated in QINGDAN_TRUSTED_PROXY; empty: none)")
	f.addOperationFlags(fs)
	f.uploads.addFlags(fs)
	f.addPIIFlag(fs)
	return f, parseFlags(fs, args, stderr)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseServeFlags(args, stderr)
	if err != nil {
		return err
	}
	logger, err := serveLogger(f.logFormat, f.logLevel, stderr)
	if err != nil {
		return err
	}
	slog.SetDefault(logger)
	metrics := web.NewMetrics()
	f.observe = metrics.Ledger
	clock := &settableClock{}
	f.now = clock.Now
	st, err := openStorage(ctx, f.storageConfig, logger)
	if err != nil {
		return err
	}
	defer logger.Info("stopped")
	defer st.close() // commits the appends still queued
	if f.demo {
		clock.Set(time.Now().AddDate(0, 0, -demoDays)) // the demo's history starts in the past
	}
	fresh, err := genesis(ctx, st)
	if err != nil {
		return err
	}
	catalog := lists.NewCatalog(st.db, st.log)
	enforcer, err := policy.New(st.db.Writer)
	if err != nil {
		return err
	}
	ident := &accounts.Accounts{Directory: identity.NewDirectory(st.db, st.log), Enforcer: enforcer}
	cals, err := calendar.NewCalendars(ctx, st.db, st.log)
	if err != nil {
		return err
	}
	approvals := applications.NewApprovals(st.db, st.log, cals.Current)
	approvals.SetClock(clock.Now)
	pii, err := openPII(ctx, st.db, f.piiKeyPath(f.dataDir), logger)
	if err != nil {
		return err
	}
	approvals.UsePII(pii)
	if f.demo && fresh {
		if err := seedDemo(ctx, catalog, ident, approvals, clock, stdout); err != nil {
			return err
		}
	}
	clock.Set(time.Time{})                            // real time from here on
	go ident.FollowRoleChanges(ctx, rolePoll, logger) // grants made on other replicas
	witnesses, err := parseWitnessKeys(f.witnessKeys)
	if err != nil {
		return err
	}
	if err := recordTreeSizes(ctx, st, metrics); err != nil {
		return err
	}
	srv := web.New(web.Config{Ledger: st.log, SecurityLog: st.seclog, Catalog: catalog, Approvals: approvals,
		Calendars: cals, Accounts: ident, Logger: logger, RateLimit: f.rateLimit,
		Ready: st.ready, SecureCookies: f.secureCookies, TrustedProxies: f.trustedProxy, SessionStorage: identity.NewSessions(st.db),
		Witnesses: witnesses, Cosignatures: store.NewCosignatures(st.db), Metrics: metrics,
		Materials: f.uploads.quota(), BodyBudget: f.uploads.bodyBudget << 20})
	fmt.Fprintf(stdout, "qingdan serving on http://%s\nledger origin: %s\nverifier key:  %s\n", f.addr, f.origin, st.key.VerifierKey)
	logger.Info("serving", "addr", f.addr, "metrics_addr", f.metricsAddr, "origin", f.origin)
	vctx, stopVerifying := context.WithCancel(ctx)
	defer stopVerifying()
	go verifyEvery(vctx, st, f.verifyInterval, metrics, logger)
	go collectMaterialsEvery(vctx, approvals, collectInterval, logger)
	return serveUntilDone(ctx, srv, f, logger)
}

// rolePoll is how often a server checks the database for role changes
// made by other replicas sharing it.
const rolePoll = time.Second

// demoDays is how far back the demo's history starts, and demoApplications
// how many applications it holds.
const (
	demoDays         = 150
	demoApplications = 400
)

// settableClock is time.Now unless set (demo seeding writes a past).
type settableClock struct{ at atomic.Pointer[time.Time] }

func (c *settableClock) Now() time.Time {
	if t := c.at.Load(); t != nil && !t.IsZero() {
		return *t
	}
	return time.Now()
}

func (c *settableClock) Set(t time.Time) { c.at.Store(&t) }

// seedDemo seeds the demo county, its accounts and a past of applications,
// and prints the logins.
func seedDemo(ctx context.Context, catalog *lists.Catalog, ident *accounts.Accounts, approvals *applications.Approvals,
	clock *settableClock, stdout io.Writer) error {
	fmt.Fprintln(stdout, "seeding the demo county 清江县 through the ledger …")
	if err := demo.Seed(ctx, catalog); err != nil {
		return err
	}
	d, err := demo.Load()
	if err != nil {
		return err
	}
	depts := make([]string, len(d.Departments))
	for i, dep := range d.Departments {
		depts[i] = dep.Code
	}
	users, err := ident.SeedDemo(ctx, depts)
	if err != nil {
		return err
	}
	services, err := demoServices(ctx, catalog, d.Services)
	if err != nil {
		return err
	}
	start := clock.Now().Add(time.Hour)
	fmt.Fprintf(stdout, "seeding %d applications since %s …\n", demoApplications, start.Format("2006-01-02"))
	if err := demo.SeedApplications(ctx, approvals, clock, services, start, time.Now(), demoApplications); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n!!! DEMO CREDENTIALS ARE ACTIVE: every account below has the password %q.\n", accounts.DemoPassword)
	fmt.Fprintln(stdout, "!!! Never run --demo on a server that holds real data.")
	fmt.Fprintf(stdout, "demo logins (%d): %s\n\n", len(users), strings.Join(users, " "))
	return nil
}

// genesis writes the first entry of an empty ledger: the log's origin and
// verifier key, so that the key is itself on the record. It reports whether
// the ledger was empty. Replicas starting together on an empty database
// may all try: the entry is refused unless it gets index 0, so one wins.
func genesis(ctx context.Context, st *storage) (bool, error) {
	if _, err := st.log.Store().LatestCheckpoint(ctx); !errors.Is(err, ledger.ErrNotFound) {
		return false, err
	}
	_, err := st.log.Append(ctx, ledger.Event{Type: "log.created", Actor: "system",
		Data: map[string]string{"origin": st.log.Origin(), "verifier_key": st.key.VerifierKey},
		Project: func(_ context.Context, _ ledger.Tx, e *ledger.Entry) error {
			if e.Index != 0 {
				return errNotFirst
			}
			return nil
		}})
	if errors.Is(err, errNotFirst) {
		return false, nil // another replica wrote it
	}
	return err == nil, err
}

var errNotFirst = errors.New("the ledger is no longer empty")

func (st *storage) ready(ctx context.Context) error {
	if err := st.db.SchemaCurrent(ctx); err != nil {
		return err
	}
	if st.key == nil {
		return errors.New("no signing key")
	}
	_, err := st.log.Store().LatestCheckpoint(ctx)
	return err
}

// serveUntilDone listens until ctx ends (SIGTERM, SIGINT), then shuts down
// gracefully: the listeners stop, requests in flight finish and are
// answered (their appends commit), and runServe's deferred close commits
// whatever appends are still queued.
func serveUntilDone(ctx context.Context, srv *web.Server, f *serveFlags, logger *slog.Logger) error {
	errc := make(chan error, 2)
	go func() { errc <- srv.Listen(f.addr) }()
	if f.metricsAddr != "" {
		go func() { errc <- srv.ServeMetrics(f.metricsAddr) }()
	}
	var err error
	select {
	case err = <-errc:
		logger.Error("listener failed", "err", err)
	case <-ctx.Done():
		logger.Info("shutting down: finishing requests in flight", "timeout", f.shutdownTimeout.String())
	}
	sctx, cancel := context.WithTimeout(context.Background(), f.shutdownTimeout)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil {
		logger.Error("shutdown", "err", serr)
		err = errors.Join(err, serr)
	}
	return err
}

// demoServices are the demo services whose power is in force.
func demoServices(ctx context.Context, catalog *lists.Catalog, all []lists.ServiceItem) ([]lists.ServiceItem, error) {
	var out []lists.ServiceItem
	for _, s := range all {
		if s.PowerCode == "" {
			continue
		}
		p, err := catalog.Get(ctx, lists.KindPower, s.PowerCode)
		if err != nil {
			return nil, err
		}
		if sv, err := catalog.Get(ctx, lists.KindService, s.Code); err == nil && p.Status == lists.StatusInForce && sv.Status == lists.StatusInForce {
			out = append(out, s)
		}
	}
	return out, nil
}
