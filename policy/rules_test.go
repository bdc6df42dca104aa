package policy

import (
	"errors"
	"testing"
)

var (
	sec       = []Grant{{RoleSecadmin, AllDepartments}}
	clerkScjg = []Grant{{RoleClerk, "scjg"}}
)

func TestCheckGrant(t *testing.T) {
	tests := []struct {
		name         string
		granter      string
		granterRoles []Grant
		targetRoles  []Grant
		target, role string
		dept         string
		want         error
	}{
		{"clerk in a department", "sec", sec, nil, "li", RoleClerk, "scjg", nil},
		{"approver beside clerk", "sec", sec, clerkScjg, "li", RoleApprover, "scjg", nil},
		{"clerk in a second department", "sec", sec, clerkScjg, "li", RoleClerk, "gaj", nil},
		{"list editor in a department", "sec", sec, nil, "li", RoleListEditor, "scjg", nil},
		{"list editor everywhere (编办)", "sec", sec, nil, "li", RoleListEditor, AllDepartments, nil},
		{"sysadmin in *", "sec", sec, nil, "wang", RoleSysadmin, AllDepartments, nil},
		{"second secadmin", "sec", sec, nil, "wang", RoleSecadmin, AllDepartments, nil},
		{"auditor in *", "sec", sec, nil, "wang", RoleAuditor, AllDepartments, nil},
		{"already granted", "sec", sec, clerkScjg, "li", RoleClerk, "scjg", ErrAlreadyGranted},

		{"granter not secadmin", "sys", []Grant{{RoleSysadmin, AllDepartments}}, nil, "li", RoleClerk, "scjg", ErrForbidden},
		{"granter secadmin only in a department", "sec", []Grant{{RoleSecadmin, "scjg"}}, nil, "li", RoleClerk, "scjg", ErrForbidden},
		{"granter without roles", "li", nil, nil, "wang", RoleClerk, "scjg", ErrForbidden},
		{"self grant", "sec", sec, sec, "sec", RoleSysadmin, AllDepartments, ErrSelfGrant},
		{"self grant of an operational role", "sec", sec, sec, "sec", RoleClerk, "scjg", ErrSelfGrant},
		{"unknown role", "sec", sec, nil, "li", "root", "scjg", ErrUnknownRole},
		{"empty role", "sec", sec, nil, "li", "", "scjg", ErrUnknownRole},

		{"sysadmin in a department", "sec", sec, nil, "wang", RoleSysadmin, "scjg", ErrRoleScope},
		{"secadmin in a department", "sec", sec, nil, "wang", RoleSecadmin, "gaj", ErrRoleScope},
		{"auditor in a department", "sec", sec, nil, "wang", RoleAuditor, "scjg", ErrRoleScope},
		{"clerk in *", "sec", sec, nil, "li", RoleClerk, AllDepartments, ErrRoleScope},
		{"approver in *", "sec", sec, nil, "li", RoleApprover, AllDepartments, ErrRoleScope},

		{"sysadmin + secadmin", "sec", sec, []Grant{{RoleSysadmin, "*"}}, "wang", RoleSecadmin, "*", ErrSeparationOfDuties},
		{"sysadmin + auditor", "sec", sec, []Grant{{RoleSysadmin, "*"}}, "wang", RoleAuditor, "*", ErrSeparationOfDuties},
		{"secadmin + auditor", "sec", sec, []Grant{{RoleSecadmin, "*"}}, "wang", RoleAuditor, "*", ErrSeparationOfDuties},
		{"auditor + sysadmin", "sec", sec, []Grant{{RoleAuditor, "*"}}, "wang", RoleSysadmin, "*", ErrSeparationOfDuties},
		{"auditor + secadmin", "sec", sec, []Grant{{RoleAuditor, "*"}}, "wang", RoleSecadmin, "*", ErrSeparationOfDuties},
		{"sysadmin + clerk", "sec", sec, []Grant{{RoleSysadmin, "*"}}, "wang", RoleClerk, "scjg", ErrSeparationOfDuties},
		{"secadmin + approver", "sec", sec, []Grant{{RoleSecadmin, "*"}}, "wang", RoleApprover, "gaj", ErrSeparationOfDuties},
		{"auditor + list editor", "sec", sec, []Grant{{RoleAuditor, "*"}}, "wang", RoleListEditor, "*", ErrSeparationOfDuties},
		{"clerk + sysadmin", "sec", sec, clerkScjg, "li", RoleSysadmin, "*", ErrSeparationOfDuties},
		{"list editor + auditor", "sec", sec, []Grant{{RoleListEditor, "gaj"}}, "li", RoleAuditor, "*", ErrSeparationOfDuties},
		{"approver + secadmin", "sec", sec, []Grant{{RoleApprover, "gaj"}}, "li", RoleSecadmin, "*", ErrSeparationOfDuties},

		{"empty target", "sec", sec, nil, "", RoleClerk, "scjg", ErrInvalidName},
		{"target in the role namespace", "sec", sec, nil, "role:x", RoleClerk, "scjg", ErrInvalidName},
		{"empty department", "sec", sec, nil, "li", RoleClerk, "", ErrInvalidName},
		{"department with a space", "sec", sec, nil, "li", RoleClerk, "sc jg", ErrInvalidName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckGrant(tt.granter, tt.granterRoles, tt.targetRoles, tt.target, tt.role, tt.dept)
			if !matches(err, tt.want) {
				t.Errorf("CheckGrant(%s → %s %s in %s) = %v, want %v", tt.granter, tt.target, tt.role, tt.dept, err, tt.want)
			}
		})
	}
}

func TestCheckRevoke(t *testing.T) {
	tests := []struct {
		name                      string
		granter                   string
		granterRoles, targetRoles []Grant
		target, role, dept        string
		want                      error
	}{
		{"held", "sec", sec, clerkScjg, "li", RoleClerk, "scjg", nil},
		{"not held", "sec", sec, clerkScjg, "li", RoleClerk, "gaj", ErrNotGranted},
		{"not a secadmin", "sys", []Grant{{RoleSysadmin, "*"}}, clerkScjg, "li", RoleClerk, "scjg", ErrForbidden},
		{"own role", "sec", append(sec, Grant{RoleSecadmin, "*"}), sec, "sec", RoleSecadmin, "*", ErrSelfGrant},
		{"unknown role", "sec", sec, clerkScjg, "li", "admin", "scjg", ErrUnknownRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRevoke(tt.granter, tt.granterRoles, tt.targetRoles, tt.target, tt.role, tt.dept)
			if !matches(err, tt.want) {
				t.Errorf("CheckRevoke = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCheckFourEyes(t *testing.T) {
	tests := []struct {
		reviewer, decider string
		want              error
	}{
		{"clerk.scjg", "approver2.scjg", nil},
		{"approver.scjg", "approver2.scjg", nil},
		{"approver.scjg", "approver.scjg", ErrFourEyes},
		{"", "approver.scjg", ErrFourEyes},
		{"clerk.scjg", "", ErrFourEyes},
		{"", "", ErrFourEyes},
	}
	for _, tt := range tests {
		if err := CheckFourEyes(tt.reviewer, tt.decider); !matches(err, tt.want) {
			t.Errorf("CheckFourEyes(%q, %q) = %v, want %v", tt.reviewer, tt.decider, err, tt.want)
		}
	}
}

// TestGrantEnforcesAssignment: the Enforcer applies scope and 三员分立
// itself, whoever calls it.
func TestGrantEnforcesAssignment(t *testing.T) {
	e, _ := newEnforcer(t)
	mustGrant(t, e, "wang", RoleSysadmin, AllDepartments)
	mustGrant(t, e, "li", RoleClerk, "scjg")
	tests := []struct {
		user, role, dept string
		want             error
	}{
		{"wang", RoleAuditor, AllDepartments, ErrSeparationOfDuties},
		{"wang", RoleClerk, "scjg", ErrSeparationOfDuties},
		{"li", RoleSecadmin, AllDepartments, ErrSeparationOfDuties},
		{"li", RoleApprover, AllDepartments, ErrRoleScope},
		{"li", "boss", "scjg", ErrUnknownRole},
		{"li", RoleClerk, "scjg", ErrAlreadyGranted},
		{"", RoleClerk, "scjg", ErrInvalidName},
		{"li", RoleApprover, "scjg", nil},
	}
	for _, tt := range tests {
		if err := e.Grant(tt.user, tt.role, tt.dept); !matches(err, tt.want) {
			t.Errorf("Grant(%s, %s, %s) = %v, want %v", tt.user, tt.role, tt.dept, err, tt.want)
		}
	}
	if err := e.Revoke("li", RoleClerk, "gaj"); !errors.Is(err, ErrNotGranted) {
		t.Errorf("Revoke(not held) = %v, want ErrNotGranted", err)
	}
	if err := e.Revoke("li", "boss", "gaj"); !errors.Is(err, ErrUnknownRole) {
		t.Errorf("Revoke(unknown role) = %v, want ErrUnknownRole", err)
	}
	if err := e.GrantAll([]Assignment{{"zhao", RoleClerk, "gaj"}, {"zhao", RoleAuditor, "*"}}); !errors.Is(err, ErrSeparationOfDuties) {
		t.Errorf("GrantAll(clerk + auditor) = %v, want ErrSeparationOfDuties", err)
	}
	if got := e.RolesOf("zhao"); len(got) != 0 {
		t.Errorf("after a rejected GrantAll, RolesOf(zhao) = %v, want none", got)
	}
}

// matches reports whether err is want (nil matches only nil).
func matches(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}
