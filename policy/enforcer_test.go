package policy

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"gorm.io/gorm"

	"qingdan/data/pgtest"
)

func TestRolesOf(t *testing.T) {
	e := demoEnforcer(t)
	tests := []struct {
		user string
		want []Grant
	}{
		{"approver.scjg", []Grant{{RoleApprover, "scjg"}, {RoleClerk, "scjg"}}},
		{"editor.bianban", []Grant{{RoleListEditor, AllDepartments}}},
		{"auditor", []Grant{{RoleAuditor, AllDepartments}}},
		{"nobody", []Grant{}},
		{"", nil}, // not "every user"
	}
	for _, tt := range tests {
		if got := e.RolesOf(tt.user); !slices.Equal(got, tt.want) {
			t.Errorf("RolesOf(%s) = %v, want %v", tt.user, got, tt.want)
		}
	}
}

// TestPersistence: a second Enforcer on the same file sees grants and
// revocations after Reload, and a new one sees them at once.
func TestPersistence(t *testing.T) { pgtest.Backends(t, testPersistence) }

func testPersistence(t *testing.T) {
	a, path := newEnforcer(t)
	b := enforcerOn(t, path)
	mustGrant(t, a, "clerk.gaj", RoleClerk, "gaj")
	if mustAllowed(t, b, "clerk.gaj", "gaj", ObjApplication, ActAccept) {
		t.Errorf("before Reload: b allows the new grant, want the old state")
	}
	if err := b.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if !mustAllowed(t, b, "clerk.gaj", "gaj", ObjApplication, ActAccept) {
		t.Errorf("after Reload: b denies the grant, want allowed")
	}
	if got, want := enforcerOn(t, path).RolesOf("clerk.gaj"), []Grant{{RoleClerk, "gaj"}}; !slices.Equal(got, want) {
		t.Errorf("new enforcer: RolesOf = %v, want %v", got, want)
	}
	if err := a.Revoke("clerk.gaj", RoleClerk, "gaj"); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if err := b.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if mustAllowed(t, b, "clerk.gaj", "gaj", ObjApplication, ActAccept) {
		t.Errorf("after revoke and Reload: b allows, want denied")
	}
}

// TestNewSyncsPolicies: New adds missing role policies, removes stale ones
// and never duplicates them, however often it runs.
func TestNewSyncsPolicies(t *testing.T) { pgtest.Backends(t, testNewSyncsPolicies) }

func testNewSyncsPolicies(t *testing.T) {
	_, path := newEnforcer(t)
	db := openDB(t, path)
	stale := "INSERT INTO casbin_rule (ptype, v0, v1, v2) VALUES ('p', 'role:clerk', 'application', 'decide')"
	if err := db.Exec(stale).Error; err != nil {
		t.Fatalf("insert stale policy: %v", err)
	}
	if err := db.Exec("DELETE FROM casbin_rule WHERE v0 = 'role:approver' AND v2 = 'decide'").Error; err != nil {
		t.Fatalf("delete a policy: %v", err)
	}
	e := enforcerOn(t, path)
	enforcerOn(t, path)
	mustGrant(t, e, "li", RoleClerk, "scjg")
	mustGrant(t, e, "wang", RoleApprover, "scjg")
	if mustAllowed(t, e, "li", "scjg", ObjApplication, ActDecide) {
		t.Errorf("stale policy survived New: clerk may decide")
	}
	if !mustAllowed(t, e, "wang", "scjg", ObjApplication, ActDecide) {
		t.Errorf("missing policy not restored by New: approver may not decide")
	}
	var n int64
	db.Table("casbin_rule").Where("ptype = ?", "p").Count(&n)
	if want := int64(len(DefaultPolicies())); n != want {
		t.Errorf("stored p-lines = %d, want %d", n, want)
	}
}

func TestNewRejectsTransaction(t *testing.T) {
	db := openDB(t, t.TempDir()+"/tx.db")
	err := db.Transaction(func(tx *gorm.DB) error {
		_, err := New(tx)
		return err
	})
	if err == nil {
		t.Errorf("New(transaction) = nil error, want an error")
	}
}

// TestConcurrentGrants runs grants, revocations and reloads beside checks
// (run with -race). Each writer owns its users, so the final state is
// known; stable grants must never be denied in between.
func TestConcurrentGrants(t *testing.T) { pgtest.Backends(t, testConcurrentGrants) }

func testConcurrentGrants(t *testing.T) {
	e, path := newEnforcer(t)
	mustGrant(t, e, "stable", RoleClerk, "scjg")
	const writers, rounds = 4, 25
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 64)
	for w := range writers {
		wg.Go(func() { errs <- churn(e, fmt.Sprintf("user%d", w), rounds) })
	}
	var readers sync.WaitGroup
	for range 3 {
		readers.Go(func() { errs <- checkStable(e, stop) })
	}
	readers.Go(func() { errs <- reloadUntil(e, stop) })
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	checkFinal(t, e, writers, rounds)
	checkFinal(t, enforcerOn(t, path), writers, rounds)
}

// churn grants and revokes roles of user rounds times, ending with user
// holding clerk in dept "d<rounds-1>" and approver in "scjg".
func churn(e *Enforcer, user string, rounds int) error {
	for i := range rounds {
		dept := fmt.Sprintf("d%d", i)
		if err := e.Grant(user, RoleClerk, dept); err != nil {
			return fmt.Errorf("grant %s: %w", user, err)
		}
		if ok, err := e.Allowed(user, dept, ObjApplication, ActAccept); !ok || err != nil {
			return fmt.Errorf("Allowed(%s, %s) right after grant = %v, %v; want true", user, dept, ok, err)
		}
		if i < rounds-1 {
			if err := e.Revoke(user, RoleClerk, dept); err != nil {
				return fmt.Errorf("revoke %s: %w", user, err)
			}
		}
	}
	return e.Grant(user, RoleApprover, "scjg")
}

func checkStable(e *Enforcer, stop <-chan struct{}) error {
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		ok, err := e.Allowed("stable", "scjg", ObjApplication, ActAccept)
		if !ok || err != nil {
			return fmt.Errorf("Allowed(stable) = %v, %v during churn; want true", ok, err)
		}
		if ok, _ := e.Allowed("stable", "gaj", ObjApplication, ActAccept); ok {
			return fmt.Errorf("Allowed(stable, gaj) = true during churn; want false")
		}
	}
}

func reloadUntil(e *Enforcer, stop <-chan struct{}) error {
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		if err := e.Reload(); err != nil {
			return err
		}
	}
}

func checkFinal(t *testing.T, e *Enforcer, writers, rounds int) {
	t.Helper()
	if err := e.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	for w := range writers {
		user := fmt.Sprintf("user%d", w)
		want := []Grant{{RoleClerk, fmt.Sprintf("d%d", rounds-1)}, {RoleApprover, "scjg"}}
		if got := e.RolesOf(user); !slices.Equal(got, want) {
			t.Errorf("final RolesOf(%s) = %v, want %v", user, got, want)
		}
		if mustAllowed(t, e, user, "d0", ObjApplication, ActAccept) {
			t.Errorf("final: %s may still accept in d0, want revoked", user)
		}
	}
}

// TestGrantAllBatches: more grants than one INSERT takes, written in
// batches, all visible after a reload; a second run changes nothing.
func TestGrantAllBatches(t *testing.T) { pgtest.Backends(t, testGrantAllBatches) }

func testGrantAllBatches(t *testing.T) {
	e, path := newEnforcer(t)
	as, _ := largeCounty(2500, 7)
	for range 2 {
		if err := e.GrantAll(as); err != nil {
			t.Fatalf("GrantAll(%d): %v", len(as), err)
		}
	}
	var n int64
	openDB(t, path).Table("casbin_rule").Where("ptype = ?", "g").Count(&n)
	if n != int64(len(as)) {
		t.Errorf("stored g-lines = %d, want %d", n, len(as))
	}
	other := enforcerOn(t, path)
	for _, a := range []Assignment{as[0], as[len(as)/2], as[len(as)-1]} {
		if got := other.RolesOf(a.User); !slices.Contains(got, Grant{a.Role, a.Dept}) {
			t.Errorf("RolesOf(%s) = %v, want it to contain %s in %s", a.User, got, a.Role, a.Dept)
		}
	}
}
