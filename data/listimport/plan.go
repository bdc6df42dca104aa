package listimport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"qingdan/data/listfile"
	"qingdan/data/lists"
	"qingdan/data/store"
)

// Options tune NewPlan.
type Options struct {
	// Source names the file in the report.
	Source string
	// DeptAliases maps other spellings of department names to the listed
	// name (see listfile.DeptAliases).
	DeptAliases listfile.DeptAliases
	// Kind, if set to lists.KindPower or lists.KindService, makes every row
	// an item of that kind; by default a row is a service if its category
	// is 公共服务 or it names the power it implements, else a power.
	Kind lists.Kind
	// Category (XK … QT, GG) is the category of rows whose file has no
	// 权力类型 column or whose cell is empty: for a list of one type.
	Category string
	// Dept (a department code or name) is the department of rows that name
	// none: for one department's own list.
	Dept string
}

// Action is what import does with a row.
type Action string

// The actions.
const (
	Create    Action = "create"
	Amend     Action = "amend"
	Unchanged Action = "unchanged"
	Reject    Action = "reject"
)

// Entry is the plan for one row.
type Entry struct {
	Line     int
	Kind     lists.Kind // power or service
	Action   Action
	Code     string // the list code ("" if the row has none that is usable)
	FileCode string // the code as the file writes it, when it was shortened
	Name     string
	Dept     string                     // department code
	Item     json.RawMessage            // Create: the whole item
	Changes  map[string]json.RawMessage // Amend: the changed fields' new values
	Fields   []string                   // Amend: the changed fields, sorted
	Reason   string                     // Reject: why
	Notes    []string                   // what the reader should know about the row

	powerCode string // service: the power it implements, once planned
}

// NewDept is a department the plan creates.
type NewDept struct {
	Code string
	Name string
	Line int // first row naming it
	Rows int // rows naming it
}

// Counts counts the rows of one kind by action.
type Counts struct {
	Create, Amend, Unchanged, Reject int
}

// Total is the number of rows counted.
func (c Counts) Total() int { return c.Create + c.Amend + c.Unchanged + c.Reject }

// Plan is what importing a file would change. It is computed against the
// lists as they stand and writes nothing; Apply carries it out.
type Plan struct {
	Source   string
	Format   string
	Encoding string
	Rows     int
	Entries  []*Entry // one per row, in file order
	// Departments are those to create, in order of first appearance;
	// MatchedDepts counts the listed departments the file names.
	Departments  []NewDept
	MatchedDepts int
	// Missing lists, per kind with rows, the item fields the file has no
	// column for: new items leave them empty (0 for time limits) and
	// listed items keep theirs.
	Missing map[lists.Kind][]string
	// Empty gives, per field key, the lines whose cell is empty although
	// the column exists (the field is then not set either).
	Empty map[string][]int
	// Ignored lists the columns that are not imported, with the reason.
	Ignored []string
}

// NewPlan plans the import of t into cat's lists. It reads the lists and
// writes nothing. Rows that cannot become a valid item are rejected with
// the reason; only a failure to read the lists is an error.
func NewPlan(ctx context.Context, cat *lists.Catalog, t *listfile.Table, opts Options) (*Plan, error) {
	return handLayout.newPlan(ctx, cat, t, opts)
}

// newPlan is NewPlan with the fields of l.
func (l layout) newPlan(ctx context.Context, cat *lists.Catalog, t *listfile.Table, opts Options) (*Plan, error) {
	if opts.Kind != "" && opts.Kind != lists.KindPower && opts.Kind != lists.KindService {
		return nil, fmt.Errorf("listimport: Options.Kind must be power or service, not %q", opts.Kind)
	}
	if opts.Category != "" {
		c, ok := listfile.NormalizeCategory(opts.Category)
		if !ok {
			return nil, fmt.Errorf("listimport: Options.Category %q is not a category", opts.Category)
		}
		opts.Category = c
	}
	generic := map[lists.Kind][]lists.Field{lists.KindPower: l.genericImport(lists.KindPower),
		lists.KindService: l.genericImport(lists.KindService)}
	p := &planner{opts: opts, lay: l, generic: generic, t: t, has: map[string]bool{}, used: map[string]bool{}, seen: map[string]int{},
		newDepts: map[string]*NewDept{}, matched: map[string]bool{},
		plan: &Plan{Source: opts.Source, Format: t.Format, Encoding: t.Encoding, Rows: len(t.Rows),
			Missing: map[lists.Kind][]string{}, Empty: map[string][]int{}}}
	for _, c := range append(slices.Clone(t.Columns), t.UnknownColumns...) {
		p.has[c] = true
	}
	if err := p.load(ctx, cat); err != nil {
		return nil, err
	}
	if opts.Dept != "" {
		if _, err := p.resolveDept(opts.Dept, 0); err != nil {
			return nil, fmt.Errorf("listimport: Options.Dept: %w", err)
		}
	}
	kinds := map[lists.Kind]bool{}
	for _, r := range t.Rows {
		e := p.row(r)
		kinds[e.Kind] = true
		p.plan.Entries = append(p.plan.Entries, e)
	}
	p.checkPowers()
	p.finish(kinds)
	return p.plan, nil
}

// planner is NewPlan's state.
type planner struct {
	opts          Options
	lay           layout
	generic       map[lists.Kind][]lists.Field // lay.genericImport by kind
	t             *listfile.Table
	has           map[string]bool // columns of the file
	used          map[string]bool // columns read for some row
	seen          map[string]int  // item code → first line
	plan          *Plan
	depts         map[string]string // department code → name (listed and new)
	byName        map[string]string // normalised name → code (listed and new)
	newDepts      map[string]*NewDept
	matched       map[string]bool
	items         map[lists.Kind]map[string]*lists.Item
	repealedDepts map[string]bool
	// droppedParents counts services with a 主项, which they cannot keep.
	droppedParents int
}

// ListAll reads every item of a list, per_page 100 at a time.
func ListAll(ctx context.Context, cat *lists.Catalog, kind lists.Kind) ([]*lists.Item, error) {
	var out []*lists.Item
	for page := 1; ; page++ {
		pg, err := cat.List(ctx, lists.ListQuery{Kind: kind, Page: page, PerPage: lists.MaxPerPage})
		if err != nil {
			return nil, err
		}
		out = append(out, pg.Items...)
		if len(pg.Items) == 0 || int64(len(out)) >= pg.Total {
			return out, nil
		}
	}
}

// load reads the departments, powers and services.
func (p *planner) load(ctx context.Context, cat *lists.Catalog) error {
	p.depts, p.byName, p.repealedDepts = map[string]string{}, map[string]string{}, map[string]bool{}
	depts, err := ListAll(ctx, cat, lists.KindDepartment)
	if err != nil {
		return err
	}
	for _, it := range depts {
		var d lists.Department
		if err := json.Unmarshal(it.Raw, &d); err != nil {
			return fmt.Errorf("listimport: department %s: %w", it.Code, err)
		}
		p.depts[d.Code] = d.Name
		if it.Status != lists.StatusInForce {
			p.repealedDepts[d.Code] = true
		}
		if n := listfile.NormalizeDeptName(d.Name); p.byName[n] == "" {
			p.byName[n] = d.Code
		}
	}
	p.items = map[lists.Kind]map[string]*lists.Item{}
	for _, k := range []lists.Kind{lists.KindPower, lists.KindService} {
		list, err := ListAll(ctx, cat, k)
		if err != nil {
			return err
		}
		p.items[k] = make(map[string]*lists.Item, len(list))
		for _, it := range list {
			p.items[k][it.Code] = it
		}
	}
	return nil
}

// resolveDept returns the code of the department a cell names: a listed
// or planned name (after aliases), else a department code, else a new
// department planned on line.
func (p *planner) resolveDept(cell string, line int) (string, error) {
	name := p.opts.DeptAliases.Canonical(cell)
	if name == "" {
		return "", errors.New("no department named")
	}
	if code, ok := p.byName[name]; ok {
		if nd := p.newDepts[code]; nd != nil {
			nd.Rows++
		}
		return code, nil
	}
	if _, ok := p.depts[cell]; ok {
		return cell, nil
	}
	code := deptCodeFor(name, func(c string) bool { _, ok := p.depts[c]; return ok })
	d := lists.Department{Code: code, Name: name}
	if err := d.Validate(); err != nil {
		return "", err
	}
	p.depts[code], p.byName[name] = name, code
	nd := &NewDept{Code: code, Name: name, Line: line}
	if line > 0 {
		nd.Rows = 1
	}
	p.newDepts[code] = nd
	p.plan.Departments = append(p.plan.Departments, *nd)
	return code, nil
}

// rowReader reads the cells of one row, noting empty cells and problems.
type rowReader struct {
	p      *planner
	line   int
	fields map[string]string
	errs   map[string]string
	notes  []string
}

// cell returns the value of a column and whether it is given (the column
// exists and the cell is not empty).
func (r *rowReader) cell(key string) (string, bool) {
	v, ok := r.fields[key]
	if !ok {
		return "", false
	}
	r.p.used[key] = true
	if v == "" {
		r.p.plan.Empty[key] = append(r.p.plan.Empty[key], r.line)
		return "", false
	}
	return v, true
}

func (r *rowReader) fail(field, format string, args ...any) {
	if _, ok := r.errs[field]; !ok {
		r.errs[field] = fmt.Sprintf(format, args...)
	}
}

func (r *rowReader) reason() string {
	keys := make([]string, 0, len(r.errs))
	for k := range r.errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + r.errs[k]
	}
	return strings.Join(parts, "; ")
}

// row plans one row.
func (p *planner) row(row listfile.Row) *Entry {
	r := &rowReader{p: p, line: row.Line, fields: row.Fields, errs: map[string]string{}}
	e := &Entry{Line: row.Line}
	given := map[string]any{}    // fields the file sets
	defaults := map[string]any{} // what a new item must have that the file does not say

	category := p.category(r)
	powerCode, hasPowerCode := r.cell("power_code")
	e.Kind = p.kindOf(category, hasPowerCode)
	if category != "" {
		given["category"] = category
	}
	switch {
	case e.Kind == lists.KindPower && category == "GG":
		r.fail("category", "公共服务 is not a power (import the row as a service)")
	case e.Kind == lists.KindPower && category == "" && r.errs["category"] == "":
		r.fail("category", "the row has no 权力类型")
	case e.Kind == lists.KindService && hasPowerCode:
		if code, _, err := ShortenCode(powerCode); err != nil {
			r.fail("power_code", "%v", err)
		} else {
			given["power_code"] = code
		}
	case e.Kind == lists.KindService && category == "":
		defaults["category"] = "GG"
	}

	p.names(r, e, given)
	e.Dept = p.dept(r)
	if e.Dept != "" {
		given["dept"] = e.Dept
	}
	p.code(r, e, category, given)
	p.values(r, e.Kind, given)
	if e.Kind == lists.KindService {
		p.serviceAudience(r, e, given, defaults)
	}
	status, hasStatus := "", false
	if v, ok := r.cell("status"); ok {
		if status, hasStatus = statusOf(v); !hasStatus {
			r.notes = append(r.notes, fmt.Sprintf("事项状态 %q not understood; ignored", v))
		}
	}
	e.Notes = r.notes
	if e.Code != "" {
		if first, dup := p.seen[e.Code]; dup {
			return reject(e, fmt.Sprintf("duplicate: code %s is already on line %d", e.Code, first))
		}
		p.seen[e.Code] = e.Line
	}
	if len(r.errs) > 0 {
		return reject(e, r.reason())
	}
	return p.decide(e, given, defaults, status, hasStatus)
}

func reject(e *Entry, reason string) *Entry {
	e.Action, e.Reason, e.Item, e.Changes, e.Fields = Reject, reason, nil, nil, nil
	return e
}

// category reads 权力类型 (or Options.Category).
func (p *planner) category(r *rowReader) string {
	v, ok := r.cell("category")
	if !ok {
		return p.opts.Category
	}
	c, ok := listfile.NormalizeCategory(v)
	if !ok {
		r.fail("category", "%q is not a category (行政许可 … 其他行政权力, 公共服务)", v)
		return ""
	}
	return c
}

func (p *planner) kindOf(category string, hasPowerCode bool) lists.Kind {
	switch {
	case p.opts.Kind != "":
		return p.opts.Kind
	case category == "GG" || hasPowerCode:
		return lists.KindService
	}
	return lists.KindPower
}

// unclassified are 主项名称 values that name no 主项.
var unclassified = map[string]bool{"未分类": true, "无": true, "/": true, "-": true, "—": true}

// names sets name and subitem.
func (p *planner) names(r *rowReader, e *Entry, given map[string]any) {
	name, hasName := r.cell("name")
	if _, ok := r.fields["name"]; !ok {
		r.fail("name", "the file has no 事项名称 column")
	}
	if e.Kind == lists.KindPower && !p.has["subitem"] && p.has["parent_name"] {
		parent, _ := r.cell("parent_name")
		if parent != "" && !unclassified[parent] && parent != name {
			given["name"], given["subitem"] = parent, name
			e.Name = parent + " / " + name
			return
		}
		given["subitem"] = "" // the file says there is no 主项 above it
	} else if e.Kind == lists.KindPower {
		if sub, ok := r.cell("subitem"); ok {
			given["subitem"] = sub
		}
	} else if parent, ok := r.fields["parent_name"]; ok && parent != "" && !unclassified[parent] && parent != name {
		p.droppedParents++
	}
	if hasName {
		given["name"], e.Name = name, name
	}
}

// dept resolves the department of the row.
func (p *planner) dept(r *rowReader) string {
	code, hasCode := r.cell("dept")
	name, hasName := r.cell("dept_name")
	switch {
	case hasCode && p.depts[code] != "":
		return p.checkDept(r, code)
	case hasCode && !hasName:
		r.fail("dept", "%q is not a listed department code", code)
		return ""
	}
	cell := name
	if !hasName {
		cell = p.opts.Dept
	}
	if cell == "" {
		r.fail("dept", "the row names no department (实施主体)")
		return ""
	}
	code, err := p.resolveDept(cell, r.line)
	if err != nil {
		r.fail("dept", "%q: %v", cell, err)
		return ""
	}
	return p.checkDept(r, code)
}

// checkDept refuses a repealed department.
func (p *planner) checkDept(r *rowReader, code string) string {
	if p.newDepts[code] == nil {
		p.matched[code] = true
	}
	if p.repealedDepts[code] {
		r.fail("dept", "%s %s is repealed", code, p.depts[code])
	}
	return code
}

// code sets the item code: the file's (shortened if need be) or derived.
func (p *planner) code(r *rowReader, e *Entry, category string, given map[string]any) {
	if cell, ok := r.cell("code"); ok {
		code, short, err := ShortenCode(cell)
		if err != nil {
			r.fail("code", "%v", err)
			return
		}
		if short {
			e.FileCode = cell
		}
		e.Code = code
		return
	}
	name, _ := given["name"].(string)
	sub, _ := given["subitem"].(string)
	if name == "" || e.Dept == "" {
		return
	}
	if category == "" {
		category = "GG"
	}
	e.Code = derivedCode(category, e.Dept, name, sub)
	r.notes = append(r.notes, "no code in the file; derived from category, department and name")
}

// values reads the fields of the kind that need no special handling.
func (p *planner) values(r *rowReader, kind lists.Kind, given map[string]any) {
	p.handValues(r, kind, given)
	for _, f := range p.generic[kind] {
		cell, ok := r.cell(f.Key)
		if !ok {
			continue
		}
		v, err := parseGeneric(f.Type, cell)
		if err != nil {
			r.fail(f.Key, "%v", err)
			continue
		}
		given[f.Key] = v
	}
}

// handValues reads the fields of the kind that have cell formats of their
// own.
func (p *planner) handValues(r *rowReader, kind lists.Kind, given map[string]any) {
	for _, key := range p.lay.fields[kind] {
		switch key {
		case "name", "subitem", "category", "dept", "power_code":
			continue // read by row
		case "audience":
			if kind == lists.KindService {
				continue // read by serviceAudience
			}
		}
		cell, ok := r.cell(key)
		if !ok {
			continue
		}
		v, err := p.value(key, cell)
		if err != nil {
			r.fail(key, "%v", err)
			continue
		}
		given[key] = v
	}
}

// value converts one cell.
func (p *planner) value(key, cell string) (any, error) {
	switch key {
	case "basis":
		bs, err := parseBasis(cell)
		for _, b := range bs {
			if b.Law == "" {
				return nil, fmt.Errorf("%q: every basis names its law", cell)
			}
		}
		return bs, err
	case "materials":
		return parseMaterials(cell)
	case "steps":
		return parseSteps(cell)
	case "fee":
		return parseFee(cell)
	case "joint":
		return p.joint(cell)
	case "levels":
		return parseLevels(cell), nil
	case "integrity_risks":
		return splitAny(cell, "；;"), nil
	case "audience":
		return parseAudience(cell)
	case "legal_limit", "promised_limit":
		return parseLimitCell(cell)
	case "case_kind":
		return parseCaseKind(cell)
	case "effective_from":
		return parseDate(cell)
	case "hot":
		return parseBool(cell)
	case "online_depth":
		return parseDepth(cell)
	case "visits":
		return parseVisits(cell)
	}
	return cell, nil // text
}

// joint resolves 联办机构 to listed department codes.
func (p *planner) joint(cell string) ([]string, error) {
	out := []string{}
	for _, n := range splitAny(cell, "、，,；;") {
		code, ok := p.byName[p.opts.DeptAliases.Canonical(n)]
		if !ok {
			if _, isCode := p.depts[n]; !isCode {
				return nil, fmt.Errorf("%q is not a listed department", n)
			}
			code = n
		}
		out = appendNew(out, code)
	}
	return out, nil
}

// legalPersonWords in a service's name suggest it serves organisations.
var legalPersonWords = []string{"企业", "公司", "法人", "单位", "机构", "组织", "社团", "社会团体", "合作社",
	"个体工商户", "经营者", "经营单位", "学校", "医院", "场所", "项目"}

// serviceAudience sets the audience of a service: from 服务对象, or for a
// new item guessed from the name, noted.
func (p *planner) serviceAudience(r *rowReader, e *Entry, given, defaults map[string]any) {
	if cell, ok := r.cell("audience"); ok {
		list, err := parseAudience(cell)
		if err != nil {
			r.fail("audience", "%v", err)
			return
		}
		a := list[0]
		if a == "other_org" {
			a = "legal_person"
		}
		if len(list) > 1 {
			r.notes = append(r.notes, fmt.Sprintf("服务对象 %q names several; a service serves one, took %s", cell, a))
		}
		given["audience"] = a
		return
	}
	name, _ := given["name"].(string)
	for _, w := range legalPersonWords {
		if strings.Contains(name, w) {
			defaults["audience"] = "legal_person"
			r.notes = append(r.notes, "no 服务对象: audience legal_person guessed from the name (if new)")
			return
		}
	}
	defaults["audience"] = "individual"
	r.notes = append(r.notes, "no 服务对象: audience individual assumed (if new)")
}

// decide compares the row with the listed item.
func (p *planner) decide(e *Entry, given, defaults map[string]any, status string, hasStatus bool) *Entry {
	if other := otherKind(e.Kind); p.items[other][e.Code] != nil {
		return reject(e, fmt.Sprintf("code %s is listed as a %s; this row makes it a %s", e.Code, other, e.Kind))
	}
	cur := p.items[e.Kind][e.Code]
	switch {
	case cur == nil && hasStatus && status == lists.StatusRepealed:
		return reject(e, "the file marks it repealed (已取消) and it is not listed: nothing to import")
	case cur == nil:
		return p.create(e, given, defaults)
	case cur.Status == lists.StatusRepealed && hasStatus && status == lists.StatusRepealed:
		e.Action = Unchanged
		return e
	case cur.Status == lists.StatusRepealed:
		return reject(e, fmt.Sprintf("%s was repealed (version %d); listing it again needs a new basis, which import does not do", e.Code, cur.Version))
	case hasStatus && status == lists.StatusRepealed:
		return reject(e, "the file marks it repealed (已取消) but it is in force; repeal it with its own basis document (import does not repeal)")
	}
	return p.amend(e, cur, given)
}

func otherKind(k lists.Kind) lists.Kind {
	if k == lists.KindPower {
		return lists.KindService
	}
	return lists.KindPower
}

// emptyItem is a new item of kind with empty lists rather than nulls.
func emptyItem(kind lists.Kind) any {
	if kind == lists.KindPower {
		return lists.PowerItem{Basis: []lists.Basis{}, Joint: []string{}, Levels: []string{}, Audience: []string{},
			Fee: lists.Fee{Items: []string{}}, Materials: []lists.Material{}, Steps: []lists.Step{}, IntegrityRisks: []string{}}
	}
	return lists.ServiceItem{Materials: []lists.Material{}, Fee: lists.Fee{Items: []string{}}}
}

func (p *planner) create(e *Entry, given, defaults map[string]any) *Entry {
	fields, err := toFields(emptyItem(e.Kind))
	if err == nil {
		err = overlay(fields, defaults, given, map[string]any{"code": e.Code})
	}
	if err != nil {
		return reject(e, err.Error())
	}
	item, err := validItem(e.Kind, fields)
	if err != nil {
		return reject(e, err.Error())
	}
	e.Action, e.Item = Create, item
	if e.Kind == lists.KindService {
		var s lists.ServiceItem
		json.Unmarshal(item, &s)
		e.powerCode = s.PowerCode
	}
	return e
}

func (p *planner) amend(e *Entry, cur *lists.Item, given map[string]any) *Entry {
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(cur.Raw, &fields); err != nil {
		return reject(e, fmt.Sprintf("listed item unreadable: %v", err))
	}
	changes := map[string]json.RawMessage{}
	for k, v := range given {
		raw, err := json.Marshal(cleanStrings(normalized(v)))
		if err != nil {
			return reject(e, err.Error())
		}
		if old, ok := fields[k]; !ok || !sameValue(old, raw) {
			changes[k] = raw
			fields[k] = raw
		}
	}
	if len(changes) == 0 {
		e.Action = Unchanged
		return e
	}
	item, err := validItem(e.Kind, fields)
	if err != nil {
		return reject(e, err.Error())
	}
	if e.Kind == lists.KindService {
		var s lists.ServiceItem
		json.Unmarshal(item, &s)
		e.powerCode = s.PowerCode
	}
	e.Action, e.Changes = Amend, changes
	for k := range changes {
		e.Fields = append(e.Fields, k)
	}
	sort.Strings(e.Fields)
	return e
}

// toFields encodes an item as its fields.
func toFields(item any) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(item)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	return m, json.Unmarshal(b, &m)
}

// overlay sets the values of each layer in turn, strings cleaned.
func overlay(fields map[string]json.RawMessage, layers ...map[string]any) error {
	for _, l := range layers {
		for k, v := range l {
			raw, err := json.Marshal(cleanStrings(normalized(v)))
			if err != nil {
				return err
			}
			fields[k] = raw
		}
	}
	return nil
}

// validItem decodes fields as an item of kind, validates it and returns
// its JSON; a validation failure names the fields.
func validItem(kind lists.Kind, fields map[string]json.RawMessage) (json.RawMessage, error) {
	raw, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	var v interface{ Validate() error }
	if kind == lists.KindPower {
		v = &lists.PowerItem{}
	} else {
		v = &lists.ServiceItem{}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return nil, err
	}
	if err := v.Validate(); err != nil {
		var ve *store.ValidationError
		if errors.As(err, &ve) {
			return nil, errors.New(strings.TrimPrefix(ve.Error(), "invalid: "))
		}
		return nil, err
	}
	return json.Marshal(v)
}

// finish fills the file-wide parts of the plan.
func (p *planner) finish(kinds map[lists.Kind]bool) {
	for i := range p.plan.Departments {
		p.plan.Departments[i].Rows = p.newDepts[p.plan.Departments[i].Code].Rows
	}
	p.plan.MatchedDepts = len(p.matched)
	for _, k := range []lists.Kind{lists.KindPower, lists.KindService} {
		if !kinds[k] {
			continue
		}
		for _, f := range p.lay.importKeys(k) {
			if !p.hasField(f, k) {
				p.plan.Missing[k] = append(p.plan.Missing[k], f)
			}
		}
	}
	if p.droppedParents > 0 {
		p.plan.Ignored = append(p.plan.Ignored, fmt.Sprintf("%s of %d service rows: services have no 主项; their 事项名称 is their name",
			label("parent_name"), p.droppedParents))
	}
	for _, c := range append(slices.Clone(p.t.Columns), p.t.UnknownColumns...) {
		switch why, known := ignoredWhy[c]; {
		case p.used[c] || c == "status":
		case known:
			p.plan.Ignored = append(p.plan.Ignored, label(c)+": "+why)
		case slices.Contains(p.t.Columns, c):
			p.plan.Ignored = append(p.plan.Ignored, label(c)+": not a field of the items in this file")
		default:
			p.plan.Ignored = append(p.plan.Ignored, c+": not a known column")
		}
	}
}

// hasField reports whether the file has a column for an item field.
func (p *planner) hasField(f string, k lists.Kind) bool {
	switch f {
	case "dept":
		return p.has["dept"] || p.has["dept_name"] || p.opts.Dept != ""
	case "subitem":
		return p.has["subitem"] || p.has["parent_name"]
	case "category":
		return p.has["category"] || p.opts.Category != "" || k == lists.KindService
	}
	return p.has[f]
}

// checkPowers rejects services to create or amend whose power is neither
// listed in force nor created by the plan.
func (p *planner) checkPowers() {
	inForce := map[string]bool{}
	for code, it := range p.items[lists.KindPower] {
		inForce[code] = it.Status == lists.StatusInForce
	}
	for _, e := range p.plan.Entries {
		if e.Kind == lists.KindPower && e.Action == Create {
			inForce[e.Code] = true
		}
	}
	for _, e := range p.plan.Entries {
		if e.Kind == lists.KindService && (e.Action == Create || e.Action == Amend) && e.powerCode != "" && !inForce[e.powerCode] {
			reject(e, fmt.Sprintf("power_code: power %s is not on the list in force, nor created by this file", e.powerCode))
		}
	}
}
