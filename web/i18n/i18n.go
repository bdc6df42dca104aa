// Package i18n holds the catalogues of every text a person reads on the
// pages, Chinese first, English second, one map per area of the site.
// Nothing shown comes from elsewhere: a page takes its words from
// Messages, and tests check that every key a template uses is in both
// languages.
package i18n

import "qingdan/data/lists"

// The interface strings of the pages, Chinese first, English second. Data
// (item names, legal bases) is shown as the lists hold it: in Chinese, with
// English where the data has it (department names).
var catalogue = map[string][2]string{
	"site":                   {"清江县政务服务网", "Qingjiang County Government Services"},
	"tagline":                {"权力清单 · 责任清单 · 政务服务 — 把权力关进数据的笼子", "Power list · Responsibility list · Public services — power kept in a cage of data"},
	"skip":                   {"跳到正文", "Skip to content"},
	"other_lang":             {"English", "中文"},
	"logout":                 {"退出", "Log out"},
	"staff_login":            {"工作人员登录", "Staff login"},
	"nav":                    {"主导航", "Main navigation"},
	"home":                   {"首页", "Home"},
	"powers":                 {"权力清单", "Power list"},
	"power":                  {"权力事项", "Power item"},
	"responsibilities":       {"责任清单", "Responsibility list"},
	"services":               {"政务服务", "Public services"},
	"service":                {"服务事项", "Service"},
	"progress":               {"办件查询", "Track an application"},
	"ledger":                 {"公开账本", "Public ledger"},
	"stats":                  {"效能统计", "Performance"},
	"open_data":              {"开放数据", "Open data"},
	"work":                   {"办件工作台", "Workbench"},
	"edit":                   {"清单维护", "List editing"},
	"audit":                  {"安全审计", "Audit"},
	"admin":                  {"系统管理", "Administration"},
	"footer":                 {"清江县人民政府 主办 · 本站所有清单变更与审批决定均记入可公开验证的账本", "Qingjiang County People's Government · every list change and approval decision is recorded in a publicly verifiable ledger"},
	"checkpoint":             {"最新检查点", "Latest checkpoint"},
	"back_home":              {"返回首页", "Back to the home page"},
	"err_400":                {"请求有误", "Bad request"},
	"err_400_text":           {"请检查您输入的内容后重试。", "Please check what you entered and try again."},
	"err_401":                {"请先登录", "Please log in"},
	"err_401_text":           {"此操作需要工作人员登录。", "This needs a staff login."},
	"err_403":                {"无权访问", "Access denied"},
	"err_403_text":           {"您的账号没有执行此操作的权限。如有疑问，请联系本单位安全管理员。", "Your account may not do this. Ask your security administrator if you think it should."},
	"err_404":                {"页面不存在", "Page not found"},
	"err_404_text":           {"您要找的页面或事项不存在，可能已被移除或地址有误。", "The page or item you are looking for does not exist; it may have moved or the address is wrong."},
	"err_409":                {"状态冲突", "Conflict"},
	"err_409_text":           {"该办件当前状态不允许此操作。", "The application's current state does not allow this."},
	"err_422":                {"不符合规则", "Rule not met"},
	"err_422_text":           {"此操作违反了一条业务规则。", "This would break a rule."},
	"err_429":                {"请求过于频繁", "Too many requests"},
	"err_429_text":           {"请稍等一分钟后再试。", "Please wait a minute and try again."},
	"err_500":                {"系统繁忙", "Something went wrong"},
	"err_500_text":           {"系统出现了问题，已记录。请稍后再试。", "Something went wrong on our side; it has been logged. Please try again later."},
	"home_title":             {"三张清单一张网", "Three lists, one network"},
	"home_lead":              {"查询本县各部门的行政权力、责任事项和政务服务，在线申请并查询进度；每一次变更和决定都可以在浏览器中验证。", "Look up the county's administrative powers, responsibilities and public services, apply online and follow your application; every change and decision can be verified in your browser."},
	"search_label":           {"搜索事项名称、编码或依据", "Search by name, code or legal basis"},
	"search_placeholder":     {"例如：食品经营许可", "e.g. food business licence"},
	"search":                 {"搜索", "Search"},
	"at_a_glance":            {"概览", "At a glance"},
	"powers_in_force":        {"项行政权力", "powers in force"},
	"departments":            {"实施部门", "Departments"},
	"department":             {"部门", "Department"},
	"by_category":            {"按权力类型", "By category"},
	"by_department":          {"按部门", "By department"},
	"hot_services":           {"热门服务", "Popular services"},
	"none":                   {"暂无", "None"},
	"all_services":           {"全部服务事项", "All services"},
	"recent_changes":         {"最近变更", "Recent changes"},
	"act_published":          {"新增", "Published"},
	"act_amended":            {"调整", "Amended"},
	"act_repealed":           {"取消", "Repealed"},
	"latest_checkpoint":      {"最新签名检查点", "Latest signed checkpoint"},
	"cp_size":                {"账本条目数", "Entries"},
	"cp_root":                {"根哈希", "Root hash"},
	"explore_ledger":         {"浏览公开账本", "Explore the ledger"},
	"all":                    {"全部", "All"},
	"category":               {"权力类型", "Category"},
	"status":                 {"状态", "Status"},
	"in_force":               {"实施中", "In force"},
	"repealed":               {"已取消", "Repealed"},
	"found":                  {"共找到", "Found"},
	"no_results":             {"没有找到符合条件的事项。", "Nothing matches."},
	"promised_limit":         {"承诺时限", "Promised time"},
	"legal_limit":            {"法定时限", "Statutory time"},
	"workdays":               {"个工作日", "working days"},
	"pages":                  {"分页", "Pages"},
	"prev":                   {"上一页", "Previous"},
	"next":                   {"下一页", "Next"},
	"breadcrumb":             {"当前位置", "You are here"},
	"version":                {"版本", "Version"},
	"basic_info":             {"基本信息", "Details"},
	"nature":                 {"行使层级与性质", "Nature"},
	"office":                 {"承办机构", "Handling office"},
	"levels":                 {"行使层级", "Levels"},
	"audience":               {"服务对象", "Audience"},
	"fee":                    {"收费", "Fees"},
	"charged":                {"收费：", "Charged:"},
	"free":                   {"不收费", "Free of charge"},
	"conditions":             {"受理条件", "Conditions"},
	"penalty_scope":          {"处罚幅度", "Penalty scope"},
	"joint":                  {"联办部门", "Joint departments"},
	"consult_phone":          {"咨询电话", "Enquiries"},
	"complaint_phone":        {"投诉电话", "Complaints"},
	"effective_from":         {"生效日期", "In force from"},
	"legal_basis":            {"设定和实施依据", "Legal basis"},
	"materials":              {"申请材料", "Materials"},
	"required":               {"必需", "required"},
	"steps":                  {"办理流程", "Procedure"},
	"integrity_risks":        {"廉政风险点", "Integrity risks"},
	"responsibilities_stage": {"各环节责任（责任清单）", "Duties at each stage (responsibility list)"},
	"stage":                  {"环节", "Stage"},
	"duty":                   {"责任事项", "Duty"},
	"basis":                  {"依据", "Basis"},
	"accountability":         {"追责情形", "Accountability"},
	"accountability_cases":   {"项追责情形", "accountability cases"},
	"supervision_phone":      {"监督电话", "Supervision hotline"},
	"linked_services":        {"关联服务事项", "Linked services"},
	"apply_online":           {"在线申请", "Apply online"},
	"history":                {"版本历史", "Version history"},
	"ledger_entry":           {"账本条目", "ledger entry"},
	"basis_doc":              {"依据文号", "Basis document"},
	"change_note":            {"变更说明", "Change note"},
	"differences":            {"变更内容", "Differences"},
	"field":                  {"字段", "Field"},
	"before":                 {"变更前", "Before"},
	"after":                  {"变更后", "After"},
	"for_individuals":        {"个人办事", "For individuals"},
	"for_legal_persons":      {"法人办事", "For organisations"},
	"theme":                  {"主题", "Theme"},
	"hot":                    {"热门", "Popular"},
	"individual":             {"个人", "Individuals"},
	"legal_person":           {"法人", "Organisations"},
	"service_guide":          {"办事指南", "Service guide"},
	"power_item":             {"对应权力事项", "Power item"},
	"location":               {"办理地点", "Where"},
	"hours":                  {"办理时间", "When"},
	"online_depth":           {"网办深度", "Online depth"},
	"stages":                 {"个环节", "stages"},
	"duties":                 {"部门职责", "Duties"},
	"boundaries":             {"职责边界", "Boundaries with other departments"},
	"with_dept":              {"相关部门", "With"},
	"matter":                 {"事项", "Matter"},
	"division":               {"职责分工", "Division"},
	"all_powers_of_dept":     {"查看该部门全部权力事项", "All powers of this department"},
}

// Messages returns the interface strings of one language: "en" for
// English, Chinese for anything else. The map is shared: read only.
func Messages(lang string) map[string]string {
	if lang == "en" {
		return catalogueEN
	}
	return catalogueZH
}

var catalogueZH, catalogueEN = split(catalogue, catalogueMore, catalogueStaff, catalogueAdmin, catalogueEdit, catalogueSecurity, catalogueWithdraw, catalogueFields())

// FieldKey is the catalogue key of the name of an item's field: the names
// come from the items' label tags (lists.Fields), one source for the
// pages, the editor and the other surfaces.
func FieldKey(kind lists.Kind, key string) string { return "field_" + string(kind) + "_" + key }

// catalogueFields names every top-level field of every item.
func catalogueFields() map[string][2]string {
	m := map[string][2]string{}
	for _, k := range lists.Kinds {
		for _, f := range lists.Fields(k) {
			m[FieldKey(k, f.Key)] = [2]string{f.ZH, f.EN}
		}
	}
	return m
}

// split turns catalogues into one map per language (built once, read only).
func split(ms ...map[string][2]string) (map[string]string, map[string]string) {
	zh, en := map[string]string{}, map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			zh[k], en[k] = v[0], v[1]
		}
	}
	return zh, en
}
