package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/hashicorp/golang-lru/v2/simplelru"

	"qingdan/data/identity"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/policy"
)

// Session settings: idle and absolute timeouts.
const (
	sessionIdle     = 30 * time.Minute
	sessionAbsolute = 12 * time.Hour
	sessionCookie   = "qingdan_session"
)

// newSessions keeps sessions in storage (nil: this process's memory,
// which only suits a single server) for idle (0: sessionIdle) after their
// last save.
func newSessions(secure bool, storage fiber.Storage, idle time.Duration) *session.Store {
	if idle <= 0 {
		idle = sessionIdle
	}
	return session.New(session.Config{Expiration: idle, KeyLookup: "cookie:" + sessionCookie,
		CookieHTTPOnly: true, CookieSameSite: "Lax", CookieSecure: secure, Storage: storage})
}

// renew saves a session in use again, at most once every 1/30 of the idle
// timeout, so that the idle timeout counts from the last request rather
// than from the login (the absolute timeout still counts from the login).
// sess must not be used afterwards.
func (s *Server) renew(sess *session.Session) {
	seen, _ := sess.Get("seen").(int64)
	if time.Since(time.UnixMilli(seen)) < s.sessions.Expiration/30 {
		return
	}
	sess.Set("seen", time.Now().UnixMilli())
	if err := sess.Save(); err != nil {
		s.cfg.Logger.Warn("session not renewed", "err", err)
	}
}

func randomToken(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

var (
	errUnauthenticated = fiber.NewError(fiber.StatusUnauthorized, "log in, or send an API token as Authorization: Bearer")
	errBadCSRF         = fiber.NewError(fiber.StatusForbidden, "missing or wrong X-CSRF-Token for this session")
	errBadLogin        = fiber.NewError(fiber.StatusUnauthorized, "invalid username or password")
)

// authenticate returns the acting user of a request: a live API token, or
// a session (then state-changing requests must carry its CSRF token).
// Disabled users are refused at once.
func (s *Server) authenticate(c *fiber.Ctx) (string, error) {
	if token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer "); ok {
		user, err := s.cfg.Accounts.Directory.TokenOwner(c.UserContext(), token)
		if err != nil {
			return "", errUnauthenticated
		}
		return s.active(c, user)
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return "", errUnauthenticated
	}
	user, _ := sess.Get("user").(string)
	since, _ := sess.Get("since").(int64)
	if user == "" || time.Since(time.Unix(since, 0)) > sessionAbsolute {
		return "", errUnauthenticated
	}
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		want, _ := sess.Get("csrf").(string)
		got := c.Get("X-CSRF-Token")
		if got == "" { // a page's form carries it as a hidden field (never the URL)
			got = postedField(c, "csrf_token")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return "", errBadCSRF
		}
	}
	if err := s.liveSession(c, sess, user); err != nil {
		return "", err
	}
	s.renew(sess)
	return user, nil
}

// liveSession refuses the session of an account that is not active or
// whose sessions were ended (password reset, disable) after it started.
func (s *Server) liveSession(c *fiber.Ctx, sess *session.Session, user string) error {
	u, err := s.cfg.Accounts.Directory.ActiveUser(c.UserContext(), user)
	if err != nil {
		return errUnauthenticated
	}
	if sessionStart(sess) < u.SessionsSince {
		sess.Destroy()
		return errUnauthenticated
	}
	return nil
}

// sessionStart is when a session began, in unix milliseconds ("at"; a
// session saved before it was kept has only "since", in seconds).
func sessionStart(sess *session.Session) int64 {
	if at, ok := sess.Get("at").(int64); ok {
		return at
	}
	since, _ := sess.Get("since").(int64)
	return since * 1000
}

// postedField is a field of the posted form body (URL-encoded or
// multipart), never of the query string (security review, issue 20: a
// token in a URL leaks through logs and Referer).
func postedField(c *fiber.Ctx, name string) string {
	if strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		if f, err := c.MultipartForm(); err == nil && len(f.Value[name]) > 0 {
			return f.Value[name][0]
		}
		return ""
	}
	return string(c.Request().PostArgs().Peek(name))
}

func (s *Server) active(c *fiber.Ctx, user string) (string, error) {
	if _, err := s.cfg.Accounts.Directory.ActiveUser(c.UserContext(), user); err != nil {
		return "", errUnauthenticated
	}
	return user, nil
}

// guard enforces a route's access: public, any logged-in user, or a
// Casbin permission in the department the request concerns.
func (s *Server) guard(a Access) fiber.Handler {
	if a.Public {
		return nil
	}
	return func(c *fiber.Ctx) error {
		if !a.declared() {
			return fiber.ErrForbidden
		}
		if s.cfg.Accounts == nil {
			return fiber.NewError(fiber.StatusForbidden, "identities are not configured on this server")
		}
		user, err := s.authenticate(c)
		if err != nil {
			return err
		}
		c.Locals("actor", user)
		if a.AnyUser {
			return c.Next()
		}
		dept, err := a.Dept(s, c)
		if err != nil {
			return err
		}
		if err := s.permitted(c, user, a, dept); err != nil {
			return err
		}
		if a.Also != nil {
			other, err := a.Also(s, c)
			if err != nil {
				return err
			}
			if other != "" && other != dept {
				if err := s.permitted(c, user, a, other); err != nil {
					return err
				}
			}
		}
		return c.Next()
	}
}

// permitted checks a's permission in dept, recording a denial in the
// security log.
func (s *Server) permitted(c *fiber.Ctx, user string, a Access, dept string) error {
	ok, err := s.cfg.Accounts.Enforcer.Allowed(user, dept, a.Obj, a.Act)
	if err != nil {
		return err
	}
	if !ok {
		s.audit(c, user, "permission.denied", "denied", a.Obj+" "+a.Act+" in "+dept)
		return fiber.NewError(fiber.StatusForbidden, fmt.Sprintf("%s may not %s %s in department %s", user, a.Act, a.Obj, dept))
	}
	return nil
}

// Access says who may call a route. Every route declares one.
type Access struct {
	Public  bool   // anyone
	AnyUser bool   // any logged-in user, for their own things
	Obj     string // else a Casbin permission: object, action, department
	Act     string
	Dept    deptOf // the department the request concerns
	Also    deptOf // optional: a second one it concerns (an item moved to another department), "" if none
}

// declared reports whether an Access says something (the zero value is a
// route someone forgot to protect, and is refused).
func (a Access) declared() bool {
	return a.Public || a.AnyUser || (a.Obj != "" && a.Act != "" && a.Dept != nil)
}

// deptOf finds the department a request concerns.
type deptOf func(s *Server, c *fiber.Ctx) (string, error)

var (
	public   = Access{Public: true}
	loggedIn = Access{AnyUser: true}
)

func perm(obj, act string, dept deptOf) Access { return Access{Obj: obj, Act: act, Dept: dept} }

// allDepts: administrative acts are checked in "*".
func allDepts(*Server, *fiber.Ctx) (string, error) { return policy.AllDepartments, nil }

// deptInBody: the "dept" member of the JSON body (a new item).
func deptInBody(s *Server, c *fiber.Ctx) (string, error) {
	dept, err := deptNamedInBody(s, c)
	if err != nil {
		return "", err
	}
	if dept == "" {
		return "", badRequestf("the body must be a JSON object naming its dept")
	}
	return dept, nil
}

// deptNamedInBody: the "dept" member of the JSON body if it has one (an
// amendment that moves an item), else "" — read from the body the
// handler saves (jsonBody).
func deptNamedInBody(_ *Server, c *fiber.Ctx) (string, error) {
	body, err := jsonBody(c)
	if err != nil {
		return "", err
	}
	var dept string
	if raw, ok := body["dept"]; ok && json.Unmarshal(raw, &dept) != nil {
		return "", badRequestf("dept must be a string")
	}
	return dept, nil
}

// moving is the permission to amend an item of kind in its department and,
// when the amendment names another department (named gives it, "" if
// none), in that one too.
func moving(obj, act string, kind lists.Kind, named deptOf) Access {
	return Access{Obj: obj, Act: act, Dept: deptOfItem(kind), Also: named}
}

// deptOfItem: the department of the listed item named by :code.
func deptOfItem(kind lists.Kind) deptOf {
	return func(s *Server, c *fiber.Ctx) (string, error) {
		it, err := s.itemOf(c, kind)
		if err != nil {
			return "", err
		}
		return it.Dept, nil
	}
}

// itemOf is the listed item of kind named by :code, read once a request:
// the route's guard reads it for its department, the handler then uses it.
func (s *Server) itemOf(c *fiber.Ctx, kind lists.Kind) (*lists.Item, error) {
	key := "item:" + string(kind)
	if it, ok := c.Locals(key).(*lists.Item); ok {
		return it, nil
	}
	it, err := s.cfg.Catalog.Get(c.UserContext(), kind, c.Params("code"))
	if err == nil {
		c.Locals(key, it)
	}
	return it, err
}

func actorOf(c *fiber.Ctx) string {
	u, _ := c.Locals("actor").(string)
	return u
}

// login serves POST /api/v1/login.
func (s *Server) login(c *fiber.Ctx) error {
	var req struct{ Username, Password string }
	if err := json.Unmarshal(c.Body(), &req); err != nil || req.Username == "" || req.Password == "" {
		return badRequestf("send {\"username\", \"password\"}")
	}
	if s.cfg.Accounts == nil {
		return errBadLogin
	}
	csrf, err := s.logIn(c, req.Username, req.Password)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"username": req.Username, "csrf_token": csrf})
}

// logIn is the login sequence of the API and the login form: the
// throttled check of the password, recorded in the security log
// (tryLogin), then a new session (no fixation). It returns the session's
// CSRF token, or errBadLogin.
func (s *Server) logIn(c *fiber.Ctx, username, password string) (string, error) {
	if !s.tryLogin(c, username, password) {
		return "", errBadLogin
	}
	return s.newSession(c, username)
}

// maxUsernameBytes bounds a username as typed at login: no account has a
// longer one (identity.User.Validate), so a longer one is cut before anything
// else — the throttle and the security log keep at most this much of it.
const maxUsernameBytes = 64

// tryLogin checks one login attempt of the API or the form, throttled by
// client address and by (address, account) and recorded in the security
// log whatever its outcome. A name longer than maxUsernameBytes fails
// without a lookup, after the same hashing time.
func (s *Server) tryLogin(c *fiber.Ctx, username, password string) bool {
	name, tooLong := truncate(username, maxUsernameBytes), len(username) > maxUsernameBytes
	addr := c.IP()
	if err := s.throttle.allow(name, addr); err != nil {
		s.audit(c, name, "login.locked", "denied", "too many failures from this address")
		return false
	}
	if tooLong || !s.checkPassword(c, name, password) {
		if tooLong {
			policy.VerifyPassword(s.dummyHash(), password)
		}
		s.throttle.fail(name, addr)
		s.audit(c, name, "login.failed", "failed", map[bool]string{true: "username too long"}[tooLong])
		return false
	}
	s.throttle.succeed(name, addr)
	s.audit(c, name, "login", "ok", "")
	return true
}

// truncate cuts s to at most n bytes on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// checkPassword verifies the password; an unknown or disabled user costs
// the same hashing time, so the answer does not tell which it was.
func (s *Server) checkPassword(c *fiber.Ctx, username, password string) bool {
	hash, u, err := s.cfg.Accounts.Directory.PasswordHash(c.UserContext(), username)
	if err != nil || u.Status != identity.UserActive || hash == "" {
		policy.VerifyPassword(s.dummyHash(), password)
		return false
	}
	return policy.VerifyPassword(hash, password) == nil
}

func (s *Server) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy, _ = policy.HashPassword(randomToken("")) })
	return s.dummy
}

// newSession regenerates the session id and stores the user and a fresh
// CSRF token, which it returns.
func (s *Server) newSession(c *fiber.Ctx, user string) (string, error) {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return "", err
	}
	if err := sess.Regenerate(); err != nil {
		return "", err
	}
	csrf := randomToken("")
	now := time.Now()
	sess.Set("user", user)
	sess.Set("since", now.Unix())
	sess.Set("at", now.UnixMilli())
	sess.Set("csrf", csrf)
	return csrf, sess.Save()
}

// logout serves POST /api/v1/logout.
func (s *Server) logout(c *fiber.Ctx) error {
	sess, err := s.sessions.Get(c)
	if err == nil {
		sess.Destroy()
	}
	s.audit(c, actorOf(c), "logout", "ok", "")
	return c.JSON(fiber.Map{"status": "logged out"})
}

// throttle slows a client address after failures and locks an account
// for one address — the pair (address, account) — after lockAfter
// failures, in memory; neither is visible in the answer. A failure is
// forgotten lockFor after the last one, and each table holds at most
// maxThrottleKeys entries, the least recently failed dropped first
// (hashicorp/golang-lru), so failed logins cannot fill the memory
// (docs/security.md). An account is never locked for everyone: an
// attacker elsewhere cannot lock an official out.
type throttle struct {
	mu    sync.Mutex
	pairs *simplelru.LRU[string, *failures] // address + "\x00" + account
	addrs *simplelru.LRU[string, *failures]
	now   func() time.Time // time.Now; tests move it
}

type failures struct {
	count int
	last  time.Time
}

const (
	lockAfter       = 5
	lockFor         = 15 * time.Minute
	maxAddrWait     = 2 * time.Second
	addrLockAfter   = 10 * lockAfter // failures from one address, any account
	maxThrottleKeys = 10000
)

func newThrottle() *throttle {
	pairs, _ := simplelru.NewLRU[string, *failures](maxThrottleKeys, nil)
	addrs, _ := simplelru.NewLRU[string, *failures](maxThrottleKeys, nil)
	return &throttle{pairs: pairs, addrs: addrs, now: time.Now}
}

func pairKey(user, addr string) string { return addr + "\x00" + user }

// get returns the failures of key still remembered, none if they are
// older than lockFor.
func (t *throttle) get(m *simplelru.LRU[string, *failures], key string) failures {
	f, ok := m.Peek(key)
	if !ok || t.now().Sub(f.last) > lockFor {
		return failures{}
	}
	return *f
}

func (t *throttle) allow(user, addr string) error {
	t.mu.Lock()
	p, a := t.get(t.pairs, pairKey(user, addr)), t.get(t.addrs, addr)
	t.mu.Unlock()
	locked := p.count >= lockAfter || a.count >= addrLockAfter
	wait := min(time.Duration(a.count)*200*time.Millisecond, maxAddrWait)
	time.Sleep(wait)
	if locked {
		return errBadLogin
	}
	return nil
}

// fail counts a failure of the pair and of the address: the entry moves
// to the front, as the most recently failed.
func (t *throttle) fail(user, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.count(t.pairs, pairKey(user, addr))
	t.count(t.addrs, addr)
}

func (t *throttle) count(m *simplelru.LRU[string, *failures], key string) {
	f := t.get(m, key)
	m.Add(key, &failures{count: f.count + 1, last: t.now()})
}

func (t *throttle) succeed(user, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pairs.Remove(pairKey(user, addr))
}

// keys is how many entries the throttle holds.
func (t *throttle) keys() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pairs.Len() + t.addrs.Len()
}

// createToken serves POST /api/v1/tokens: a token for the caller, shown
// once.
// It expires after expires_in_days (default defaultTokenDays, at most
// maxTokenDays).
func (s *Server) createToken(c *fiber.Ctx) error {
	var req struct {
		Label string `json:"label"`
		Days  *int   `json:"expires_in_days"`
	}
	json.Unmarshal(c.Body(), &req)
	days := defaultTokenDays
	if req.Days != nil {
		days = *req.Days
	}
	if days < 1 || days > maxTokenDays {
		return &store.ValidationError{Fields: map[string]string{"expires_in_days": fmt.Sprintf("must be 1 to %d", maxTokenDays)}}
	}
	token, expires := randomToken("qd_"), time.Now().AddDate(0, 0, days).UTC().Truncate(time.Second)
	id, err := s.cfg.Accounts.Directory.AddToken(c.UserContext(), actorOf(c), req.Label, token, expires)
	if err != nil {
		return err
	}
	s.audit(c, actorOf(c), "token.created", "ok", fmt.Sprintf("token %d %q until %s", id, req.Label, expires.Format(time.RFC3339)))
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": id, "token": token, "expires_at": expires, "note": "shown once; store it now"})
}

// API token lifetimes, in days.
const (
	defaultTokenDays = 90
	maxTokenDays     = 365
)

// revokeToken serves DELETE /api/v1/tokens/:id for the caller's own token.
func (s *Server) revokeToken(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return badRequestf("token id must be a number")
	}
	if err := s.cfg.Accounts.Directory.RevokeToken(c.UserContext(), actorOf(c), id); err != nil {
		return err
	}
	s.audit(c, actorOf(c), "token.revoked", "ok", fmt.Sprintf("token %d", id))
	return c.JSON(fiber.Map{"revoked": id})
}

// createUser serves POST /api/v1/users (sysadmin).
func (s *Server) createUser(c *fiber.Ctx) error {
	var req struct {
		identity.User
		Password string `json:"password"`
	}
	if err := json.Unmarshal(c.Body(), &req); err != nil {
		return badRequestf("send {\"username\", \"display_name\", \"dept\", \"password\"}")
	}
	if err := policy.CheckPasswordPolicy(req.Username, req.Password); err != nil {
		return &store.ValidationError{Fields: map[string]string{"password": err.Error()}}
	}
	hash, err := policy.HashPassword(req.Password)
	if err != nil {
		return err
	}
	receipt, err := s.cfg.Accounts.Directory.CreateUser(c.UserContext(), actorOf(c), req.User, hash)
	if err != nil {
		return err
	}
	s.audit(c, actorOf(c), "user.created", "ok", req.Username)
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"username": req.Username, "receipt": receipt})
}

// setUserStatus serves POST /api/v1/users/:username/{disable,enable}.
func (s *Server) setUserStatus(active bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		receipt, err := s.cfg.Accounts.SetUserStatus(c.UserContext(), actorOf(c), c.Params("username"), active)
		action := map[bool]string{true: "user.enabled", false: "user.disabled"}[active]
		if err != nil {
			s.audit(c, actorOf(c), action, "denied", c.Params("username")+": "+err.Error())
			return err
		}
		s.audit(c, actorOf(c), action, "ok", c.Params("username"))
		return c.JSON(fiber.Map{"username": c.Params("username"), "receipt": receipt})
	}
}

// changeRole serves POST /api/v1/roles/{grant,revoke} (secadmin).
func (s *Server) changeRole(grant bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req struct{ User, Role, Dept string }
		if err := json.Unmarshal(c.Body(), &req); err != nil || req.User == "" || req.Role == "" || req.Dept == "" {
			return badRequestf("send {\"user\", \"role\", \"dept\"}")
		}
		receipt, err := s.cfg.Accounts.ChangeRole(c.UserContext(), actorOf(c), grant, req.User, req.Role, req.Dept)
		action := map[bool]string{true: "role.granted", false: "role.revoked"}[grant]
		if err != nil {
			s.audit(c, actorOf(c), action, "denied", req.User+" "+req.Role+" "+req.Dept+": "+err.Error())
			return err
		}
		s.audit(c, actorOf(c), action, "ok", req.User+" "+req.Role+" "+req.Dept)
		return c.JSON(fiber.Map{"user": req.User, "role": req.Role, "dept": req.Dept, "receipt": receipt})
	}
}

var errPolicyRefusal = []error{policy.ErrSeparationOfDuties, policy.ErrSelfGrant, policy.ErrForbidden,
	policy.ErrFourEyes, policy.ErrRoleScope, policy.ErrUnknownRole, policy.ErrAlreadyGranted,
	policy.ErrNotGranted, policy.ErrInvalidName, policy.ErrWeakPassword}

// isPolicyRefusal reports whether err is a rule of the policy package.
func isPolicyRefusal(err error) bool {
	for _, e := range errPolicyRefusal {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// resetPassword serves POST /api/v1/users/:username/password (sysadmin).
func (s *Server) resetPassword(c *fiber.Ctx) error {
	var req struct{ Password string }
	if err := json.Unmarshal(c.Body(), &req); err != nil {
		return badRequestf("send {\"password\"}")
	}
	user := c.Params("username")
	if err := policy.CheckPasswordPolicy(user, req.Password); err != nil {
		return &store.ValidationError{Fields: map[string]string{"password": err.Error()}}
	}
	hash, err := policy.HashPassword(req.Password)
	if err != nil {
		return err
	}
	receipt, err := s.cfg.Accounts.ResetPassword(c.UserContext(), actorOf(c), user, hash)
	if err != nil {
		s.audit(c, actorOf(c), "user.password_reset", "denied", user+": "+err.Error())
		return err
	}
	s.audit(c, actorOf(c), "user.password_reset", "ok", user)
	return c.JSON(fiber.Map{"username": user, "receipt": receipt})
}
