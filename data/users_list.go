package data

import "context"

// Users lists every account, by username (for the administrators' page).
func (d *Directory) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := d.db.Reader.WithContext(ctx).Raw(`SELECT username, display_name, dept, status FROM users ORDER BY username`).Scan(&out).Error
	return out, err
}
