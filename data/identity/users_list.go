package identity

import (
	"context"

	"qingdan/data/lists"
)

// Users lists every account, by username (for the administrators' page).
func (d *Directory) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := d.db.Reader.WithContext(ctx).Raw(`SELECT username, display_name, dept, status FROM users ORDER BY username`).Scan(&out).Error
	return out, err
}

// DepartmentInForce reports whether code is a department in force (a role
// is granted only in one; docs/security.md).
func (d *Directory) DepartmentInForce(ctx context.Context, code string) (bool, error) {
	var n int64
	err := d.db.Reader.WithContext(ctx).Raw(`SELECT count(*) FROM departments WHERE code = ? AND status = ?`, code, lists.StatusInForce).Scan(&n).Error
	return n > 0, err
}
