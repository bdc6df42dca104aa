package web

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/session"

	"qingdan/data"
	"qingdan/ledger"
)

// Config is what the web layer needs; cmd builds it.
type Config struct {
	// Ledger is the public log.
	Ledger *ledger.Log
	// SecurityLog, if set, records logins, denials and administrative
	// actions (its own origin and key); auditors read it.
	SecurityLog *ledger.Log
	// Approvals is the applications service.
	Approvals *data.Approvals
	// Calendars is the working-day calendar in force.
	Calendars *data.Calendars
	// Catalog is the three lists.
	Catalog *data.Catalog
	// Identity is accounts, role grants and the enforcer; without it only
	// public routes work.
	Identity *Identity
	// RateLimit is how many public write and query requests (submissions,
	// progress queries, withdrawals, logins) one client address may make
	// per minute; 0 turns the limit off (load tests on loopback).
	RateLimit int
	// SecureCookies marks the session cookie Secure (serve over TLS, or
	// behind a TLS-terminating proxy).
	SecureCookies bool
	// Ready reports whether the service can take traffic (database
	// reachable, schema current, key loaded); nil means always ready.
	Ready func(ctx context.Context) error
	// Logger receives request errors (default slog.Default()).
	Logger *slog.Logger
	// BodyLimit bounds request bodies in bytes (default 16 MiB: a list
	// file as published can be several megabytes).
	BodyLimit int
}

// Server is the HTTP front of qingdan.
type Server struct {
	cfg       Config
	app       *fiber.App
	cache     listCache
	sessions  *session.Store
	throttle  throttle
	verifyJob verifyJob // the auditors' background verification (pages_audit.go)
	homeCache homeCache // the home page's figures, per lists version (pages_public.go)

	dummyOnce sync.Once
	dummy     string // a password hash to spend time on for unknown users
}

// New builds the Fiber app with every route of routes.go.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = 16 << 20
	}
	s := &Server{cfg: cfg, sessions: newSessions(cfg.SecureCookies)}
	s.app = fiber.New(fiber.Config{
		AppName:               "qingdan",
		Immutable:             true, // request strings end up in a permanent ledger
		BodyLimit:             cfg.BodyLimit,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		Views:                 newViews(),
	})
	s.app.Use(recover.New())
	s.routes()
	return s
}

// App returns the Fiber app (for app.Test in tests and Listen in cmd).
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until Shutdown.
func (s *Server) Listen(addr string) error { return s.app.Listen(addr) }

// Shutdown stops accepting connections and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

var errNotFound = errors.New("not found")
