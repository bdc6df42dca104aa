package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"qingdan/ledger"
	"qingdan/web/accounts"
	"qingdan/web/i18n"
)

// Tests of the security review's account findings (issue 20: 3, 4, 7, 8,
// 9, 13 and 14).

// securityEvents reads the whole security log.
func securityEvents(t *testing.T, s *Server) []SecurityEvent {
	t.Helper()
	var out []SecurityEvent
	err := s.cfg.SecurityLog.Store().ReadRecords(context.Background(), 0, -1, func(r ledger.Record) error {
		e, err := ledger.Decode(r.Body)
		if err != nil {
			return err
		}
		var ev SecurityEvent
		if err := json.Unmarshal(e.Data, &ev); err != nil {
			return err
		}
		out = append(out, ev)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func countEvents(evs []SecurityEvent, action string) int {
	n := 0
	for _, ev := range evs {
		if ev.Action == action {
			n++
		}
	}
	return n
}

// loginFrom posts an API login as the client at addr (X-Forwarded-For,
// believed when the server trusts the test's connection address).
func loginFrom(t *testing.T, s *Server, addr, user, password string) int {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"username": user, "password": password})
	req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	if addr != "" {
		req.Header.Set("X-Forwarded-For", addr)
	}
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// trustTestClient trusts the address app.Test connects from.
func trustTestClient(c *Config) { c.TrustedProxies = []string{"0.0.0.0"} }

// TestTrustedProxyOnly (finding 13): X-Forwarded-For is the client's
// address only when the request comes from a trusted proxy.
func TestTrustedProxyOnly(t *testing.T) {
	for _, tc := range []struct {
		name    string
		proxies []string
		want    bool
	}{{"no proxy", nil, false}, {"another proxy", []string{"10.0.0.0/8"}, false}, {"trusted", []string{"0.0.0.0/32"}, true}} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newDemoServerWith(t, func(c *Config) { c.TrustedProxies = tc.proxies })
			loginFrom(t, s, "203.0.113.9", "clerk.scjg", "wrong password 1")
			evs := securityEvents(t, s)
			got := evs[len(evs)-1]
			if got.Action != "login.failed" || (got.Addr == "203.0.113.9") != tc.want {
				t.Fatalf("got %+v, want login.failed with the forwarded address %v", got, tc.want)
			}
		})
	}
}

// TestLockoutIsPerAddress (finding 7): failures from one address lock the
// account for that address only; the official logs in from another.
func TestLockoutIsPerAddress(t *testing.T) {
	s, _ := newDemoServerWith(t, trustTestClient)
	for i := 0; i < lockAfter+1; i++ {
		loginFrom(t, s, "198.51.100.1", "clerk.gaj", "wrong password")
	}
	if got := loginFrom(t, s, "198.51.100.1", "clerk.gaj", accounts.DemoPassword); got != 401 {
		t.Errorf("the attacker's address with the right password: %d, want 401 (locked for that pair)", got)
	}
	if got := loginFrom(t, s, "198.51.100.2", "clerk.gaj", accounts.DemoPassword); got != 200 {
		t.Errorf("the official from another address: %d, want 200", got)
	}
}

// TestRoleGrantsNeedAuditor (finding 7): the list of grants (every
// username) is not public.
func TestRoleGrantsNeedAuditor(t *testing.T) {
	s, _ := newDemoServer(t)
	if status, _ := send(t, s, "GET", "/api/v1/roles", creds{}, nil); status != 401 {
		t.Errorf("anonymous GET /api/v1/roles: %d, want 401", status)
	}
	if status, _ := send(t, s, "GET", "/api/v1/roles", login(t, s, "clerk.scjg"), nil); status != 403 {
		t.Errorf("a clerk's GET /api/v1/roles: %d, want 403", status)
	}
	status, body := send(t, s, "GET", "/api/v1/roles", login(t, s, "auditor"), nil)
	if status != 200 || !strings.Contains(string(body), `"clerk.scjg"`) {
		t.Errorf("the auditor's GET /api/v1/roles: %d, want 200 with the grants", status)
	}
}

// TestHugeUsernamesAreCappedAndLogged (finding 4): failed logins with
// long usernames (as long as a login body may be: bodies over the route's
// limit are refused before any login code runs, body.go) keep no more
// than maxUsernameBytes of each name in the throttle, and each one is in
// the security log, with the name cut to maxUsernameBytes.
func TestHugeUsernamesAreCappedAndLogged(t *testing.T) {
	s, _ := newDemoServer(t)
	const n, size = 5, 200 << 10
	for i := range n {
		loginFrom(t, s, "", strings.Repeat(string(rune('a'+i)), size), "wrong password")
	}
	s.throttle.mu.Lock()
	for _, key := range s.throttle.pairs.Keys() {
		if _, user, _ := strings.Cut(key, "\x00"); len(user) > maxUsernameBytes {
			t.Errorf("the throttle keeps a %d-byte user name, want ≤ %d", len(user), maxUsernameBytes)
		}
	}
	s.throttle.mu.Unlock()
	evs := securityEvents(t, s)
	if got := countEvents(evs, "login.failed"); got != n {
		t.Errorf("got %d login.failed events, want %d", got, n)
	}
	for _, ev := range evs {
		if len(ev.User) > maxUsernameBytes {
			t.Errorf("a logged user name of %d bytes, want ≤ %d", len(ev.User), maxUsernameBytes)
		}
	}
}

// TestThrottleIsBounded (finding 4): the throttle forgets: distinct
// failures beyond its capacity do not grow it.
func TestThrottleIsBounded(t *testing.T) {
	th := newThrottle()
	for i := range 3 * maxThrottleKeys {
		th.fail(strings.Repeat("u", i%50)+string(rune(i)), "192.0.2."+string(rune('0'+i%10)))
	}
	if got := th.keys(); got > 2*maxThrottleKeys {
		t.Fatalf("got %d throttle entries, want ≤ %d", got, 2*maxThrottleKeys)
	}
}

// TestThrottleForgetsAfterLockFor: an account locked for an address
// after lockAfter failures is open again lockFor after the last one, and
// a success forgets the pair's failures.
func TestThrottleForgetsAfterLockFor(t *testing.T) {
	th := newThrottle()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	th.now = func() time.Time { return now }
	for range lockAfter {
		th.fail("clerk.gaj", "192.0.2.1")
	}
	th.addrs.Purge() // no address delay in this test
	if err := th.allow("clerk.gaj", "192.0.2.1"); err == nil {
		t.Fatal("not locked after lockAfter failures")
	}
	if err := th.allow("clerk.gaj", "192.0.2.2"); err != nil {
		t.Fatalf("locked for another address: %v", err)
	}
	now = now.Add(lockFor - time.Second)
	if err := th.allow("clerk.gaj", "192.0.2.1"); err == nil {
		t.Fatal("open again before lockFor has passed")
	}
	now = now.Add(2 * time.Second)
	if err := th.allow("clerk.gaj", "192.0.2.1"); err != nil {
		t.Fatalf("still locked lockFor after the last failure: %v", err)
	}
	th.fail("clerk.gaj", "192.0.2.1")
	th.succeed("clerk.gaj", "192.0.2.1")
	if f := th.get(th.pairs, pairKey("clerk.gaj", "192.0.2.1")); f.count != 0 {
		t.Fatalf("a success left %d failures of the pair", f.count)
	}
}

// TestLoginNextStaysLocal (finding 8): the destination after login is a
// path on this site however a browser would read it.
func TestLoginNextStaysLocal(t *testing.T) {
	for _, next := range []string{"/\t/evil.example/x", "//evil.example", "/\\evil.example", "\\\\evil.example",
		"/%09/evil.example", "/%2F/evil.example", "/%5Cevil.example", "https://evil.example", "/\n/evil", "javascript:alert(1)",
		"/ /evil.example", "/\x00/evil"} {
		if got := safeNext(next); got != "" {
			t.Errorf("safeNext(%q) = %q, want \"\"", next, got)
		}
	}
	for _, next := range []string{"/work", "/work/applications/X-1?tab=a&b=c", "/edit/powers/XK-SCJG-002"} {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
	}
	s, _ := newDemoServer(t)
	_, body := getPage(t, s, "/login?next=/%09/host/phish", "")
	if !strings.Contains(body, `name="next" value=""`) {
		t.Error("the login form carries the /%09/host/phish destination")
	}
}

// TestSecurityEventsAreNeverDropped (finding 9): an oversized label is
// refused, and an event whose fields are huge is logged with them cut.
func TestSecurityEventsAreNeverDropped(t *testing.T) {
	s, _ := newDemoServer(t)
	clerk := login(t, s, "clerk.scjg")
	if status, _ := send(t, s, "POST", "/api/v1/tokens", clerk, map[string]any{"label": strings.Repeat("x", 70<<10)}); status != 422 {
		t.Errorf("a 70 KiB token label: %d, want 422", status)
	}
	if status, body := send(t, s, "POST", "/api/v1/tokens", clerk, map[string]any{"label": "nightly export"}); status != 201 {
		t.Fatalf("a token: %d %s", status, body)
	}
	sec := login(t, s, "secadmin")
	send(t, s, "POST", "/api/v1/roles/grant", sec, map[string]any{"user": strings.Repeat("y", 100<<10), "role": "clerk", "dept": "scjg"})
	evs := securityEvents(t, s)
	if got := countEvents(evs, "token.created"); got != 1 {
		t.Errorf("got %d token.created events, want 1", got)
	}
	if got := countEvents(evs, "role.granted"); got != 1 {
		t.Errorf("got %d role.granted events for the huge grant, want 1", got)
	}
}

// getLoginForm fetches /login and returns the login form's token and its
// cookie.
func getLoginForm(t *testing.T, s *Server) (token, cookie string) {
	t.Helper()
	resp, err := s.App().Test(httptest.NewRequest("GET", "/login", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	token = between(string(body), `name="login_token" value="`, `"`)
	for _, c := range resp.Cookies() {
		if c.Name == loginCookie {
			cookie = c.Name + "=" + c.Value
		}
	}
	return token, cookie
}

func postLogin(t *testing.T, s *Server, form url.Values, cookie string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// TestLoginFormNeedsItsToken (finding 13, login CSRF): a login form posted
// from elsewhere, without the token of this site's login page, logs no
// one in.
func TestLoginFormNeedsItsToken(t *testing.T) {
	s, _ := newDemoServer(t)
	form := url.Values{"username": {"clerk.scjg"}, "password": {accounts.DemoPassword}}
	if status, _ := postLogin(t, s, form, ""); status == 303 {
		t.Error("a form login without the login page's token logged in")
	}
	token, cookie := getLoginForm(t, s)
	if token == "" || cookie == "" {
		t.Fatalf("the login page gave token %q and cookie %q", token, cookie)
	}
	form.Set("login_token", token)
	if status, _ := postLogin(t, s, form, ""); status == 303 {
		t.Error("the token without its cookie logged in")
	}
	if status, loc := postLogin(t, s, form, cookie); status != 303 || loc != "/work" {
		t.Errorf("form login with the token: %d %q, want 303 to /work", status, loc)
	}
}

// TestResetAndDisableEndSessionsAndTokens (finding 13): a password reset
// and a disable ends every session and token of the account, also after
// it is enabled again.
func TestResetAndDisableEndSessionsAndTokens(t *testing.T) {
	s, _ := newDemoServer(t)
	sys := login(t, s, "sysadmin")
	for _, act := range []struct{ name, user string }{{"reset", "clerk.scjg"}, {"disable", "clerk.gaj"}} {
		t.Run(act.name, func(t *testing.T) {
			path := "/api/v1/users/" + act.user + map[string]string{"reset": "/password", "disable": "/disable"}[act.name]
			clerk := login(t, s, act.user)
			_, body := send(t, s, "POST", "/api/v1/tokens", clerk, map[string]any{"label": "script"})
			var tok struct{ Token string }
			json.Unmarshal(body, &tok)
			if status, body := send(t, s, "POST", path, sys, map[string]any{"password": accounts.DemoPassword + "-Renewed-7"}); status != 200 {
				t.Fatalf("%s: %d %s", act.name, status, body)
			}
			send(t, s, "POST", "/api/v1/users/"+act.user+"/enable", sys, map[string]any{})
			for name, who := range map[string]creds{"session": clerk, "token": {bearer: tok.Token}} {
				if status, _ := send(t, s, "POST", "/api/v1/tokens", who, map[string]any{}); status != 401 {
					t.Errorf("the %s from before the %s: %d, want 401", name, act.name, status)
				}
			}
		})
	}
}

// TestTokensExpire (finding 13): a token has an expiry, at most
// maxTokenDays away.
func TestTokensExpire(t *testing.T) {
	s, _ := newDemoServer(t)
	clerk := login(t, s, "clerk.scjg")
	if status, _ := send(t, s, "POST", "/api/v1/tokens", clerk, map[string]any{"expires_in_days": maxTokenDays + 1}); status != 422 {
		t.Errorf("a token for %d days: %d, want 422", maxTokenDays+1, status)
	}
	status, body := send(t, s, "POST", "/api/v1/tokens", clerk, map[string]any{"label": "x"})
	var tok struct {
		ExpiresAt time.Time `json:"expires_at"`
	}
	json.Unmarshal(body, &tok)
	want := time.Now().AddDate(0, 0, defaultTokenDays)
	if status != 201 || tok.ExpiresAt.Sub(want).Abs() > time.Hour {
		t.Errorf("a token: %d, expires %v, want 201 expiring about %v", status, tok.ExpiresAt, want)
	}
}

// TestThreeAdministratorsStaySeparate (findings 3 and 13): the system
// administrator cannot reset, disable or enable a security administrator,
// an auditor or himself; a security administrator can reset them, but not
// himself, and not an operational account.
func TestThreeAdministratorsStaySeparate(t *testing.T) {
	s, _ := newDemoServer(t)
	sys, sec := login(t, s, "sysadmin"), login(t, s, "secadmin")
	pw := map[string]any{"password": "Another good passphrase 9"}
	for _, c := range []struct {
		who        creds
		name, path string
		want       int
	}{
		{sys, "sysadmin resets secadmin", "/api/v1/users/secadmin/password", 403},
		{sys, "sysadmin resets auditor", "/api/v1/users/auditor/password", 403},
		{sys, "sysadmin disables auditor", "/api/v1/users/auditor/disable", 403},
		{sys, "sysadmin disables secadmin", "/api/v1/users/secadmin/disable", 403},
		{sys, "sysadmin disables himself", "/api/v1/users/sysadmin/disable", 403},
		{sec, "secadmin disables himself", "/api/v1/users/secadmin/disable", 403},
		{sec, "secadmin disables a clerk", "/api/v1/users/clerk.gaj/disable", 403},
		{sec, "secadmin resets auditor", "/api/v1/users/auditor/password", 200},
		{sys, "sysadmin resets a clerk", "/api/v1/users/clerk.gaj/password", 200},
	} {
		if status, body := send(t, s, "POST", c.path, c.who, pw); status != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, status, body, c.want)
		}
	}
	status, _, body := postForm(t, s, "/admin/users/auditor/disable", sys, url.Values{})
	if status != 403 || !strings.Contains(body, "admin-problem") || !strings.Contains(body, i18n.Messages("zh")["refused_admin_account"]) {
		t.Errorf("the admin page: sysadmin disables auditor: %d, want 403 with the catalogue's refusal", status)
	}
}

// TestGrantInUnknownDepartment (finding 13).
func TestGrantInUnknownDepartment(t *testing.T) {
	s, _ := newDemoServer(t)
	status, _ := send(t, s, "POST", "/api/v1/roles/grant", login(t, s, "secadmin"), map[string]any{"user": "clerk.scjg", "role": "clerk", "dept": "nosuchdept"})
	if status != 422 {
		t.Errorf("a grant in a department that does not exist: %d, want 422", status)
	}
}

// TestCSRFTokenNotFromQuery (finding 14): the form token is read from the
// posted form only, never from the URL.
func TestCSRFTokenNotFromQuery(t *testing.T) {
	s, _ := newDemoServer(t)
	who := login(t, s, "clerk.scjg")
	req := httptest.NewRequest("POST", "/api/v1/tokens?csrf_token="+url.QueryEscape(who.csrf), strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", sessionCookie+"="+who.cookie)
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 403 {
		t.Errorf("the CSRF token in the query string: %d, want 403", resp.StatusCode)
	}
}

// TestNamesRefuseControlAndBidi (finding 14): a display name with NUL or
// a right-to-left override is refused.
func TestNamesRefuseControlAndBidi(t *testing.T) {
	s, _ := newDemoServer(t)
	sys := login(t, s, "sysadmin")
	for _, name := range []string{"张\x00三", "张\u202e三", "张\u2066三"} {
		status, _ := send(t, s, "POST", "/api/v1/users", sys, map[string]any{"username": "zhang.san", "display_name": name, "dept": "scjg", "password": "Zq8!long-enough-phrase"})
		if status != 422 {
			t.Errorf("display name %q: %d, want 422", name, status)
		}
	}
}
