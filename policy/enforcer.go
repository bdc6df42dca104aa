package policy

import (
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"
)

// modelConf is the Casbin model: RBAC with departments as domains.
//
//go:embed model.conf
var modelConf string

// Enforcer answers "may this user do this act on this object in this
// department?" and keeps role grants. Policies live in the casbin_rule
// table through gorm-adapter; the permission table itself comes from the
// code (DefaultPolicies). It is safe for concurrent use: every call goes
// through the locking methods of casbin.SyncedEnforcer.
//
// Replicas sharing a database each hold their own in-memory copy; call
// Reload after another replica changed grants.
type Enforcer struct {
	se *casbin.SyncedEnforcer
	// mu serialises the writers of this process: Grant's check-then-add
	// (the separation-of-duties check reads the user's current roles), and
	// Reload, which Casbin does not order against writes — a reload that
	// read the table before a grant and applied it after would silently
	// drop that grant from memory. Checks never take it.
	mu sync.Mutex
	// cache holds answers until the next policy change.
	cache decisions
}

// New builds the enforcer on db (the shared writer; not a transaction —
// the adapter creates its table and writes outside any caller's
// transaction) and makes the stored role policies exactly
// DefaultPolicies(): missing lines are added, stale ones removed.
func New(db *gorm.DB) (*Enforcer, error) {
	if _, inTx := db.Statement.ConnPool.(gorm.TxCommitter); inTx {
		return nil, errors.New("policy: New needs the database, not a transaction")
	}
	if db.Migrator().HasTable("casbin_rule") {
		// The service's migrations own the table: never AutoMigrate it.
		db = db.Session(&gorm.Session{})
		gormadapter.TurnOffAutoMigrate(db)
	}
	adapter, err := gormadapter.NewAdapterByDB(db)
	if err != nil {
		return nil, fmt.Errorf("policy: casbin adapter: %w", err)
	}
	m, err := model.NewModelFromString(modelConf)
	if err != nil {
		return nil, fmt.Errorf("policy: casbin model: %w", err)
	}
	se, err := casbin.NewSyncedEnforcer(m, adapter)
	if err != nil {
		return nil, fmt.Errorf("policy: casbin enforcer: %w", err)
	}
	e := &Enforcer{se: se}
	if err := e.syncPolicies(); err != nil {
		return nil, err
	}
	return e, nil
}

// syncPolicies makes the stored p-lines equal DefaultPolicies().
func (e *Enforcer) syncPolicies() error {
	have, err := e.se.GetPolicy()
	if err != nil {
		return fmt.Errorf("policy: read role policies: %w", err)
	}
	want := DefaultPolicies()
	if stale := missingFrom(want, have); len(stale) > 0 {
		if _, err := e.se.RemovePolicies(stale); err != nil {
			return fmt.Errorf("policy: remove stale role policies: %w", err)
		}
	}
	if missing := missingFrom(have, want); len(missing) > 0 {
		if _, err := e.se.AddPoliciesEx(missing); err != nil {
			return fmt.Errorf("policy: add role policies: %w", err)
		}
	}
	return nil
}

// missingFrom returns the lines of b that are not in a.
func missingFrom(a, b [][]string) [][]string {
	in := make(map[string]bool, len(a))
	for _, line := range a {
		in[strings.Join(line, "\x00")] = true
	}
	var out [][]string
	for _, line := range b {
		if !in[strings.Join(line, "\x00")] {
			out = append(out, line)
		}
	}
	return out
}

// Allowed reports whether user may do act on obj in department dept
// (AllDepartments asks about every department at once, which only a
// holder of the role in "*" passes). Unknown objects or actions are
// simply not allowed; a malformed or reserved user name or department code
// is an error wrapping ErrInvalidName.
func (e *Enforcer) Allowed(user, dept, obj, act string) (bool, error) {
	if err := checkNames(user, dept); err != nil {
		return false, err
	}
	key := decisionKey(user, dept, obj, act)
	ok, found, gen := e.cache.get(key)
	if found {
		return ok, nil
	}
	class := e.roleClass(user, dept) + "\x00" + obj + "\x00" + act
	if ok, found := e.cache.getClass(class, gen); found {
		e.cache.put(key, "", ok, gen)
		return ok, nil
	}
	ok, err := e.se.Enforce(user, dept, obj, act)
	if err != nil {
		return false, fmt.Errorf("policy: enforce: %w", err)
	}
	e.cache.put(key, class, ok, gen)
	return ok, nil
}

// roleClass names the roles user holds directly in dept and in "*". With
// this model the answer to a check depends on the user only through them
// (policies attach permissions to roles, and roles are never granted to
// roles), so two users of one class share every answer. Casbin's matcher
// answers the first check of each class; TestRoleClassAnswersEqualCasbin
// compares the two over every user, department and permission.
func (e *Enforcer) roleClass(user, dept string) string {
	in := e.se.GetRolesForUserInDomain(user, dept)
	all := e.se.GetRolesForUserInDomain(user, AllDepartments)
	slices.Sort(in)
	slices.Sort(all)
	return strings.Join(in, ",") + "|" + strings.Join(all, ",")
}

// Grant gives user role in dept, persisting it. It applies CheckAssignment
// against the user's current roles (scope and 三员分立) and returns
// ErrAlreadyGranted when nothing changes. Who may grant (CheckGrant) is the
// caller's check, as is recording the grant in the ledger.
func (e *Enforcer) Grant(user, role, dept string) error {
	if err := checkNames(user, dept); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	defer e.cache.invalidate() // after the change, before unlocking
	held := e.RolesOf(user)
	if err := CheckAssignment(held, role, dept); err != nil {
		return err
	}
	added, err := e.se.AddRoleForUserInDomain(user, roleSubject(role), dept)
	if err != nil {
		return fmt.Errorf("policy: grant %s to %s in %s: %w", role, user, dept, err)
	}
	if !added {
		return ErrAlreadyGranted
	}
	return nil
}

// Revoke takes role in dept away from user, persisting it. It returns
// ErrNotGranted when the user did not hold it.
func (e *Enforcer) Revoke(user, role, dept string) error {
	if err := checkNames(user, dept); err != nil {
		return err
	}
	if !IsRole(role) {
		return fmt.Errorf("%w: %q", ErrUnknownRole, role)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	defer e.cache.invalidate() // after the change, before unlocking
	removed, err := e.se.DeleteRoleForUserInDomain(user, roleSubject(role), dept)
	if err != nil {
		return fmt.Errorf("policy: revoke %s from %s in %s: %w", role, user, dept, err)
	}
	if !removed {
		return ErrNotGranted
	}
	return nil
}

// RolesOf returns the roles user holds, sorted by department then role;
// none for a malformed user name (Casbin would read "" as "every user").
// The read cannot fail with the embedded model (it errs only when the
// model has no "g" section); it returns nil if it ever did.
func (e *Enforcer) RolesOf(user string) []Grant {
	if checkUser(user) != nil {
		return nil
	}
	lines, err := e.se.GetFilteredGroupingPolicy(0, user)
	if err != nil {
		return nil
	}
	grants := make([]Grant, 0, len(lines))
	for _, line := range lines {
		if role, ok := strings.CutPrefix(line[1], RoleSubjectPrefix); ok {
			grants = append(grants, Grant{Role: role, Dept: line[2]})
		}
	}
	slices.SortFunc(grants, compareGrants)
	return grants
}

func compareGrants(a, b Grant) int {
	if c := strings.Compare(a.Dept, b.Dept); c != 0 {
		return c
	}
	return strings.Compare(a.Role, b.Role)
}

// Reload replaces the in-memory policy with the database's, for replicas
// that share the database. Checks keep being answered from the old copy
// while the new one loads.
func (e *Enforcer) Reload() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	defer e.cache.invalidate() // after the change, before unlocking
	if err := e.se.LoadPolicy(); err != nil {
		return fmt.Errorf("policy: reload: %w", err)
	}
	return nil
}
