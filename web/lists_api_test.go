package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"qingdan/data/applications"
	"qingdan/data/calendar"
	"qingdan/data/demo"
	"qingdan/data/identity"
	"qingdan/data/lists"
	"qingdan/data/personal"
	"qingdan/data/pgtest"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
	"qingdan/policy"
	"qingdan/web/accounts"
)

// newDemoServer serves the demo county, with its demo accounts, from a
// real SQLite database (PostgreSQL under pgtest.Backends' "postgres").
func newDemoServer(t *testing.T) (*Server, *ledger.Log) {
	t.Helper()
	return newDemoServerWith(t, func(*Config) {})
}

// newDemoServerWith is newDemoServer with the configuration changed by set.
func newDemoServerWith(t *testing.T, set func(*Config)) (*Server, *ledger.Log) {
	t.Helper()
	return newDemoServerAt(t, nil, set)
}

// newDemoServerAt is newDemoServerWith with now as the clock of the main
// ledger (entry times, hence acceptance dates) and of the approvals (today
// for the clock status); nil is the real time.
func newDemoServerAt(t *testing.T, now func() time.Time, set func(*Config)) (*Server, *ledger.Log) {
	t.Helper()
	db := newTestDatabase(t).open(t)
	ls, _ := store.NewLedgerStore(db, store.MainLog)
	l := storetest.NewLogAt(t, ls, now)
	cat := lists.NewCatalog(db, l)
	if err := demo.Seed(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	enf, err := policy.New(db.Writer)
	if err != nil {
		t.Fatal(err)
	}
	id := &accounts.Accounts{Directory: identity.NewDirectory(db, l), Enforcer: enf}
	if _, err := id.SeedDemo(context.Background(), []string{"scjg", "gaj", "bianban"}); err != nil {
		t.Fatal(err)
	}
	secStore, _ := store.NewLedgerStore(db, store.SecurityLog)
	sec := storetest.NewLog(t, secStore)
	cals, err := calendar.NewCalendars(context.Background(), db, l)
	if err != nil {
		t.Fatal(err)
	}
	approvals := applications.NewApprovals(db, l, cals.Current)
	approvals.UsePII(testPII(t, db))
	if now != nil {
		approvals.SetClock(now)
	}
	cfg := Config{Ledger: l, SecurityLog: sec, Catalog: cat, Approvals: approvals, Calendars: cals, Accounts: id}
	set(&cfg)
	return New(cfg), l
}

// testPIIKey is the tests' personal-data master key, one for every
// server of a test so that replicas over one database share it.
var testPIIKey, _ = personal.NewPIIMasterKey()

// testPII opens the personal-data keys of db under testPIIKey.
func testPII(t testing.TB, db *store.DB) *personal.PII {
	t.Helper()
	p, err := personal.OpenPII(context.Background(), db, []personal.PIIMasterKey{testPIIKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// creds is how a test request authenticates: a session cookie with its
// CSRF token, or a bearer token.
type creds struct{ cookie, csrf, bearer string }

// login logs in as a demo user and returns the session.
func login(t *testing.T, s *Server, user string) creds {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(`{"username":"`+user+`","password":"`+accounts.DemoPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.App().Test(req, -1)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login %s: %v %v", user, resp.StatusCode, err)
	}
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			return creds{cookie: ck.Value, csrf: out.CSRF}
		}
	}
	t.Fatalf("login %s: no session cookie", user)
	return creds{}
}

func send(t *testing.T, s *Server, method, path string, who creds, body any) (int, []byte) {
	t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	return sendRaw(t, s, method, path, who, string(b))
}

// sendRaw is send with a body sent exactly as given.
func sendRaw(t *testing.T, s *Server, method, path string, who creds, body string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if who.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+who.bearer)
	}
	if who.cookie != "" {
		req.Header.Set("Cookie", sessionCookie+"="+who.cookie)
		req.Header.Set("X-CSRF-Token", who.csrf)
	}
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

type pageJSON struct {
	Items   []map[string]any `json:"items"`
	Total   int              `json:"total"`
	Page    int              `json:"page"`
	PerPage int              `json:"per_page"`
}

func TestListsAPI(t *testing.T) {
	s, _ := newDemoServer(t)
	cases := []struct {
		path     string
		minTotal int
		check    func(map[string]any) bool
	}{
		{"/api/v1/departments", 10, func(m map[string]any) bool { return m["name_en"] != "" }},
		{"/api/v1/powers?category=CF", 5, func(m map[string]any) bool { return m["category"] == "CF" }},
		{"/api/v1/powers?dept=scjg", 5, func(m map[string]any) bool { return m["dept"] == "scjg" }},
		{"/api/v1/powers?status=repealed", 1, func(m map[string]any) bool { return m["status"] == "repealed" }},
		{"/api/v1/powers?q=" + url.QueryEscape("食品"), 1, func(m map[string]any) bool { return true }},
		{"/api/v1/powers?q=" + url.QueryEscape("行政许可法"), 1, func(m map[string]any) bool { return true }},
		{"/api/v1/responsibilities?dept=gaj", 1, func(m map[string]any) bool { return m["dept"] == "gaj" }},
		{"/api/v1/services?audience=legal_person", 30, func(m map[string]any) bool { return m["audience"] == "legal_person" }},
		{"/api/v1/services?hot=1", 10, func(m map[string]any) bool { return m["hot"] == true }},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			var p pageJSON
			getJSON(t, s, c.path, &p)
			if p.Total < c.minTotal || len(p.Items) == 0 || p.Page != 1 || p.PerPage != 20 {
				t.Fatalf("total %d, %d items, page %d/%d; want at least %d", p.Total, len(p.Items), p.Page, p.PerPage, c.minTotal)
			}
			for _, it := range p.Items {
				if !c.check(it) {
					t.Fatalf("item %v does not match the filter", it["code"])
				}
			}
		})
	}
	var detail map[string]any
	getJSON(t, s, "/api/v1/powers/XK-SCJG-001", &detail)
	for _, k := range []string{"code", "name", "category", "dept", "status", "legal_limit", "promised_limit", "basis", "responsibilities", "services", "history"} {
		if _, ok := detail[k]; !ok {
			t.Errorf("power detail has no %q", k)
		}
	}
}

func TestListsAPIBadInput(t *testing.T) {
	s, _ := newDemoServer(t)
	for path, want := range map[string]int{
		"/api/v1/powers?per_page=101":     400,
		"/api/v1/powers?page=0":           400,
		"/api/v1/powers?status=gone":      400,
		"/api/v1/powers?hot=1":            422,
		"/api/v1/services?hot=maybe":      400,
		"/api/v1/powers/NO-SUCH-ITEM":     404,
		"/api/v1/departments?category=XK": 422,
	} {
		if status, body := send(t, s, "GET", path, creds{}, nil); status != want {
			t.Errorf("GET %s: %d, want %d: %s", path, status, want, body)
		}
	}
}

func TestListEditingOverHTTP(t *testing.T) { pgtest.Backends(t, testListEditingOverHTTP) }

func testListEditingOverHTTP(t *testing.T) {
	s, l := newDemoServer(t)
	item := map[string]any{"code": "XK-TEST-001", "name": "测试许可", "category": "XK", "dept": "scjg",
		"legal_limit": 20, "promised_limit": 5, "basis": []any{map[string]any{"law": "《中华人民共和国行政许可法》"}},
		"basis_doc": "清编办〔2026〕9号", "change_note": "新增", "major": true}
	editor := login(t, s, "editor.scjg")
	if status, _ := send(t, s, "POST", "/api/v1/powers", creds{}, item); status != 401 {
		t.Fatalf("publish without login: %d, want 401", status)
	}
	if status, _ := send(t, s, "POST", "/api/v1/powers", creds{bearer: "wrong"}, item); status != 401 {
		t.Fatalf("publish with a wrong token: %d, want 401", status)
	}
	if status, _ := send(t, s, "POST", "/api/v1/powers", creds{cookie: editor.cookie, csrf: "forged"}, item); status != 403 {
		t.Fatalf("publish with a forged CSRF token: %d, want 403", status)
	}
	if status, _ := send(t, s, "POST", "/api/v1/powers", login(t, s, "editor.gaj"), item); status != 403 {
		t.Fatalf("publish for scjg by the gaj editor: %d, want 403", status)
	}
	if status, _ := send(t, s, "POST", "/api/v1/powers", login(t, s, "clerk.scjg"), item); status != 403 {
		t.Fatalf("publish by a clerk: %d, want 403", status)
	}
	status, body := send(t, s, "POST", "/api/v1/powers", editor, item)
	if status != 201 {
		t.Fatalf("publish: %d %s", status, body)
	}
	var w struct {
		Item    map[string]any `json:"item"`
		Receipt ledger.Receipt `json:"receipt"`
	}
	json.Unmarshal(body, &w)
	if _, err := ledger.VerifyReceipt(&w.Receipt, nil, l.Origin(), l.Key().Verifier); err != nil || w.Item["version"] != 1.0 {
		t.Fatalf("receipt %v, item %v", err, w.Item)
	}
	amend := map[string]any{"promised_limit": 3, "basis_doc": "清编办〔2026〕10号", "change_note": "减时限", "major": false}
	if status, body := send(t, s, "PUT", "/api/v1/powers/XK-TEST-001", editor, amend); status != 200 || !strings.Contains(string(body), `"version":2`) {
		t.Fatalf("amend: %d %s", status, body)
	}
	move := map[string]any{"dept": "gaj", "basis_doc": "清编办〔2026〕10号", "change_note": "划转"}
	if status, body := send(t, s, "PUT", "/api/v1/powers/XK-TEST-001", editor, move); status != 403 {
		t.Fatalf("scjg's editor moves an item to gaj: %d %s, want 403", status, body)
	}
	if status, _ := send(t, s, "PUT", "/api/v1/powers/XK-TEST-001", editor, "not an object"); status != 400 {
		t.Fatalf("amend with a string: %d, want 400", status)
	}
	bad := map[string]any{"promised_limit": 30, "consult_phone": "1", "complaint_phone": "1", "basis_doc": "x", "change_note": "y"}
	status, body = send(t, s, "PUT", "/api/v1/powers/XK-TEST-001", editor, bad)
	var p Problem
	json.Unmarshal(body, &p)
	if status != 422 || p.Errors["promised_limit"] == "" || p.Errors["complaint_phone"] == "" {
		t.Fatalf("invalid amendment: %d %s", status, body)
	}
	back := map[string]any{"dept": "scjg", "basis_doc": "清编办〔2026〕10号", "change_note": "划回"}
	bianban := login(t, s, "editor.bianban")
	for _, m := range []map[string]any{move, back} {
		if status, body := send(t, s, "PUT", "/api/v1/powers/XK-TEST-001", bianban, m); status != 200 {
			t.Fatalf("the 编办 moves an item to %v: %d %s", m["dept"], status, body)
		}
	}
	repeal := map[string]any{"basis_doc": "清编办〔2026〕11号", "change_note": "取消"}
	if status, body := send(t, s, "POST", "/api/v1/powers/XK-TEST-001/repeal", editor, repeal); status != 200 {
		t.Fatalf("repeal: %d %s", status, body)
	}
	if status, _ := send(t, s, "POST", "/api/v1/powers/XK-TEST-001/repeal", editor, repeal); status != 422 {
		t.Fatalf("repeal twice: %d, want 422", status)
	}
	if status, _ := send(t, s, "POST", "/api/v1/powers", editor, item); status != 409 {
		t.Fatalf("publish an existing code: %d, want 409", status)
	}
	if status, _ := send(t, s, "POST", "/api/v1/powers", editor, "not an object"); status != 400 {
		t.Fatalf("publish a string: %d, want 400", status)
	}
	var detail map[string]any
	getJSON(t, s, "/api/v1/powers/XK-TEST-001", &detail)
	if h := detail["history"].([]any); len(h) != 5 || detail["status"] != "repealed" {
		t.Fatalf("history %d versions, status %v; want 5 and repealed", len(h), detail["status"])
	}
}

func TestListEditingOffWithoutIdentities(t *testing.T) {
	s, _ := newDemoServer(t)
	s.cfg.Accounts = nil
	if status, _ := send(t, s, "POST", "/api/v1/powers", creds{bearer: "anything"}, map[string]any{}); status != 403 {
		t.Fatalf("editing on a server without identities: %d, want 403", status)
	}
}

func TestExportAndImportOverHTTP(t *testing.T) {
	s, l := newDemoServer(t)
	for _, f := range []string{"powers.csv", "powers.json", "services.csv", "services.json", "responsibilities.csv", "responsibilities.json"} {
		status, body := send(t, s, "GET", "/api/v1/export/"+f, creds{}, nil)
		if status != 200 || len(body) < 1000 {
			t.Fatalf("export %s: %d, %d bytes", f, status, len(body))
		}
		if strings.HasSuffix(f, ".csv") && !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
			t.Fatalf("export %s has no byte-order mark", f)
		}
	}
	if status, _ := send(t, s, "GET", "/api/v1/export/users.csv", creds{}, nil); status != 404 {
		t.Fatalf("export of an unknown list: %d, want 404", status)
	}
	_, csvBody := send(t, s, "GET", "/api/v1/export/powers.csv", creds{}, nil)
	_, before, _ := l.Latest(context.Background())
	req := httptest.NewRequest("POST", "/api/v1/import?name=powers.csv&basis_doc=x&change_note=y", bytes.NewReader(csvBody))
	if resp, _ := s.App().Test(req, -1); resp.StatusCode != 401 {
		t.Fatalf("import without token: %d, want 401", resp.StatusCode)
	}
	bianban := login(t, s, "editor.bianban")
	req = httptest.NewRequest("POST", "/api/v1/import?name=powers.csv&basis_doc=x&change_note=y", bytes.NewReader(csvBody))
	req.Header.Set("Cookie", sessionCookie+"="+bianban.cookie)
	req.Header.Set("X-CSRF-Token", bianban.csrf)
	resp, err := s.App().Test(req, -1)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("import of the export: %v %v", resp.StatusCode, err)
	}
	if _, after, _ := l.Latest(context.Background()); after.Size != before.Size {
		t.Fatalf("re-importing the export appended %d entries, want 0", after.Size-before.Size)
	}
}
