package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/gofiber/fiber/v2"

	"qingdan/data/applications"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/policy"
)

// submitApplication serves POST /api/v1/applications (public).
func (s *Server) submitApplication(c *fiber.Ctx) error {
	secretAnswer(c) // the answer carries the query code
	var req applications.SubmitRequest
	if err := json.Unmarshal(c.Body(), &req); err != nil {
		return badRequestf("send {\"service_code\", \"summary\", \"applicant\": {\"type\", \"name\", \"id_type\", \"id_number\", \"phone\", \"address\"}}")
	}
	sub, err := s.cfg.Approvals.Submit(c.UserContext(), req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(sub)
}

// secretAnswer marks an answer that carries a query code, or is asked for
// with one, as one that no cache may keep and whose URL no link passes on
// (the query code is the applicant's only proof).
func secretAnswer(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
}

// progress serves GET /api/v1/applications/:number (public), with the
// query code in the X-Query-Code header or, as before, ?query_code= (which
// logs and proxies may keep): a wrong code answers like an unknown number.
func (s *Server) progress(c *fiber.Ctx) error {
	secretAnswer(c)
	code := c.Get("X-Query-Code")
	if code == "" {
		code = c.Query("query_code")
	}
	v, err := s.cfg.Approvals.Progress(c.UserContext(), c.Params("number"), code)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// deptOfApplication: the department of the application named by :number.
// To an official who may not read applications there it answers exactly as
// for a number that does not exist (404), so that trying numbers tells
// nothing more; the attempt is still a denial in the security log.
func deptOfApplication(s *Server, c *fiber.Ctx) (string, error) {
	number := c.Params("number")
	dept, err := s.cfg.Approvals.Dept(c.UserContext(), number)
	if errors.Is(err, store.ErrNotFound) {
		return "", noSuchApplication(number)
	}
	if err != nil {
		return "", err
	}
	user := actorOf(c)
	ok, err := s.cfg.Accounts.Enforcer.Allowed(user, dept, policy.ObjApplication, policy.ActRead)
	if err != nil {
		return "", err
	}
	if !ok {
		s.audit(c, user, "permission.denied", "denied", policy.ObjApplication+" "+policy.ActRead+" in "+dept)
		return "", noSuchApplication(number)
	}
	return dept, nil
}

// noSuchApplication is the one answer for an application that does not
// exist and for one the caller may not see.
func noSuchApplication(number string) error {
	return fmt.Errorf("%w: application %s", store.ErrNotFound, number)
}

// actionBody is what every action may carry.
type actionBody struct {
	applications.ActionEvent
	QueryCode string `json:"query_code"`
}

// act serves POST /api/v1/applications/:number/:action for officials; the
// route's guard has checked the role in the application's department.
func (s *Server) act(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var body actionBody
		if len(c.Body()) > 0 {
			if err := json.Unmarshal(c.Body(), &body); err != nil {
				return badRequestf("the body must be a JSON object")
			}
		}
		actor := actorOf(c)
		return s.respondAct(c, actor, action, body.ActionEvent, actCheck(action, actor))
	}
}

// actCheck is the rule checked on the application, inside the append
// transaction, before actor takes action on it, for the API and the
// officials' pages alike: a decision is not taken by the official who
// reviewed it (four eyes). Nil when the action has none.
func actCheck(action, actor string) func(*applications.Application) error {
	if action != applications.ActionDecide {
		return nil
	}
	return func(app *applications.Application) error { return policy.CheckFourEyes(app.ReviewedBy, actor) }
}

// withdrawBody is a public withdrawal: the query code, a reason code from
// applications.WithdrawReasons and optional free text, which stays off the ledger
// (sealed with the applicant's personal data).
type withdrawBody struct {
	QueryCode  string `json:"query_code"`
	ReasonCode string `json:"reason_code"`
	Reason     string `json:"reason"`
}

// withdraw serves POST /api/v1/applications/:number/withdraw for the
// applicant, who proves it with the query code.
func (s *Server) withdraw(c *fiber.Ctx) error {
	var body withdrawBody
	if len(c.Body()) > 0 {
		if err := json.Unmarshal(c.Body(), &body); err != nil {
			return badRequestf("send {\"query_code\", \"reason_code\", \"reason\"}")
		}
	}
	if _, err := s.cfg.Approvals.Progress(c.UserContext(), c.Params("number"), body.QueryCode); err != nil {
		return err
	}
	v, receipt, err := s.cfg.Approvals.Withdraw(c.UserContext(), c.Params("number"),
		applications.Withdrawal{ReasonCode: body.ReasonCode, Reason: body.Reason})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"application": v, "receipt": receipt})
}

func (s *Server) respondAct(c *fiber.Ctx, actor, action string, ev applications.ActionEvent, check func(*applications.Application) error) error {
	number := c.Params("number")
	v, receipt, err := s.cfg.Approvals.ActAndView(c.UserContext(), actor, number, action, ev, check)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"application": v, "receipt": receipt})
}

// queue serves GET /api/v1/applications?dept=&state=&clock= for officials
// of that department (and auditors, for every department).
func (s *Server) queue(c *fiber.Ctx) error {
	page, err := queryInt(c, "page", 1, 1, 1<<31)
	if err != nil {
		return err
	}
	perPage, err := queryInt(c, "per_page", 20, 1, lists.MaxPerPage)
	if err != nil {
		return err
	}
	items, total, err := s.cfg.Approvals.Queue(c.UserContext(), applications.QueueQuery{Dept: c.Query("dept"),
		State: c.Query("state"), Clock: c.Query("clock"), Page: int(page), PerPage: int(perPage)})
	if err != nil {
		return err
	}
	if items == nil {
		items = []*applications.View{}
	}
	return c.JSON(fiber.Map{"items": items, "total": total, "page": page, "per_page": perPage})
}

// queueDept: the queue's department, from ?dept= ("*" when absent, which
// only auditors may read).
func queueDept(_ *Server, c *fiber.Ctx) (string, error) {
	if d := c.Query("dept"); d != "" {
		return d, nil
	}
	return policy.AllDepartments, nil
}

// stats serves GET /api/v1/stats (public: counts only, no personal data).
func (s *Server) stats(c *fiber.Ctx) error {
	st, err := s.cfg.Approvals.Stats(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// updateCalendar serves POST /api/v1/calendar (sysadmin): the body is one
// year of the State Council notice in holiday-cn JSON.
func (s *Server) updateCalendar(c *fiber.Ctx) error {
	if s.cfg.Calendars == nil {
		return fiber.NewError(fiber.StatusNotFound, "no calendar on this server")
	}
	receipt, year, err := s.cfg.Calendars.Update(c.UserContext(), actorOf(c), c.Body())
	if err != nil {
		return err
	}
	s.audit(c, actorOf(c), "calendar.updated", "ok", fmt.Sprint(year))
	return c.JSON(fiber.Map{"year": year, "receipt": receipt})
}

// uploadMaterial serves POST /api/v1/materials (public): the body is the
// file; the answer is its SHA-256, which a submission then names. The
// quotas are checked on the announced length before a byte is read; the
// body is streamed to a temporary file, and read into memory (from the
// body budget) only to be stored once it has arrived whole.
func (s *Server) uploadMaterial(c *fiber.Ctx) error {
	ctx, n := c.UserContext(), c.Request().Header.ContentLength()
	if n <= 0 {
		return &store.ValidationError{Fields: map[string]string{"file": fmt.Sprintf("must be 1 byte to %d MiB", applications.MaxMaterialSize>>20)}}
	}
	uploader := uploaderOf(c)
	if err := s.cfg.Approvals.CheckMaterialQuota(ctx, uploader, int64(n), s.cfg.Materials); err != nil {
		return err
	}
	f, err := os.CreateTemp("", "qingdan-upload-*")
	if err != nil {
		return fmt.Errorf("web: upload: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := s.streamBody(c, f); err != nil {
		return err
	}
	head := make([]byte, 512)
	m, _ := f.ReadAt(head, 0)
	if err := applications.CheckMaterialType(head[:m]); err != nil {
		return err
	}
	if !s.budget.TryAcquire(int64(n)) {
		return refuseBody(c, errBodyBudget)
	}
	defer s.budget.Release(int64(n))
	content := make([]byte, n)
	if _, err := f.ReadAt(content, 0); err != nil {
		return fmt.Errorf("web: upload: %w", err)
	}
	sum, err := s.cfg.Approvals.StoreMaterial(ctx, content, uploader, s.cfg.Materials)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"sha256": sum, "size": n})
}

// uploaderOf is the client's network as the upload quotas count it: its
// IPv4 address, or the /64 of its IPv6 address (one subscriber's
// allocation).
func uploaderOf(c *fiber.Ctx) string {
	ip := net.ParseIP(c.IP())
	if ip == nil || ip.To4() != nil {
		return c.IP()
	}
	return (&net.IPNet{IP: ip.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
}
