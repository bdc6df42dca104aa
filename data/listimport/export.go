package listimport

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"strconv"
	"strings"

	"qingdan/data/listfile"
	"qingdan/data/lists"
)

// Export formats.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// utf8BOM starts a CSV so that Excel reads it as UTF-8.
const utf8BOM = "\uFEFF"

// WriteCSV writes powers or services as Excel exchanges CSV: UTF-8 with a
// byte-order mark, CRLF line ends, a row of Chinese headers that
// listfile recognises, then one row per item, list-valued fields in the
// cell formats of the package documentation. deptNames maps department
// codes to the names written under 实施主体 and 联办机构 (a code missing
// from it is written as the code, which import also accepts). Importing
// the result changes nothing. The fields without a column of their own
// follow the hand-made columns, each under its Chinese label.
func WriteCSV(w io.Writer, kind lists.Kind, items []*lists.Item, deptNames map[string]string) error {
	return handLayout.writeCSV(w, kind, items, deptNames)
}

// writeCSV is WriteCSV with the columns of l.
func (l layout) writeCSV(w io.Writer, kind lists.Kind, items []*lists.Item, deptNames map[string]string) error {
	if _, ok := l.columns[kind]; !ok {
		return fmt.Errorf("listimport: CSV export covers powers, responsibilities and services, not %s (use JSON)", kind)
	}
	cols, generic := l.exportColumns(kind), l.genericExport(kind)
	bw := bufio.NewWriter(w)
	bw.WriteString(utf8BOM)
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.header
	}
	cw.Write(head)
	for _, it := range items {
		if it.Kind != kind {
			return fmt.Errorf("listimport: %s %s in a %s export", it.Kind, it.Code, kind)
		}
		cells, err := rowCells(it, deptNames, generic)
		if err != nil {
			return fmt.Errorf("listimport: %s %s: %w", kind, it.Code, err)
		}
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = inertCell(cells[c.key])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// rowCells renders the cells of one item by column key: the hand-made
// cells, and the generic fields' cells in place of any hand-made one.
func rowCells(it *lists.Item, deptNames map[string]string, generic []lists.Field) (map[string]string, error) {
	cells, err := csvCells(it, deptNames)
	if err != nil {
		return nil, err
	}
	g, err := genericCells(it.Raw, generic)
	if err != nil {
		return nil, err
	}
	for _, f := range generic {
		delete(cells, f.Key)
	}
	maps.Copy(cells, g)
	return cells, nil
}

// csvCells renders the cells of one item by field key.
func csvCells(it *lists.Item, deptNames map[string]string) (map[string]string, error) {
	name := func(code string) string {
		if n, ok := deptNames[code]; ok && n != "" {
			return n
		}
		return code
	}
	m := map[string]string{"status": formatStatus(it.Status), "version": strconv.Itoa(it.Version)}
	if it.Kind == lists.KindResponsibility {
		return responsibilityCells(it, m, name)
	}
	if it.Kind == lists.KindPower {
		var p lists.PowerItem
		if err := json.Unmarshal(it.Raw, &p); err != nil {
			return nil, err
		}
		joint := make([]string, len(p.Joint))
		for i, c := range p.Joint {
			joint[i] = name(c)
		}
		aud := make([]string, len(p.Audience))
		for i, a := range p.Audience {
			aud[i] = orSelf(audienceNames, a)
		}
		for k, v := range map[string]string{
			"code": p.Code, "name": p.Name, "subitem": p.Subitem, "category": categoryName(p.Category),
			"basis": formatBasis(p.Basis), "dept_name": name(p.Dept), "nature": p.Nature, "office": p.Office,
			"joint": strings.Join(joint, "\n"), "levels": strings.Join(p.Levels, "\n"),
			"audience": strings.Join(aud, "\n"), "legal_limit": formatLimit(p.LegalLimit),
			"promised_limit": formatLimit(p.PromisedLimit), "case_kind": formatCaseKind(p.CaseKind),
			"fee": formatFee(p.Fee), "conditions": p.Conditions, "materials": formatMaterials(p.Materials),
			"steps": formatSteps(p.Steps), "consult_phone": p.ConsultPhone, "complaint_phone": p.ComplaintPhone,
			"effective_from": p.EffectiveFrom, "penalty_scope": p.PenaltyScope,
			"integrity_risks": strings.Join(p.IntegrityRisks, "\n"),
		} {
			m[k] = v
		}
		return m, nil
	}
	var s lists.ServiceItem
	if err := json.Unmarshal(it.Raw, &s); err != nil {
		return nil, err
	}
	hot := "否"
	if s.Hot {
		hot = "是"
	}
	for k, v := range map[string]string{
		"code": s.Code, "name": s.Name, "audience": orSelf(serviceAudienceNames, s.Audience), "theme": s.Theme,
		"hot": hot, "online_depth": strconv.Itoa(s.OnlineDepth), "visits": strconv.Itoa(s.Visits),
		"dept_name": name(s.Dept), "power_code": s.PowerCode, "category": categoryName(s.Category),
		"materials": formatMaterials(s.Materials), "fee": formatFee(s.Fee),
		"legal_limit": formatLimit(s.LegalLimit), "promised_limit": formatLimit(s.PromisedLimit),
		"location": s.Location, "hours": s.Hours, "consult_phone": s.ConsultPhone,
	} {
		m[k] = v
	}
	return m, nil
}

func orSelf(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

func categoryName(c string) string {
	if n, ok := lists.CategoryNames[c]; ok {
		return n[0]
	}
	return c
}

// WriteJSON writes items as {"items":[…]}, each as lists.Item marshals it
// (its fields plus status, version and ledger_index), one per line.
// Importing the result changes nothing.
func WriteJSON(w io.Writer, kind lists.Kind, items []*lists.Item) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"items":[`)
	for i, it := range items {
		if it.Kind != kind {
			return fmt.Errorf("listimport: %s %s in a %s export", it.Kind, it.Code, kind)
		}
		b, err := it.MarshalJSON()
		if err != nil {
			return fmt.Errorf("listimport: %s %s: %w", kind, it.Code, err)
		}
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		bw.Write(b)
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// ExportAll writes every item of a list, repealed ones included, in
// format FormatCSV or FormatJSON.
func ExportAll(ctx context.Context, cat *lists.Catalog, kind lists.Kind, format string, w io.Writer) error {
	if format != FormatCSV && format != FormatJSON {
		return fmt.Errorf("listimport: export format %q (want csv or json)", format)
	}
	items, err := ListAll(ctx, cat, kind)
	if err != nil {
		return err
	}
	if format == FormatJSON {
		return WriteJSON(w, kind, items)
	}
	depts, err := ListAll(ctx, cat, lists.KindDepartment)
	if err != nil {
		return err
	}
	return WriteCSV(w, kind, items, deptNames(depts))
}

// deptNames maps department codes to names, leaving out the departments
// whose name another one shares (import could not tell them apart; their
// code is written instead).
func deptNames(depts []*lists.Item) map[string]string {
	names, uses := make(map[string]string, len(depts)), map[string]int{}
	for _, d := range depts {
		var dep lists.Department
		if json.Unmarshal(d.Raw, &dep) == nil {
			names[dep.Code] = dep.Name
			uses[listfile.NormalizeDeptName(dep.Name)]++
		}
	}
	for code, name := range names {
		if uses[listfile.NormalizeDeptName(name)] > 1 {
			delete(names, code)
		}
	}
	return names
}

// responsibilityCells fills a responsibility row: one line per stage
// ("受理：duty（basis）") and one per accountability case.
func responsibilityCells(it *lists.Item, m map[string]string, name func(string) string) (map[string]string, error) {
	var r lists.Responsibility
	if err := json.Unmarshal(it.Raw, &r); err != nil {
		return nil, err
	}
	stages := make([]string, len(r.Stages))
	for i, st := range r.Stages {
		stages[i] = st.Stage + "：" + st.Content
		if st.Basis != "" {
			stages[i] += "（" + st.Basis + "）"
		}
	}
	m["code"], m["dept_name"], m["stages"] = r.PowerCode, name(r.Dept), strings.Join(stages, "\n")
	m["accountability"] = strings.Join(r.Accountability, "\n")
	m["accountability_basis"], m["supervision_phone"] = r.AccountabilityBasis, r.SupervisionPhone
	return m, nil
}

// inertCell keeps a spreadsheet from reading a cell as a formula (CSV
// injection): a cell that begins with = + - @, a tab or a carriage return
// gets a leading apostrophe, which spreadsheets hide and the importer
// removes again (listfile.CleanCell).
func inertCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
