package i18n

// The login form's and the admin page's refusals, and the pages of
// refused request bodies.
var catalogueSecurity = map[string][2]string{
	"login_expired":       {"登录页面已过期或不是从本站打开的，请重新输入用户名和密码。", "This login form has expired or was not opened on this site; please enter your username and password again."},
	"refused_own_account": {"不能重置、停用或启用自己的账号。", "You cannot reset, disable or enable your own account."},
	"refused_admin_account": {"该账号不由您管理：系统管理员、安全管理员和审计员的账号只由安全管理员管理，其他账号只由系统管理员管理。",
		"You do not manage this account: the accounts of the system administrator, the security administrator and the auditor are managed by a security administrator only, every other account by the system administrator only."},
	"refused_separation":      {"此授权违反三员分立：系统管理员、安全管理员和审计员不得兼任，也不得兼任业务角色。", "This grant breaks the separation of the three administrators: nobody holds two of them, nor one of them and an operational role."},
	"refused_self_grant":      {"不能授予或撤销自己的角色。", "You cannot grant or revoke your own roles."},
	"refused_forbidden":       {"您的角色不允许此操作。", "Your roles do not allow this."},
	"refused_scope":           {"该角色不能在此部门范围内授予。", "This role cannot be held in this department scope."},
	"refused_already_granted": {"该用户已在此部门拥有此角色。", "The user already holds this role in this department."},
	"refused_not_granted":     {"该用户在此部门没有此角色。", "The user does not hold this role in this department."},
	"refused_weak_password": {"密码不符合要求：至少 10 个字符，至少 5 个不同字符，不含用户名，且不是常见密码。",
		"The password is too weak: at least 10 characters, at least 5 different ones, not containing the username, and not a common password."},
	"refused_unknown_dept": {"没有这个现行有效的部门。", "There is no department in force with this code."},
	"refused_bad_name":     {"名称含有控制字符或双向控制字符，或格式不符合要求。", "The name holds a control or bidirectional character, or is not well formed."},
	"refused_invalid":      {"填写的内容不符合要求，请检查后重试。", "Some of what you entered is not valid; please check it and try again."},
	"refused_not_found":    {"没有这个账号。", "There is no such account."},
	"refused_conflict":     {"该账号已存在，或刚被他人修改。", "This account exists already, or was just changed by someone else."},
	// Refused request bodies (body.go), on the pages' error page.
	"err_411":      {"请求缺少长度信息", "Length required"},
	"err_411_text": {"上传文件时浏览器必须说明文件大小。请换用常见浏览器重试。", "When uploading, the browser must say how large the file is. Please try again with a common browser."},
	"err_413":      {"提交的内容过大", "Too large"},
	"err_413_text": {"提交的内容超过了允许的大小。请缩短填写的内容或换一个较小的文件后重试。", "What you sent is over the size allowed here. Please shorten what you entered or choose a smaller file and try again."},
	"err_415":      {"不支持的提交格式", "Unsupported format"},
	"err_415_text": {"本站不接受压缩后提交的内容，请直接提交。", "This site does not accept compressed submissions; please send them as they are."},
	"err_503":      {"系统繁忙", "Busy"},
	"err_503_text": {"系统正在接收大量数据，请稍等片刻后重试。", "The system is receiving a great deal of data at the moment; please wait a moment and try again."},
}
