package identity

import (
	"context"
	"fmt"

	"qingdan/data/store"
)

// RoleGrant is one role held in one department (or "*"), as the policy
// tables hold it.
type RoleGrant struct {
	User string `json:"user"`
	Role string `json:"role"`
	Dept string `json:"dept"`
}

// RoleGrants lists every role grant in force, sorted. The same grants are
// public in the ledger (role.granted / role.revoked entries).
func RoleGrants(ctx context.Context, db *store.DB) ([]RoleGrant, error) {
	out := []RoleGrant{}
	err := db.Reader.WithContext(ctx).Raw(`SELECT v0 AS "user", substr(v1, 6) AS role, v2 AS dept FROM casbin_rule
		WHERE ptype = 'g' AND v1 LIKE 'role:%' ORDER BY v0, v1, v2`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("data: read role grants: %w", err)
	}
	return out, nil
}

// Grants lists every role grant in force (RoleGrants on the directory's
// database).
func (d *Directory) Grants(ctx context.Context) ([]RoleGrant, error) { return RoleGrants(ctx, d.db) }
