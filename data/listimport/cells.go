package listimport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"qingdan/data/listfile"
	"qingdan/data/lists"
)

// The formats of list-valued cells; see the package documentation. Each
// parseX reads a cleaned cell, each formatX writes one; formatX falls back
// to JSON when parseX would not read its text back to the same value.

// lines splits a cell into its non-empty, trimmed lines.
func lines(cell string) []string {
	var out []string
	for _, l := range strings.Split(cell, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// splitAny splits a cell at line breaks and any of the separators.
func splitAny(cell, seps string) []string {
	var out []string
	for _, l := range lines(cell) {
		for _, p := range strings.FieldsFunc(l, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// jsonCell decodes a cell holding a field's JSON (strictly, so that a
// text that merely starts with "[" is not taken for it).
func jsonCell(cell string, v any) bool {
	dec := json.NewDecoder(strings.NewReader(cell))
	dec.DisallowUnknownFields()
	if dec.Decode(v) != nil {
		return false
	}
	_, err := dec.Token()
	return err != nil // nothing after the value
}

// jsonText encodes v for a cell.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// roundTrips reports whether text, cleaned as import cleans it, reads back
// as want.
func roundTrips[T any](text string, want T, parse func(string) (T, error)) bool {
	got, err := parse(listfile.CleanCell(text))
	return err == nil && reflect.DeepEqual(normalized(got), normalized(want))
}

// normalized is v as JSON with every string cleaned, for comparisons.
func normalized(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var x any
	if json.Unmarshal(b, &x) != nil {
		return nil
	}
	return cleanStrings(x)
}

// cleanStrings applies listfile.CleanCell to every string of a decoded
// JSON value, and makes null and an empty array alike.
func cleanStrings(x any) any {
	switch v := x.(type) {
	case string:
		return listfile.CleanCell(v)
	case []any:
		out := make([]any, len(v))
		for i := range v {
			out[i] = cleanStrings(v[i])
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = cleanStrings(e)
		}
		return out
	case nil:
		return []any{}
	}
	return x
}

// sameValue compares two JSON values as import does: strings cleaned.
func sameValue(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(cleanStrings(x), cleanStrings(y))
}

// ---- basis: 《law》（doc_no）article：text, one per line

const hanNum = `[0-9零〇一二两三四五六七八九十百千]+`

// articleUnit is one 第N条 (之N), 第N款 or 第N项; an article is a run of
// them, possibly joined by 、，和及 ("第十四条第一款、第二款").
const articleUnit = `第` + hanNum + `[条款项目章节](?:之[一二三四五六七八九十]+)?`

var articleRe = regexp.MustCompile(`^` + articleUnit + `(?:[、，,和及]?` + articleUnit + `)*`)

// closing returns the byte offset just after the bracket that closes the
// one s starts with, or -1.
func closing(s string, open, close rune) int {
	depth := 0
	for i, r := range s {
		switch r {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return i + len(string(r))
			}
		}
	}
	return -1
}

func parseBasis(cell string) ([]lists.Basis, error) {
	if strings.HasPrefix(cell, "[") {
		var bs []lists.Basis
		if jsonCell(cell, &bs) {
			return bs, nil
		}
	}
	out := []lists.Basis{}
	for _, line := range lines(cell) {
		rest := line
		for {
			rest = trimBasisSeps(rest)
			if rest == "" {
				break
			}
			var b lists.Basis
			b, rest = basisHead(rest)
			rest = strings.TrimSpace(rest)
			switch {
			case strings.HasPrefix(rest, "：") || strings.HasPrefix(rest, ":"):
				_, size := firstRune(rest)
				b.Text, rest = strings.TrimSpace(rest[size:]), ""
			case strings.HasPrefix(trimBasisSeps(rest), "《"):
			default:
				b.Text, rest = rest, ""
			}
			out = append(out, b)
		}
	}
	return out, nil
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// trimBasisSeps drops the separators between two bases on one line.
func trimBasisSeps(s string) string {
	for {
		t := strings.TrimLeft(s, " 、，,；;。")
		for _, w := range []string{"和", "及", "以及"} {
			if strings.HasPrefix(t, w+"《") {
				t = strings.TrimPrefix(t, w)
			}
		}
		if t == s {
			return s
		}
		s = t
	}
}

// basisHead reads law, doc_no and article from the start of s.
func basisHead(s string) (lists.Basis, string) {
	var b lists.Basis
	if strings.HasPrefix(s, "《") {
		end := closing(s, '《', '》')
		if end < 0 {
			return lists.Basis{Law: s}, ""
		}
		b.Law, s = s[:end], s[end:]
	} else {
		end := strings.IndexAny(s, "（(：:")
		if end <= 0 {
			return lists.Basis{Law: s}, ""
		}
		b.Law, s = strings.TrimSpace(s[:end]), s[end:]
	}
	if strings.HasPrefix(s, "（") || strings.HasPrefix(s, "(") {
		open, size := firstRune(s)
		close := map[rune]rune{'（': '）', '(': ')'}[open]
		if end := closing(s, open, close); end > 0 {
			b.DocNo, s = strings.TrimSpace(s[size:end-len(string(close))]), s[end:]
		}
	}
	if m := articleRe.FindString(s); m != "" {
		b.Article, s = m, s[len(m):]
	}
	return b, s
}

func formatBasis(bs []lists.Basis) string {
	if len(bs) == 0 {
		return ""
	}
	parts := make([]string, len(bs))
	for i, b := range bs {
		s := b.Law
		if b.DocNo != "" {
			s += "（" + b.DocNo + "）"
		}
		s += b.Article
		if b.Text != "" {
			s += "：" + b.Text
		}
		parts[i] = s
	}
	text := strings.Join(parts, "\n")
	if !roundTrips(text, bs, parseBasis) {
		return jsonText(bs)
	}
	return text
}

// ---- materials: one per line, （非必要） marks an optional one

var numbering = regexp.MustCompile(`^(?:[0-9]+[.、．)）]|[（(][0-9]+[)）]|[①-⑳])\s*`)

var optionalMarks = []string{"（非必要）", "（非必需）", "（非必须）", "（可选）", "（选填）", "（选交）", "（如有）"}
var requiredMarks = []string{"（必要）", "（必需）", "（必须）", "（必填）"}

const optionalMark = "（非必要）"

func parseMaterials(cell string) ([]lists.Material, error) {
	if strings.HasPrefix(cell, "[") {
		var ms []lists.Material
		if jsonCell(cell, &ms) {
			return ms, nil
		}
	}
	out := []lists.Material{}
	for _, l := range splitAny(cell, "；;") {
		m := lists.Material{Name: strings.TrimSpace(numbering.ReplaceAllString(l, "")), Required: true}
		for _, mark := range optionalMarks {
			if strings.HasSuffix(m.Name, mark) && m.Name != mark {
				m.Name, m.Required = strings.TrimSuffix(m.Name, mark), false
				break
			}
		}
		for _, mark := range requiredMarks {
			if m.Required && strings.HasSuffix(m.Name, mark) && m.Name != mark {
				m.Name = strings.TrimSuffix(m.Name, mark)
				break
			}
		}
		if m.Name != "" {
			out = append(out, m)
		}
	}
	return out, nil
}

func formatMaterials(ms []lists.Material) string {
	if len(ms) == 0 {
		return ""
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Name
		if !m.Required {
			parts[i] += optionalMark
		}
	}
	text := strings.Join(parts, "\n")
	if !roundTrips(text, ms, parseMaterials) {
		return jsonText(ms)
	}
	return text
}

// ---- steps: name（N个工作日）, one per line

func parseSteps(cell string) ([]lists.Step, error) {
	if strings.HasPrefix(cell, "[") {
		var ss []lists.Step
		if jsonCell(cell, &ss) {
			return ss, nil
		}
	}
	out := []lists.Step{}
	for _, l := range splitAny(cell, "→；;") {
		l = strings.TrimSpace(numbering.ReplaceAllString(l, ""))
		st := lists.Step{Name: l}
		limit := ""
		if strings.HasSuffix(l, "）") {
			if i := strings.LastIndex(l, "（"); i > 0 {
				st.Name, limit = strings.TrimSpace(l[:i]), l[i:]
			}
		} else if i := strings.LastIndexAny(l, "：:"); i > 0 {
			st.Name, limit = strings.TrimSpace(l[:i]), strings.TrimLeft(l[i:], "：:")
		}
		if limit != "" {
			lim, ok := listfile.ParseLimit(strings.Trim(limit, "（）"))
			switch {
			case !ok:
				st.Name = l // the parenthesis is part of the name
			case lim.Calendar:
				return nil, fmt.Errorf("step %q counts calendar days; the list counts working days (工作日)", l)
			default:
				st.Days = lim.Days
			}
		}
		if st.Name != "" {
			out = append(out, st)
		}
	}
	return out, nil
}

func formatSteps(ss []lists.Step) string {
	if len(ss) == 0 {
		return ""
	}
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = fmt.Sprintf("%s（%d个工作日）", s.Name, s.Days)
	}
	text := strings.Join(parts, "\n")
	if !roundTrips(text, ss, parseSteps) {
		return jsonText(ss)
	}
	return text
}

// ---- fee: 不收费, or 收费 / 依据：… / items

var (
	noFee  = map[string]bool{"不收费": true, "免费": true, "否": true, "无": true, "不收取": true, "不收取费用": true, "免收": true, "no": true, "false": true}
	yesFee = map[string]bool{"收费": true, "是": true, "收取": true, "yes": true, "true": true}
)

const feeBasisMark = "依据："

func parseFee(cell string) (lists.Fee, error) {
	if strings.HasPrefix(cell, "{") {
		var f lists.Fee
		if jsonCell(cell, &f) {
			return f, nil
		}
	}
	f := lists.Fee{Items: []string{}}
	ls := lines(cell)
	if len(ls) == 0 {
		return f, nil
	}
	first := strings.TrimRight(ls[0], "。.")
	switch {
	case noFee[strings.ToLower(first)]:
		ls = ls[1:]
	case yesFee[strings.ToLower(first)]:
		f.Charged, ls = true, ls[1:]
	case strings.Contains(first, "不收") || strings.Contains(first, "免费") || strings.Contains(first, "免收"):
		// a sentence saying there is no fee: it is the basis of that
	default:
		f.Charged = true
	}
	for _, l := range ls {
		switch {
		case strings.HasPrefix(l, feeBasisMark):
			f.Basis = strings.TrimSpace(strings.TrimPrefix(l, feeBasisMark))
		case strings.HasPrefix(l, "收费"+feeBasisMark):
			f.Basis = strings.TrimSpace(strings.TrimPrefix(l, "收费"+feeBasisMark))
		case !f.Charged && f.Basis == "":
			f.Basis = l
		default:
			f.Items = append(f.Items, l)
		}
	}
	return f, nil
}

func formatFee(f lists.Fee) string {
	if !f.Charged && f.Basis == "" && len(f.Items) == 0 {
		return "不收费"
	}
	parts := []string{"不收费"}
	if f.Charged {
		parts[0] = "收费"
	}
	if f.Basis != "" {
		parts = append(parts, feeBasisMark+f.Basis)
	}
	parts = append(parts, f.Items...)
	text := strings.Join(parts, "\n")
	if !roundTrips(text, f, parseFee) {
		return jsonText(f)
	}
	return text
}

// ---- levels, audience

var levelNames = map[string]string{"省级": "省", "市级": "市", "县级": "县", "区级": "县", "县区级": "县",
	"乡镇级": "乡镇", "乡级": "乡镇", "镇级": "乡镇", "乡镇（街道）": "乡镇", "街道": "乡镇"}

func parseLevels(cell string) []string {
	out := []string{}
	for _, l := range splitAny(cell, "、，,；;/ ") {
		if to, ok := levelNames[l]; ok {
			l = to
		}
		out = appendNew(out, l)
	}
	return out
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// audienceOf maps one audience word to the model's value.
func audienceOf(w string) (string, bool) {
	switch lw := strings.ToLower(w); {
	case lw == "individual" || lw == "legal_person" || lw == "other_org":
		return lw, true
	case strings.Contains(w, "非法人") || strings.Contains(w, "其他组织") || strings.Contains(w, "其它组织") ||
		strings.Contains(w, "社会组织"):
		return "other_org", true
	case strings.Contains(w, "法人") || strings.Contains(w, "企业") || strings.Contains(w, "单位"):
		return "legal_person", true
	case strings.Contains(w, "自然人") || strings.Contains(w, "个人") || strings.Contains(w, "公民") ||
		strings.Contains(w, "居民") || strings.Contains(w, "群众"):
		return "individual", true
	}
	return "", false
}

var audienceNames = map[string]string{"individual": "自然人", "legal_person": "法人", "other_org": "其他组织"}
var serviceAudienceNames = map[string]string{"individual": "个人", "legal_person": "法人"}

func parseAudience(cell string) ([]string, error) {
	out := []string{}
	for _, w := range splitAny(cell, "、，,；;/和及或 ") {
		a, ok := audienceOf(w)
		if !ok {
			return nil, fmt.Errorf("%q is not 自然人, 法人 or 其他组织", w)
		}
		out = appendNew(out, a)
	}
	return out, nil
}

// ---- scalars

func parseLimitCell(cell string) (int, error) {
	l, ok := listfile.ParseLimit(cell)
	switch {
	case !ok:
		return 0, fmt.Errorf("%q is not a time limit such as 20个工作日 or 即办", cell)
	case l.Calendar:
		return 0, fmt.Errorf("%q counts calendar days; the list counts working days (工作日)", cell)
	}
	return l.Days, nil
}

func formatLimit(days int) string {
	if days == 0 {
		return "即办"
	}
	return strconv.Itoa(days) + "个工作日"
}

var caseKinds = map[string]string{"即办件": "instant", "即办": "instant", "instant": "instant",
	"承诺件": "promised", "承诺": "promised", "promised": "promised"}

func parseCaseKind(cell string) (string, error) {
	if k, ok := caseKinds[strings.ToLower(cell)]; ok {
		return k, nil
	}
	return "", fmt.Errorf("%q is neither 即办件 nor 承诺件", cell)
}

func formatCaseKind(k string) string {
	switch k {
	case "instant":
		return "即办件"
	case "promised":
		return "承诺件"
	}
	return k
}

var dateRe = regexp.MustCompile(`^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?$`)

func parseDate(cell string) (string, error) {
	m := dateRe.FindStringSubmatch(cell)
	if m == nil {
		return "", fmt.Errorf("%q is not a date such as 2026-01-31", cell)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return "", fmt.Errorf("%q is not a date", cell)
	}
	return t.Format("2006-01-02"), nil
}

func parseBool(cell string) (bool, error) {
	switch strings.ToLower(cell) {
	case "是", "true", "yes", "y", "1", "热点", "√":
		return true, nil
	case "否", "false", "no", "n", "0", "非热点", "×":
		return false, nil
	}
	return false, fmt.Errorf("%q is neither 是 nor 否", cell)
}

var depthNames = map[string]int{"0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4,
	"ⅰ": 1, "ⅱ": 2, "ⅲ": 3, "ⅳ": 4, // Ⅰ-Ⅳ lower-cased
	"一": 1, "二": 2, "三": 3, "四": 4, "零": 0}

func parseDepth(cell string) (int, error) {
	s := strings.ToLower(strings.TrimSpace(cell))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "级"), "星")
	if n, ok := depthNames[s]; ok {
		return n, nil
	}
	return 0, fmt.Errorf("%q is not an online depth 0-4 (I-IV)", cell)
}

var visitsRe = regexp.MustCompile(`^(?:最多跑|最多|跑)?([0-9]+|[零〇一二两三四五])次?(?:跑动)?$`)

func parseVisits(cell string) (int, error) {
	m := visitsRe.FindStringSubmatch(strings.ReplaceAll(cell, " ", ""))
	if m == nil {
		return 0, fmt.Errorf("%q is not a number of visits such as 0, 1次 or 最多跑一次", cell)
	}
	if n, err := strconv.Atoi(m[1]); err == nil {
		return n, nil
	}
	return map[string]int{"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}[m[1]], nil
}

// statusOf reads 事项状态: repealed, in force, or not said.
func statusOf(cell string) (string, bool) {
	switch strings.ToLower(cell) {
	case lists.StatusRepealed, "已取消", "取消", "废止", "已废止", "失效", "已失效", "停止实施", "停用":
		return lists.StatusRepealed, true
	case lists.StatusInForce, "有效", "在用", "现行", "正常", "生效", "实施中", "在实施":
		return lists.StatusInForce, true
	}
	return "", false
}

func formatStatus(s string) string {
	switch s {
	case lists.StatusRepealed:
		return "已取消"
	case lists.StatusInForce:
		return "有效"
	}
	return s
}
