package policy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// demoGrants is a small county: two departments, every role, and the
// demo's approver who is also a clerk.
var demoGrants = []Assignment{
	{"clerk.scjg", RoleClerk, "scjg"},
	{"approver.scjg", RoleApprover, "scjg"},
	{"approver.scjg", RoleClerk, "scjg"},
	{"approver2.scjg", RoleApprover, "scjg"},
	{"editor.scjg", RoleListEditor, "scjg"},
	{"clerk.gaj", RoleClerk, "gaj"},
	{"approver.gaj", RoleApprover, "gaj"},
	{"editor.gaj", RoleListEditor, "gaj"},
	{"editor.bianban", RoleListEditor, AllDepartments},
	{"sysadmin", RoleSysadmin, AllDepartments},
	{"secadmin", RoleSecadmin, AllDepartments},
	{"auditor", RoleAuditor, AllDepartments},
}

func demoEnforcer(t *testing.T) *Enforcer {
	t.Helper()
	e, _ := newEnforcer(t)
	if err := e.GrantAll(demoGrants); err != nil {
		t.Fatalf("GrantAll: %v", err)
	}
	return e
}

func TestAllowedDecisionTable(t *testing.T) {
	e := demoEnforcer(t)
	tests := []struct {
		user, dept, obj, act string
		want                 bool
	}{
		// clerk: own department only, clerk actions only.
		{"clerk.scjg", "scjg", ObjApplication, ActAccept, true},
		{"clerk.scjg", "scjg", ObjApplication, ActRefuse, true},
		{"clerk.scjg", "scjg", ObjApplication, ActReview, true},
		{"clerk.scjg", "scjg", ObjApplication, ActDeliver, true},
		{"clerk.scjg", "scjg", ObjApplication, ActPause, true},
		{"clerk.scjg", "scjg", ObjApplication, ActResume, true},
		{"clerk.scjg", "scjg", ObjApplication, ActRead, true},
		{"clerk.scjg", "gaj", ObjApplication, ActAccept, false},
		{"clerk.scjg", "gaj", ObjApplication, ActRead, false},
		{"clerk.scjg", AllDepartments, ObjApplication, ActAccept, false},
		{"clerk.scjg", "scjg", ObjApplication, ActDecide, false},
		{"clerk.scjg", "scjg", ObjApplication, ActExtend, false},
		{"clerk.scjg", "scjg", ObjApplication, ActReadAll, false},
		{"clerk.scjg", "scjg", ObjPower, ActPublish, false},
		{"clerk.gaj", "scjg", ObjApplication, ActAccept, false},
		// approver: decide and extend in own department.
		{"approver2.scjg", "scjg", ObjApplication, ActDecide, true},
		{"approver2.scjg", "scjg", ObjApplication, ActExtend, true},
		{"approver2.scjg", "scjg", ObjApplication, ActAccept, false},
		{"approver2.scjg", "scjg", ObjApplication, ActReview, false},
		{"approver2.scjg", "gaj", ObjApplication, ActDecide, false},
		{"approver.gaj", "scjg", ObjApplication, ActDecide, false},
		{"approver.scjg", "scjg", ObjApplication, ActReview, true}, // also a clerk
		{"approver.scjg", "scjg", ObjApplication, ActDecide, true},
		// list editors.
		{"editor.scjg", "scjg", ObjPower, ActPublish, true},
		{"editor.scjg", "scjg", ObjResponsibility, ActAmend, true},
		{"editor.scjg", "scjg", ObjService, ActRepeal, true},
		{"editor.scjg", "scjg", ObjPower, ActImport, true},
		{"editor.scjg", "gaj", ObjPower, ActPublish, false},
		{"editor.scjg", AllDepartments, ObjPower, ActImport, false},
		{"editor.scjg", "scjg", ObjApplication, ActAccept, false},
		{"editor.bianban", "scjg", ObjPower, ActPublish, true},
		{"editor.bianban", "gaj", ObjService, ActAmend, true},
		{"editor.bianban", "nosuchdept", ObjResponsibility, ActRepeal, true},
		{"editor.bianban", AllDepartments, ObjPower, ActImport, true},
		{"editor.bianban", "gaj", ObjApplication, ActAccept, false},
		{"editor.bianban", "gaj", ObjApplication, ActDecide, false},
		// sysadmin: users and departments, nothing else.
		{"sysadmin", AllDepartments, ObjUser, ActCreate, true},
		{"sysadmin", AllDepartments, ObjUser, ActDisable, true},
		{"sysadmin", AllDepartments, ObjUser, ActResetPassword, true},
		{"sysadmin", "gaj", ObjDepartment, ActManage, true},
		{"sysadmin", AllDepartments, ObjRole, ActGrant, false},
		{"sysadmin", AllDepartments, ObjRole, ActRevoke, false},
		{"sysadmin", "scjg", ObjApplication, ActAccept, false},
		{"sysadmin", "scjg", ObjApplication, ActDecide, false},
		{"sysadmin", "scjg", ObjPower, ActPublish, false},
		{"sysadmin", AllDepartments, ObjSecurityLog, ActRead, false},
		// secadmin: grants, and the accounts of the three administrators
		// (issue 20; CheckAccountAct restricts the targets).
		{"secadmin", AllDepartments, ObjRole, ActGrant, true},
		{"secadmin", AllDepartments, ObjRole, ActRevoke, true},
		{"secadmin", AllDepartments, ObjUser, ActCreate, false},
		{"secadmin", AllDepartments, ObjUser, ActResetPassword, true},
		{"secadmin", "scjg", ObjApplication, ActAccept, false},
		{"secadmin", AllDepartments, ObjLedger, ActVerify, false},
		// auditor: reads and verification only.
		{"auditor", AllDepartments, ObjLedger, ActVerify, true},
		{"auditor", AllDepartments, ObjSecurityLog, ActRead, true},
		{"auditor", "gaj", ObjApplication, ActReadAll, true},
		{"auditor", "scjg", ObjApplication, ActRead, true},
		{"auditor", "scjg", ObjPower, ActRead, true},
		{"auditor", "scjg", ObjApplication, ActAccept, false},
		{"auditor", "scjg", ObjApplication, ActDecide, false},
		{"auditor", "scjg", ObjPower, ActPublish, false},
		{"auditor", AllDepartments, ObjRole, ActGrant, false},
		{"auditor", AllDepartments, ObjUser, ActCreate, false},
		// no roles, unknown objects and actions.
		{"nobody", "scjg", ObjApplication, ActRead, false},
		{"clerk.scjg", "scjg", "application ", ActAccept, false},
		{"clerk.scjg", "scjg", ObjApplication, "*", false},
		{"clerk.scjg", "scjg", "*", "*", false},
	}
	for _, tt := range tests {
		got := mustAllowed(t, e, tt.user, tt.dept, tt.obj, tt.act)
		if got != tt.want {
			t.Errorf("Allowed(%s, %s, %s, %s) = %v, want %v", tt.user, tt.dept, tt.obj, tt.act, got, tt.want)
		}
	}
}

// TestAllowedEveryRole checks every (role, object, action) pair in every
// scope against the permission table: a user holding role in scope may do
// exactly the role's permissions in scope (or anywhere, for "*").
func TestAllowedEveryRole(t *testing.T) {
	e, _ := newEnforcer(t)
	scopes := map[string][]string{
		RoleClerk: {"scjg"}, RoleApprover: {"scjg"}, RoleListEditor: {"scjg", AllDepartments},
		RoleSysadmin: {AllDepartments}, RoleSecadmin: {AllDepartments}, RoleAuditor: {AllDepartments},
	}
	for _, role := range Roles() {
		for _, scope := range scopes[role] {
			user := fmt.Sprintf("u.%s.%s", role, map[bool]string{true: "all", false: scope}[scope == AllDepartments])
			mustGrant(t, e, user, role, scope)
			checkRole(t, e, user, role, scope)
		}
	}
}

func checkRole(t *testing.T, e *Enforcer, user, role, scope string) {
	t.Helper()
	perms := Permissions(role)
	for _, p := range allPermissions() {
		for _, dept := range []string{"scjg", "gaj", AllDepartments} {
			want := slices.Contains(perms, p) && (scope == AllDepartments || scope == dept)
			if got := mustAllowed(t, e, user, dept, p.Obj, p.Act); got != want {
				t.Errorf("%s (%s in %s): Allowed(%s, %s, %s) = %v, want %v", user, role, scope, dept, p.Obj, p.Act, got, want)
			}
		}
	}
}

// allPermissions is every (object, action) any role has, plus every
// action on every object, so that denials are checked too.
func allPermissions() []Permission {
	objs, acts := map[string]bool{}, map[string]bool{}
	for _, line := range DefaultPolicies() {
		objs[line[1]], acts[line[2]] = true, true
	}
	var ps []Permission
	for obj := range objs {
		for act := range acts {
			ps = append(ps, Permission{obj, act})
		}
	}
	return ps
}

func TestAuditorWritesNothing(t *testing.T) {
	e := demoEnforcer(t)
	reads := map[string]bool{ActRead: true, ActReadAll: true, ActVerify: true}
	for _, line := range DefaultPolicies() {
		obj, act := line[1], line[2]
		if reads[act] {
			continue
		}
		for _, dept := range []string{"scjg", AllDepartments} {
			if mustAllowed(t, e, "auditor", dept, obj, act) {
				t.Errorf("Allowed(auditor, %s, %s, %s) = true, want false", dept, obj, act)
			}
		}
	}
}

func TestAllowedRejectsBadNames(t *testing.T) {
	e := demoEnforcer(t)
	tests := []struct{ user, dept string }{
		{"", "scjg"},
		{"role:clerk", "scjg"}, // the role subjects' namespace
		{"auditor", ""},
		{"*", "scjg"},
		{"clerk.scjg", "sc jg"},
		{"a,b", "scjg"},
		{"clerk.scjg", "sc*"},
	}
	for _, tt := range tests {
		ok, err := e.Allowed(tt.user, tt.dept, ObjApplication, ActAccept)
		if ok || !errorIs(err, ErrInvalidName) {
			t.Errorf("Allowed(%q, %q) = %v, %v; want false, ErrInvalidName", tt.user, tt.dept, ok, err)
		}
	}
}

func TestDefaultPolicies(t *testing.T) {
	seen := map[string]bool{}
	for _, line := range DefaultPolicies() {
		key := fmt.Sprint(line)
		role, ok := strings.CutPrefix(line[0], RoleSubjectPrefix)
		if len(line) != 3 || seen[key] || !ok || !IsRole(role) {
			t.Errorf("policy line %v: want 3 fields, a role, no duplicates", line)
		}
		seen[key] = true
	}
	for _, role := range Roles() {
		if len(Permissions(role)) == 0 {
			t.Errorf("Permissions(%s) is empty", role)
		}
	}
	if IsRole("root") || Permissions("root") != nil {
		t.Errorf("IsRole(root) = true, want false")
	}
}

// TestUserNamedLikeRole: users called like roles (the demo's "auditor",
// "sysadmin") hold nothing until granted and lose it when revoked.
func TestUserNamedLikeRole(t *testing.T) {
	e, _ := newEnforcer(t)
	for _, name := range Roles() {
		if mustAllowed(t, e, name, AllDepartments, ObjLedger, ActVerify) ||
			mustAllowed(t, e, name, "scjg", ObjApplication, ActAccept) {
			t.Errorf("ungranted user %q is allowed, want denied", name)
		}
	}
	mustGrant(t, e, "auditor", RoleAuditor, AllDepartments)
	if !mustAllowed(t, e, "auditor", AllDepartments, ObjLedger, ActVerify) {
		t.Errorf("granted auditor: Allowed(verify) = false, want true")
	}
	if err := e.Revoke("auditor", RoleAuditor, AllDepartments); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if mustAllowed(t, e, "auditor", AllDepartments, ObjLedger, ActVerify) {
		t.Errorf("revoked auditor: Allowed(verify) = true, want false")
	}
}
