// Package accounts joins the directory of accounts (data/identity) with
// the role rules and the enforcer (policy): every grant, revocation,
// password reset and change of an account's status is a ledger entry
// whose projection is checked against the policy inside the append
// transaction, after which the enforcer reloads. It also seeds the demo
// accounts.
package accounts

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"qingdan/data/identity"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/policy"
)

// Accounts joins the directory of accounts (data) with the role rules and
// enforcer (policy): every grant and revocation is a ledger entry whose
// projection writes the casbin_rule g-line, checked against 三员分立 and
// self-grant inside the append transaction, after which the enforcer
// reloads.
type Accounts struct {
	Directory *identity.Directory
	Enforcer  *policy.Enforcer
}

// ChangeRole grants (grant true) or revokes role in dept for user on
// behalf of granter.
func (id *Accounts) ChangeRole(ctx context.Context, granter string, grant bool, user, role, dept string) (*ledger.Receipt, error) {
	granterRoles, err := id.policyGrants(ctx, granter)
	if err != nil {
		return nil, err
	}
	if grant && dept != policy.AllDepartments {
		if err := id.departmentInForce(ctx, dept); err != nil {
			return nil, err
		}
	}
	check := func(current []identity.Grant) error {
		target := toPolicy(current)
		if grant {
			return policy.CheckGrant(granter, granterRoles, target, user, role, dept)
		}
		return policy.CheckRevoke(granter, granterRoles, target, user, role, dept)
	}
	receipt, err := id.Directory.ChangeRole(ctx, granter, grant, identity.RoleEvent{User: user, Role: role, Dept: dept}, check)
	if err != nil {
		return nil, err
	}
	return receipt, id.Enforcer.Reload()
}

// departmentInForce refuses a grant in a department that does not exist
// or is repealed (docs/security.md).
func (id *Accounts) departmentInForce(ctx context.Context, dept string) error {
	ok, err := id.Directory.DepartmentInForce(ctx, dept)
	if err != nil {
		return err
	}
	if !ok {
		return &store.ValidationError{Fields: map[string]string{"dept": "no department in force has this code"}}
	}
	return nil
}

// SetUserStatus disables or enables user's account on behalf of actor,
// if policy.CheckAccountAct allows it (decided inside the append
// transaction against the account's grants then).
func (id *Accounts) SetUserStatus(ctx context.Context, actor, user string, active bool) (*ledger.Receipt, error) {
	check, err := id.accountCheck(ctx, actor, user)
	if err != nil {
		return nil, err
	}
	return id.Directory.SetUserStatus(ctx, actor, user, active, check)
}

// ResetPassword sets user's password hash on behalf of actor, if
// policy.CheckAccountAct allows it; the account's sessions and tokens end.
func (id *Accounts) ResetPassword(ctx context.Context, actor, user, hash string) (*ledger.Receipt, error) {
	check, err := id.accountCheck(ctx, actor, user)
	if err != nil {
		return nil, err
	}
	return id.Directory.ResetPassword(ctx, actor, user, hash, check)
}

// MayManage returns whether actor may reset, disable or enable the
// account of a user holding grants (for the admin page's buttons); actor's
// grants are read once, not once per account shown.
func (id *Accounts) MayManage(ctx context.Context, actor string) func(user string, grants []identity.Grant) bool {
	actorRoles, err := id.policyGrants(ctx, actor)
	return func(user string, grants []identity.Grant) bool {
		return err == nil && policy.CheckAccountAct(actor, actorRoles, user, toPolicy(grants)) == nil
	}
}

func (id *Accounts) accountCheck(ctx context.Context, actor, user string) (func([]identity.Grant) error, error) {
	actorRoles, err := id.policyGrants(ctx, actor)
	if err != nil {
		return nil, err
	}
	return func(current []identity.Grant) error {
		return policy.CheckAccountAct(actor, actorRoles, user, toPolicy(current))
	}, nil
}

// FollowRoleChanges reloads the enforcer whenever the role grants in the
// database change (RolesVersion), checking every interval until ctx ends:
// a grant or revocation made on another replica is enforced here within
// one interval. Reload errors are logged and retried at the next check.
func (id *Accounts) FollowRoleChanges(ctx context.Context, every time.Duration, logger *slog.Logger) {
	seen, err := id.Directory.RolesVersion(ctx)
	if err != nil {
		seen = -2 // unknown: reload at the first successful check
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		v, err := id.Directory.RolesVersion(ctx)
		if err == nil && v != seen {
			if err = id.Enforcer.Reload(); err == nil {
				seen = v
			}
		}
		if err != nil && ctx.Err() == nil {
			logger.Warn("role changes: cannot check or reload", "err", err)
		}
	}
}

func (id *Accounts) policyGrants(ctx context.Context, user string) ([]policy.Grant, error) {
	gs, err := id.Directory.GrantsOf(ctx, nil, user)
	return toPolicy(gs), err
}

func toPolicy(gs []identity.Grant) []policy.Grant {
	out := make([]policy.Grant, len(gs))
	for i, g := range gs {
		out[i] = policy.Grant{Role: g.Role, Dept: g.Dept}
	}
	return out
}

// DemoPassword is every demo user's password (DESIGN §5).
const DemoPassword = "qingdan-demo"

// demoGrant is one demo account and its roles.
type demoGrant struct {
	user, name, dept string
	roles            []string
}

func demoAccounts(depts []string) []demoGrant {
	all := policy.AllDepartments
	out := []demoGrant{
		{"sysadmin", "系统管理员", all, []string{policy.RoleSysadmin}},
		{"secadmin", "安全管理员", all, []string{policy.RoleSecadmin}},
		{"auditor", "安全审计员", all, []string{policy.RoleAuditor}},
		{"editor.bianban", "编办清单编辑", all, []string{policy.RoleListEditor}},
	}
	for _, d := range depts {
		out = append(out,
			demoGrant{"clerk." + d, "窗口人员（" + d + "）", d, []string{policy.RoleClerk}},
			demoGrant{"approver." + d, "审批人员（" + d + "）", d, []string{policy.RoleApprover, policy.RoleClerk}},
			demoGrant{"approver2." + d, "审批人员二（" + d + "）", d, []string{policy.RoleApprover}})
		if d != "bianban" {
			out = append(out, demoGrant{"editor." + d, "清单编辑（" + d + "）", d, []string{policy.RoleListEditor}})
		}
	}
	return out
}

// SeedDemo creates the demo accounts of DESIGN §5 for the given
// departments, all with DemoPassword, their roles granted by "system"
// through the ledger, and returns the usernames.
func (id *Accounts) SeedDemo(ctx context.Context, depts []string) ([]string, error) {
	hash, err := policy.HashPassword(DemoPassword)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, a := range demoAccounts(depts) {
		u := identity.User{Username: a.user, DisplayName: a.name, Dept: a.dept}
		if _, err := id.Directory.CreateUser(ctx, "system", u, hash); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", a.user, err)
		}
		for _, role := range a.roles {
			if err := id.BootstrapGrant(ctx, a.user, role, roleDept(role, a.dept)); err != nil {
				return nil, err
			}
		}
		names = append(names, a.user)
	}
	return names, id.Enforcer.Reload()
}

func roleDept(role, dept string) string {
	if role == policy.RoleSysadmin || role == policy.RoleSecadmin || role == policy.RoleAuditor {
		return policy.AllDepartments
	}
	return dept
}

// BootstrapGrant is a grant by "system" (demo seeding, the first
// administrators made with 'qingdan user add'): the role rules (三员分立,
// scope) apply, the granter rules do not.
func (id *Accounts) BootstrapGrant(ctx context.Context, user, role, dept string) error {
	_, err := id.Directory.ChangeRole(ctx, "system", true, identity.RoleEvent{User: user, Role: role, Dept: dept},
		func(current []identity.Grant) error { return policy.CheckAssignment(toPolicy(current), role, dept) })
	if err != nil {
		return fmt.Errorf("grant %s %s in %s: %w", user, role, dept, err)
	}
	return nil
}
