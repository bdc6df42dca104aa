package web

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
}
