package listfile

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// synonyms maps each canonical field key to the column headers seen for it
// in published lists (DOMAIN.md, "Column names in real published lists",
// and the usual variants). The key itself is recognised too, so JSON files
// may use canonical keys.
var synonyms = map[string][]string{
	"code": {"事项编码", "基本编码", "实施编码", "编码", "事项代码", "权力编码", "权责编码",
		"职权编码", "目录编码", "权力事项编码", "权责事项编码", "事项基本编码", "事项实施编码"},
	"name": {"事项名称", "权责事项名称", "权力事项名称", "职权名称", "权力名称", "事项",
		"服务事项", "服务事项名称", "政务服务事项名称", "权责事项", "权力事项", "项目名称"},
	"subitem":     {"子项名称", "子项", "子项事项名称"},
	"parent_name": {"主项名称", "主项", "母项名称"},
	"category": {"权力类型", "权力类别", "职权类型", "职权类别", "事项类型", "事项类别",
		"权责类型", "权责类别", "事项性质", "类型", "权力事项类型"},
	"basis": {"实施依据", "设定依据", "依据", "法律依据", "权力依据", "设定和实施依据",
		"设定依据和实施依据", "法定依据", "行使依据", "法律法规依据"},
	"dept": {},
	"dept_name": {"实施主体", "行使主体", "责任主体", "法定主体", "审批部门", "实施机构",
		"办理部门", "受理机构", "部门名称", "实施部门", "实施机关", "主管部门", "实施主体名称",
		"部门", "单位名称", "实施单位"},
	"nature":               {"实施主体性质", "行使主体性质", "主体性质", "实施机关性质"},
	"office":               {"承办机构", "承办科室", "责任科室", "办理机构", "内设机构", "承办处室", "责任处室"},
	"joint":                {"联办机构", "联办部门", "联办单位", "协办机构"},
	"levels":               {"行使层级", "实施层级及权限", "实施层级", "权限", "层级", "行使层级及权限"},
	"audience":             {"服务对象", "办理对象", "行使对象"},
	"legal_limit":          {"法定办结时限", "法定办理时限", "法定时限", "法定期限"},
	"promised_limit":       {"承诺办结时限", "承诺办理时限", "承诺时限", "承诺期限"},
	"case_kind":            {"办件类型"},
	"fee":                  {"收费标准", "是否收费", "收费", "收费依据及标准", "收费情况", "收费依据和标准"},
	"conditions":           {"受理条件", "办理条件", "申请条件"},
	"materials":            {"申请材料", "申报材料", "所需材料", "办理材料", "申请材料目录", "材料"},
	"steps":                {"办理流程", "办事流程", "运行流程", "流程"},
	"consult_phone":        {"咨询电话", "咨询方式"},
	"complaint_phone":      {"监督投诉电话", "监督方式", "投诉电话", "投诉监督电话", "监督电话", "监督和投诉电话", "监管电话", "监督投诉方式"},
	"status":               {"事项状态", "状态"},
	"version":              {"版本", "版本号"},
	"effective_from":       {"生效日期", "生效时间", "实施日期"},
	"cancel_at":            {"取消日期", "取消时间"},
	"penalty_scope":        {"处罚的行为、种类、幅度", "处罚种类和幅度", "违法行为及处罚种类和幅度", "处罚的行为种类幅度"},
	"integrity_risks":      {"廉政风险点", "廉政风险", "风险点"},
	"responsibilities":     {"责任事项", "责任事项内容"},
	"accountability":       {"追责情形", "问责情形", "责任追究情形", "追责情形及追责依据", "追责情形及依据"},
	"accountability_basis": {"追责依据", "问责依据"},
	"theme":                {"主题分类", "事项主题", "主题"},
	"hot":                  {"热点事项", "是否热点"},
	"online_depth":         {"网上办理深度", "网办深度"},
	"visits":               {"到办事现场次数", "跑动次数", "到现场次数"},
	"location":             {"办理地点", "办事地点", "受理地点"},
	"hours":                {"办理时间", "办公时间", "受理时间"},
	"guide_url":            {"办事指南链接", "办事指南地址", "指南链接", "链接", "网址"},
	"note":                 {"备注", "说明"},
	"power_code":           {"对应权力事项编码", "权力事项编码对应"},
}

// CanonicalKeys returns the field keys Read maps headers to, sorted. They
// follow the qingdan schema; dept_name (实施主体 as written) is the name of
// the acting department, dept its code, parent_name the 主项名称.
func CanonicalKeys() []string {
	keys := make([]string, 0, len(synonyms))
	for k := range synonyms {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Synonyms returns the column headers recognised for a canonical field
// key, without the key itself; nil for a key CanonicalKeys does not list.
func Synonyms(key string) []string {
	return slices.Clone(synonyms[key])
}

// columnKind tells what Read does with a column.
type columnKind int

const (
	kindUnknown columnKind = iota // kept under its cleaned header text
	kindKnown                     // mapped to a canonical key
	kindDrop                      // 序号 and the like: dropped
)

// minPrefixRunes is the shortest synonym that may match as a prefix of a
// longer header ("法定办结时限说明" → legal_limit); shorter ones ("依据",
// "事项") must match exactly.
const minPrefixRunes = 4

var (
	exactHeaders  = buildExact()
	prefixHeaders = buildPrefixes()
	// trailingNote matches a parenthesised note at the end of a header,
	// such as "（工作日）" or "(元)".
	trailingNote = regexp.MustCompile(`(?:（[^（）]*）|\([^()]*\)|【[^【】]*】|\[[^\[\]]*\])$`)
	// levelPrefix matches the level qualifier in headers like 区级主管部门.
	levelPrefix = regexp.MustCompile(`^(?:省级|市级|县级|区级|县区级|县\(市、区\)级|县（市、区）级|乡镇级)`)
)

func buildExact() map[string]string {
	m := make(map[string]string)
	for key, names := range synonyms {
		m[key] = key
		for _, n := range names {
			m[headerForm(n)] = key
		}
	}
	return m
}

type prefixEntry struct{ prefix, key string }

// buildPrefixes lists the synonyms usable as prefixes, longest first.
func buildPrefixes() []prefixEntry {
	var out []prefixEntry
	for key, names := range synonyms {
		for _, n := range names {
			if utf8.RuneCountInString(n) >= minPrefixRunes {
				out = append(out, prefixEntry{headerForm(n), key})
			}
		}
	}
	slices.SortFunc(out, func(a, b prefixEntry) int {
		if d := len(b.prefix) - len(a.prefix); d != 0 {
			return d
		}
		return strings.Compare(a.prefix, b.prefix)
	})
	return out
}

// headerForm is the form headers are compared in: cleaned, without any
// space or line break, ASCII lower-case, without a leading required-field
// mark (*, ★, ※) or a trailing colon.
func headerForm(h string) string {
	h = strings.Join(strings.Fields(CleanCell(h)), "")
	h = strings.TrimLeft(h, "*★※☆")
	h = strings.TrimRight(h, ":：")
	return strings.ToLower(h)
}

// MatchHeader returns the canonical field key for a column header, such as
// "code" for 实施编码 or "dept_name" for 实施机关. It tolerates spaces, line
// breaks and <br>, full-width letters and digits, a required-field mark,
// a trailing colon, a parenthesised note ("法定办结时限（工作日）"), a level
// qualifier ("区级主管部门") and, for synonyms of four characters or more,
// trailing words ("监督投诉电话及方式"). A 序号 column and unknown headers
// report ok == false.
func MatchHeader(h string) (key string, ok bool) {
	key, kind := classifyHeader(h)
	return key, kind == kindKnown
}

// classifyHeader is MatchHeader with the 序号 case told apart.
func classifyHeader(h string) (string, columnKind) {
	f := headerForm(h)
	if isSequenceHeader(f) {
		return "", kindDrop
	}
	if key, ok := lookupHeader(f); ok {
		return key, kindKnown
	}
	return "", kindUnknown
}

// headerMatcher classifies headers with the extra headers of ReadOptions
// (in headerForm) before the synonyms.
type headerMatcher map[string]string

func newHeaderMatcher(extra map[string]string) headerMatcher {
	hm := make(headerMatcher, len(extra))
	for h, key := range extra {
		if f := headerForm(h); f != "" && key != "" {
			hm[f] = key
		}
	}
	return hm
}

func (hm headerMatcher) classify(h string) (string, columnKind) {
	if key, ok := hm[headerForm(h)]; ok {
		return key, kindKnown
	}
	return classifyHeader(h)
}

// lookupHeader tries exact match, then without notes and level qualifier,
// then by prefix.
func lookupHeader(f string) (string, bool) {
	for range 4 {
		if key, ok := exactHeaders[f]; ok {
			return key, true
		}
		g := levelPrefix.ReplaceAllString(trailingNote.ReplaceAllString(f, ""), "")
		if g == f || g == "" {
			break
		}
		f = g
	}
	for _, p := range prefixHeaders {
		if strings.HasPrefix(f, p.prefix) {
			return p.key, true
		}
	}
	return "", false
}

// isSequenceHeader reports a running-number column: 序号, 中央清单序号 …
func isSequenceHeader(f string) bool {
	switch f {
	case "序", "no", "no.", "#":
		return true
	}
	return strings.HasSuffix(f, "序号")
}

// headerLabel is the name an unknown column is kept under: the cleaned
// header on one line.
func headerLabel(h string) string {
	return squeezeSpaces(CleanCell(h))
}
