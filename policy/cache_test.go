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
