package listimport

import "qingdan/data/lists"

// column is one column of an export and what import reads it as: key is
// both the listfile field key and the item's JSON field (dept_name, status
// and version excepted).
type column struct {
	key    string
	header string
}

// powerColumns and serviceColumns are the columns of the CSV export, in
// order. Every header is one listfile.MatchHeader maps to key.
var powerColumns = []column{
	{"code", "事项编码"}, {"name", "事项名称"}, {"subitem", "子项名称"}, {"category", "权力类型"},
	{"basis", "实施依据"}, {"dept_name", "实施主体"}, {"nature", "实施主体性质"}, {"office", "承办机构"},
	{"joint", "联办机构"}, {"levels", "行使层级"}, {"audience", "服务对象"},
	{"legal_limit", "法定办结时限"}, {"promised_limit", "承诺办结时限"}, {"case_kind", "办件类型"},
	{"fee", "收费"}, {"conditions", "受理条件"}, {"materials", "申请材料"}, {"steps", "办理流程"},
	{"consult_phone", "咨询电话"}, {"complaint_phone", "监督投诉电话"}, {"effective_from", "生效日期"},
	{"penalty_scope", "处罚的行为、种类、幅度"}, {"integrity_risks", "廉政风险点"},
	{"status", "事项状态"}, {"version", "版本"},
}

var serviceColumns = []column{
	{"code", "事项编码"}, {"name", "事项名称"}, {"audience", "服务对象"}, {"theme", "主题分类"},
	{"hot", "热点事项"}, {"online_depth", "网上办理深度"}, {"visits", "到办事现场次数"},
	{"dept_name", "实施主体"}, {"power_code", "对应权力事项编码"}, {"category", "事项类型"},
	{"materials", "申请材料"}, {"fee", "收费"}, {"legal_limit", "法定办结时限"},
	{"promised_limit", "承诺办结时限"}, {"location", "办理地点"}, {"hours", "办理时间"},
	{"consult_phone", "咨询电话"}, {"status", "事项状态"}, {"version", "版本"},
}

// responsibilityColumns are the columns of the responsibility list's CSV
// export (read-only: the importer does not take responsibilities).
var responsibilityColumns = []column{
	{"code", "权力事项编码"}, {"dept_name", "责任主体"}, {"stages", "责任事项"},
	{"accountability", "追责情形"}, {"accountability_basis", "追责依据"}, {"supervision_phone", "监督电话"},
	{"status", "事项状态"}, {"version", "版本"},
}

// itemFields are the fields of each kind that a file can set (code and
// the department aside), in the model's order.
var itemFields = map[lists.Kind][]string{
	lists.KindPower: {"name", "subitem", "category", "basis", "dept", "nature", "office", "joint", "levels",
		"audience", "legal_limit", "promised_limit", "case_kind", "fee", "conditions", "materials", "steps",
		"consult_phone", "complaint_phone", "effective_from", "penalty_scope", "integrity_risks"},
	lists.KindService: {"name", "audience", "theme", "hot", "online_depth", "visits", "dept", "power_code",
		"category", "materials", "fee", "legal_limit", "promised_limit", "location", "hours", "consult_phone"},
}

// headers names field keys in reports.
var headers = func() map[string]string {
	m := map[string]string{"dept": "实施主体", "parent_name": "主项名称", "guide_url": "办事指南链接",
		"note": "备注", "responsibilities": "责任事项", "accountability": "追责情形",
		"accountability_basis": "追责依据", "cancel_at": "取消日期"}
	for _, cols := range [][]column{serviceColumns, powerColumns} {
		for _, c := range cols {
			m[c.key] = c.header
		}
	}
	for _, kind := range []lists.Kind{lists.KindPower, lists.KindService} {
		for _, f := range lists.Fields(kind) {
			if _, ok := m[f.Key]; !ok {
				m[f.Key] = f.ZH
			}
		}
	}
	return m
}()

// label is a field key with its Chinese header, for reports.
func label(key string) string {
	if h, ok := headers[key]; ok && h != key {
		return h + " (" + key + ")"
	}
	return key
}

// ignoredWhy says why a recognised column is not imported.
var ignoredWhy = map[string]string{
	"parent_name":          "services have no 主项, and powers take it as their name only when the file has no 子项名称 column",
	"guide_url":            "the model has no field for it",
	"note":                 "the model has no field for it",
	"version":              "versions are numbered by the ledger",
	"ledger_index":         "kept by the ledger",
	"cancel_at":            "repeals are not imported (each needs its own basis document)",
	"responsibilities":     "responsibility items are not imported",
	"accountability":       "responsibility items are not imported",
	"accountability_basis": "responsibility items are not imported",
}
