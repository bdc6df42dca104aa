package web

import (
	"crypto/subtle"
	"errors"
	"net/url"
	"strings"
	"time"

	"qingdan/data/identity"

	"github.com/gofiber/fiber/v2"
)

// sessionUser reads the page visitor's session: the user, the session's
// CSRF token and the roles the user holds ("" when not logged in).
func (s *Server) sessionUser(c *fiber.Ctx) (string, string, map[string]bool) {
	if s.cfg.Accounts == nil || c.Cookies(sessionCookie) == "" {
		return "", "", nil
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return "", "", nil
	}
	user, _ := sess.Get("user").(string)
	since, _ := sess.Get("since").(int64)
	csrf, _ := sess.Get("csrf").(string)
	if user == "" || time.Since(time.Unix(since, 0)) > sessionAbsolute {
		return "", "", nil
	}
	if err := s.liveSession(c, sess, user); err != nil {
		return "", "", nil
	}
	s.renew(sess)
	return user, csrf, s.rolesOf(c, user)
}

func (s *Server) rolesOf(c *fiber.Ctx, user string) map[string]bool {
	roles := map[string]bool{}
	grants, _ := s.cfg.Accounts.Directory.GrantsOf(c.UserContext(), nil, user)
	for _, g := range grants {
		roles[g.Role] = true
	}
	return roles
}

// grantsOf is the user's role grants (role in department).
func (s *Server) grantsOf(c *fiber.Ctx, user string) []identity.Grant {
	grants, _ := s.cfg.Accounts.Directory.GrantsOf(c.UserContext(), nil, user)
	return grants
}

// formCSRF checks the hidden csrf_token field of a posted page form
// against the session (the API's X-CSRF-Token, for forms).
func formCSRF(c *fiber.Ctx, want string) bool {
	got := postedField(c, "csrf_token")
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// loginCookie carries the login form's token (login CSRF: a form posted
// from another site has neither the cookie, which is SameSite=Strict, nor
// the token of this site's login page).
const loginCookie = "qingdan_login"

// loginPage serves GET /login.
func (s *Server) loginPage(c *fiber.Ctx) error {
	return s.renderLogin(c, safeNext(c.Query("next")), "", "")
}

// renderLogin shows the login form with a fresh form token (and its
// cookie), and a refusal (a catalogue key) if any.
func (s *Server) renderLogin(c *fiber.Ctx, next, problem, user string) error {
	token := randomToken("")
	c.Cookie(&fiber.Cookie{Name: loginCookie, Value: token, Path: "/login", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
		Secure: s.cfg.SecureCookies, MaxAge: int(sessionIdle / time.Second)})
	return s.render(c, "login", "staff_login", fiber.Map{"Next": next, "Error": problem, "Username": user, "LoginToken": token})
}

// loginTokenOK checks the posted form token against its cookie.
func loginTokenOK(c *fiber.Ctx) bool {
	got, want := postedField(c, "login_token"), c.Cookies(loginCookie)
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// safeNext keeps a post-login destination on this site: a path of plain
// characters that no browser reads as another host — no "//" or "\" at
// its start, no white space or control character, no backslash, and none
// of these in percent-encoded form (security review, issue 20:
// "/%09/host" and "/\t/host" became "//host" in the browser).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.ContainsFunc(next, unsafeInNext) {
		return ""
	}
	lower := strings.ToLower(next)
	for _, enc := range []string{"%2f", "%5c", "%0", "%1", "%7f", "%20", "%25"} {
		if strings.Contains(lower, enc) {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") || strings.HasPrefix(next, "//") {
		return ""
	}
	return next
}

// unsafeInNext: a character a login destination must not hold.
func unsafeInNext(r rune) bool {
	return r <= ' ' || r == 0x7f || r == '\\' || r > 0x7e
}

// loginSubmit serves POST /login: the form login, with the same lockout and
// security log as the API; a new session id and CSRF token on success.
func (s *Server) loginSubmit(c *fiber.Ctx) error {
	user, password := strings.TrimSpace(postedField(c, "username")), postedField(c, "password")
	next := safeNext(postedField(c, "next"))
	shown := truncate(user, maxUsernameBytes)
	if !loginTokenOK(c) {
		s.audit(c, shown, "login.failed", "denied", "no login form token (login CSRF)")
		c.Status(fiber.StatusForbidden)
		return s.renderLogin(c, next, "login_expired", shown)
	}
	if s.cfg.Accounts == nil || user == "" || password == "" {
		c.Status(fiber.StatusUnauthorized)
		return s.renderLogin(c, next, "login_failed", shown)
	}
	if _, err := s.logIn(c, user, password); errors.Is(err, errBadLogin) {
		c.Status(fiber.StatusUnauthorized)
		return s.renderLogin(c, next, "login_failed", shown)
	} else if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: loginCookie, Path: "/login", MaxAge: -1, Expires: time.Unix(0, 0)}) // used once
	if next == "" {
		next = s.homeOf(c, user)
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// homeOf is where a user lands after login: their work.
func (s *Server) homeOf(c *fiber.Ctx, user string) string {
	roles := s.rolesOf(c, user)
	switch {
	case roles["clerk"] || roles["approver"]:
		return "/work"
	case roles["list_editor"]:
		return "/edit"
	case roles["auditor"]:
		return "/audit"
	case roles["sysadmin"] || roles["secadmin"]:
		return "/admin"
	}
	return "/"
}

// logoutSubmit serves POST /logout.
func (s *Server) logoutSubmit(c *fiber.Ctx) error {
	sess, err := s.sessions.Get(c)
	if err == nil {
		want, _ := sess.Get("csrf").(string)
		if !formCSRF(c, want) {
			return errBadCSRF
		}
		sess.Destroy()
	}
	s.audit(c, actorOf(c), "logout", "ok", "")
	return c.Redirect("/?"+url.Values{"lang": {lang(c)}}.Encode(), fiber.StatusSeeOther)
}
