package editform

import (
	"html/template"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"qingdan/data/lists"
	"qingdan/web/i18n"
)

// FieldSpec is one field of an item's form. The forms of the three lists
// are tables of these (powerForm, serviceForm, responsibilityForm); one
// template renders any of them.
type FieldSpec struct {
	Name    string      // form name: the item's JSON key ("fee.basis" nested); in a row, the cell's key ("" for a list of strings)
	Label   string      // catalogue key of the label (the column name of published lists)
	Type    string      // text, tel, date, number, area, select, check, checks or rows
	Hint    string      // catalogue key of a hint, or ""
	Attrs   string      // further attributes of the control
	Choices string      // select and checks: the set of choices (see Form.choices)
	List    string      // text: the id of a datalist of suggestions
	Cells   []FieldSpec // rows: the cells of one row
	Blank   int         // rows: empty rows on a new item's form
}

// Section is a fieldset of a form.
type Section struct {
	Legend string // catalogue key
	Fields []FieldSpec
}

const (
	attrsCode  = `required maxlength="36" autocomplete="off" spellcheck="false"`
	attrsName  = `required maxlength="200"`
	attrsDays  = `min="0" max="3650" step="1" inputmode="numeric"`
	attrsPhone = `maxlength="40" inputmode="tel"`
)

var feeSection = Section{"fee", []FieldSpec{
	{Name: "fee.charged", Label: "ef_fee_charged", Type: "check"},
	{Name: "fee.basis", Label: "ef_fee_basis", Type: "area", Attrs: `rows="2" maxlength="2000"`},
	{Name: "fee.items", Label: "ef_fee_items", Type: "rows", Hint: "ef_fee_items_hint", Blank: 1,
		Cells: []FieldSpec{{Label: "ef_fee_item", Type: "text", Attrs: `maxlength="500"`}}},
}}

var materialsField = FieldSpec{Name: "materials", Label: "ef_materials", Type: "rows", Hint: "ef_rows_hint", Blank: 3,
	Cells: []FieldSpec{{Name: "name", Label: "ef_material_name", Type: "text", Attrs: `maxlength="300"`},
		{Name: "required", Label: "ef_material_required", Type: "check"}}}

// powerForm is the form of a power item (权力事项).
var powerForm = []Section{
	{"basic_info", []FieldSpec{
		{Name: "code", Label: "ef_code", Type: "text", Hint: "ef_code_hint", Attrs: attrsCode},
		{Name: "name", Label: "ef_name", Type: "text", Attrs: attrsName},
		{Name: "subitem", Label: "ef_subitem", Type: "text", Attrs: `maxlength="200"`},
		{Name: "category", Label: "ef_category", Type: "select", Choices: "power_category"},
		{Name: "dept", Label: "ef_dept", Type: "select", Choices: "dept"},
		{Name: "nature", Label: "ef_nature", Type: "select", Choices: "nature"},
		{Name: "office", Label: "office", Type: "text", Attrs: `maxlength="100"`},
		{Name: "joint", Label: "ef_joint", Type: "checks", Choices: "joint"},
		{Name: "levels", Label: "ef_levels", Type: "checks", Choices: "levels"},
		{Name: "audience", Label: "audience", Type: "checks", Choices: "power_audience"},
	}},
	{"ef_legal", []FieldSpec{
		{Name: "basis", Label: "ef_basis", Type: "rows", Hint: "ef_basis_hint", Blank: 2, Cells: []FieldSpec{
			{Name: "law", Label: "ef_law", Type: "text", Attrs: `maxlength="200"`},
			{Name: "doc_no", Label: "ef_doc_no", Type: "text", Attrs: `maxlength="100"`},
			{Name: "article", Label: "ef_article", Type: "text", Attrs: `maxlength="100"`},
			{Name: "text", Label: "ef_article_text", Type: "area", Attrs: `rows="2" maxlength="5000"`}}},
	}},
	{"ef_handling", []FieldSpec{
		{Name: "legal_limit", Label: "ef_legal_limit", Type: "number", Hint: "ef_days_hint", Attrs: attrsDays},
		{Name: "promised_limit", Label: "ef_promised_limit", Type: "number", Hint: "ef_promised_hint", Attrs: attrsDays},
		{Name: "case_kind", Label: "ef_case_kind", Type: "select", Choices: "case_kind"},
		{Name: "conditions", Label: "ef_conditions", Type: "area", Attrs: `rows="3" maxlength="5000"`},
		materialsField,
		{Name: "steps", Label: "steps", Type: "rows", Hint: "ef_steps_hint", Blank: 4, Cells: []FieldSpec{
			{Name: "name", Label: "ef_step_name", Type: "text", Attrs: `maxlength="100"`},
			{Name: "days", Label: "ef_step_days", Type: "number", Attrs: attrsDays}}},
	}},
	feeSection,
	{"ef_supervision", []FieldSpec{
		{Name: "consult_phone", Label: "ef_consult_phone", Type: "tel", Attrs: attrsPhone},
		{Name: "complaint_phone", Label: "ef_complaint_phone", Type: "tel", Hint: "ef_complaint_hint", Attrs: attrsPhone},
		{Name: "effective_from", Label: "effective_from", Type: "date"},
		{Name: "penalty_scope", Label: "ef_penalty_scope", Type: "area", Hint: "ef_penalty_hint", Attrs: `rows="3" maxlength="5000"`},
		{Name: "integrity_risks", Label: "integrity_risks", Type: "rows", Blank: 2,
			Cells: []FieldSpec{{Label: "ef_integrity_risk", Type: "text", Attrs: `maxlength="500"`}}},
	}},
}

// serviceForm is the form of a service item (政务服务事项).
var serviceForm = []Section{
	{"basic_info", []FieldSpec{
		{Name: "code", Label: "ef_code", Type: "text", Hint: "ef_code_hint", Attrs: attrsCode},
		{Name: "name", Label: "ef_name", Type: "text", Attrs: attrsName},
		{Name: "audience", Label: "audience", Type: "select", Choices: "service_audience"},
		{Name: "theme", Label: "ef_theme", Type: "text", List: "themes", Attrs: `maxlength="50"`},
		{Name: "hot", Label: "ef_hot", Type: "check"},
		{Name: "dept", Label: "ef_dept", Type: "select", Choices: "dept"},
		{Name: "power_code", Label: "ef_power_code", Type: "text", Hint: "ef_service_power_hint", List: "power-codes", Attrs: `maxlength="36" autocomplete="off" spellcheck="false"`},
		{Name: "category", Label: "ef_category", Type: "select", Choices: "service_category"},
	}},
	{"ef_handling", []FieldSpec{
		{Name: "online_depth", Label: "ef_online_depth", Type: "select", Choices: "online_depth"},
		{Name: "visits", Label: "ef_visits", Type: "number", Attrs: `min="0" max="99" step="1" inputmode="numeric"`},
		{Name: "legal_limit", Label: "ef_legal_limit", Type: "number", Hint: "ef_days_hint", Attrs: attrsDays},
		{Name: "promised_limit", Label: "ef_promised_limit", Type: "number", Hint: "ef_promised_hint", Attrs: attrsDays},
		{Name: "location", Label: "location", Type: "text", Attrs: `maxlength="300"`},
		{Name: "hours", Label: "ef_hours", Type: "text", Attrs: `maxlength="300"`},
		{Name: "consult_phone", Label: "ef_consult_phone", Type: "tel", Attrs: attrsPhone},
		materialsField,
	}},
	feeSection,
}

// responsibilityForm is the form of a responsibility item (责任事项),
// keyed by its power's code.
var responsibilityForm = []Section{
	{"basic_info", []FieldSpec{
		{Name: "power_code", Label: "ef_power_code", Type: "text", Hint: "ef_resp_power_hint", List: "power-codes", Attrs: attrsCode},
		{Name: "dept", Label: "ef_resp_dept", Type: "select", Choices: "dept"},
		{Name: "supervision_phone", Label: "ef_supervision_phone", Type: "tel", Attrs: attrsPhone},
	}},
	{"ef_duties", []FieldSpec{
		{Name: "stages", Label: "ef_stages", Type: "rows", Hint: "ef_stages_hint", Blank: 3, Cells: []FieldSpec{
			{Name: "stage", Label: "stage", Type: "select", Choices: "stage"},
			{Name: "content", Label: "ef_stage_content", Type: "area", Attrs: `rows="3" maxlength="5000"`},
			{Name: "basis", Label: "basis", Type: "text", Attrs: `maxlength="1000"`}}},
	}},
	{"ef_acc_section", []FieldSpec{
		{Name: "accountability", Label: "ef_accountability", Type: "rows", Hint: "ef_rows_hint", Blank: 3,
			Cells: []FieldSpec{{Label: "ef_accountability_case", Type: "area", Attrs: `rows="2" maxlength="1000"`}}},
		{Name: "accountability_basis", Label: "ef_accountability_basis", Type: "area", Attrs: `rows="2" maxlength="2000"`},
	}},
}

// Choice is a fixed value with the catalogue key of its name. Categories
// (lists.Categories) and service audiences are what data validation
// accepts, stages what lists.Responsibility.Validate accepts
// (TestEditFormChoices checks both); the rest follow data/demo/SCHEMA.md.
type Choice struct{ Value, Key string }

var ChoiceSets = map[string][]Choice{
	"nature":           {{"法定", "nature_statutory"}, {"授权", "nature_authorised"}, {"受委托", "nature_entrusted"}},
	"levels":           {{"省", "level_province"}, {"市", "level_city"}, {"县", "level_county"}, {"乡镇", "level_township"}},
	"power_audience":   {{"individual", "aud_individual"}, {"legal_person", "aud_legal_person"}, {"other_org", "aud_other_org"}},
	"service_audience": {{"individual", "aud_individual"}, {"legal_person", "aud_legal_person"}},
	"case_kind":        {{"promised", "case_promised"}, {"instant", "case_instant"}},
	"online_depth":     {{"0", "depth_0"}, {"1", "depth_1"}, {"2", "depth_2"}, {"3", "depth_3"}, {"4", "depth_4"}},
	"stage": {{"", "stage_none"}, {"受理", "stage_accept"}, {"审查", "stage_review"}, {"决定", "stage_decide"}, {"送达", "stage_deliver"},
		{"事后监管", "stage_supervise"}, {"立案", "stage_file"}, {"调查取证", "stage_investigate"}, {"审理", "stage_hear"},
		{"告知", "stage_notify"}, {"执行", "stage_enforce"}, {"其他", "stage_other"}},
}

// ServiceThemes are suggestions for a service's theme (主题分类).
var ServiceThemes = []string{"教育", "社会保障", "就业创业", "户籍", "医疗卫生", "婚姻家庭", "社会救助", "养老服务",
	"住房保障", "不动产", "交通运输", "设立变更", "准营准办", "工程建设", "投资审批", "农业农村", "环境保护", "文化体育"}

// Form is an item's form as the template shows it: the values, with
// the field errors, in the page's language.
type Form struct {
	Seg    string            // powers, services or responsibilities
	V      url.Values        // the values shown
	Errors map[string]string // field → what is wrong
	Amend  bool              // amending a listed item: its code cannot change
	Blank  bool              // a fresh form: add empty rows to fill in
	AddRow string            // the repeated group that gets one more row
	L      map[string]string
	Lang   string
	Depts  []lists.Department // the departments the editor may choose
	All    []lists.Department // every department (joint handling)
	Powers []string           // power codes to suggest
	Themes []string
}

// Option is one Choice of a select or a group of checkboxes.
type Option struct {
	Value, Text, ID string
	Selected        bool
}

// fieldView is one field ready to render.
type fieldView struct {
	ID, Name, Label, Type, Hint, Value, Err, List, Add string
	Attrs                                              template.HTMLAttr
	Checked                                            bool
	Opts                                               []Option
	Rows                                               []rowView
}

// DescribedBy lists the ids of the field's hint and error.
func (fv fieldView) DescribedBy() string {
	var ids []string
	if fv.Hint != "" {
		ids = append(ids, fv.ID+"-hint")
	}
	if fv.Err != "" {
		ids = append(ids, fv.ID+"-err")
	}
	return strings.Join(ids, " ")
}

type rowView struct {
	Index int
	Cells []fieldView
}

type sectionView struct {
	Legend string
	Fields []fieldView
}

// withOther is the form of seg with, last, the section of the fields no
// section lays out.
func withOther(seg string) []Section {
	specs := Specs(seg)
	if other := otherSection(kindOf[seg], otherFields(seg, specs)); other != nil {
		specs = append(slices.Clone(specs), *other)
	}
	return specs
}

// Specs gives the form of a list by its path segment.
func Specs(seg string) []Section {
	switch seg {
	case "powers":
		return powerForm
	case "services":
		return serviceForm
	case "responsibilities":
		return responsibilityForm
	}
	return nil
}

// FieldID is the element id of a form name.
func FieldID(name string) string { return "f-" + strings.ReplaceAll(name, ".", "-") }

// Sections renders the form.
func (f *Form) Sections() []sectionView {
	var out []sectionView
	for _, sec := range withOther(f.Seg) {
		sv := sectionView{Legend: f.L[sec.Legend]}
		for _, spec := range sec.Fields {
			sv.Fields = append(sv.Fields, f.field(spec, spec.Name))
		}
		out = append(out, sv)
	}
	return out
}

// field renders one field under the form name name.
func (f *Form) field(spec FieldSpec, name string) fieldView {
	fv := fieldView{ID: FieldID(name), Name: name, Label: f.L[spec.Label], Type: spec.Type, Hint: f.L[spec.Hint],
		Value: f.V.Get(name), Err: f.Errors[name], List: spec.List, Attrs: template.HTMLAttr(spec.Attrs)}
	if f.Amend && name == CodeField(f.Seg) { // a listed item's code cannot change
		fv.Attrs += ` readonly`
	}
	switch spec.Type {
	case "check":
		fv.Checked = fv.Value == "on" || fv.Value == "true"
	case "select", "checks":
		fv.Opts = f.Options(spec.Choices, fv.ID, f.V[name])
	case "rows":
		fv.Add = f.L["ef_add_row"]
		for _, i := range f.rows(spec) {
			row := rowView{Index: i}
			for _, cell := range spec.Cells {
				row.Cells = append(row.Cells, f.field(cell, rowName(name, i, cell.Name)))
			}
			fv.Rows = append(fv.Rows, row)
		}
	}
	return fv
}

// rows lists the row numbers a repeated group shows: the rows posted or
// listed, empty ones to fill in on a fresh form, always at least one, and
// one more when asked for.
func (f *Form) rows(spec FieldSpec) []int {
	rows := RowsIn(f.V, spec.Name)
	next := 0
	if len(rows) > 0 {
		next = rows[len(rows)-1] + 1
	}
	more := 0
	switch {
	case f.Blank && len(rows) == 0:
		more = spec.Blank
	case f.Blank:
		more = 1
	}
	if len(rows)+more == 0 {
		more = 1
	}
	if f.AddRow == spec.Name {
		more++
	}
	for i := range more {
		if next+i < maxRows {
			rows = append(rows, next+i)
		}
	}
	return rows
}

// options lists the choices of a select or checkboxes, marking the
// current values; a current value the form does not offer is kept as a
// Choice, so that saving never changes it unasked.
func (f *Form) Options(set, id string, current []string) []Option {
	var out []Option
	add := func(value, text string) {
		out = append(out, Option{Value: value, Text: text, ID: id + "-" + strconv.Itoa(len(out)), Selected: slices.Contains(current, value)})
	}
	switch set {
	case "power_category", "service_category":
		for _, c := range lists.Categories {
			add(c, c+" "+lists.CategoryName(c, f.Lang))
		}
		if set == "service_category" {
			add("GG", "GG "+lists.CategoryName("GG", f.Lang))
		}
	case "dept", "joint":
		depts := f.All
		if set == "dept" {
			depts = f.Depts
		}
		for _, d := range depts {
			add(d.Code, DeptLabel(d, f.Lang))
		}
	default:
		for _, c := range ChoiceSets[set] {
			add(c.Value, f.L[c.Key])
		}
	}
	for _, v := range current {
		if v != "" && !slices.ContainsFunc(out, func(o Option) bool { return o.Value == v }) {
			add(v, v)
		}
	}
	return out
}

func DeptLabel(d lists.Department, lang string) string {
	if lang == "en" && d.NameEn != "" {
		return d.NameEn
	}
	return d.Name
}

// errorLink is one line of the summary of a refused form.
type errorLink struct{ Href, Label, Msg string }

// Summary lists the form's errors, each linked to its field, in the
// order of the form; errors of no field (the change's metadata, the item
// as a whole) come last.
func (f *Form) Summary() []errorLink {
	var out []errorLink
	seen := map[string]bool{}
	for _, sec := range withOther(f.Seg) {
		for _, spec := range sec.Fields {
			if msg, ok := f.Errors[spec.Name]; ok {
				out = append(out, errorLink{"#" + FieldID(spec.Name), f.L[spec.Label], msg})
				seen[spec.Name] = true
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(f.Errors)) {
		if seen[k] {
			continue
		}
		link := errorLink{Label: k, Msg: f.Errors[k]}
		if k == "basis_doc" || k == "change_note" {
			link.Href, link.Label = "#"+k, f.L[k]
		}
		out = append(out, link)
	}
	return out
}

// Label is the label of an item's top-level field (l the catalogue of
// the page's language), for the preview.
func Label(seg, field string, l map[string]string) string {
	if field == "fee" {
		return l["fee"]
	}
	for _, sec := range Specs(seg) {
		for _, spec := range sec.Fields {
			if spec.Name == field {
				return l[spec.Label]
			}
		}
	}
	if label := l[i18n.FieldKey(kindOf[seg], field)]; label != "" {
		return label
	}
	return field
}
