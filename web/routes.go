package web

import "github.com/gofiber/fiber/v2"

// Access says who may call a route. Every route declares one.
type Access string

// Public routes need no login.
const Public Access = "public"

// route is one line of the route table.
type route struct {
	method  string
	path    string
	access  Access
	handler fiber.Handler
}

// routeTable is the whole attack surface on one screen.
func (s *Server) routeTable() []route {
	return []route{
		{"GET", "/healthz", Public, s.healthz},
		{"GET", "/readyz", Public, s.readyz},
		{"GET", "/checkpoint", Public, s.checkpoint},
		{"GET", "/api/v1/ledger/key", Public, s.ledgerKey},
		{"GET", "/api/v1/ledger/entries", Public, s.ledgerEntries},
		{"GET", "/api/v1/ledger/entries/:index", Public, s.ledgerEntry},
		{"GET", "/api/v1/ledger/proof/inclusion", Public, s.inclusionProof},
		{"GET", "/api/v1/ledger/proof/consistency", Public, s.consistencyProof},
	}
}

func (s *Server) routes() {
	for _, r := range s.routeTable() {
		s.app.Add(r.method, r.path, r.handler)
	}
	s.app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
