package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors of the rules beyond the permission table. The web layer
// maps ErrForbidden, ErrSelfGrant, ErrSeparationOfDuties and ErrFourEyes to
// 403, ErrAlreadyGranted and ErrNotGranted to 409, the rest to 422.
var (
	// ErrForbidden: the subject may not do this.
	ErrForbidden = errors.New("policy: forbidden")
	// ErrSeparationOfDuties: the grant would break 三员分立 — one user
	// holding two of sysadmin, secadmin and auditor, or one of them and an
	// operational role (clerk, approver, list_editor).
	ErrSeparationOfDuties = errors.New("policy: separation of duties (三员分立)")
	// ErrSelfGrant: a security administrator granting or revoking a role
	// of their own.
	ErrSelfGrant = errors.New("policy: no one grants or revokes their own roles")
	// ErrFourEyes: the approver deciding an application is the person who
	// reviewed it (or the reviewer is unknown).
	ErrFourEyes = errors.New("policy: four eyes: the decider must not be the reviewer")
	// ErrUnknownRole: no such role.
	ErrUnknownRole = errors.New("policy: unknown role")
	// ErrRoleScope: the role cannot be held in that department scope
	// (administrators only in "*", clerks and approvers never in "*").
	ErrRoleScope = errors.New("policy: role not allowed in this department scope")
	// ErrInvalidName: an empty or malformed user name or department code,
	// or a user name starting with RoleSubjectPrefix.
	ErrInvalidName = errors.New("policy: invalid user name or department code")
	// ErrAlreadyGranted: the user already holds the role there.
	ErrAlreadyGranted = errors.New("policy: role already granted")
	// ErrNotGranted: the user does not hold the role there.
	ErrNotGranted = errors.New("policy: role not granted")
	// ErrOwnAccount: an administrator resetting, disabling or enabling
	// their own account. It matches ErrForbidden.
	ErrOwnAccount = fmt.Errorf("%w: no one resets, disables or enables their own account", ErrForbidden)
	// ErrNotAccountManager: the account is managed by another
	// administrator (CheckAccountAct). It matches ErrForbidden.
	ErrNotAccountManager = fmt.Errorf("%w: the account is managed by another administrator", ErrForbidden)
)

// Grant is one role held in one department scope (a department code or
// AllDepartments).
type Grant struct {
	Role string
	Dept string
}

// CheckGrant reports whether granter (holding granterRoles) may grant role
// in dept to target (holding targetRoles). It checks, in order: the role
// exists; the names are well formed; the granter is a secadmin in "*";
// the granter is not the target; the role fits the scope; 三员分立 holds
// afterwards; the target does not hold it already.
func CheckGrant(granter string, granterRoles, targetRoles []Grant, target, role, dept string) error {
	if err := checkGranter(granter, granterRoles, target, role, dept); err != nil {
		return err
	}
	if err := CheckAssignment(targetRoles, role, dept); err != nil {
		return err
	}
	if slices.Contains(targetRoles, Grant{role, dept}) {
		return ErrAlreadyGranted
	}
	return nil
}

// CheckRevoke reports whether granter (holding granterRoles) may revoke
// role in dept from target (holding targetRoles): the same granter rules
// as CheckGrant, and the target must hold the role there.
func CheckRevoke(granter string, granterRoles, targetRoles []Grant, target, role, dept string) error {
	if err := checkGranter(granter, granterRoles, target, role, dept); err != nil {
		return err
	}
	if !slices.Contains(targetRoles, Grant{role, dept}) {
		return ErrNotGranted
	}
	return nil
}

// checkGranter holds the rules shared by grants and revocations.
func checkGranter(granter string, granterRoles []Grant, target, role, dept string) error {
	if !IsRole(role) {
		return fmt.Errorf("%w: %q", ErrUnknownRole, role)
	}
	if err := checkNames(target, dept); err != nil {
		return err
	}
	if !slices.Contains(granterRoles, Grant{RoleSecadmin, AllDepartments}) {
		return fmt.Errorf("%w: only a secadmin grants or revokes roles", ErrForbidden)
	}
	if granter == target {
		return ErrSelfGrant
	}
	return nil
}

// CheckAssignment reports whether a user holding held may also hold role
// in dept, whoever grants it: the role exists, fits the scope, and 三员分立
// holds afterwards. Enforcer.Grant applies it to every grant.
func CheckAssignment(held []Grant, role, dept string) error {
	if err := checkScope(role, dept); err != nil {
		return err
	}
	return checkSeparation(held, role)
}

// checkScope: administrators only in "*"; clerks and approvers only in a
// real department; list editors in either.
func checkScope(role, dept string) error {
	ok := true
	switch {
	case !IsRole(role):
		return fmt.Errorf("%w: %q", ErrUnknownRole, role)
	case isAdminRole(role):
		ok = dept == AllDepartments
	case role == RoleClerk, role == RoleApprover:
		ok = dept != AllDepartments
	}
	if !ok {
		return fmt.Errorf("%w: %s in %q", ErrRoleScope, role, dept)
	}
	return nil
}

// checkSeparation: an administrator role excludes every other role; an
// operational role excludes every administrator role.
func checkSeparation(held []Grant, role string) error {
	for _, h := range held {
		clash := h.Role != role && (isAdminRole(role) || isAdminRole(h.Role))
		if clash {
			return fmt.Errorf("%w: %s cannot be combined with %s", ErrSeparationOfDuties, role, h.Role)
		}
	}
	return nil
}

// isAdminRole reports whether role is one of the three administrators
// (三员: sysadmin, secadmin, auditor).
func isAdminRole(role string) bool {
	return role == RoleSysadmin || role == RoleSecadmin || role == RoleAuditor
}

// CheckFourEyes reports whether decider may decide an application that
// reviewer reviewed (四眼原则): they must be two different, known people.
func CheckFourEyes(reviewer, decider string) error {
	if reviewer == "" || decider == "" {
		return fmt.Errorf("%w: reviewer or decider unknown", ErrFourEyes)
	}
	if reviewer == decider {
		return ErrFourEyes
	}
	return nil
}

// maxNameLen is the column width of the policy table.
const maxNameLen = 100

// checkNames validates a user name and a department code.
func checkNames(user, dept string) error {
	if err := checkUser(user); err != nil {
		return err
	}
	return checkDept(dept)
}

// checkUser: a well-formed name outside the role subjects' namespace.
func checkUser(user string) error {
	if !wellFormed(user) || strings.HasPrefix(user, RoleSubjectPrefix) {
		return fmt.Errorf("%w: user %q", ErrInvalidName, user)
	}
	return nil
}

// checkDept: AllDepartments or a well-formed department code.
func checkDept(dept string) error {
	if dept != AllDepartments && !wellFormed(dept) {
		return fmt.Errorf("%w: department %q", ErrInvalidName, dept)
	}
	return nil
}

// wellFormed: 1 to maxNameLen bytes of UTF-8 without spaces, control
// characters, commas (Casbin's key separator) or "*".
func wellFormed(s string) bool {
	if s == "" || len(s) > maxNameLen || !utf8.ValidString(s) || strings.ContainsAny(s, ",*") {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
}

// CheckAccountAct reports whether actor (holding actorRoles) may reset the
// password of, disable or enable the account target (holding
// targetRoles). 三员分立 (security review, issue 20): no one acts on their
// own account; an account holding an administrator role (sysadmin,
// secadmin, auditor) is managed only by a security administrator in "*",
// never by the system administrator — who could otherwise take over the
// account that grants roles, or silence the auditor; every other account
// is managed only by the system administrator.
func CheckAccountAct(actor string, actorRoles []Grant, target string, targetRoles []Grant) error {
	if err := checkUser(target); err != nil {
		return err
	}
	if actor == target {
		return ErrOwnAccount
	}
	manager := RoleSysadmin
	if slices.ContainsFunc(targetRoles, func(g Grant) bool { return isAdminRole(g.Role) }) {
		manager = RoleSecadmin
	}
	if !slices.Contains(actorRoles, Grant{manager, AllDepartments}) {
		return fmt.Errorf("%w: only a %s manages the account %s", ErrNotAccountManager, manager, target)
	}
	return nil
}
