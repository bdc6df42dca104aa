package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"qingdan/ledger"

	"qingdan/data/pgtest"
)

var testApplicant = map[string]any{"type": "natural", "name": "司马相如", "id_type": "resident_id",
	"id_number": "11010519491231002X", "phone": "13812345678", "address": "测试街999号"}

func submitHTTP(t *testing.T, s *Server, service string) (number, code string) {
	t.Helper()
	status, body := send(t, s, "POST", "/api/v1/applications", creds{},
		map[string]any{"service_code": service, "summary": "申请", "applicant": testApplicant})
	if status != 201 {
		t.Fatalf("submit: %d %s", status, body)
	}
	var out struct {
		Number, QueryCode string `json:"-"`
	}
	var raw map[string]any
	json.Unmarshal(body, &raw)
	out.Number, out.QueryCode = raw["number"].(string), raw["query_code"].(string)
	return out.Number, out.QueryCode
}

// TestApplicationOverHTTP: a full lifecycle with real sessions and CSRF,
// four eyes, a cross-department official, an illegal transition, and the
// public progress query, which never shows personal data.
func TestApplicationOverHTTP(t *testing.T) { pgtest.Backends(t, testApplicationOverHTTP) }

func testApplicationOverHTTP(t *testing.T) {
	s, _ := newDemoServer(t)
	number, code := submitHTTP(t, s, "FW-SCJG-001")
	path := "/api/v1/applications/" + number
	clerk, approver, approver2 := login(t, s, "clerk.scjg"), login(t, s, "approver.scjg"), login(t, s, "approver2.scjg")
	steps := []struct {
		who    creds
		action string
		body   map[string]any
		want   int
	}{
		{login(t, s, "clerk.gaj"), "accept", nil, 404},         // another department's: as if there were none
		{clerk, "review", map[string]any{"opinion": "x"}, 409}, // not accepted yet
		{clerk, "accept", nil, 200},
		{approver, "review", map[string]any{"opinion": "材料齐全"}, 200},     // approver.D is also a clerk
		{approver, "decide", map[string]any{"outcome": "approved"}, 403}, // four eyes
		{clerk, "decide", map[string]any{"outcome": "approved"}, 403},    // a clerk does not decide
		{approver2, "decide", map[string]any{"outcome": "approved", "reason": "符合条件", "basis": "《食品安全法》"}, 200},
		{approver2, "decide", map[string]any{"outcome": "denied"}, 409}, // decided twice
		{clerk, "deliver", map[string]any{"method": "电子送达"}, 200},
	}
	for i, st := range steps {
		status, body := send(t, s, "POST", path+"/"+st.action, st.who, st.body)
		if status != st.want {
			t.Fatalf("step %d %s: %d %s, want %d", i, st.action, status, body, st.want)
		}
	}
	status, body := send(t, s, "GET", path+"?query_code="+code, creds{}, nil)
	if status != 200 || !strings.Contains(string(body), `"state":"delivered"`) || !strings.Contains(string(body), `"clock_status":"closed_on_time"`) {
		t.Fatalf("progress: %d %s", status, body)
	}
	for _, secret := range []string{"11010519491231002X", "13812345678", "测试街999号", "相如"} {
		if strings.Contains(string(body), secret) {
			t.Errorf("progress answer contains %q", secret)
		}
	}
	if status, _ := send(t, s, "GET", path+"?query_code=WRONG234", creds{}, nil); status != 404 {
		t.Fatalf("wrong query code: %d, want 404", status)
	}
	if status, _ := send(t, s, "GET", "/api/v1/applications/QD00000000000000?query_code="+code, creds{}, nil); status != 404 {
		t.Fatalf("unknown number: %d, want 404", status)
	}
}

func TestWithdrawAndQueue(t *testing.T) {
	s, _ := newDemoServer(t)
	number, code := submitHTTP(t, s, "FW-SCJG-001")
	if status, _ := send(t, s, "POST", "/api/v1/applications/"+number+"/withdraw", creds{}, map[string]any{"query_code": "BAD"}); status != 404 {
		t.Fatalf("withdraw with a wrong code: %d, want 404", status)
	}
	if status, b := send(t, s, "POST", "/api/v1/applications/"+number+"/withdraw", creds{}, map[string]any{"query_code": code}); status != 200 {
		t.Fatalf("withdraw: %d %s", status, b)
	}
	status, body := send(t, s, "GET", "/api/v1/applications?dept=scjg", login(t, s, "clerk.scjg"), nil)
	if status != 200 || !strings.Contains(string(body), number) {
		t.Fatalf("queue: %d %s", status, body)
	}
	if status, _ := send(t, s, "GET", "/api/v1/applications?dept=scjg", login(t, s, "clerk.gaj"), nil); status != 403 {
		t.Fatalf("another department's queue: %d, want 403", status)
	}
	if status, _ := send(t, s, "GET", "/api/v1/applications", login(t, s, "auditor"), nil); status != 200 {
		t.Fatalf("auditor's queue of every department: %d", status)
	}
}

func TestSubmitValidation(t *testing.T) {
	s, _ := newDemoServer(t)
	bad := map[string]any{"type": "natural", "name": "张三", "id_type": "resident_id", "id_number": "110105194912310021", "phone": "12345"}
	status, body := send(t, s, "POST", "/api/v1/applications", creds{}, map[string]any{"service_code": "FW-SCJG-001", "applicant": bad})
	var p Problem
	json.Unmarshal(body, &p)
	if status != 422 || p.Errors["applicant.id_number"] == "" || p.Errors["applicant.phone"] == "" {
		t.Fatalf("bad applicant: %d %s", status, body)
	}
	if status, _ := send(t, s, "POST", "/api/v1/applications", creds{}, map[string]any{"service_code": "NOPE", "applicant": testApplicant}); status != 422 {
		t.Fatalf("unknown service: %d, want 422", status)
	}
}

func TestStatsAndCalendarOverHTTP(t *testing.T) {
	s, _ := newDemoServer(t)
	number, _ := submitHTTP(t, s, "FW-SCJG-001")
	send(t, s, "POST", "/api/v1/applications/"+number+"/accept", login(t, s, "clerk.scjg"), nil)
	status, body := send(t, s, "GET", "/api/v1/stats", creds{}, nil)
	if status != 200 || !strings.Contains(string(body), `"dept":"scjg"`) || !strings.Contains(string(body), `"received":1`) {
		t.Fatalf("stats: %d %s", status, body)
	}
	year := `{"year":2027,"papers":[],"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`
	req := httptest.NewRequest("POST", "/api/v1/calendar", strings.NewReader(year))
	admin := login(t, s, "sysadmin")
	req.Header.Set("Cookie", sessionCookie+"="+admin.cookie)
	req.Header.Set("X-CSRF-Token", admin.csrf)
	resp, err := s.App().Test(req, -1)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("calendar update by sysadmin: %v %v", resp.StatusCode, err)
	}
	if status, _ := send(t, s, "POST", "/api/v1/calendar", login(t, s, "clerk.scjg"), map[string]any{}); status != 403 {
		t.Fatalf("calendar update by a clerk: %d, want 403", status)
	}
}

func TestProgressRateLimited(t *testing.T) {
	s, _ := newDemoServer(t)
	limited := New(Config{Ledger: s.cfg.Ledger, Catalog: s.cfg.Catalog, Approvals: s.cfg.Approvals, Accounts: s.cfg.Accounts, RateLimit: 3})
	codes := []int{}
	for i := 0; i < 5; i++ {
		status, _ := send(t, limited, "GET", "/api/v1/applications/QD1?query_code=X", creds{}, nil)
		codes = append(codes, status)
	}
	if codes[0] != 404 || codes[4] != 429 {
		t.Fatalf("statuses %v: want 404 first, 429 once over the limit", codes)
	}
}

// TestNoPersonalDataInPublicAnswers submits known personal data with a
// material, then walks every public answer and the whole ledger: none of
// the personal data appears; the material is in the ledger only as its
// hash; erasure removes the data and the ledger still verifies.
func TestNoPersonalDataInPublicAnswers(t *testing.T) {
	s, l := newDemoServer(t)
	file := []byte("%PDF-1.4\n营业执照 扫描件 " + testApplicant["id_number"].(string))
	req := httptest.NewRequest("POST", "/api/v1/materials", bytes.NewReader(file))
	resp, _ := s.App().Test(req, -1)
	var up struct{ SHA256 string }
	json.NewDecoder(resp.Body).Decode(&up)
	if resp.StatusCode != 201 || len(up.SHA256) != 64 {
		t.Fatalf("upload: %d %+v", resp.StatusCode, up)
	}
	status, body := send(t, s, "POST", "/api/v1/applications", creds{}, map[string]any{"service_code": "FW-SCJG-001",
		"summary": "申请", "applicant": testApplicant, "materials": []any{map[string]any{"name": "营业执照", "sha256": up.SHA256}}})
	if status != 201 {
		t.Fatalf("submit: %d %s", status, body)
	}
	var sub map[string]any
	json.Unmarshal(body, &sub)
	number, code := sub["number"].(string), sub["query_code"].(string)
	paths := []string{"/api/v1/applications/" + number + "?query_code=" + code, "/api/v1/stats",
		"/api/v1/export/services.json", "/api/v1/powers?per_page=100", "/checkpoint"}
	_, c, _ := l.Latest(context.Background())
	for start := int64(0); start < c.Size; start += 1000 {
		paths = append(paths, fmt.Sprintf("/api/v1/ledger/entries?start=%d&limit=1000", start))
	}
	secrets := []string{"11010519491231002X", "13812345678", "测试街999号", "司马相如", "相如", code, "扫描件"}
	found := false
	for _, p := range paths {
		status, body := send(t, s, "GET", p, creds{}, nil)
		if status != 200 {
			t.Fatalf("GET %s: %d", p, status)
		}
		text := string(body)
		if strings.HasPrefix(p, "/api/v1/ledger/entries") {
			text = decodeBodies(t, body)
		}
		for _, sec := range secrets {
			if strings.Contains(text, sec) {
				t.Errorf("GET %s contains %q", p, sec)
			}
		}
		found = found || strings.Contains(text, up.SHA256)
	}
	if !found {
		t.Error("the material's hash is not in the ledger")
	}
	if err := s.cfg.Approvals.Erase(context.Background(), number); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Verify(context.Background(), l.Store(), l.Origin(), l.Key().Verifier, nil); err != nil {
		t.Fatal(err)
	}
}

// decodeBodies turns an entries page into the text of its bodies.
func decodeBodies(t *testing.T, page []byte) string {
	t.Helper()
	var p struct {
		Entries []struct{ Body []byte } `json:"entries"`
	}
	if err := json.Unmarshal(page, &p); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range p.Entries {
		b.Write(e.Body)
	}
	return b.String()
}
