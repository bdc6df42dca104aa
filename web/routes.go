package web

import (
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"qingdan/data/applications"
	"qingdan/data/lists"
	"qingdan/policy"
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
	return slices.Concat(s.fixedRoutes(), s.actionRoutes())
}

// actionRoutes are the routes of the officials' actions on an
// application, one for the API and one for the application page's form
// per action of applications.OfficialActions: each allowed by the
// permission of the action's own name on policy.ObjApplication in the
// application's department.
func (s *Server) actionRoutes() []route {
	var out []route
	for _, a := range applications.OfficialActions() {
		out = append(out,
			route{"POST", "/api/v1/applications/:number/" + a, perm(policy.ObjApplication, a, deptOfApplication), s.act(a)},
			route{"POST", "/work/applications/:number/" + a, perm(policy.ObjApplication, a, deptOfApplication), s.workAct(a)})
	}
	return out
}

// fixedRoutes are every other route.
func (s *Server) fixedRoutes() []route {
	return []route{
		{"GET", "/healthz", public, s.healthz},
		{"GET", "/readyz", public, s.readyz},
		{"GET", "/checkpoint", public, s.checkpoint},
		{"GET", "/api/v1/ledger/key", public, s.ledgerKey},
		{"GET", "/api/v1/ledger/entries", public, s.ledgerEntries},
		{"GET", "/api/v1/ledger/entries/:index", public, s.ledgerEntry},
		{"GET", "/api/v1/ledger/proof/inclusion", public, s.inclusionProof},
		{"GET", "/api/v1/ledger/proof/consistency", public, s.consistencyProof},

		// Auditors' toolkit (issue 7): C2SP tlog-tiles beside /checkpoint,
		// witness cosignatures, and the role policy in force to compare
		// with a replay of the ledger.
		{"GET", "/tile/*", public, s.tile},
		{"POST", "/api/v1/ledger/cosignatures", public, s.submitCosignature},
		{"GET", "/api/v1/ledger/checkpoint/cosigned", public, s.cosignedCheckpoint},
		{"GET", "/api/v1/roles", perm(policy.ObjRole, policy.ActRead, allDepts), s.roleGrants}, // issue 20: usernames are not public

		{"GET", "/api/v1/departments", public, s.cached(s.listHandler(lists.KindDepartment))},
		{"GET", "/api/v1/departments/:code", public, s.cached(s.itemHandler(lists.KindDepartment))},
		{"GET", "/api/v1/powers", public, s.cached(s.listHandler(lists.KindPower))},
		{"GET", "/api/v1/powers/:code", public, s.cached(s.powerDetail)},
		{"GET", "/api/v1/responsibilities", public, s.cached(s.listHandler(lists.KindResponsibility))},
		{"GET", "/api/v1/responsibilities/:code", public, s.cached(s.itemHandler(lists.KindResponsibility))},
		{"GET", "/api/v1/services", public, s.cached(s.listHandler(lists.KindService))},
		{"GET", "/api/v1/services/:code", public, s.cached(s.itemHandler(lists.KindService))},

		{"GET", "/api/v1/export/:file", public, s.export},
		{"POST", "/api/v1/import", perm(policy.ObjPower, policy.ActImport, allDepts), s.importList},

		{"POST", "/api/v1/login", public, s.login},
		{"POST", "/api/v1/logout", loggedIn, s.logout},
		{"POST", "/api/v1/tokens", loggedIn, s.createToken},
		{"DELETE", "/api/v1/tokens/:id", loggedIn, s.revokeToken},
		{"POST", "/api/v1/users", perm(policy.ObjUser, policy.ActCreate, allDepts), s.createUser},
		{"POST", "/api/v1/users/:username/disable", perm(policy.ObjUser, policy.ActDisable, allDepts), s.setUserStatus(false)},
		{"POST", "/api/v1/users/:username/enable", perm(policy.ObjUser, policy.ActDisable, allDepts), s.setUserStatus(true)},
		{"POST", "/api/v1/users/:username/password", perm(policy.ObjUser, policy.ActResetPassword, allDepts), s.resetPassword},
		{"POST", "/api/v1/roles/grant", perm(policy.ObjRole, policy.ActGrant, allDepts), s.changeRole(true)},
		{"POST", "/api/v1/roles/revoke", perm(policy.ObjRole, policy.ActRevoke, allDepts), s.changeRole(false)},
		{"GET", "/api/v1/security-log", perm(policy.ObjSecurityLog, policy.ActRead, allDepts), s.securityLog},

		{"GET", "/api/v1/stats", public, s.stats},
		{"POST", "/api/v1/calendar", perm(policy.ObjDepartment, policy.ActManage, allDepts), s.updateCalendar},
		{"POST", "/api/v1/materials", public, s.uploadMaterial},
		{"POST", "/api/v1/applications", public, s.submitApplication},
		{"GET", "/api/v1/applications", perm(policy.ObjApplication, policy.ActRead, queueDept), s.queue},
		{"GET", "/api/v1/applications/:number", public, s.progress},
		{"POST", "/api/v1/applications/:number/withdraw", public, s.withdraw},

		// Pages (issue 6): the public portal, then the staff pages.
		{"GET", "/static/*", public, s.staticFile},
		{"GET", "/", public, s.homePage},
		{"GET", "/powers", public, s.powersPage},
		{"GET", "/powers/:code", public, s.powerPage},
		{"GET", "/responsibilities", public, s.responsibilitiesPage},
		{"GET", "/departments", public, s.departmentsPage},
		{"GET", "/departments/:code", public, s.departmentPage},
		{"GET", "/services", public, s.servicesPage},
		{"GET", "/services/:code", public, s.servicePage},
		{"GET", "/apply/:service", public, s.applyPage},
		{"POST", "/apply/:service", public, s.applySubmit},
		{"GET", "/progress", public, s.progressPage},
		{"POST", "/progress", public, s.progressSubmit},
		{"GET", "/ledger", public, s.ledgerPage},
		{"GET", "/ledger/:index", public, s.entryPage},
		{"GET", "/stats", public, s.statsPage},
		{"GET", "/open-data", public, s.openDataPage},
		{"GET", "/open-data/api", public, s.apiPage},
		{"GET", "/api/openapi.json", public, s.openAPI},
		{"GET", "/login", public, s.loginPage},
		{"POST", "/login", public, s.loginSubmit},
		{"POST", "/logout", loggedIn, s.logoutSubmit},
		{"GET", "/work", perm(policy.ObjApplication, policy.ActRead, workDept), s.workPage},
		{"GET", "/work/applications/:number", perm(policy.ObjApplication, policy.ActRead, deptOfApplication), s.workApplicationPage},
		{"GET", "/edit", perm(policy.ObjPower, policy.ActAmend, editorDept), s.editPage},
		{"GET", "/edit/powers/new", perm(policy.ObjPower, policy.ActPublish, editorDept), s.editNewPage("powers")},
		{"POST", "/edit/powers/new", perm(policy.ObjPower, policy.ActPublish, deptInForm), s.editNewSubmit("powers")},
		{"GET", "/edit/powers/:code", perm(policy.ObjPower, policy.ActAmend, deptOfItem(lists.KindPower)), s.editItemPage("powers")},
		{"POST", "/edit/powers/:code", moving(policy.ObjPower, policy.ActAmend, lists.KindPower, deptNamedInForm), s.editItemSubmit("powers")},
		{"POST", "/edit/powers/:code/repeal", perm(policy.ObjPower, policy.ActRepeal, deptOfItem(lists.KindPower)), s.editRepeal("powers")},
		{"GET", "/edit/responsibilities/new", perm(policy.ObjResponsibility, policy.ActPublish, editorDept), s.editNewPage("responsibilities")},
		{"POST", "/edit/responsibilities/new", perm(policy.ObjResponsibility, policy.ActPublish, deptInForm), s.editNewSubmit("responsibilities")},
		{"GET", "/edit/responsibilities/:code", perm(policy.ObjResponsibility, policy.ActAmend, deptOfItem(lists.KindResponsibility)), s.editItemPage("responsibilities")},
		{"POST", "/edit/responsibilities/:code", moving(policy.ObjResponsibility, policy.ActAmend, lists.KindResponsibility, deptNamedInForm), s.editItemSubmit("responsibilities")},
		{"POST", "/edit/responsibilities/:code/repeal", perm(policy.ObjResponsibility, policy.ActRepeal, deptOfItem(lists.KindResponsibility)), s.editRepeal("responsibilities")},
		{"GET", "/edit/services/new", perm(policy.ObjService, policy.ActPublish, editorDept), s.editNewPage("services")},
		{"POST", "/edit/services/new", perm(policy.ObjService, policy.ActPublish, deptInForm), s.editNewSubmit("services")},
		{"GET", "/edit/services/:code", perm(policy.ObjService, policy.ActAmend, deptOfItem(lists.KindService)), s.editItemPage("services")},
		{"POST", "/edit/services/:code", moving(policy.ObjService, policy.ActAmend, lists.KindService, deptNamedInForm), s.editItemSubmit("services")},
		{"POST", "/edit/services/:code/repeal", perm(policy.ObjService, policy.ActRepeal, deptOfItem(lists.KindService)), s.editRepeal("services")},
		{"GET", "/audit", perm(policy.ObjSecurityLog, policy.ActRead, allDepts), s.auditPage},
		{"POST", "/audit/verify", perm(policy.ObjLedger, policy.ActVerify, allDepts), s.auditVerify},
		{"GET", "/audit/verify", perm(policy.ObjLedger, policy.ActVerify, allDepts), s.auditVerifyStatus},
		{"GET", "/audit/export", perm(policy.ObjSecurityLog, policy.ActRead, allDepts), s.auditExport},
		{"GET", "/admin", loggedIn, s.adminPage}, // the page shows each administrator only their own forms
		{"POST", "/admin/users", perm(policy.ObjUser, policy.ActCreate, allDepts), s.adminCreateUser},
		{"POST", "/admin/users/:username/disable", perm(policy.ObjUser, policy.ActDisable, allDepts), s.adminUserStatus(false)},
		{"POST", "/admin/users/:username/enable", perm(policy.ObjUser, policy.ActDisable, allDepts), s.adminUserStatus(true)},
		{"POST", "/admin/roles/grant", perm(policy.ObjRole, policy.ActGrant, allDepts), s.adminRole(true)},
		{"POST", "/admin/roles/revoke", perm(policy.ObjRole, policy.ActRevoke, allDepts), s.adminRole(false)},
		// End of pages (issue 6).

		{"POST", "/api/v1/departments", perm(policy.ObjDepartment, policy.ActManage, allDepts), s.publishHandler(lists.KindDepartment)},
		{"PUT", "/api/v1/departments/:code", perm(policy.ObjDepartment, policy.ActManage, allDepts), s.amendHandler(lists.KindDepartment)},
		{"POST", "/api/v1/departments/:code/repeal", perm(policy.ObjDepartment, policy.ActManage, allDepts), s.repealHandler(lists.KindDepartment)},
		{"POST", "/api/v1/powers", perm(policy.ObjPower, policy.ActPublish, deptInBody), s.publishHandler(lists.KindPower)},
		{"PUT", "/api/v1/powers/:code", moving(policy.ObjPower, policy.ActAmend, lists.KindPower, deptNamedInBody), s.amendHandler(lists.KindPower)},
		{"POST", "/api/v1/powers/:code/repeal", perm(policy.ObjPower, policy.ActRepeal, deptOfItem(lists.KindPower)), s.repealHandler(lists.KindPower)},
		{"POST", "/api/v1/responsibilities", perm(policy.ObjResponsibility, policy.ActPublish, deptInBody), s.publishHandler(lists.KindResponsibility)},
		{"PUT", "/api/v1/responsibilities/:code", moving(policy.ObjResponsibility, policy.ActAmend, lists.KindResponsibility, deptNamedInBody), s.amendHandler(lists.KindResponsibility)},
		{"POST", "/api/v1/responsibilities/:code/repeal", perm(policy.ObjResponsibility, policy.ActRepeal, deptOfItem(lists.KindResponsibility)), s.repealHandler(lists.KindResponsibility)},
		{"POST", "/api/v1/services", perm(policy.ObjService, policy.ActPublish, deptInBody), s.publishHandler(lists.KindService)},
		{"PUT", "/api/v1/services/:code", moving(policy.ObjService, policy.ActAmend, lists.KindService, deptNamedInBody), s.amendHandler(lists.KindService)},
		{"POST", "/api/v1/services/:code/repeal", perm(policy.ObjService, policy.ActRepeal, deptOfItem(lists.KindService)), s.repealHandler(lists.KindService)},
	}
}

// operatorRouteTable is served on the operator's own listener
// (serve --metrics-addr), never on the public one. /metrics is restricted
// by where it listens, not by a login: Prometheus scrapes without
// credentials, and the operator binds the listener to loopback or an
// internal network. It shows no personal data, but it does show internal
// timings, traffic by route and the process's memory, which the public
// need not see, and scraping it must not be a load anyone on the internet
// can put on the server. On the public listener /metrics is 404.
func (s *Server) operatorRouteTable() []route {
	if s.cfg.Metrics == nil {
		return nil
	}
	return []route{
		{"GET", "/metrics", public, s.metricsHandler()},
	}
}

// rateLimited are the public routes that write or look up by a secret,
// limited per client address (--rate-limit).
var rateLimited = map[string]bool{
	"POST /api/v1/applications": true, "GET /api/v1/applications/:number": true, "POST /api/v1/materials": true,
	"POST /api/v1/applications/:number/withdraw": true, "POST /api/v1/login": true,
	// issue 7: witnesses' cosignatures; issue 6: the pages' forms
	"POST /api/v1/ledger/cosignatures": true, "POST /login": true, "POST /apply/:service": true, "POST /progress": true,
}

// bodyLimits are the routes that take a body over defaultBodyLimit
// (body.go). Their guard runs before the body is read, so it must not
// read the body; they need a Content-Length.
var bodyLimits = map[string]bodyRule{
	"POST /api/v1/import":    {limit: 16 << 20},                                     // a list file as published
	"POST /api/v1/materials": {limit: applications.MaxMaterialSize, streamed: true}, // to a file, not to memory
}

func (s *Server) routes() {
	var limit fiber.Handler
	if s.cfg.RateLimit > 0 {
		limit = limiter.New(limiter.Config{Max: s.cfg.RateLimit, Expiration: time.Minute,
			LimitReached: func(c *fiber.Ctx) error {
				return fiber.NewError(fiber.StatusTooManyRequests, "too many requests from this address; try again in a minute")
			}})
	}
	s.patterns = map[string]bool{}
	for _, r := range s.routeTable() {
		s.patterns[r.method+" "+r.path] = true
		handlers := []fiber.Handler{}
		if limit != nil && rateLimited[r.method+" "+r.path] {
			handlers = append(handlers, limit)
		}
		bodyBefore, bodyAfter := s.bodyHandlers(r.method + " " + r.path)
		handlers = append(handlers, bodyBefore)
		if g := s.guard(r.access); g != nil {
			handlers = append(handlers, g)
		}
		if bodyAfter != nil {
			handlers = append(handlers, bodyAfter)
		}
		s.app.Add(r.method, r.path, append(handlers, r.handler)...)
	}
	s.app.Use(func(c *fiber.Ctx) error {
		c.Locals(unmatchedPath, true)
		return fiber.ErrNotFound
	})
}
