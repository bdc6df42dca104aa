package listfile

import (
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"
)

// sheetSpec describes a worksheet to build: cell values by address and
// merged ranges.
type sheetSpec struct {
	name   string
	cells  map[string]any
	merged [][2]string
}

// buildXLSX writes a workbook with the given sheets (the default sheet is
// renamed to the first one).
func buildXLSX(t testing.TB, sheets ...sheetSpec) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatalf("SetSheetName: %v", err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatalf("NewSheet: %v", err)
		}
		for addr, v := range s.cells {
			if err := f.SetCellValue(s.name, addr, v); err != nil {
				t.Fatalf("SetCellValue(%s): %v", addr, err)
			}
		}
		for _, m := range s.merged {
			if err := f.MergeCell(s.name, m[0], m[1]); err != nil {
				t.Fatalf("MergeCell(%s:%s): %v", m[0], m[1], err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatalf("WriteToBuffer: %v", err)
	}
	return buf.Bytes()
}

func xlsxCases(t testing.TB) []readCase {
	return []readCase{
		{name: "merged cells", file: "list.xlsx",
			content: buildXLSX(t, sheetSpec{name: "权力清单",
				cells: map[string]any{
					"A1": "广安区权力清单",
					"A2": "序号", "B2": "实施主体", "C2": "事项名称", "D2": "子项名称", "E2": "事项类型",
					"A3": 1, "B3": "区民政局", "C3": "社会团体登记", "D3": "成立登记", "E3": "行政许可",
					"A4": 2, "D4": "变更登记",
					"A5": 3, "D5": "注销登记",
					"A6": 4, "B6": "区 经信局", "C6": "企业投资项目备案", "D6": "", "E6": "其他行政权力",
				},
				merged: [][2]string{{"A1", "E1"}, {"B3", "B5"}, {"C3", "C5"}, {"E3", "E5"}, {"D6", "E6"}},
			}),
			wantFormat: FormatXLSX, wantCols: []string{"dept_name", "name", "subitem", "category"},
			wantRows: []Row{
				row(3, "dept_name", "区民政局", "name", "社会团体登记", "subitem", "成立登记", "category", "行政许可"),
				row(4, "dept_name", "区民政局", "name", "社会团体登记", "subitem", "变更登记", "category", "行政许可"),
				row(5, "dept_name", "区民政局", "name", "社会团体登记", "subitem", "注销登记", "category", "行政许可"),
				row(6, "dept_name", "区 经信局", "name", "企业投资项目备案", "subitem", "", "category", ""),
			}},
		{name: "first non-empty sheet, blank rows, dirty cells", file: "list.xlsx",
			content: buildXLSX(t,
				sheetSpec{name: "说明", cells: map[string]any{}},
				sheetSpec{name: "清单", cells: map[string]any{
					"B3": "事项 名称", "C3": "法定办结时限（工作日）", "D3": "实施编码",
					"B4": "结婚登记&amp;lt;br&amp;gt;（内地居民）", "C4": "２０", "D4": 511602000000,
					"B7": "离婚登记", "C7": "即办", "D7": "QR-2",
				}},
				sheetSpec{name: "旧表", cells: map[string]any{"A1": "事项名称", "B1": "事项类型"}},
			),
			wantFormat: FormatXLSX, wantCols: []string{"name", "legal_limit", "code"},
			wantRows: []Row{
				row(4, "name", "结婚登记\n（内地居民）", "legal_limit", "20", "code", "511602000000"),
				row(7, "name", "离婚登记", "legal_limit", "即办", "code", "QR-2"),
			}},
	}
}

func TestReadXLSX(t *testing.T) {
	for _, tc := range xlsxCases(t) {
		t.Run(tc.name, func(t *testing.T) { checkTable(t, tc) })
	}
}

func TestReadXLSXSheetAndHeaderLine(t *testing.T) {
	content := buildXLSX(t,
		sheetSpec{name: "空表"},
		sheetSpec{name: "清单", cells: map[string]any{"A2": "事项名称", "B2": "事项类型", "A3": "甲", "B3": "行政许可"}},
	)
	for _, name := range []string{"list.xlsx", "list.XLSX", "list.csv", "list"} {
		t.Run(name, func(t *testing.T) {
			tb, err := Read(name, content)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if tb.Sheet != "清单" || tb.HeaderLine != 2 || tb.Format != FormatXLSX {
				t.Errorf("got sheet %q, header line %d, format %q, want %q, 2, %q", tb.Sheet, tb.HeaderLine, tb.Format, "清单", FormatXLSX)
			}
		})
	}
}

func TestReadXLSXEmptyWorkbook(t *testing.T) {
	_, err := Read("empty.xlsx", buildXLSX(t, sheetSpec{name: "Sheet1"}))
	if !errors.Is(err, ErrNoHeader) {
		t.Fatalf("Read of an empty workbook: got error %v, want %v", err, ErrNoHeader)
	}
}
