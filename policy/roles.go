package policy

// AllDepartments is the domain that stands for every department. A role
// held in AllDepartments applies in each department.
const AllDepartments = "*"

// Roles (角色), as in DESIGN §3.
const (
	// RoleClerk (窗口/承办人员) accepts, refuses, reviews, delivers, pauses
	// and resumes applications of one department.
	RoleClerk = "clerk"
	// RoleApprover (审批人员) decides and extends applications of one
	// department.
	RoleApprover = "approver"
	// RoleListEditor (清单编辑) publishes, amends, repeals and imports list
	// items of one department, or of all (the 编办) in AllDepartments.
	RoleListEditor = "list_editor"
	// RoleSysadmin (系统管理员) manages users and departments, nothing else.
	RoleSysadmin = "sysadmin"
	// RoleSecadmin (安全管理员) grants and revokes roles, nothing else.
	RoleSecadmin = "secadmin"
	// RoleAuditor (安全审计员) reads everything and verifies the ledger;
	// writes nothing.
	RoleAuditor = "auditor"
)

// Objects that permissions name.
const (
	ObjApplication    = "application"    // 申请 (an application for a service)
	ObjPower          = "power"          // 权力清单 item
	ObjResponsibility = "responsibility" // 责任清单 item
	ObjService        = "service"        // 政务服务 item
	ObjUser           = "user"           // an official's account
	ObjDepartment     = "department"     // a department (domain)
	ObjRole           = "role"           // role grants
	ObjLedger         = "ledger"         // the public ledger
	ObjSecurityLog    = "security_log"   // the security event log
)

// Actions that permissions name.
const (
	ActAccept        = "accept"  // 受理
	ActRefuse        = "refuse"  // 不予受理
	ActReview        = "review"  // 审查
	ActDeliver       = "deliver" // 送达
	ActPause         = "pause"   // 特别程序: stop the clock
	ActResume        = "resume"
	ActDecide        = "decide" // 决定
	ActExtend        = "extend" // 延长
	ActPublish       = "publish"
	ActAmend         = "amend"
	ActRepeal        = "repeal"
	ActImport        = "import"
	ActCreate        = "create"
	ActDisable       = "disable"
	ActResetPassword = "reset_password"
	ActManage        = "manage"
	ActGrant         = "grant"
	ActRevoke        = "revoke"
	ActVerify        = "verify"
	ActRead          = "read"     // read within the role's domain
	ActReadAll       = "read_all" // read every application, all departments
)

// Permission is one (object, action) pair that a role allows.
type Permission struct {
	Obj, Act string
}

// Roles returns every role name, in a fixed order.
func Roles() []string {
	return []string{RoleClerk, RoleApprover, RoleListEditor, RoleSysadmin, RoleSecadmin, RoleAuditor}
}

// IsRole reports whether name is a role.
func IsRole(name string) bool {
	return Permissions(name) != nil
}

// Permissions returns what role may do, or nil for an unknown role. It is
// DESIGN §3's table, plus the reads each role needs for its own work
// (clerks and approvers read their department's applications, the
// sysadmin reads users, the secadmin reads grants).
func Permissions(role string) []Permission {
	switch role {
	case RoleClerk:
		return on(ObjApplication, ActAccept, ActRefuse, ActReview, ActDeliver, ActPause, ActResume, ActRead)
	case RoleApprover:
		return on(ObjApplication, ActDecide, ActExtend, ActRead)
	case RoleListEditor:
		return listEditorPermissions()
	case RoleSysadmin:
		return append(on(ObjUser, ActCreate, ActDisable, ActResetPassword, ActRead), on(ObjDepartment, ActManage)...)
	case RoleSecadmin:
		// The secadmin also resets, disables and enables the accounts of
		// the three administrators (CheckAccountAct decides which).
		return append(on(ObjRole, ActGrant, ActRevoke, ActRead), on(ObjUser, ActDisable, ActResetPassword)...)
	case RoleAuditor:
		return auditorPermissions()
	}
	return nil
}

func listEditorPermissions() []Permission {
	var ps []Permission
	for _, obj := range []string{ObjPower, ObjResponsibility, ObjService} {
		ps = append(ps, on(obj, ActPublish, ActAmend, ActRepeal, ActImport)...)
	}
	return ps
}

// auditorPermissions: read on every object, verify the ledger, read every
// application in every department.
func auditorPermissions() []Permission {
	objs := []string{ObjApplication, ObjPower, ObjResponsibility, ObjService, ObjUser,
		ObjDepartment, ObjRole, ObjLedger, ObjSecurityLog}
	ps := make([]Permission, 0, len(objs)+2)
	for _, obj := range objs {
		ps = append(ps, Permission{obj, ActRead})
	}
	return append(ps, Permission{ObjLedger, ActVerify}, Permission{ObjApplication, ActReadAll})
}

func on(obj string, acts ...string) []Permission {
	ps := make([]Permission, len(acts))
	for i, act := range acts {
		ps[i] = Permission{obj, act}
	}
	return ps
}

// RoleSubjectPrefix starts the Casbin subject of every role ("role:clerk").
// Casbin links a name to itself, so were roles stored under their bare
// names, a user called "auditor" (a demo login) would hold the auditor's
// permissions whether granted or not. User names never start with it.
const RoleSubjectPrefix = "role:"

// roleSubject is the Casbin subject of role.
func roleSubject(role string) string {
	return RoleSubjectPrefix + role
}

// DefaultPolicies returns the Casbin p-lines (role subject, object,
// action) of every role: the whole permission table, e.g.
// ["role:clerk", "application", "accept"]. New makes the database hold
// exactly these.
func DefaultPolicies() [][]string {
	var lines [][]string
	for _, role := range Roles() {
		for _, p := range Permissions(role) {
			lines = append(lines, []string{roleSubject(role), p.Obj, p.Act})
		}
	}
	return lines
}
