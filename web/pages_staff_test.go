package web

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"qingdan/web/accounts"
)

// postForm posts a form as a logged-in page would (session cookie and the
// hidden csrf_token field) and returns status, Location and body.
func postForm(t *testing.T, s *Server, path string, who creds, form url.Values) (int, string, string) {
	t.Helper()
	if who.csrf != "" && form.Get("csrf_token") == "" {
		form.Set("csrf_token", who.csrf)
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if who.cookie != "" {
		req.Header.Set("Cookie", sessionCookie+"="+who.cookie)
	}
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func sessionOf(c creds) string { return sessionCookie + "=" + c.cookie }

func TestOpenAPICoversEveryRoute(t *testing.T) {
	s, _ := newTestServer(t, 1)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	getJSON(t, s, "/api/openapi.json", &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	want := map[string]bool{}
	for _, r := range s.routeTable() {
		if !isAPIRoute(r.path) {
			continue
		}
		p, m := openAPIPath(r.path), strings.ToLower(r.method)
		want[m+" "+p] = true
		op, ok := doc.Paths[p][m]
		if !ok {
			t.Errorf("%s %s is missing from the OpenAPI document", r.method, r.path)
			continue
		}
		if op["summary"] == "" {
			t.Errorf("%s %s has no summary in apiDocs", r.method, r.path)
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if !want[m+" "+p] {
				t.Errorf("the document has %s %s, which no route serves", m, p)
			}
		}
	}
	for key := range apiDocs {
		method, p, _ := strings.Cut(key, " ")
		if !want[strings.ToLower(method)+" "+p] {
			t.Errorf("apiDocs describes %s, which no route serves", key)
		}
	}
	if status, body := getPage(t, s, "/open-data/api?lang=en", ""); status != 200 || !strings.Contains(body, "/api/v1/applications/{number}/decide") {
		t.Errorf("/open-data/api: %d, want the endpoints listed", status)
	}
}

func TestApplyAndProgressPages(t *testing.T) {
	s, _ := newDemoServer(t)
	for _, lang := range []string{"zh", "en"} {
		status, body := getPage(t, s, "/apply/FW-SCJG-001?lang="+lang, "")
		want := map[string]string{"zh": "提交申请", "en": "Submit the application"}[lang]
		if status != 200 || !strings.Contains(body, want) || !strings.Contains(body, `for="id_number"`) {
			t.Errorf("apply form (%s): %d, want 200 with %q and labelled fields", lang, status, want)
		}
	}
	form := url.Values{"type": {"natural"}, "name": {"司马相如"}, "id_type": {"resident_id"}, "id_number": {"110105194912310021"},
		"phone": {"13812345678"}, "summary": {"申请"}}
	status, _, body := postForm(t, s, "/apply/FW-SCJG-001", creds{}, form)
	if status != 422 || !strings.Contains(body, "form-errors") || !strings.Contains(body, "证件号码") {
		t.Fatalf("a wrong check digit: %d, want 422 with the field named", status)
	}
	checkNoPersonalData(t, "refused form", body)
	form.Set("id_number", "11010519491231002X")
	status, _, body = postForm(t, s, "/apply/FW-SCJG-001", creds{}, form)
	if status != 201 || !strings.Contains(body, `id="query-code"`) {
		t.Fatalf("submit: %d, want 201 with the receipt", status)
	}
	checkNoPersonalData(t, "receipt", body)
	entryPath := "/ledger/" + between(body, `href="/ledger/`, `"`)
	number, code := between(body, `id="app-number">`, "<"), between(body, `id="query-code">`, "<")
	status, _, body = postForm(t, s, "/progress", creds{}, url.Values{"number": {number}, "query_code": {code}})
	if status != 200 || !strings.Contains(body, "已提交") || !strings.Contains(body, "司*") {
		t.Errorf("progress: %d, want the submitted application with the masked name", status)
	}
	checkNoPersonalData(t, "progress", body)
	status, _, body = postForm(t, s, "/progress", creds{}, url.Values{"number": {number}, "query_code": {"WRONG-CODE"}})
	if status != 404 || !strings.Contains(body, "未找到") {
		t.Errorf("progress with a wrong code: %d, want 404 saying not found", status)
	}
	// the ledger pages, the submission's entry among them, hold no personal data either
	for _, path := range []string{entryPath, "/ledger", "/ledger?type=application", "/stats", "/open-data"} {
		status, body := getPage(t, s, path, "")
		if status != 200 {
			t.Errorf("%s: %d", path, status)
		}
		checkNoPersonalData(t, path, body)
	}
}

// between returns the text after the first from and before the next to.
func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	out, _, _ := strings.Cut(rest, to)
	return out
}

func TestLedgerEntryPage(t *testing.T) {
	s, _ := newTestServer(t, 5)
	for _, lang := range []string{"zh", "en"} {
		status, body := getPage(t, s, "/ledger/3?lang="+lang, "")
		want := map[string]string{"zh": "在浏览器中验证", "en": "Verify in your browser"}[lang]
		if status != 200 || !strings.Contains(body, want) || !strings.Contains(body, `data-index="3"`) || !strings.Contains(body, "/static/verify.js") {
			t.Errorf("/ledger/3 (%s): %d, want the verify panel", lang, status)
		}
	}
	if status, _ := getPage(t, s, "/ledger/99", ""); status != 404 {
		t.Errorf("/ledger/99: %d, want 404", status)
	}
	if status, body := getPage(t, s, "/static/verify.js", ""); status != 200 || !strings.Contains(body, "crypto.subtle") {
		t.Errorf("verify.js: %d", status)
	}
}

func TestStaffPagesNeedLogin(t *testing.T) {
	s, _ := newDemoServer(t)
	for _, path := range []string{"/work", "/audit", "/admin", "/edit"} {
		resp, err := s.App().Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if loc := resp.Header.Get("Location"); resp.StatusCode != 302 || !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("GET %s without login: %d %q, want a redirect to /login", path, resp.StatusCode, loc)
		}
	}
	token, cookie := getLoginForm(t, s)
	status, loc := postLogin(t, s, url.Values{"username": {"clerk.scjg"}, "password": {accounts.DemoPassword}, "login_token": {token}}, cookie)
	if status != 303 || loc != "/work" {
		t.Errorf("form login: %d %q, want 303 to /work", status, loc)
	}
	token, cookie = getLoginForm(t, s)
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"username": {"clerk.scjg"}, "password": {"wrong-password"}, "login_token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	status, body := resp.StatusCode, string(b)
	if status != 401 || !strings.Contains(body, "用户名或密码错误") {
		t.Errorf("wrong password: %d, want 401 with a message", status)
	}
}

func TestWorkbench(t *testing.T) {
	s, _ := newDemoServer(t)
	number, _ := submitHTTP(t, s, "FW-SCJG-001")
	clerk := login(t, s, "clerk.scjg")
	for _, lang := range []string{"zh", "en"} {
		status, body := getPage(t, s, "/work?lang="+lang, sessionOf(clerk))
		if status != 200 || !strings.Contains(body, number) || !strings.Contains(body, map[string]string{"zh": "办件工作台", "en": "Workbench"}[lang]) {
			t.Errorf("/work (%s): %d, want the queue with %s", lang, status, number)
		}
	}
	status, body := getPage(t, s, "/work/applications/"+number, sessionOf(clerk))
	if status != 200 || !strings.Contains(body, `id="do-accept"`) || strings.Contains(body, `id="do-decide"`) {
		t.Fatalf("application page: %d, want the accept form and no decide form for a clerk", status)
	}
	if status, _, _ := postForm(t, s, "/work/applications/"+number+"/accept", creds{cookie: clerk.cookie}, url.Values{"csrf_token": {"forged"}}); status != 403 {
		t.Errorf("accept with a wrong CSRF token: %d, want 403", status)
	}
	status, _, body = postForm(t, s, "/work/applications/"+number+"/accept", clerk, url.Values{})
	if status != 200 || !strings.Contains(body, "action-receipt") || !strings.Contains(body, "已受理") {
		t.Fatalf("accept: %d, want the receipt", status)
	}
	other := login(t, s, "clerk.gaj")
	if status, _ := getPage(t, s, "/work/applications/"+number, sessionOf(other)); status != 404 {
		t.Errorf("another department's clerk: %d, want 404 (as for a number that does not exist)", status)
	}
	// four eyes: approver.scjg (also a clerk) reviews, then may not decide
	both := login(t, s, "approver.scjg")
	if status, _, _ := postForm(t, s, "/work/applications/"+number+"/review", both, url.Values{"opinion": {"符合条件"}}); status != 200 {
		t.Fatalf("review: %d", status)
	}
	status, _, body = postForm(t, s, "/work/applications/"+number+"/decide", both, url.Values{"outcome": {"approved"}, "reason": {"符合"}})
	if status != 403 || !strings.Contains(body, "action-problem") {
		t.Errorf("decide by the reviewer: %d, want 403 shown on the application page", status)
	}
	second := login(t, s, "approver2.scjg")
	status, _, body = postForm(t, s, "/work/applications/"+number+"/decide", second, url.Values{"outcome": {"approved"}, "reason": {"符合"}, "basis": {"法"}})
	if status != 200 || !strings.Contains(body, "准予许可") {
		t.Errorf("decide by another approver: %d, want the receipt", status)
	}
}

func TestAuditPage(t *testing.T) {
	s, l := newDemoServer(t)
	auditor := login(t, s, "auditor")
	for _, lang := range []string{"zh", "en"} {
		status, body := getPage(t, s, "/audit?lang="+lang, sessionOf(auditor))
		if status != 200 || !strings.Contains(body, map[string]string{"zh": "安全日志", "en": "Security log"}[lang]) || !strings.Contains(body, "login") {
			t.Errorf("/audit (%s): %d, want the security log with the login", lang, status)
		}
	}
	if status, _ := getPage(t, s, "/audit", sessionOf(login(t, s, "clerk.scjg"))); status != 403 {
		t.Errorf("/audit as a clerk: %d, want 403", status)
	}
	if status, loc, _ := postForm(t, s, "/audit/verify", auditor, url.Values{}); status != 303 || !strings.HasPrefix(loc, "/audit") {
		t.Fatalf("start verification: %d %q", status, loc)
	}
	var st verifyState
	for i := 0; i < 200; i++ {
		req := httptest.NewRequest("GET", "/audit/verify", nil)
		req.Header.Set("Cookie", sessionOf(auditor))
		resp, _ := s.App().Test(req, -1)
		json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if !st.Running {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st.Running || !st.OK || !strings.Contains(st.Result, l.Origin()) {
		t.Errorf("verification: %+v, want finished and intact", st)
	}
	status, body := getPage(t, s, "/audit/export?log=ledger", sessionOf(auditor))
	_, cp, _ := l.Latest(t.Context())
	if lines := strings.Count(body, "\n"); status != 200 || int64(lines) < cp.Size {
		t.Errorf("export: %d with %d lines, want at least %d", status, lines, cp.Size)
	}
}

func TestAdminPage(t *testing.T) {
	s, _ := newDemoServer(t)
	sys, sec := login(t, s, "sysadmin"), login(t, s, "secadmin")
	status, body := getPage(t, s, "/admin", sessionOf(sys))
	if status != 200 || !strings.Contains(body, `id="create-user"`) || strings.Contains(body, `id="grant-role"`) || !strings.Contains(body, "clerk.scjg") {
		t.Errorf("/admin as sysadmin: %d, want accounts and the create form only", status)
	}
	status, body = getPage(t, s, "/admin?lang=en", sessionOf(sec))
	if status != 200 || !strings.Contains(body, `id="grant-role"`) || strings.Contains(body, `id="create-user"`) || !strings.Contains(body, "Role grants") {
		t.Errorf("/admin as secadmin: %d, want the grant form only", status)
	}
	if status, _ := getPage(t, s, "/admin", sessionOf(login(t, s, "clerk.scjg"))); status != 403 {
		t.Errorf("/admin as a clerk: %d, want 403", status)
	}
	status, _, body = postForm(t, s, "/admin/roles/grant", sec, url.Values{"user": {"sysadmin"}, "role": {"auditor"}, "dept": {"*"}})
	if status < 400 || !strings.Contains(body, "admin-problem") {
		t.Errorf("granting auditor to the sysadmin: %d, want a refusal (三员分立)", status)
	}
	status, _, body = postForm(t, s, "/admin/roles/grant", sec, url.Values{"user": {"clerk.scjg"}, "role": {"clerk"}, "dept": {"gaj"}})
	if status != 200 || !strings.Contains(body, "action-receipt") {
		t.Errorf("granting clerk in gaj: %d, want a receipt", status)
	}
	status, _, body = postForm(t, s, "/admin/users", sys, url.Values{"username": {"li.si"}, "display_name": {"李四"}, "dept": {"scjg"}, "password": {"a-long-enough-passphrase-42"}})
	if status != 200 || !strings.Contains(body, "user.created li.si") {
		t.Errorf("creating an account: %d, want a receipt", status)
	}
}
