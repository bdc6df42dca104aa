package web

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

var testApplicant = map[string]any{"type": "natural", "name": "司马相如", "id_type": "resident_id",
	"id_number": "11010519491231002X", "phone": "13812345678", "address": "清江县文昌路16号"}

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
func TestApplicationOverHTTP(t *testing.T) {
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
		{login(t, s, "clerk.gaj"), "accept", nil, 403},         // another department
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
	for _, secret := range []string{"11010519491231002X", "13812345678", "文昌路", "相如"} {
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
	limited := New(Config{Ledger: s.cfg.Ledger, Catalog: s.cfg.Catalog, Approvals: s.cfg.Approvals, Identity: s.cfg.Identity, RateLimit: 3})
	codes := []int{}
	for i := 0; i < 5; i++ {
		status, _ := send(t, limited, "GET", "/api/v1/applications/QD1?query_code=X", creds{}, nil)
		codes = append(codes, status)
	}
	if codes[0] != 404 || codes[4] != 429 {
		t.Fatalf("statuses %v: want 404 first, 429 once over the limit", codes)
	}
}
