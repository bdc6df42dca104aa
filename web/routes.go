package web

import (
	"github.com/gofiber/fiber/v2"

	"qingdan/data"
)

// Access says who may call a route. Every route declares one.
type Access string

// Public routes need no login; ListEditor routes need a list editor.
const (
	Public     Access = "public"
	ListEditor Access = "list_editor"
)

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

		{"GET", "/api/v1/departments", Public, s.cached(s.listHandler(data.KindDepartment))},
		{"GET", "/api/v1/departments/:code", Public, s.cached(s.itemHandler(data.KindDepartment))},
		{"GET", "/api/v1/powers", Public, s.cached(s.listHandler(data.KindPower))},
		{"GET", "/api/v1/powers/:code", Public, s.cached(s.powerDetail)},
		{"GET", "/api/v1/responsibilities", Public, s.cached(s.listHandler(data.KindResponsibility))},
		{"GET", "/api/v1/responsibilities/:code", Public, s.cached(s.itemHandler(data.KindResponsibility))},
		{"GET", "/api/v1/services", Public, s.cached(s.listHandler(data.KindService))},
		{"GET", "/api/v1/services/:code", Public, s.cached(s.itemHandler(data.KindService))},

		{"GET", "/api/v1/export/:file", Public, s.export},
		{"POST", "/api/v1/import", ListEditor, s.importList},

		{"POST", "/api/v1/departments", ListEditor, s.publishHandler(data.KindDepartment)},
		{"PUT", "/api/v1/departments/:code", ListEditor, s.amendHandler(data.KindDepartment)},
		{"POST", "/api/v1/departments/:code/repeal", ListEditor, s.repealHandler(data.KindDepartment)},
		{"POST", "/api/v1/powers", ListEditor, s.publishHandler(data.KindPower)},
		{"PUT", "/api/v1/powers/:code", ListEditor, s.amendHandler(data.KindPower)},
		{"POST", "/api/v1/powers/:code/repeal", ListEditor, s.repealHandler(data.KindPower)},
		{"POST", "/api/v1/responsibilities", ListEditor, s.publishHandler(data.KindResponsibility)},
		{"PUT", "/api/v1/responsibilities/:code", ListEditor, s.amendHandler(data.KindResponsibility)},
		{"POST", "/api/v1/responsibilities/:code/repeal", ListEditor, s.repealHandler(data.KindResponsibility)},
		{"POST", "/api/v1/services", ListEditor, s.publishHandler(data.KindService)},
		{"PUT", "/api/v1/services/:code", ListEditor, s.amendHandler(data.KindService)},
		{"POST", "/api/v1/services/:code/repeal", ListEditor, s.repealHandler(data.KindService)},
	}
}

// guard returns the middleware that enforces a route's access.
func (s *Server) guard(a Access) fiber.Handler {
	switch a {
	case Public:
		return nil
	case ListEditor:
		return s.requireEditor
	}
	return func(*fiber.Ctx) error { return fiber.ErrForbidden }
}

func (s *Server) routes() {
	for _, r := range s.routeTable() {
		if g := s.guard(r.access); g != nil {
			s.app.Add(r.method, r.path, g, r.handler)
		} else {
			s.app.Add(r.method, r.path, r.handler)
		}
	}
	s.app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
