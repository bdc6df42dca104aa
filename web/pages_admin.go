package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"qingdan/data/identity"
	"qingdan/policy"
	"qingdan/web/i18n"
)

// adminUser is one account with its grants.
type adminUser struct {
	identity.User
	Grants []identity.Grant
	// Manageable: the viewer may disable or enable this account
	// (policy.CheckAccountAct).
	Manageable bool
}

// adminPage serves /admin to the system and security administrators (三员
// 分立: the sysadmin manages accounts, the secadmin grants roles; neither
// does the other's work, and the page shows each only their own forms).
func (s *Server) adminPage(c *fiber.Ctx) error {
	return s.renderAdmin(c, "", 0)
}

func (s *Server) renderAdmin(c *fiber.Ctx, problem string, status int) error {
	roles := s.rolesOf(c, actorOf(c))
	if !roles[policy.RoleSysadmin] && !roles[policy.RoleSecadmin] {
		return fiber.NewError(fiber.StatusForbidden, "only the system or security administrator")
	}
	users, err := s.cfg.Accounts.Directory.Users(c.UserContext())
	if err != nil {
		return err
	}
	rows := make([]adminUser, len(users))
	mayManage := s.cfg.Accounts.MayManage(c.UserContext(), actorOf(c))
	for i, u := range users {
		grants := s.grantsOf(c, u.Username)
		rows[i] = adminUser{User: u, Grants: grants, Manageable: mayManage(u.Username, grants)}
	}
	if status != 0 {
		c.Status(status)
	}
	return s.render(c, "admin", "admin", fiber.Map{"Users": rows, "DeptList": s.departments(c), "Roles": policy.Roles(),
		"Problem": problem, "Sys": roles[policy.RoleSysadmin], "Sec": roles[policy.RoleSecadmin]})
}

// adminResult shows the receipt of an administrative act, or the page
// again with the refusal.
func (s *Server) adminResult(c *fiber.Ctx, what string, receipt *identity.Receipt, err error) error {
	if err != nil {
		status, show := statusOf(err)
		key := refusalKey(err)
		if !show || key == "" {
			return err
		}
		return s.renderAdmin(c, i18n.Messages(lang(c))[key], status)
	}
	return s.render(c, "admin_done", "action_done", fiber.Map{"What": what, "Receipt": receipt})
}

// adminCreateUser serves POST /admin/users (sysadmin).
func (s *Server) adminCreateUser(c *fiber.Ctx) error {
	u := identity.User{Username: strings.TrimSpace(postedField(c, "username")), DisplayName: strings.TrimSpace(postedField(c, "display_name")),
		Dept: postedField(c, "dept")}
	password := postedField(c, "password")
	if err := policy.CheckPasswordPolicy(u.Username, password); err != nil {
		return s.renderAdmin(c, i18n.Messages(lang(c))["refused_weak_password"], fiber.StatusUnprocessableEntity)
	}
	hash, err := policy.HashPassword(password)
	if err != nil {
		return err
	}
	receipt, err := s.cfg.Accounts.Directory.CreateUser(c.UserContext(), actorOf(c), u, hash)
	if err == nil {
		s.audit(c, actorOf(c), "user.created", "ok", u.Username)
	}
	return s.adminResult(c, "user.created "+u.Username, receipt, err)
}

// adminUserStatus serves POST /admin/users/:username/{disable,enable}.
func (s *Server) adminUserStatus(active bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		user := c.Params("username")
		receipt, err := s.cfg.Accounts.SetUserStatus(c.UserContext(), actorOf(c), user, active)
		action := map[bool]string{true: "user.enabled", false: "user.disabled"}[active]
		if err == nil {
			s.audit(c, actorOf(c), action, "ok", user)
		} else {
			s.audit(c, actorOf(c), action, "denied", user+": "+err.Error())
		}
		return s.adminResult(c, action+" "+user, receipt, err)
	}
}

// adminRole serves POST /admin/roles/{grant,revoke} (secadmin).
func (s *Server) adminRole(grant bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		user, role, dept := strings.TrimSpace(postedField(c, "user")), postedField(c, "role"), postedField(c, "dept")
		receipt, err := s.cfg.Accounts.ChangeRole(c.UserContext(), actorOf(c), grant, user, role, dept)
		action := map[bool]string{true: "role.granted", false: "role.revoked"}[grant]
		outcome := "ok"
		if err != nil {
			outcome = "denied"
		}
		s.audit(c, actorOf(c), action, outcome, user+" "+role+" "+dept)
		return s.adminResult(c, action+" "+user+" "+role+" "+dept, receipt, err)
	}
}
