package listfile

import (
	"errors"
	"reflect"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// readCase is one file and the table it must give.
type readCase struct {
	name        string
	file        string
	content     []byte
	wantEnc     string
	wantFormat  string
	wantCols    []string
	wantUnknown []string
	wantRows    []Row
}

const sampleCSV = "实施主体,事项名称,事项类型\n区民政局,结婚登记,行政确认\n"

var sampleCols = []string{"dept_name", "name", "category"}

var sampleRows = []Row{{Line: 2, Fields: map[string]string{"dept_name": "区民政局", "name": "结婚登记", "category": "行政确认"}}}

// row builds a Row from alternating keys and values.
func row(line int, kv ...string) Row {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return Row{Line: line, Fields: m}
}

func gb18030(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding GB18030: %v", err)
	}
	return b
}

func utf16le(t testing.TB, s string) []byte {
	t.Helper()
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding UTF-16: %v", err)
	}
	return b
}

func textCases(t testing.TB) []readCase {
	return []readCase{
		{name: "utf-8 without bom", file: "a.csv", content: []byte(sampleCSV),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: sampleCols, wantRows: sampleRows},
		{name: "utf-8 with bom", file: "a.csv", content: append([]byte{0xEF, 0xBB, 0xBF}, sampleCSV...),
			wantEnc: EncUTF8BOM, wantFormat: FormatCSV, wantCols: sampleCols, wantRows: sampleRows},
		{name: "gb18030", file: "a.csv", content: gb18030(t, sampleCSV),
			wantEnc: EncGB18030, wantFormat: FormatCSV, wantCols: sampleCols, wantRows: sampleRows},
		{name: "utf-16 tab separated", file: "a.txt", content: utf16le(t, "实施主体\t事项名称\t事项类型\r\n区民政局\t结婚登记\t行政确认\r\n"),
			wantEnc: EncUTF16LE, wantFormat: FormatTSV, wantCols: sampleCols, wantRows: sampleRows},
		{name: "crlf", file: "a.csv", content: []byte("实施主体,事项名称,事项类型\r\n区民政局,结婚登记,行政确认\r\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: sampleCols, wantRows: sampleRows},
		{name: "upper-case extension", file: "A.CSV", content: []byte(sampleCSV),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: sampleCols, wantRows: sampleRows},
		{name: "quoted multi-line cells", file: "a.csv",
			content: []byte("事项名称,申请材料\r\n结婚登记,\"1.身份证\r\n2.户口簿\r\n3.照片\"\r\n离婚登记,\"离婚协议, 原件\"\r\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "materials"},
			wantRows: []Row{
				row(2, "name", "结婚登记", "materials", "1.身份证\n2.户口簿\n3.照片"),
				row(5, "name", "离婚登记", "materials", "离婚协议, 原件"),
			}},
		{name: "full-width digits and spaces", file: "a.csv",
			content: []byte("事项名称,法定办结时限,咨询电话\n结婚登记\u3000,２０个工作日,０８２６－２３３３１２３\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "legal_limit", "consult_phone"},
			wantRows: []Row{row(2, "name", "结婚登记", "legal_limit", "20个工作日", "consult_phone", "0826-2333123")}},
		{name: "entities escaped twice", file: "a.csv",
			content: []byte("事项名称,受理条件\n结婚登记,男&amp;amp;女&amp;lt;br&amp;gt;年满法定婚龄\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "conditions"},
			wantRows: []Row{row(2, "name", "结婚登记", "conditions", "男&女\n年满法定婚龄")}},
		{name: "br variants", file: "a.csv",
			content: []byte("事项名称,申请材料\n结婚登记,身份证<br>户口簿<br/>照片<BR />声明书<p>其他</p>\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "materials"},
			wantRows: []Row{row(2, "name", "结婚登记", "materials", "身份证\n户口簿\n照片\n声明书\n其他")}},
		{name: "control characters", file: "a.csv",
			content: []byte("事项名称,实施主体\n结婚\x00登记\x0b,区\x07民政局\u200b\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "dept_name"},
			wantRows: []Row{row(2, "name", "结婚登记", "dept_name", "区民政局")}},
		{name: "sequence columns dropped", file: "a.csv",
			content: []byte("序号,中央清单序号,事项名称,实施机关\n1,2,固定资产投资项目节能审查,区发改经信局\n2,,,\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "dept_name"},
			wantRows: []Row{row(2, "name", "固定资产投资项目节能审查", "dept_name", "区发改经信局")}},
		{name: "title and blank rows above the header", file: "a.csv",
			content: []byte("广安区政务服务事项目录,,\n\n,,\n（2024年版）\n序号,事项名称,事项类型\n1,结婚登记,行政确认\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "category"},
			wantRows: []Row{row(6, "name", "结婚登记", "category", "行政确认")}},
		{name: "header synonyms", file: "a.csv",
			content: []byte("权力名称,权力类别,实施 机关,法定期限（工作日）,承诺时限,监督电话,承办科室,层级\n" +
				"结婚登记,行政确认,区民政局,20,5,0826-12345,婚姻登记处,县\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV,
			wantCols: []string{"name", "category", "dept_name", "legal_limit", "promised_limit", "complaint_phone", "office", "levels"},
			wantRows: []Row{row(2, "name", "结婚登记", "category", "行政确认", "dept_name", "区民政局", "legal_limit", "20",
				"promised_limit", "5", "complaint_phone", "0826-12345", "office", "婚姻登记处", "levels", "县")}},
		{name: "header with br and full-width", file: "a.csv",
			content: []byte("事项<br>名称,\"实施\n主体\",ｃｏｄｅ\n结婚登记,区民政局,QR-001\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "dept_name", "code"},
			wantRows: []Row{row(3, "name", "结婚登记", "dept_name", "区民政局", "code", "QR-001")}},
		{name: "dept names with stray spaces", file: "a.csv",
			content: []byte("实施主体,事项名称\n 区 经信局 ,甲\n区经信局,乙\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"dept_name", "name"},
			wantRows: []Row{row(2, "dept_name", "区 经信局", "name", "甲"), row(3, "dept_name", "区经信局", "name", "乙")}},
		{name: "unknown and unnamed columns", file: "a.csv",
			content: []byte("事项名称,实施主体,联系人,联系人,,\n结婚登记,区民政局,张三,李四,,附注\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "dept_name"},
			wantUnknown: []string{"联系人", "联系人 (2)", "column 6"},
			wantRows:    []Row{row(2, "name", "结婚登记", "dept_name", "区民政局", "联系人", "张三", "联系人 (2)", "李四", "column 6", "附注")}},
		{name: "second column for a taken key", file: "a.csv",
			content: []byte("区级主管部门,事项名称,实施机关\n区发改经信局,固定资产投资项目节能审查,区发改经信局\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"dept_name", "name"}, wantUnknown: []string{"实施机关"},
			wantRows: []Row{row(2, "dept_name", "区发改经信局", "name", "固定资产投资项目节能审查", "实施机关", "区发改经信局")}},
		{name: "empty rows skipped, lines kept", file: "a.csv",
			content: []byte("事项名称,事项类型\n甲,行政许可\n,\n\n\" \",<br>\n乙,行政确认\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "category"},
			wantRows: []Row{row(2, "name", "甲", "category", "行政许可"), row(6, "name", "乙", "category", "行政确认")}},
		{name: "short rows and repeated header", file: "a.csv",
			content: []byte("事项名称,事项类型,备注\n甲\n事项名称,事项类型,备注\n乙,行政确认,x\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "category", "note"},
			wantRows: []Row{row(2, "name", "甲", "category", "", "note", ""), row(4, "name", "乙", "category", "行政确认", "note", "x")}},
		{name: "stray quotes", file: "a.csv",
			content: []byte("事项名称,依据\n甲,\"《条例》\"第3条\n乙,他说\"好\"\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "basis"},
			wantRows: []Row{row(2, "name", "甲", "basis", "《条例》第3条"), row(3, "name", "乙", "basis", "他说\"好\"")}},
		{name: "quote left open runs to the end", file: "a.csv",
			content: []byte("事项名称,依据\n甲,\"《条例》\n乙,丙\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "basis"},
			wantRows: []Row{row(2, "name", "甲", "basis", "《条例》\n乙,丙")}},
		{name: "escaped quotes", file: "a.csv",
			content: []byte("事项名称,依据\n甲,\"他说\"\"好\"\"\"\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "basis"},
			wantRows: []Row{row(2, "name", "甲", "basis", "他说\"好\"")}},
		{name: "header only", file: "a.csv", content: []byte("事项名称,事项类型\n"),
			wantEnc: EncUTF8, wantFormat: FormatCSV, wantCols: []string{"name", "category"}},
	}
}

func TestReadText(t *testing.T) {
	for _, tc := range textCases(t) {
		t.Run(tc.name, func(t *testing.T) { checkTable(t, tc) })
	}
}

// checkTable reads tc's file and compares the result with tc's wants.
func checkTable(t *testing.T, tc readCase) {
	t.Helper()
	got, err := Read(tc.file, tc.content)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if got.Encoding != tc.wantEnc {
		t.Errorf("Encoding = %q, want %q", got.Encoding, tc.wantEnc)
	}
	if got.Format != tc.wantFormat {
		t.Errorf("Format = %q, want %q", got.Format, tc.wantFormat)
	}
	if !reflect.DeepEqual(got.Columns, tc.wantCols) {
		t.Errorf("Columns = %q, want %q", got.Columns, tc.wantCols)
	}
	if !reflect.DeepEqual(got.UnknownColumns, tc.wantUnknown) {
		t.Errorf("UnknownColumns = %q, want %q", got.UnknownColumns, tc.wantUnknown)
	}
	if len(got.Rows) != len(tc.wantRows) {
		t.Fatalf("got %d rows %v, want %d rows %v", len(got.Rows), got.Rows, len(tc.wantRows), tc.wantRows)
	}
	for i, r := range got.Rows {
		if !reflect.DeepEqual(r, tc.wantRows[i]) {
			t.Errorf("row %d: got %+v, want %+v", i, r, tc.wantRows[i])
		}
	}
}

func TestReadDeptNamesMatchAfterNormalizing(t *testing.T) {
	tb, err := Read("a.csv", []byte("实施主体,事项名称\n 区 经信局 ,甲\n区经信局,乙\n"))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	a, b := NormalizeDeptName(tb.Rows[0].Fields["dept_name"]), NormalizeDeptName(tb.Rows[1].Fields["dept_name"])
	if a != b {
		t.Errorf("got %q and %q, want the same name", a, b)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content []byte
		want    error
	}{
		{"no header", "a.csv", []byte("甲,乙\n1,2\n"), ErrNoHeader},
		{"empty csv", "a.csv", nil, ErrNoHeader},
		{"header too low", "a.csv", []byte("t\nt\nt\nt\nt\nt\nt\nt\nt\nt\n事项名称,事项类型\n"), ErrNoHeader},
		{"one known column only", "a.csv", []byte("事项名称,说不清\n甲,乙\n"), ErrNoHeader},
		{"unknown extension", "a.pdf", []byte("%PDF-1.4"), ErrUnsupported},
		{"no extension, not json", "list", []byte("事项名称,事项类型\n"), ErrUnsupported},
		{"legacy xls", "a.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, ErrUnsupported},
		{"legacy xls named csv", "a.csv", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(tc.file, tc.content)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Read error = %v, want %v", err, tc.want)
			}
			if msg := err.Error(); len(msg) < 10 || msg[:10] != "listfile: " {
				t.Errorf("error %q, want prefix %q", msg, "listfile: ")
			}
		})
	}
}

func TestReadBrokenFiles(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content []byte
	}{
		{"xlsx not a zip", "a.xlsx", []byte("not a zip")},
		{"zip that is not a workbook", "a.xlsx", []byte("PK\x03\x04garbage")},
		{"json syntax", "a.json", []byte(`[{"name": }]`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := Read(tc.file, tc.content)
			if err == nil {
				t.Fatalf("Read = %+v, want an error", tb)
			}
			if msg := err.Error(); len(msg) < 10 || msg[:10] != "listfile: " {
				t.Errorf("error %q, want prefix %q", msg, "listfile: ")
			}
		})
	}
}
