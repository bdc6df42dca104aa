package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/session"
	"golang.org/x/sync/semaphore"

	"qingdan/data/applications"
	"qingdan/data/calendar"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/witness"
	"qingdan/web/accounts"
)

// Config is what the web layer needs; cmd builds it.
type Config struct {
	// Ledger is the public log.
	Ledger *ledger.Log
	// SecurityLog, if set, records logins, denials and administrative
	// actions (its own origin and key); auditors read it.
	SecurityLog *ledger.Log
	// Approvals is the applications service.
	Approvals *applications.Approvals
	// Calendars is the working-day calendar in force.
	Calendars *calendar.Calendars
	// Catalog is the three lists.
	Catalog *lists.Catalog
	// Accounts are the accounts, role grants and the enforcer; without it only
	// public routes work.
	Accounts *accounts.Accounts
	// RateLimit is how many public write and query requests (submissions,
	// progress queries, withdrawals, logins) one client address may make
	// per minute; 0 turns the limit off (load tests on loopback).
	RateLimit int
	// SecureCookies marks the session cookie Secure (serve over TLS, or
	// behind a TLS-terminating proxy).
	SecureCookies bool
	// TrustedProxies are the addresses or CIDR ranges of the reverse
	// proxies in front of the service (security review, issue 20): only a
	// request from one of them has its client address taken from
	// X-Forwarded-For, which the proxy must set to the client's address
	// (overwrite it, do not append). Empty: the header is ignored and the
	// client address is the connection's.
	TrustedProxies []string
	// Ready reports whether the service can take traffic (database
	// reachable, schema current, key loaded); nil means always ready.
	Ready func(ctx context.Context) error
	// Metrics, if set, counts requests and is served by ServeMetrics on
	// the operator's listener.
	Metrics *Metrics
	// Logger receives request errors (default slog.Default()).
	Logger *slog.Logger
	// BodyLimit bounds request bodies in bytes (default 16 MiB: a list
	// file as published can be several megabytes). Each route has its own
	// smaller limit (bodyLimits in routes.go, body.go).
	BodyLimit int
	// BodyBudget bounds the bytes of request bodies held in memory across
	// all connections (default 64 MiB); past it requests are refused with
	// 503 and Retry-After until bodies in flight are answered.
	BodyBudget int64
	// Materials bounds anonymous uploads: how long one waits for its
	// application, and the quotas per address and in all (issue 20).
	Materials applications.MaterialQuota

	// Scale-out (issue 8): SessionStorage keeps login sessions where every
	// replica finds them (identity.Sessions: the database); nil keeps them in
	// this process's memory.
	SessionStorage fiber.Storage
	// SessionIdle is the idle timeout of login sessions (0: 30 minutes).
	SessionIdle time.Duration

	// Witnesses are the witness keys (C2SP tlog-cosignature/v1) whose
	// cosignatures on checkpoints the log accepts and serves; Cosignatures
	// stores them. Without either, cosignatures are refused.
	Witnesses    []*witness.Verifier
	Cosignatures *store.Cosignatures
}

// Server is the HTTP front of qingdan.
type Server struct {
	cfg       Config
	app       *fiber.App
	ops       *fiber.App      // the operator's listener (metrics), if started
	patterns  map[string]bool // "METHOD /path/:param" of every route in the table
	opsMu     sync.Mutex
	cache     *listCache
	sessions  *session.Store
	throttle  *throttle
	verifyJob verifyJob // the auditors' background verification (pages_audit.go)
	homeCache homeCache // the home page's figures, per lists version (pages_public.go)

	dummyOnce sync.Once
	dummy     string // a password hash to spend time on for unknown users

	budget *semaphore.Weighted // bytes of request bodies in memory (body.go)
}

// New builds the Fiber app with every route of routes.go.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = 16 << 20
	}
	s := &Server{cfg: cfg, throttle: newThrottle(), cache: newListCache(), sessions: newSessions(cfg.SecureCookies, cfg.SessionStorage, cfg.SessionIdle),
		budget: newBodyBudget(cfg.BodyBudget)}
	s.app = fiber.New(fiber.Config{
		AppName:   "qingdan",
		Immutable: true, // request strings end up in a permanent ledger
		BodyLimit: cfg.BodyLimit,
		// Bodies are streamed and each route reads its own (body.go):
		// fasthttp would otherwise reserve the announced length first.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		ReadTimeout:                  15 * time.Second,
		WriteTimeout:                 60 * time.Second,
		IdleTimeout:                  120 * time.Second,
		DisableStartupMessage:        true,
		ErrorHandler:                 s.handleError,
		Views:                        newViews(),
		JSONEncoder:                  encodeJSON,
		// X-Forwarded-For only from a trusted proxy.
		EnableTrustedProxyCheck: len(cfg.TrustedProxies) > 0,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             map[bool]string{true: fiber.HeaderXForwardedFor}[len(cfg.TrustedProxies) > 0],
		EnableIPValidation:      true,
	})
	s.app.Use(s.measure)
	s.app.Use(recover.New())
	s.app.Use(closeUnread)
	s.routes()
	return s
}

// jsonAppender is an answer that writes its own JSON, the same as
// encoding/json would, without reflection: the answers on the append path
// (applications.Submitted, ledger.Receipt).
type jsonAppender interface{ AppendJSON([]byte) []byte }

// encodeJSON is the app's JSON encoder: encoding/json, except for answers
// that write their own.
func encodeJSON(v any) ([]byte, error) {
	if a, ok := v.(jsonAppender); ok {
		return a.AppendJSON(make([]byte, 0, 1024)), nil
	}
	return json.Marshal(v)
}

// App returns the Fiber app (for app.Test in tests and Listen in cmd).
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until Shutdown.
func (s *Server) Listen(addr string) error { return s.app.Listen(addr) }

// Shutdown stops accepting connections and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.app.ShutdownWithContext(ctx)
	s.opsMu.Lock()
	defer s.opsMu.Unlock()
	if s.ops != nil {
		err = errors.Join(err, s.ops.ShutdownWithContext(ctx))
	}
	return err
}

// OperatorApp returns the Fiber app of the operator's listener: the
// routes of operatorRouteTable (for app.Test in tests and ServeMetrics).
func (s *Server) OperatorApp() *fiber.App {
	s.opsMu.Lock()
	defer s.opsMu.Unlock()
	if s.ops == nil {
		s.ops = fiber.New(fiber.Config{AppName: "qingdan-operator", DisableStartupMessage: true,
			ReadTimeout: 15 * time.Second, WriteTimeout: 60 * time.Second, ErrorHandler: s.handleError})
		for _, r := range s.operatorRouteTable() {
			handlers := []fiber.Handler{}
			if g := s.guard(r.access); g != nil {
				handlers = append(handlers, g)
			}
			s.ops.Add(r.method, r.path, append(handlers, r.handler)...)
		}
		s.ops.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	}
	return s.ops
}

// ServeMetrics serves the operator's routes on addr until Shutdown.
func (s *Server) ServeMetrics(addr string) error { return s.OperatorApp().Listen(addr) }

var errNotFound = errors.New("not found")
