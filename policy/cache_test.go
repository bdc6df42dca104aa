package policy

import "testing"

// TestCacheForgetsOnEveryChange: an answer cached before a grant, a
// revocation or a reload is never served after it.
func TestCacheForgetsOnEveryChange(t *testing.T) {
	e, _ := newEnforcer(t)
	ask := func() bool {
		ok, err := e.Allowed("clerk.a", "scjg", ObjApplication, ActAccept)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if ask() || ask() {
		t.Fatal("allowed before any grant")
	}
	if err := e.Grant("clerk.a", RoleClerk, "scjg"); err != nil {
		t.Fatal(err)
	}
	if !ask() || !ask() {
		t.Fatal("not allowed after the grant")
	}
	if err := e.Revoke("clerk.a", RoleClerk, "scjg"); err != nil {
		t.Fatal(err)
	}
	if ask() {
		t.Fatal("a revoked role answered from the cache")
	}
	if err := e.Grant("clerk.a", RoleClerk, "scjg"); err != nil {
		t.Fatal(err)
	}
	ask()
	// Another replica removes the grant from the shared table.
	if _, err := e.se.RemoveGroupingPolicy("clerk.a", RoleSubjectPrefix+RoleClerk, "scjg"); err != nil {
		t.Fatal(err)
	}
	if err := e.Reload(); err != nil {
		t.Fatal(err)
	}
	if ask() {
		t.Fatal("answer survived a reload of a policy without the grant")
	}
}

// TestRoleClassAnswersEqualCasbin: answers shared by role class equal
// Casbin's own answer for every user, department (their own, another, "*")
// and permission, in a county where users hold every kind of role mix —
// including roles in "*" and roles in two departments.
func TestRoleClassAnswersEqualCasbin(t *testing.T) {
	e, _ := newEnforcer(t)
	as, users := demoCounty(4)
	extra := []Assignment{
		{"twodepts", RoleClerk, "dept00"}, {"twodepts", RoleApprover, "dept01"},
		{"twodepts", RoleListEditor, "dept02"}, {"auditor2", RoleAuditor, AllDepartments},
		{"editorplus", RoleListEditor, AllDepartments}, {"editorplus", RoleClerk, "dept03"},
	}
	if err := e.GrantAll(append(as, extra...)); err != nil {
		t.Fatal(err)
	}
	names := []string{"sysadmin", "secadmin", "auditor", "editor.bianban", "twodepts", "auditor2", "editorplus", "nobody"}
	for _, u := range users {
		names = append(names, u.name)
	}
	depts := []string{"dept00", "dept01", "dept02", "dept03", "dept09", AllDepartments}
	checked, allowed := 0, 0
	for round := range 2 { // the second round answers from the caches
		for _, user := range names {
			for _, dept := range depts {
				for _, p := range allPermissions() {
					got, err := e.Allowed(user, dept, p.Obj, p.Act)
					if err != nil {
						t.Fatal(err)
					}
					want, err := e.se.Enforce(user, dept, p.Obj, p.Act)
					if err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Fatalf("round %d: Allowed(%s, %s, %s, %s) = %v, Casbin says %v", round, user, dept, p.Obj, p.Act, got, want)
					}
					checked++
					if got {
						allowed++
					}
				}
			}
		}
	}
	if allowed == 0 || allowed == checked {
		t.Fatalf("degenerate table: %d of %d allowed", allowed, checked)
	}
	t.Logf("%d checks, %d allowed", checked, allowed)
}
