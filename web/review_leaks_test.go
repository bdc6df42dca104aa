package web

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLanguageLinkStaysLocal (issue 20, finding 13): the language link of
// any page, the 404 page of a path starting with // or /\ included, is a
// path on this site, never a protocol-relative URL.
func TestLanguageLinkStaysLocal(t *testing.T) {
	s, _ := newTestServer(t, 1)
	for _, path := range []string{"//evil.example/x", "/\\evil.example/x", "///evil.example/x", "/%2F/evil.example/x", "/no-such-page"} {
		_, body := getPage(t, s, path, "")
		href := between(body, `<a href="`, `" lang=`)
		if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") || strings.HasPrefix(href, "/\\") || strings.Contains(href, "\\") {
			t.Errorf("GET %s: language link %q, want a local path", path, href)
		}
	}
}

// TestTileErrorsAreNotPages (issue 20, finding 14): /tile/ answers
// machines, so its errors are problem+json, not the HTML error page.
func TestTileErrorsAreNotPages(t *testing.T) {
	s, _ := newTestServer(t, 3)
	for _, path := range []string{"/tile/nonsense", "/tile/0/x999/999"} {
		status, ctype, body := get(t, s, path)
		if status < 400 || status >= 500 || ctype != "application/problem+json" || strings.Contains(string(body), "<html") {
			t.Errorf("GET %s: %d %s, want a 4xx problem+json", path, status, ctype)
		}
	}
}

// TestQueryCodeAnswersAreNotStored (issue 20, finding 14): every answer
// that carries a query code, or is asked for with one, says no-store and
// sends no Referer onwards.
func TestQueryCodeAnswersAreNotStored(t *testing.T) {
	s, _ := newDemoServer(t)
	number, code := submitHTTP(t, s, "FW-SCJG-001")
	check := func(t *testing.T, what string, h interface{ Get(string) string }) {
		t.Helper()
		if cc := h.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", what, cc)
		}
		if rp := h.Get("Referrer-Policy"); rp != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q, want no-referrer", what, rp)
		}
	}
	do := func(method, path, ctype, body string, header map[string]string) (int, interface{ Get(string) string }) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := s.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, resp.Header
	}
	status, h := do("GET", "/api/v1/applications/"+number+"?query_code="+code, "", "", nil)
	if status != 200 {
		t.Fatalf("progress: %d", status)
	}
	check(t, "GET progress", h)
	_, h = do("GET", "/api/v1/applications/"+number+"?query_code=WRONG", "", "", nil)
	check(t, "GET progress with a wrong code", h)
	if status, h = do("GET", "/api/v1/applications/"+number, "", "", map[string]string{"X-Query-Code": code}); status != 200 {
		t.Errorf("progress with the code in X-Query-Code: %d, want 200", status)
	}
	check(t, "GET progress, code in a header", h)
	_, h = do("POST", "/api/v1/applications", "application/json",
		`{"service_code":"FW-SCJG-001","summary":"申请","applicant":{"type":"natural","name":"张三","id_type":"resident_id","id_number":"11010519491231002X","phone":"13812345678"}}`, nil)
	check(t, "POST application (answers with the query code)", h)
	_, h = do("POST", "/progress", "application/x-www-form-urlencoded", "number="+number+"&query_code="+code, nil)
	check(t, "POST /progress", h)
	_, h = do("POST", "/apply/FW-SCJG-001", "application/x-www-form-urlencoded",
		"type=natural&name=%E5%BC%A0%E4%B8%89&id_type=resident_id&id_number=11010519491231002X&phone=13812345678&summary=x", nil)
	check(t, "POST /apply (the receipt shows the query code)", h)
}

// TestOtherDepartmentsApplicationsLookMissing (issue 20, finding 14): to
// an official who may not see an application, another department's
// application answers exactly like a number that does not exist (404),
// on the API and the workbench, and the attempt is still in the security
// log.
func TestOtherDepartmentsApplicationsLookMissing(t *testing.T) {
	s, _ := newDemoServer(t)
	number, _ := submitHTTP(t, s, "FW-SCJG-001") // scjg's
	gaj := login(t, s, "clerk.gaj")
	const missing = "QD20260101000000000000"
	for _, path := range []string{"/api/v1/applications/%s/accept", "/api/v1/applications/%s/refuse"} {
		st1, b1 := send(t, s, "POST", strings.Replace(path, "%s", number, 1), gaj, map[string]any{"reason": "x"})
		st2, b2 := send(t, s, "POST", strings.Replace(path, "%s", missing, 1), gaj, map[string]any{"reason": "x"})
		if st1 != 404 || st2 != 404 || strings.Replace(string(b1), number, missing, -1) != string(b2) {
			t.Errorf("%s by clerk.gaj: other department's %d %s, missing %d %s; want the same 404", path, st1, b1, st2, b2)
		}
	}
	st1, p1 := getPage(t, s, "/work/applications/"+number, sessionOf(gaj))
	st2, p2 := getPage(t, s, "/work/applications/"+missing, sessionOf(gaj))
	if st1 != 404 || st2 != 404 || strings.Replace(p1, number, missing, -1) != p2 {
		t.Errorf("workbench page by clerk.gaj: other department's %d, missing %d; want the same 404 page", st1, st2)
	}
	if status, _ := getPage(t, s, "/work/applications/"+number, sessionOf(login(t, s, "clerk.scjg"))); status != 200 {
		t.Errorf("workbench page by clerk.scjg: %d, want 200", status)
	}
	var log struct {
		Items []map[string]any `json:"items"`
	}
	_, body := send(t, s, "GET", "/api/v1/security-log?per_page=100", login(t, s, "auditor"), nil)
	json.Unmarshal(body, &log)
	if !strings.Contains(string(body), "permission.denied") || !strings.Contains(string(body), "clerk.gaj") {
		t.Errorf("the security log has no denial of clerk.gaj: %s", body)
	}
}
