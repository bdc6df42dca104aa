package policy

import (
	"errors"
	"strings"
	"testing"
)

// TestWeakPasswordsOfTheReview (issue 20, finding 13): passwords of one
// repeated character, of blanks only, or with too few distinct characters
// are refused; varied passphrases pass.
func TestWeakPasswordsOfTheReview(t *testing.T) {
	for _, pw := range []string{"bbbbbbbbbb", strings.Repeat(" ", 10), "ababababab", "\t\t\t\t\t\t\t\t\t\t\t", "aaaaabbbbbcccc"} {
		if err := CheckPasswordPolicy("li.ming", pw); !errors.Is(err, ErrWeakPassword) {
			t.Errorf("CheckPasswordPolicy(%q) = %v, want ErrWeakPassword", pw, err)
		}
	}
	for _, pw := range []string{"春眠不觉晓处处闻啼鸟", "Tr0ub4dor&3x", "a long enough passphrase"} {
		if err := CheckPasswordPolicy("li.ming", pw); err != nil {
			t.Errorf("CheckPasswordPolicy(%q) = %v, want nil", pw, err)
		}
	}
}

// TestAccountActs (issue 20, findings 3 and 13): who may reset, disable or
// enable which account.
func TestAccountActs(t *testing.T) {
	sys := []Grant{{RoleSysadmin, AllDepartments}}
	sec := []Grant{{RoleSecadmin, AllDepartments}}
	aud := []Grant{{RoleAuditor, AllDepartments}}
	clerk := []Grant{{RoleClerk, "scjg"}}
	tests := []struct {
		name          string
		actor         string
		actorRoles    []Grant
		target        string
		targetRoles   []Grant
		wantForbidden bool
	}{
		{"sysadmin on a clerk", "sys", sys, "c", clerk, false},
		{"sysadmin on a new account", "sys", sys, "n", nil, false},
		{"sysadmin on the secadmin", "sys", sys, "s", sec, true},
		{"sysadmin on the auditor", "sys", sys, "a", aud, true},
		{"sysadmin on another sysadmin", "sys", sys, "sys2", sys, true},
		{"sysadmin on himself", "sys", sys, "sys", sys, true},
		{"secadmin on the auditor", "s", sec, "a", aud, false},
		{"secadmin on the sysadmin", "s", sec, "sys", sys, false},
		{"secadmin on another secadmin", "s", sec, "s2", sec, false},
		{"secadmin on himself", "s", sec, "s", sec, true},
		{"secadmin on a clerk", "s", sec, "c", clerk, true},
		{"auditor on a clerk", "a", aud, "c", clerk, true},
		{"clerk on a clerk", "c", clerk, "c2", clerk, true},
	}
	for _, tt := range tests {
		err := CheckAccountAct(tt.actor, tt.actorRoles, tt.target, tt.targetRoles)
		if got := errors.Is(err, ErrForbidden) || errors.Is(err, ErrSelfGrant); got != tt.wantForbidden {
			t.Errorf("%s: CheckAccountAct = %v, want forbidden %v", tt.name, err, tt.wantForbidden)
		}
	}
}
