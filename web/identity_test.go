package web

import (
	"context"
	"errors"
	"testing"

	"qingdan/data"
	"qingdan/data/demo"
	"qingdan/data/identity"
	"qingdan/data/lists"
	"qingdan/data/pgtest"
	"qingdan/data/store"
	"qingdan/ledger/storetest"
	"qingdan/policy"
	"qingdan/web/accounts"
)

// TestRoleNamingAgrees: the projection writes the g-lines the enforcer
// reads.
func TestRoleNamingAgrees(t *testing.T) {
	if got, want := identity.CasbinRole(policy.RoleClerk), policy.RoleSubjectPrefix+policy.RoleClerk; got != want {
		t.Fatalf("data names roles %q, policy %q", got, want)
	}
}

// TestRolesThroughTheLedger grants roles as ledger entries, enforces them
// with Casbin, refuses 三员分立 and self-grants inside the transaction, and
// replays casbin_rule from the ledger.
func TestRolesThroughTheLedger(t *testing.T) { pgtest.Backends(t, testRolesThroughTheLedger) }

func testRolesThroughTheLedger(t *testing.T) {
	ctx := context.Background()
	db := newTestDatabase(t).open(t)
	ls, _ := store.NewLedgerStore(db, store.MainLog)
	l := storetest.NewLog(t, ls)
	enf, err := policy.New(db.Writer)
	if err != nil {
		t.Fatal(err)
	}
	dir := identity.NewDirectory(db, l)
	id := &accounts.Accounts{Directory: dir, Enforcer: enf}
	if err := demo.Seed(ctx, lists.NewCatalog(db, l)); err != nil { // grants need departments in force
		t.Fatal(err)
	}
	for _, u := range []identity.User{{Username: "secadmin", DisplayName: "安全管理员", Dept: "*"},
		{Username: "sec2", DisplayName: "安全管理员二", Dept: "*"},
		{Username: "clerk.scjg", DisplayName: "窗口人员", Dept: "scjg"}} {
		if _, err := dir.CreateUser(ctx, "system", u, "$argon2id$test"); err != nil {
			t.Fatal(err)
		}
	}
	// Bootstrap: the first security administrator is granted by the
	// system (as 'qingdan user add' will do); sec2 then grants others.
	if _, err := dir.ChangeRole(ctx, "system", true, identity.RoleEvent{User: "sec2", Role: "secadmin", Dept: "*"}, nil); err != nil {
		t.Fatal(err)
	}
	enf.Reload()
	if _, err := id.ChangeRole(ctx, "sec2", true, "secadmin", "secadmin", "*"); err != nil {
		t.Fatal(err)
	}
	if _, err := id.ChangeRole(ctx, "secadmin", true, "clerk.scjg", "clerk", "scjg"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user, dept, obj, act string
		want                 bool
	}{
		{"clerk.scjg", "scjg", policy.ObjApplication, "accept", true},
		{"clerk.scjg", "gaj", policy.ObjApplication, "accept", false},
		{"secadmin", "*", "role", "grant", true},
		{"secadmin", "scjg", policy.ObjApplication, "accept", false},
	} {
		got, err := enf.Allowed(c.user, c.dept, c.obj, c.act)
		if err != nil || got != c.want {
			t.Errorf("Allowed(%s, %s, %s, %s) = %v (%v), want %v", c.user, c.dept, c.obj, c.act, got, err, c.want)
		}
	}
	_, before, _ := l.Latest(ctx)
	refusals := []struct {
		granter, user, role, dept string
		want                      error
	}{
		{"secadmin", "secadmin", "auditor", "*", policy.ErrSelfGrant},
		{"secadmin", "sec2", "auditor", "*", policy.ErrSeparationOfDuties},
		{"secadmin", "clerk.scjg", "sysadmin", "*", policy.ErrSeparationOfDuties},
		{"clerk.scjg", "clerk.scjg", "approver", "scjg", policy.ErrForbidden},
	}
	for _, r := range refusals {
		if _, err := id.ChangeRole(ctx, r.granter, true, r.user, r.role, r.dept); !errors.Is(err, r.want) {
			t.Errorf("%s grants %s %s in %s: got %v, want %v", r.granter, r.user, r.role, r.dept, err, r.want)
		}
	}
	if _, after, _ := l.Latest(ctx); after.Size != before.Size {
		t.Fatalf("refused grants appended %d entries", after.Size-before.Size)
	}
	if _, err := id.ChangeRole(ctx, "secadmin", false, "clerk.scjg", "clerk", "scjg"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := enf.Allowed("clerk.scjg", "scjg", policy.ObjApplication, "accept"); ok {
		t.Fatal("a revoked clerk may still accept")
	}
	diffs, err := data.CheckProjections(ctx, ls, db)
	if err != nil || len(diffs) != 0 {
		t.Fatalf("replay differs: %v %v", diffs, err)
	}
	if err := db.Writer.Exec(`INSERT INTO casbin_rule (ptype, v0, v1, v2) VALUES ('g', 'clerk.scjg', 'role:approver', 'scjg')`).Error; err != nil {
		t.Fatal(err)
	}
	diffs, _ = data.CheckProjections(ctx, ls, db)
	if len(diffs) != 1 || diffs[0].Table != "casbin_rule" {
		t.Fatalf("a grant written outside the ledger: differences %v, want one in casbin_rule", diffs)
	}
}
