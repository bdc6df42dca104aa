package web

import (
	"crypto/subtle"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"qingdan/data"
)

// sessionUser reads the page visitor's session: the user, the session's
// CSRF token and the roles the user holds ("" when not logged in).
func (s *Server) sessionUser(c *fiber.Ctx) (string, string, map[string]bool) {
	if s.cfg.Identity == nil || c.Cookies(sessionCookie) == "" {
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
	if _, err := s.cfg.Identity.Directory.ActiveUser(c.UserContext(), user); err != nil {
		return "", "", nil
	}
	return user, csrf, s.rolesOf(c, user)
}

func (s *Server) rolesOf(c *fiber.Ctx, user string) map[string]bool {
	roles := map[string]bool{}
	grants, _ := s.cfg.Identity.Directory.GrantsOf(c.UserContext(), nil, user)
	for _, g := range grants {
		roles[g.Role] = true
	}
	return roles
}

// grantsOf is the user's role grants (role in department).
func (s *Server) grantsOf(c *fiber.Ctx, user string) []data.Grant {
	grants, _ := s.cfg.Identity.Directory.GrantsOf(c.UserContext(), nil, user)
	return grants
}

// formCSRF checks the hidden csrf_token field of a posted page form
// against the session (the API's X-CSRF-Token, for forms).
func formCSRF(c *fiber.Ctx, want string) bool {
	got := c.FormValue("csrf_token")
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// loginPage serves GET /login.
func (s *Server) loginPage(c *fiber.Ctx) error {
	return s.render(c, "login", "staff_login", fiber.Map{"Next": safeNext(c.Query("next")), "Error": ""})
}

// safeNext keeps a post-login destination on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}

// loginSubmit serves POST /login: the form login, with the same lockout and
// security log as the API; a new session id and CSRF token on success.
func (s *Server) loginSubmit(c *fiber.Ctx) error {
	user, password := strings.TrimSpace(c.FormValue("username")), c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	fail := func() error {
		c.Status(fiber.StatusUnauthorized)
		return s.render(c, "login", "staff_login", fiber.Map{"Next": next, "Error": "login_failed", "Username": user})
	}
	if s.cfg.Identity == nil || user == "" || password == "" {
		return fail()
	}
	if err := s.throttle.allow(user, c.IP()); err != nil {
		s.audit(c, user, "login.locked", "denied", "account locked after repeated failures")
		return fail()
	}
	if !s.checkPassword(c, user, password) {
		s.throttle.fail(user, c.IP())
		s.audit(c, user, "login.failed", "failed", "")
		return fail()
	}
	s.throttle.succeed(user)
	s.audit(c, user, "login", "ok", "")
	if _, err := s.newSession(c, user); err != nil {
		return err
	}
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
