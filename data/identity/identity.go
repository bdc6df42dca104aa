package identity

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"

	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
)

// User is an account (用户): who acts, in which department.
type User struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Dept        string `json:"dept"`
	Status      string `json:"status"`
	// SessionsSince (unix milliseconds; read by ActiveUser only): a web
	// session started before it is over (password reset, disable).
	SessionsSince int64 `json:"-"`
}

// User statuses.
const (
	UserActive   = "active"
	UserDisabled = "disabled"
)

var usernamePattern = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,63}$`)

// UserEvent is the data of user.created, user.disabled and user.enabled:
// no password, token or personal data beyond the display name.
type UserEvent struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name,omitempty"`
	Dept        string `json:"dept,omitempty"`
}

// RoleEvent is the data of role.granted and role.revoked.
type RoleEvent struct {
	User string `json:"user"`
	Role string `json:"role"`
	Dept string `json:"dept"`
}

// CasbinRole is how a role is named in casbin_rule g-lines; it must match
// the policy package's naming (checked by a test in web).
func CasbinRole(role string) string { return "role:" + role }

// Validate checks a new account.
func (u *User) Validate() error {
	f := store.FieldErrors{}
	if !usernamePattern.MatchString(u.Username) || strings.HasPrefix(u.Username, "role:") {
		f.Add("username", "must be 2-64 lower-case ASCII letters, digits, '.', '_' or '-', starting with a letter")
	}
	if u.DisplayName == "" {
		f.Add("display_name", "is required")
	}
	if u.Dept != "*" && !lists.IsDeptCode(u.Dept) {
		f.Add("dept", "must be a department code or *")
	}
	return f.Err()
}

// ValidateNew checks a new account: Validate, and its names hold no
// control or bidirectional-override characters (security review, issue
// 20). Replaying the ledger checks neither, so that accounts made under
// older rules still replay.
func (u *User) ValidateNew() error {
	if err := u.Validate(); err != nil {
		return err
	}
	return lists.CheckNames(map[string]any{"username": u.Username, "display_name": u.DisplayName})
}

// Projector keeps the accounts (users) and the role grants (Casbin's
// casbin_rule rows of type g) in step with the user.* and role.* entries
// of the ledger.
var Projector = store.Projector{
	Domain:   "identity",
	Families: []string{"user", "role"},
	Project:  Project,
	Tables: []store.Table{
		{Name: "users", Query: "SELECT username, display_name, dept, status, ledger_index FROM users", Key: "username"},
		{Name: "casbin_rule", Query: "SELECT v0 || ' ' || v1 || ' ' || v2 AS grant_line, v0, v1, v2 FROM casbin_rule WHERE ptype = 'g'", Key: "grant_line"},
	},
}

// Project applies a user.* or role.* entry inside tx; an entry of another
// family changes nothing.
func Project(ctx context.Context, tx *gorm.DB, e *ledger.Entry) error {
	family, action, _ := strings.Cut(e.Type, ".")
	switch family {
	case "user":
		var ev UserEvent
		if err := store.DecodeEventData(e.Index, e.Data, &ev); err != nil {
			return err
		}
		return projectUser(tx.WithContext(ctx), e.Index, &ev, action)
	case "role":
		var ev RoleEvent
		if err := store.DecodeEventData(e.Index, e.Data, &ev); err != nil {
			return err
		}
		return projectRole(tx.WithContext(ctx), &ev, action)
	}
	return nil
}

func projectUser(tx *gorm.DB, index int64, ev *UserEvent, action string) error {
	cur, err := userRow(tx, ev.Username)
	if err != nil {
		return err
	}
	switch action {
	case "created":
		if cur != nil {
			return fmt.Errorf("%w: user %s exists", store.ErrConflict, ev.Username)
		}
		// Validated where it is appended (CreateUser), not here, so that
		// accounts made under older rules still replay.
		u := User{Username: ev.Username, DisplayName: ev.DisplayName, Dept: ev.Dept, Status: UserActive}
		return tx.Exec(`INSERT INTO users (username, display_name, dept, status, ledger_index) VALUES (?,?,?,?,?)`,
			u.Username, u.DisplayName, u.Dept, u.Status, index).Error
	case "password_reset":
		if cur == nil {
			return fmt.Errorf("%w: user %s", store.ErrNotFound, ev.Username)
		}
		return nil // the new hash is written beside, never in the ledger
	case "disabled", "enabled":
		if cur == nil {
			return fmt.Errorf("%w: user %s", store.ErrNotFound, ev.Username)
		}
		status := map[string]string{"disabled": UserDisabled, "enabled": UserActive}[action]
		return tx.Exec(`UPDATE users SET status = ?, ledger_index = ? WHERE username = ?`, status, index, ev.Username).Error
	}
	return fmt.Errorf("%w: unknown action user.%s", store.ErrInvalid, action)
}

func userRow(tx *gorm.DB, username string) (*User, error) {
	var u User
	res := tx.Raw(`SELECT username, display_name, dept, status FROM users WHERE username = ?`, username).Scan(&u)
	if res.Error != nil || res.RowsAffected == 0 {
		return nil, res.Error
	}
	return &u, nil
}

func projectRole(tx *gorm.DB, ev *RoleEvent, action string) error {
	if u, err := userRow(tx, ev.User); err != nil || u == nil {
		return fmt.Errorf("%w: user %s (%v)", store.ErrNotFound, ev.User, err)
	}
	held, err := holdsRole(tx, ev)
	if err != nil {
		return err
	}
	switch {
	case action == "granted" && held:
		return fmt.Errorf("%w: %s already holds %s in %s", store.ErrConflict, ev.User, ev.Role, ev.Dept)
	case action == "granted":
		return tx.Exec(`INSERT INTO casbin_rule (ptype, v0, v1, v2) VALUES ('g', ?, ?, ?)`, ev.User, CasbinRole(ev.Role), ev.Dept).Error
	case action == "revoked" && !held:
		return fmt.Errorf("%w: %s does not hold %s in %s", store.ErrNotFound, ev.User, ev.Role, ev.Dept)
	case action == "revoked":
		return tx.Exec(`DELETE FROM casbin_rule WHERE ptype = 'g' AND v0 = ? AND v1 = ? AND v2 = ?`, ev.User, CasbinRole(ev.Role), ev.Dept).Error
	}
	return fmt.Errorf("%w: unknown action role.%s", store.ErrInvalid, action)
}

func holdsRole(tx *gorm.DB, ev *RoleEvent) (bool, error) {
	var n int64
	err := tx.Raw(`SELECT count(*) FROM casbin_rule WHERE ptype = 'g' AND v0 = ? AND v1 = ? AND v2 = ?`,
		ev.User, CasbinRole(ev.Role), ev.Dept).Scan(&n).Error
	return n > 0, err
}

// Grant is one role a user holds in a department ("*" for all).
type Grant struct {
	Role string `json:"role"`
	Dept string `json:"dept"`
}

// GrantsOf reads the roles a user holds, inside tx or from db (tx nil).
func (d *Directory) GrantsOf(ctx context.Context, tx *gorm.DB, username string) ([]Grant, error) {
	if tx == nil {
		tx = d.db.Reader
	}
	var rows []struct{ V1, V2 string }
	err := tx.WithContext(ctx).Raw(`SELECT v1, v2 FROM casbin_rule WHERE ptype = 'g' AND v0 = ? ORDER BY v1, v2`, username).Scan(&rows).Error
	out := make([]Grant, len(rows))
	for i, r := range rows {
		out[i] = Grant{Role: strings.TrimPrefix(r.V1, "role:"), Dept: r.V2}
	}
	return out, err
}

// RolesVersion returns the index of the last role.granted or role.revoked
// entry (-1 when there is none): it changes whenever a grant does, on
// whichever replica, so a replica that polls it knows when to reload its
// in-memory policy.
func (d *Directory) RolesVersion(ctx context.Context) (int64, error) {
	var v *int64
	err := d.db.Reader.WithContext(ctx).Raw(`SELECT max(idx) FROM ` + store.MainLog + `_entries WHERE type IN ('role.granted', 'role.revoked')`).Scan(&v).Error
	if err != nil || v == nil {
		return -1, err
	}
	return *v, nil
}

// Directory keeps accounts and role grants as ledger events.
type Directory struct {
	db  *store.DB
	log *ledger.Log
}

// NewDirectory returns the directory over db, appending to log.
func NewDirectory(db *store.DB, log *ledger.Log) *Directory { return &Directory{db: db, log: log} }

// CreateUser records user.created and, in the same transaction, stores the
// password hash (which never enters the ledger). The account must pass
// ValidateNew.
func (d *Directory) CreateUser(ctx context.Context, actor string, u User, passwordHash string) (*ledger.Receipt, error) {
	if err := u.ValidateNew(); err != nil {
		return nil, err
	}
	ev := UserEvent{Username: u.Username, DisplayName: u.DisplayName, Dept: u.Dept}
	app, err := d.log.Append(ctx, ledger.Event{Type: "user.created", Actor: actor, Dept: u.Dept, Data: ev,
		Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			g := store.GormTx(tx).WithContext(ctx)
			if err := Project(ctx, g, e); err != nil {
				return err
			}
			return g.Exec(`UPDATE users SET password_hash = ? WHERE username = ?`, passwordHash, u.Username).Error
		}})
	if err != nil {
		return nil, err
	}
	return app.Receipt, nil
}

// ChangeRole records role.granted or role.revoked. check, if set, runs in
// the append transaction with the target's current grants and may refuse
// (separation of duties is decided by the caller's policy).
func (d *Directory) ChangeRole(ctx context.Context, actor string, grant bool, ev RoleEvent,
	check func(current []Grant) error) (*ledger.Receipt, error) {
	typ := "role.revoked"
	if grant {
		typ = "role.granted"
	}
	app, err := d.log.Append(ctx, ledger.Event{Type: typ, Actor: actor, Dept: ev.Dept, Data: ev,
		Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			g := store.GormTx(tx).WithContext(ctx)
			if check != nil {
				current, err := d.GrantsOf(ctx, g, ev.User)
				if err != nil {
					return err
				}
				if err := check(current); err != nil {
					return err
				}
			}
			return Project(ctx, g, e)
		}})
	if err != nil {
		return nil, err
	}
	return app.Receipt, nil
}

// PasswordHash returns a user's stored hash and status, for login.
func (d *Directory) PasswordHash(ctx context.Context, username string) (hash string, u *User, err error) {
	var row struct {
		User
		PasswordHash string
	}
	res := d.db.Reader.WithContext(ctx).Raw(`SELECT username, display_name, dept, status, password_hash FROM users WHERE username = ?`, username).Scan(&row)
	if res.Error != nil {
		return "", nil, res.Error
	}
	if res.RowsAffected == 0 {
		return "", nil, fmt.Errorf("%w: user %s", store.ErrNotFound, username)
	}
	return row.PasswordHash, &row.User, nil
}

// Receipt is the ledger's receipt of a change.
type Receipt = ledger.Receipt

// ledgerEvent is an event whose projection is Project.
func ledgerEvent(typ, actor, dept string, data any) ledger.Event {
	return ledger.Event{Type: typ, Actor: actor, Dept: dept, Data: data,
		Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			return Project(ctx, store.GormTx(tx), e)
		}}
}

// ResetPassword records user.password_reset and, in the same transaction,
// stores the new hash and ends every session and token of the account.
// check, if set, runs first with the account's grants and may refuse.
func (d *Directory) ResetPassword(ctx context.Context, actor, username, passwordHash string, check func(current []Grant) error) (*Receipt, error) {
	ev := ledgerEvent("user.password_reset", actor, "", UserEvent{Username: username})
	ev.Project = d.accountAct(username, check, ev.Project, func(g *gorm.DB) error {
		if err := g.Exec(`UPDATE users SET password_hash = ? WHERE username = ?`, passwordHash, username).Error; err != nil {
			return err
		}
		return revokeAccess(g, username)
	})
	app, err := d.log.Append(ctx, ev)
	if err != nil {
		return nil, err
	}
	return app.Receipt, nil
}
