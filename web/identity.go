package web

import (
	"context"

	"qingdan/data"
	"qingdan/ledger"
	"qingdan/policy"
)

// Identity joins the directory of accounts (data) with the role rules and
// enforcer (policy): every grant and revocation is a ledger entry whose
// projection writes the casbin_rule g-line, checked against 三员分立 and
// self-grant inside the append transaction, after which the enforcer
// reloads.
type Identity struct {
	Directory *data.Directory
	Enforcer  *policy.Enforcer
}

// ChangeRole grants (grant true) or revokes role in dept for user on
// behalf of granter.
func (id *Identity) ChangeRole(ctx context.Context, granter string, grant bool, user, role, dept string) (*ledger.Receipt, error) {
	granterRoles, err := id.policyGrants(ctx, granter)
	if err != nil {
		return nil, err
	}
	check := func(current []data.Grant) error {
		target := toPolicy(current)
		if grant {
			return policy.CheckGrant(granter, granterRoles, target, user, role, dept)
		}
		return policy.CheckRevoke(granter, granterRoles, target, user, role, dept)
	}
	receipt, err := id.Directory.ChangeRole(ctx, granter, grant, data.RoleEvent{User: user, Role: role, Dept: dept}, check)
	if err != nil {
		return nil, err
	}
	return receipt, id.Enforcer.Reload()
}

func (id *Identity) policyGrants(ctx context.Context, user string) ([]policy.Grant, error) {
	gs, err := id.Directory.GrantsOf(ctx, nil, user)
	return toPolicy(gs), err
}

func toPolicy(gs []data.Grant) []policy.Grant {
	out := make([]policy.Grant, len(gs))
	for i, g := range gs {
		out[i] = policy.Grant{Role: g.Role, Dept: g.Dept}
	}
	return out
}
