package i18n

// The staff pages' interface strings.
var catalogueStaff = map[string][2]string{
	"application": {"办件", "Application"}, "clock": {"时限状态", "Clock"}, "sort": {"排序", "Sort"},
	"deadline_asc": {"期限最近的在前", "Earliest deadline first"}, "deadline_desc": {"期限最远的在前", "Latest deadline first"},
	"filter": {"筛选", "Filter"}, "personal_data": {"申请人信息（仅限经办人员）", "Applicant's details (officials only)"},
	"personal_hint": {"个人信息不进入公开账本；查看本信息仅用于办理本件。", "Personal data never enters the public ledger; use it only to handle this application."},
	"do_accept":     {"受理", "Accept"}, "do_refuse": {"不予受理", "Refuse"}, "do_review": {"审查", "Review"},
	"do_decide": {"作出决定", "Decide"}, "do_deliver": {"送达", "Deliver"}, "do_pause": {"启动特别程序（暂停计时）", "Special procedure (pause the clock)"},
	"do_resume": {"恢复计时", "Resume the clock"}, "do_extend": {"延长期限", "Extend the time limit"},
	"f_reason": {"理由", "Reason"}, "f_opinion": {"审查意见", "Review opinion"}, "f_outcome": {"决定结果", "Outcome"},
	"f_basis": {"决定依据", "Legal basis of the decision"}, "f_method": {"送达方式", "Delivery method"},
	"f_procedure": {"特别程序", "Procedure"}, "f_days": {"延长工作日数", "Extra working days"},
	"f_missing": {"需补正的材料（一次性告知）", "Missing materials (all at once)"}, "missing_hint": {"每行一项。", "One per line."},
	"no_actions":  {"您的角色在此状态下没有可执行的操作。", "Your roles allow no action in this state."},
	"action_done": {"已办理", "Done"}, "action_done_lead": {"此操作已记入公开账本，回执如下。", "This action is recorded in the public ledger; here is the receipt."},
	"back_to_app": {"返回办件", "Back to the application"},
	"show_closed": {"包括已办结", "Include closed"},
}

// The auditors', administrators' and list editors' strings.
var catalogueAdmin = map[string][2]string{
	"chain_status": {"账本状态", "Chain status"}, "full_verification": {"完整验证", "Full verification"},
	"job_running": {"正在验证……", "Verifying…"}, "job_ok": {"完整无误", "Intact"}, "job_failed": {"发现问题", "Problem found"},
	"job_never": {"本次启动以来尚未运行完整验证。", "No full verification since the service started."},
	"started":   {"开始于", "Started"}, "finished": {"结束于", "finished"}, "run_verification": {"运行完整验证", "Run the full verification"},
	"exports": {"导出", "Exports"}, "export_ledger": {"导出公开账本（JSON Lines）", "Export the ledger (JSON Lines)"},
	"export_seclog": {"导出安全日志（JSON Lines）", "Export the security log (JSON Lines)"},
	"security_log":  {"安全日志（最近 50 条）", "Security log (latest 50)"}, "sec_action": {"事件", "Event"},
	"outcome": {"结果", "Outcome"}, "address": {"来源地址", "From"}, "detail": {"详情", "Detail"},
	"admin_lead":  {"三员分立：系统管理员管理账号，安全管理员授予和撤销角色，审计员只读；三者不得兼任，也不得办理业务。", "Separation of the three administrators: the system administrator manages accounts, the security administrator grants and revokes roles, the auditor only reads; nobody holds two of these, and none handles applications or lists."},
	"create_user": {"新建账号", "Create an account"}, "display_name": {"姓名", "Display name"},
	"role_grants": {"角色授权", "Role grants"}, "role": {"角色", "Role"}, "roles": {"角色", "Roles"},
	"grant": {"授予", "Grant"}, "revoke": {"撤销", "Revoke"},
	"separation_hint": {"每次授权和撤销都写入公开账本；违反三员分立的授权会被拒绝。", "Every grant and revocation is a ledger entry; a grant that breaks the separation is refused."},
	"accounts":        {"账号", "Accounts"}, "active": {"启用", "Active"}, "disabled": {"已停用", "Disabled"},
	"disable": {"停用", "Disable"}, "enable": {"启用", "Enable"},
	"role_clerk": {"窗口人员", "Clerk"}, "role_approver": {"审批人员", "Approver"}, "role_list_editor": {"清单编辑", "List editor"},
	"role_sysadmin": {"系统管理员", "System administrator"}, "role_secadmin": {"安全管理员", "Security administrator"}, "role_auditor": {"安全审计员", "Auditor"},
	"publish_new": {"新增事项", "Publish a new item"}, "code": {"编码", "Code"}, "name": {"名称", "Name"},
	"amend": {"调整", "Amend"}, "repeal": {"取消事项", "Repeal"},
	"basis_doc_hint": {"例如：清编办〔2026〕12号", "e.g. the document number of the decision"},
	"major":          {"重大调整", "Major change"}, "preview_diff": {"预览变更", "Preview the difference"}, "preview_repeal": {"预览取消", "Preview the repeal"},
	"preview": {"预览", "Preview"}, "op_amend": {"调整", "amend"}, "op_repeal": {"取消", "repeal"}, "op_publish": {"新增", "publish"},
	"no_change":    {"没有任何字段发生变化。", "No field changes."},
	"confirm_hint": {"确认后将写入公开账本，不可删除，只能再次调整。", "Once saved it is in the public ledger for good; it can only be amended again."},
	"confirm_save": {"确认保存", "Save"}, "back": {"返回", "Back"},
}
