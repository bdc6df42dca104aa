package web

import (
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qingdan/data/applications"
	"qingdan/data/lists"
	"qingdan/policy"
)

// workDept: the department of the officials' queue: ?dept=, or the first
// department where the user holds a clerk or approver role.
func workDept(s *Server, c *fiber.Ctx) (string, error) {
	if d := c.Query("dept"); d != "" {
		return d, nil
	}
	depts := s.workDepts(c, actorOf(c))
	if len(depts) == 0 {
		return "", fiber.NewError(fiber.StatusForbidden, "you hold no clerk or approver role")
	}
	return depts[0], nil
}

// workDepts are the departments where user handles applications.
func (s *Server) workDepts(c *fiber.Ctx, user string) []string {
	var out []string
	for _, g := range s.grantsOf(c, user) {
		if (g.Role == policy.RoleClerk || g.Role == policy.RoleApprover) && !slices.Contains(out, g.Dept) {
			out = append(out, g.Dept)
		}
	}
	return out
}

// queueScan bounds how many applications the queue page sorts.
const queueScan = 10

// workPage serves /work: the department's applications, yellow and red
// highlighted, sorted by promised deadline (?sort=desc for latest first).
func (s *Server) workPage(c *fiber.Ctx) error {
	dept, _ := workDept(s, c)
	q := applications.QueueQuery{Dept: dept, State: c.Query("state"), Clock: c.Query("clock"), PerPage: lists.MaxPerPage}
	var all []*applications.View
	for p := 1; p <= queueScan; p++ {
		q.Page = p
		items, total, err := s.cfg.Approvals.Queue(c.UserContext(), q)
		if err != nil {
			return err
		}
		all = append(all, items...)
		if len(all) >= total || len(items) == 0 {
			break
		}
	}
	showClosed := c.Query("closed") == "1" || q.State != ""
	if !showClosed {
		all = slices.DeleteFunc(all, isClosed)
	}
	desc := c.Query("sort") == "desc"
	sort.SliceStable(all, func(i, j int) bool {
		a, b := deadlineOf(all[i]), deadlineOf(all[j])
		if desc {
			return a > b
		}
		return a < b
	})
	counts := map[string]int{}
	for _, v := range all {
		counts[v.ClockStatus]++
	}
	return s.render(c, "work", "work", fiber.Map{"Dept": dept, "WorkDepts": s.workDepts(c, actorOf(c)), "Items": all,
		"Desc": desc, "Counts": counts, "Closed": showClosed, "State": q.State, "Clock": q.Clock,
		"States": []string{applications.StateSubmitted, applications.StateAccepted, applications.StateReviewed, applications.StateDecided, applications.StateDelivered, applications.StateRefused, applications.StateWithdrawn}})
}

// isClosed reports whether an application needs no more work.
func isClosed(v *applications.View) bool {
	switch v.State {
	case applications.StateDelivered, applications.StateRefused, applications.StateWithdrawn:
		return true
	}
	return false
}

// deadlineOf is the date an application is due ("9999" for none, so that
// undated ones sort last).
func deadlineOf(v *applications.View) string {
	if v.PromisedDeadline != nil {
		return v.PromisedDeadline.Date
	}
	return "9999"
}

// workAction is one action form on the application page.
type workAction struct {
	Name   string
	Fields []string
}

// actionsFor lists the actions the state machine allows an official on
// the application as it stands, each with its fields.
func actionsFor(v *applications.View) []workAction {
	var out []workAction
	for _, name := range applications.PossibleActions(v.Application) {
		if fields := applications.OfficialFields(name); fields != nil {
			out = append(out, workAction{name, fields})
		}
	}
	return out
}

// allowedActions keeps the actions the user's roles allow in dept.
func (s *Server) allowedActions(user, dept string, v *applications.View) []workAction {
	var out []workAction
	for _, a := range actionsFor(v) {
		if ok, _ := s.cfg.Accounts.Enforcer.Allowed(user, dept, policy.ObjApplication, a.Name); ok {
			out = append(out, a)
		}
	}
	return out
}

// workApplicationPage serves /work/applications/:number: timeline,
// deadlines with their explanation, the applicant's details for the
// officials, and the forms of the actions the user may take.
func (s *Server) workApplicationPage(c *fiber.Ctx) error {
	return s.renderApplication(c, "", 0)
}

func (s *Server) renderApplication(c *fiber.Ctx, problem string, status int) error {
	number := c.Params("number")
	v, err := s.cfg.Approvals.Get(c.UserContext(), number)
	if err != nil {
		return err
	}
	personal, _ := s.cfg.Approvals.Personal(c.UserContext(), number)
	if status != 0 {
		c.Status(status)
	}
	return s.render(c, "work_app", "application", fiber.Map{"V": v, "Actions": s.allowedActions(actorOf(c), v.Dept, v),
		"Personal": string(personal), "Problem": problem, "ReviewedBy": v.ReviewedBy,
		"MaxExtensionDays": applications.MaxExtensionDays})
}

// workAct serves POST /work/applications/:number/<action> from the
// application page's forms; the route's guard has checked the role in the
// application's department and the form's CSRF token. The answer is the
// receipt; a refusal shows the application again with the reason.
func (s *Server) workAct(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor := actorOf(c)
		ev, err := actionForm(c)
		if err != nil {
			return s.renderApplication(c, err.Error(), fiber.StatusBadRequest)
		}
		number := c.Params("number")
		v, receipt, err := s.cfg.Approvals.ActAndView(c.UserContext(), actor, number, action, ev, actCheck(action, actor))
		if err != nil {
			status, show := statusOf(err)
			if !show {
				return err
			}
			return s.renderApplication(c, err.Error(), status)
		}
		return s.render(c, "work_done", "action_done", fiber.Map{"V": v, "Action": action, "Receipt": receipt})
	}
}

// actionForm reads an action's fields from the posted form.
func actionForm(c *fiber.Ctx) (applications.ActionEvent, error) {
	ev := applications.ActionEvent{Reason: strings.TrimSpace(c.FormValue("reason")), Opinion: strings.TrimSpace(c.FormValue("opinion")),
		Outcome: c.FormValue("outcome"), Basis: strings.TrimSpace(c.FormValue("basis")), Method: strings.TrimSpace(c.FormValue("method")),
		Procedure: strings.TrimSpace(c.FormValue("procedure"))}
	for _, m := range strings.FieldsFunc(c.FormValue("missing"), func(r rune) bool { return r == '\n' || r == '；' || r == ';' }) {
		if m = strings.TrimSpace(m); m != "" {
			ev.Missing = append(ev.Missing, m)
		}
	}
	if d := c.FormValue("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			return ev, errors.New("days: a whole number of working days")
		}
		ev.Days = n
	}
	return ev, nil
}
