package web

import (
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The OpenAPI 3.1 document of the JSON API is built from the route table,
// so it cannot forget an endpoint; apiDocs adds what people need to read.

// apiDoc describes one endpoint.
type apiDoc struct {
	Summary string
	Query   []string // query parameter names
	Body    string   // a short description of the request body, "" for none
}

var apiDocs = map[string]apiDoc{
	"GET /healthz":                                {Summary: "Liveness: the process answers."},
	"GET /readyz":                                 {Summary: "Readiness: database reachable, schema current, key loaded."},
	"GET /checkpoint":                             {Summary: "The latest signed checkpoint (C2SP signed note, text/plain)."},
	"POST /api/v1/ledger/cosignatures":            {Summary: "Submit a witness's C2SP tlog-cosignature/v1 lines on a checkpoint the log issued (configured witness keys only).", Body: "the cosigned checkpoint note (text/plain)"},
	"GET /api/v1/ledger/checkpoint/cosigned":      {Summary: "The latest checkpoint that witnesses cosigned, with their cosignature lines (text/plain note)."},
	"GET /api/v1/roles":                           {Summary: "Every role grant in force (user, role, department), to compare with a replay of the ledger's role entries (auditor or secadmin; Bearer token)."},
	"GET /api/v1/ledger/key":                      {Summary: "The log's origin and Ed25519 verifier key."},
	"GET /api/v1/ledger/entries":                  {Summary: "Entries with their exact bytes (base64) and leaf hashes.", Query: []string{"start", "limit"}},
	"GET /api/v1/ledger/entries/{index}":          {Summary: "One entry, its decoded event and a receipt (checkpoint and inclusion proof)."},
	"GET /api/v1/ledger/proof/inclusion":          {Summary: "Inclusion proof of entry index in the tree of the given size.", Query: []string{"index", "size"}},
	"GET /api/v1/ledger/proof/consistency":        {Summary: "Consistency proof between two tree sizes.", Query: []string{"from", "to"}},
	"GET /api/v1/departments":                     {Summary: "Departments (the same list envelope as every list).", Query: []string{"q", "page", "per_page"}},
	"GET /api/v1/departments/{code}":              {Summary: "One department with its version history."},
	"GET /api/v1/powers":                          {Summary: "The power list (权力清单).", Query: []string{"dept", "category", "status", "q", "page", "per_page"}},
	"GET /api/v1/powers/{code}":                   {Summary: "One power item with responsibilities, services and history."},
	"GET /api/v1/responsibilities":                {Summary: "The responsibility list (责任清单).", Query: []string{"dept", "q", "page", "per_page"}},
	"GET /api/v1/responsibilities/{code}":         {Summary: "One responsibility item with its history."},
	"GET /api/v1/services":                        {Summary: "Public services (政务服务).", Query: []string{"audience", "theme", "q", "hot", "dept", "page", "per_page"}},
	"GET /api/v1/services/{code}":                 {Summary: "One service with its history."},
	"GET /api/v1/export/{file}":                   {Summary: "Download a list: powers, responsibilities or services, as .csv or .json."},
	"POST /api/v1/import":                         {Summary: "Import a published list file (编办 list editors).", Body: "the file (CSV, XLSX or JSON)"},
	"POST /api/v1/login":                          {Summary: "Log in: a session cookie and its CSRF token.", Body: `{"username","password"}`},
	"POST /api/v1/logout":                         {Summary: "End the session."},
	"POST /api/v1/tokens":                         {Summary: "Create an API token for the caller (shown once; expires after expires_in_days, default 90, at most 365).", Body: `{"label","expires_in_days"}`},
	"DELETE /api/v1/tokens/{id}":                  {Summary: "Revoke one of the caller's tokens."},
	"POST /api/v1/users":                          {Summary: "Create an account (sysadmin).", Body: `{"username","display_name","dept","password"}`},
	"POST /api/v1/users/{username}/disable":       {Summary: "Disable an account (sysadmin)."},
	"POST /api/v1/users/{username}/enable":        {Summary: "Enable an account (sysadmin)."},
	"POST /api/v1/users/{username}/password":      {Summary: "Reset a password (sysadmin).", Body: `{"password"}`},
	"POST /api/v1/roles/grant":                    {Summary: "Grant a role in a department (secadmin; 三员分立 enforced).", Body: `{"user","role","dept"}`},
	"POST /api/v1/roles/revoke":                   {Summary: "Revoke a role (secadmin).", Body: `{"user","role","dept"}`},
	"GET /api/v1/security-log":                    {Summary: "The security log (auditors).", Query: []string{"start", "limit"}},
	"GET /api/v1/stats":                           {Summary: "Figures per department and power: on-time rate, average working days, yellow and red."},
	"POST /api/v1/calendar":                       {Summary: "Update a year of the working-day calendar (sysadmin).", Body: "holiday-cn JSON of one year"},
	"POST /api/v1/materials":                      {Summary: "Upload an application material (PDF, JPEG, PNG or OFD by content; at most 10 MiB; Content-Length required): answers its SHA-256. 411 without a length, 413 too large, 422 not an accepted type, 429 over the per-address or total quota; an upload not named by an application within the materials TTL is collected.", Body: "the file"},
	"POST /api/v1/applications":                   {Summary: "Apply online (public): the number and the query code.", Body: `{"service_code","summary","applicant":{"type","name","id_type","id_number","phone","address"}}`},
	"GET /api/v1/applications":                    {Summary: "The officials' queue of a department.", Query: []string{"dept", "state", "clock", "page", "per_page"}},
	"GET /api/v1/applications/{number}":           {Summary: "Progress of an application (public, with its query code, sent as the X-Query-Code header or the query_code parameter; masked; answered with Cache-Control: no-store).", Query: []string{"query_code"}},
	"POST /api/v1/applications/{number}/withdraw": {Summary: "Withdraw an application (the applicant, with the query code).", Body: `{"query_code","reason_code","reason"}`},
	"POST /api/v1/applications/{number}/accept":   {Summary: "Accept (受理; clerk).", Body: "{}"},
	"POST /api/v1/applications/{number}/refuse":   {Summary: "Refuse (不予受理; clerk).", Body: `{"reason","missing":[…]}`},
	"POST /api/v1/applications/{number}/review":   {Summary: "Review (审查; clerk).", Body: `{"opinion"}`},
	"POST /api/v1/applications/{number}/decide":   {Summary: "Decide (决定; approver, not the reviewer).", Body: `{"outcome":"approved|denied","reason","basis"}`},
	"POST /api/v1/applications/{number}/deliver":  {Summary: "Deliver the decision (送达; clerk).", Body: `{"method"}`},
	"POST /api/v1/applications/{number}/pause":    {Summary: "Stop the clock for a special procedure (clerk).", Body: `{"procedure","reason"}`},
	"POST /api/v1/applications/{number}/resume":   {Summary: "Restart the clock (clerk).", Body: "{}"},
	"POST /api/v1/applications/{number}/extend":   {Summary: "Extend the statutory limit (approver).", Body: `{"days","reason"}`},
	"POST /api/v1/departments":                    {Summary: "Add a department (sysadmin).", Body: "the department with basis_doc, change_note"},
	"PUT /api/v1/departments/{code}":              {Summary: "Amend a department (sysadmin).", Body: "the fields to change with basis_doc, change_note"},
	"POST /api/v1/departments/{code}/repeal":      {Summary: "Repeal a department (sysadmin).", Body: `{"basis_doc","change_note"}`},
	"POST /api/v1/powers":                         {Summary: "Publish a power item (list editor).", Body: "the item with basis_doc, change_note, major"},
	"PUT /api/v1/powers/{code}":                   {Summary: "Amend a power item (list editor).", Body: "the fields to change with basis_doc, change_note, major"},
	"POST /api/v1/powers/{code}/repeal":           {Summary: "Repeal a power item (list editor).", Body: `{"basis_doc","change_note"}`},
	"POST /api/v1/responsibilities":               {Summary: "Publish a responsibility item (list editor).", Body: "the item with basis_doc, change_note"},
	"PUT /api/v1/responsibilities/{code}":         {Summary: "Amend a responsibility item (list editor).", Body: "the fields to change with basis_doc, change_note"},
	"POST /api/v1/responsibilities/{code}/repeal": {Summary: "Repeal a responsibility item (list editor).", Body: `{"basis_doc","change_note"}`},
	"POST /api/v1/services":                       {Summary: "Publish a service (list editor).", Body: "the item with basis_doc, change_note"},
	"PUT /api/v1/services/{code}":                 {Summary: "Amend a service (list editor).", Body: "the fields to change with basis_doc, change_note"},
	"POST /api/v1/services/{code}/repeal":         {Summary: "Repeal a service (list editor).", Body: `{"basis_doc","change_note"}`},
	"GET /api/openapi.json":                       {Summary: "This document."},
}

var pathParam = regexp.MustCompile(`:([a-z_]+)`)

// isAPIRoute reports whether a route belongs in the API document: the JSON
// API and the machine endpoints, not the pages.
func isAPIRoute(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/checkpoint" || path == "/healthz" || path == "/readyz"
}

// openAPIPath turns /api/v1/powers/:code into /api/v1/powers/{code}.
func openAPIPath(path string) string { return pathParam.ReplaceAllString(path, "{$1}") }

// openAPIDocument builds the OpenAPI 3.1 document from the route table.
func (s *Server) openAPIDocument() fiber.Map {
	paths := fiber.Map{}
	for _, r := range s.routeTable() {
		if !isAPIRoute(r.path) {
			continue
		}
		p := openAPIPath(r.path)
		item, _ := paths[p].(fiber.Map)
		if item == nil {
			item = fiber.Map{}
			paths[p] = item
		}
		item[strings.ToLower(r.method)] = operation(r, p)
	}
	return fiber.Map{
		"openapi": "3.1.0",
		"info": fiber.Map{"title": "qingdan API", "version": "1",
			"description": "The three lists, online applications and the append-only ledger. Errors are RFC 9457 application/problem+json; hashes are standard base64."},
		"paths": paths,
		"components": fiber.Map{
			"securitySchemes": fiber.Map{
				"session": fiber.Map{"type": "apiKey", "in": "cookie", "name": sessionCookie,
					"description": "From POST /api/v1/login; state-changing requests also send X-CSRF-Token."},
				"bearer": fiber.Map{"type": "http", "scheme": "bearer"},
			},
			"schemas": fiber.Map{"Problem": fiber.Map{"type": "object", "properties": fiber.Map{
				"type": fiber.Map{"type": "string"}, "title": fiber.Map{"type": "string"}, "status": fiber.Map{"type": "integer"},
				"detail": fiber.Map{"type": "string"}, "errors": fiber.Map{"type": "object", "additionalProperties": fiber.Map{"type": "string"}}}}},
		},
	}
}

func operation(r route, p string) fiber.Map {
	doc := apiDocs[r.method+" "+p]
	op := fiber.Map{"summary": doc.Summary, "operationId": operationID(r.method, p), "responses": fiber.Map{
		"200":     fiber.Map{"description": "OK"},
		"default": fiber.Map{"description": "A problem", "content": fiber.Map{"application/problem+json": fiber.Map{"schema": fiber.Map{"$ref": "#/components/schemas/Problem"}}}},
	}}
	var params []fiber.Map
	for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
		params = append(params, fiber.Map{"name": m[1], "in": "path", "required": true, "schema": fiber.Map{"type": "string"}})
	}
	for _, q := range doc.Query {
		params = append(params, fiber.Map{"name": q, "in": "query", "schema": fiber.Map{"type": "string"}})
	}
	if params != nil {
		op["parameters"] = params
	}
	if doc.Body != "" {
		op["requestBody"] = fiber.Map{"description": doc.Body, "content": fiber.Map{"application/json": fiber.Map{"schema": fiber.Map{"type": "object"}}}}
	}
	if r.access.Public {
		op["security"] = []fiber.Map{}
	} else {
		op["security"] = []fiber.Map{{"session": []string{}}, {"bearer": []string{}}}
		who := "any logged-in user"
		if !r.access.AnyUser {
			who = "permission " + r.access.Obj + " " + r.access.Act
		}
		op["description"] = "Access: " + who + "."
	}
	return op
}

func operationID(method, p string) string {
	id := strings.ToLower(method)
	for _, part := range strings.Split(p, "/") {
		part = strings.Trim(part, "{}")
		if part == "" || part == "api" || part == "v1" {
			continue
		}
		id += strings.ToUpper(part[:1]) + strings.ReplaceAll(part[1:], ".", "")
	}
	return strings.NewReplacer("-", "", "_", "", "*", "").Replace(id)
}

// openAPI serves GET /api/openapi.json.
func (s *Server) openAPI(c *fiber.Ctx) error { return c.JSON(s.openAPIDocument()) }

// apiEndpoint is one row of the readable API page.
type apiEndpoint struct {
	Method, Path, Summary, Access, Body string
	Query                               []string
}

// apiPage serves /open-data/api: the same document, for people.
func (s *Server) apiPage(c *fiber.Ctx) error {
	var eps []apiEndpoint
	for _, r := range s.routeTable() {
		if !isAPIRoute(r.path) {
			continue
		}
		p := openAPIPath(r.path)
		doc := apiDocs[r.method+" "+p]
		access := "public"
		if r.access.AnyUser {
			access = "logged in"
		} else if !r.access.Public {
			access = r.access.Obj + " " + r.access.Act
		}
		eps = append(eps, apiEndpoint{Method: r.method, Path: p, Summary: doc.Summary, Access: access, Body: doc.Body, Query: doc.Query})
	}
	return s.render(c, "api", "api_title", fiber.Map{"Endpoints": eps})
}
