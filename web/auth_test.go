package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"qingdan/ledger"
	"qingdan/web/accounts"
)

// TestWriteMatrix logs in as each demo role and calls every write
// endpoint: who may do what is exactly the role table.
func TestWriteMatrix(t *testing.T) {
	s, _ := newDemoServer(t)
	meta := map[string]any{"basis_doc": "清编办〔2026〕1号", "change_note": "测试"}
	with := func(m map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range meta {
			out[k] = v
		}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	power := with(map[string]any{"code": "XK-MATRIX-1", "name": "测试许可", "category": "XK", "dept": "scjg",
		"basis": []any{map[string]any{"law": "《中华人民共和国行政许可法》"}}})
	endpoints := []struct {
		name, method, path string
		body               map[string]any
	}{
		{"publish power", "POST", "/api/v1/powers", power},
		{"amend power", "PUT", "/api/v1/powers/XK-SCJG-002", with(map[string]any{"promised_limit": 1})},
		{"create user", "POST", "/api/v1/users", map[string]any{"username": "newbie", "display_name": "新人", "dept": "scjg", "password": "Zq8!long-enough-phrase"}},
		{"grant role", "POST", "/api/v1/roles/grant", map[string]any{"user": "clerk.gaj", "role": "approver", "dept": "gaj"}},
		{"manage department", "PUT", "/api/v1/departments/scjg", with(map[string]any{"name_en": "Market Regulation"})},
	}
	// want[user] lists the endpoints the user may call (2xx); the rest 403.
	want := map[string][]string{
		"editor.scjg":    {"publish power", "amend power"},
		"editor.bianban": {"publish power", "amend power"},
		"editor.gaj":     {},
		"clerk.scjg":     {},
		"approver.scjg":  {},
		"sysadmin":       {"create user", "manage department"},
		"secadmin":       {"grant role"},
		"auditor":        {},
	}
	for user, allowed := range want {
		t.Run(user, func(t *testing.T) {
			who := login(t, s, user)
			for _, e := range endpoints {
				status, body := send(t, s, e.method, e.path, who, e.body)
				ok := slices.Contains(allowed, e.name)
				if ok && (status < 200 || status > 299) && status != 409 && status != 422 {
					t.Errorf("%s %s: %d %s, want 2xx", user, e.name, status, body)
				}
				if !ok && status != 403 {
					t.Errorf("%s %s: %d %s, want 403", user, e.name, status, body)
				}
			}
		})
	}
	for _, e := range endpoints {
		if status, _ := send(t, s, e.method, e.path, creds{}, e.body); status != 401 {
			t.Errorf("anonymous %s: %d, want 401", e.name, status)
		}
	}
}

func TestSessionIDChangesAtLogin(t *testing.T) {
	s, _ := newDemoServer(t)
	resp, _ := s.App().Test(httptest.NewRequest("GET", "/api/v1/departments", nil), -1)
	pre := "attacker-chosen-id"
	req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(`{"username":"clerk.scjg","password":"`+accounts.DemoPassword+`"}`))
	req.Header.Set("Cookie", sessionCookie+"="+pre)
	resp, err := s.App().Test(req, -1)
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode, err)
	}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			if c.Value == pre || c.Value == "" || !c.HttpOnly || c.SameSite == 0 {
				t.Fatalf("session cookie %+v: want a fresh HttpOnly SameSite id", c)
			}
			return
		}
	}
	t.Fatal("no session cookie set at login")
}

func TestLockoutHidesWhetherUserExists(t *testing.T) {
	s, _ := newDemoServer(t)
	try := func(user, pw string) (int, string) {
		req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(`{"username":"`+user+`","password":"`+pw+`"}`))
		req.Header.Set("X-Forwarded-For", "10.0.0.1")
		resp, _ := s.App().Test(req, -1)
		var p Problem
		json.NewDecoder(resp.Body).Decode(&p)
		return resp.StatusCode, p.Detail
	}
	s.throttle.addrs.Purge()
	for range lockAfter {
		try("clerk.gaj", "wrong password")
		s.throttle.addrs.Purge() // keep the address delay out of this test
	}
	status, detail := try("clerk.gaj", accounts.DemoPassword)
	_, unknown := try("no.such.user", "whatever")
	if status != 401 || detail != unknown {
		t.Fatalf("locked account with the right password: %d %q; unknown user: %q; want the same 401", status, detail, unknown)
	}
	if status, _ := try("clerk.scjg", accounts.DemoPassword); status != 200 {
		t.Fatalf("another account is not locked: %d", status)
	}
}

func TestDisabledUserStopsAtOnce(t *testing.T) {
	s, _ := newDemoServer(t)
	clerk := login(t, s, "clerk.scjg")
	status, body := send(t, s, "POST", "/api/v1/tokens", clerk, map[string]any{"label": "script"})
	if status != 201 {
		t.Fatalf("create token: %d %s", status, body)
	}
	var tok struct{ Token string }
	json.Unmarshal(body, &tok)
	bearer := creds{bearer: tok.Token}
	if status, _ := send(t, s, "POST", "/api/v1/tokens", bearer, map[string]any{}); status != 201 {
		t.Fatalf("token works before: %d", status)
	}
	if status, body := send(t, s, "POST", "/api/v1/users/clerk.scjg/disable", login(t, s, "sysadmin"), map[string]any{}); status != 200 {
		t.Fatalf("disable: %d %s", status, body)
	}
	for name, who := range map[string]creds{"session": clerk, "token": bearer} {
		if status, _ := send(t, s, "POST", "/api/v1/tokens", who, map[string]any{}); status != 401 {
			t.Errorf("disabled user's %s: %d, want 401", name, status)
		}
	}
}

func TestLogoutEndsSession(t *testing.T) {
	s, _ := newDemoServer(t)
	who := login(t, s, "clerk.scjg")
	if status, _ := send(t, s, "POST", "/api/v1/logout", who, nil); status != 200 {
		t.Fatalf("logout: %d", status)
	}
	if status, _ := send(t, s, "POST", "/api/v1/tokens", who, map[string]any{}); status != 401 {
		t.Fatalf("after logout: %d, want 401", status)
	}
}

// TestSecurityLog: logins, failures and denials are recorded in the
// security log, which only auditors read and which verifies.
func TestSecurityLog(t *testing.T) {
	s, _ := newDemoServer(t)
	req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(`{"username":"clerk.scjg","password":"nope-nope-nope"}`))
	s.App().Test(req, -1)
	clerk := login(t, s, "clerk.scjg")
	send(t, s, "POST", "/api/v1/roles/grant", clerk, map[string]any{"user": "clerk.scjg", "role": "approver", "dept": "scjg"})
	if status, _ := send(t, s, "GET", "/api/v1/security-log", clerk, nil); status != 403 {
		t.Fatalf("clerk reads the security log: %d, want 403", status)
	}
	status, body := send(t, s, "GET", "/api/v1/security-log?limit=1000", login(t, s, "auditor"), nil)
	if status != 200 {
		t.Fatalf("auditor reads the security log: %d %s", status, body)
	}
	for _, want := range []string{`"type":"security.login.failed"`, `"type":"security.login"`, `"type":"security.permission.denied"`, `"addr":`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("security log lacks %s", want)
		}
	}
	if strings.Contains(string(body), "nope-nope-nope") {
		t.Fatal("a password reached the security log")
	}
	sec := s.cfg.SecurityLog
	if _, err := ledger.Verify(context.Background(), sec.Store(), sec.Origin(), sec.Key().Verifier, nil); err != nil {
		t.Fatal(err)
	}
}

func TestPasswordReset(t *testing.T) {
	s, _ := newDemoServer(t)
	admin := login(t, s, "sysadmin")
	if status, _ := send(t, s, "POST", "/api/v1/users/clerk.gaj/password", admin, map[string]any{"password": "123456"}); status != 422 {
		t.Fatalf("a common password: %d, want 422", status)
	}
	if status, _ := send(t, s, "POST", "/api/v1/users/clerk.gaj/password", login(t, s, "secadmin"), map[string]any{"password": "a much better passphrase 7"}); status != 403 {
		t.Fatalf("secadmin resets a password: %d, want 403", status)
	}
	if status, b := send(t, s, "POST", "/api/v1/users/clerk.gaj/password", admin, map[string]any{"password": "a much better passphrase 7"}); status != 200 {
		t.Fatalf("reset: %d %s", status, b)
	}
	req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(`{"username":"clerk.gaj","password":"a much better passphrase 7"}`))
	if resp, _ := s.App().Test(req, -1); resp.StatusCode != 200 {
		t.Fatalf("login with the new password: %d", resp.StatusCode)
	}
}

func TestMissingCSRFIsRefused(t *testing.T) {
	s, _ := newDemoServer(t)
	who := login(t, s, "editor.scjg")
	who.csrf = ""
	status, body := send(t, s, "PUT", "/api/v1/powers/XK-SCJG-002", who, map[string]any{"promised_limit": 1, "basis_doc": "x", "change_note": "y"})
	if status != 403 || !strings.Contains(string(body), "CSRF") {
		t.Fatalf("a cookie session without X-CSRF-Token: %d %s, want 403", status, body)
	}
}

// TestSessionIdleTimeoutSlides: a session in use outlives the idle timeout
// (it counts from the last request, not from the login); a session left
// alone for longer than it ends.
func TestSessionIdleTimeoutSlides(t *testing.T) {
	const idle = 3 * time.Second
	s, _ := newDemoServerWith(t, func(c *Config) { c.SessionIdle = idle })
	who := login(t, s, "clerk.scjg")
	deadline := time.Now().Add(2 * idle)
	for time.Now().Before(deadline) {
		if status, body := send(t, s, "GET", "/api/v1/applications?dept=scjg", who, nil); status != 200 {
			t.Fatalf("session in use refused after %v: %d %s", time.Until(deadline), status, body)
		}
		time.Sleep(idle / 4)
	}
	time.Sleep(idle + time.Second)
	if status, _ := send(t, s, "GET", "/api/v1/applications?dept=scjg", who, nil); status != 401 {
		t.Fatalf("session idle for longer than %v: %d, want 401", idle, status)
	}
}
