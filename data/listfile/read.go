package listfile

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Formats reported in Table.Format.
const (
	FormatCSV  = "csv"  // comma-separated text (.csv, .txt)
	FormatTSV  = "tsv"  // tab-separated text (.tsv, or a .txt/.csv with tabs)
	FormatXLSX = "xlsx" // Office Open XML workbook
	FormatJSON = "json" // array of objects, or {"items": [...]}
)

// Table is the content of a list file, header resolved and cells cleaned.
type Table struct {
	// Columns are the canonical keys (see CanonicalKeys) of the recognised
	// columns, in file order.
	Columns []string
	// UnknownColumns are the cleaned header texts of the columns that are
	// not recognised, in file order; their values are in Row.Fields under
	// that text. A column without a header is called "column N" (N counted
	// from 1) and kept only if it holds a value. A second column that maps
	// to a key already taken (实施主体 and 主管部门 side by side) is kept
	// here too, under its own header text, so nothing is lost. A repeated
	// text gets " (2)", " (3)" … appended.
	UnknownColumns []string
	// Rows are the data rows. Empty rows (also those with nothing but a
	// 序号) and repetitions of the header row are skipped.
	Rows []Row
	// Encoding is one of EncUTF8, EncUTF8BOM, EncGB18030, EncUTF16LE,
	// EncUTF16BE for text formats, and empty for XLSX.
	Encoding string
	// Format is one of FormatCSV, FormatTSV, FormatXLSX, FormatJSON.
	Format string
	// Sheet is the worksheet read from an XLSX file.
	Sheet string
	// HeaderLine is the line (row) of the header, 0 for JSON.
	HeaderLine int
}

// Row is one data row.
type Row struct {
	// Line is where the row starts in the file as a person sees it, counted
	// from 1 and counting the header and any title or blank rows: the text
	// line (of a CSV, of the "{" of a JSON object) or the Excel row number.
	Line int
	// Fields maps every column of the table (canonical keys and unknown
	// header texts) to the cleaned cell value, "" for an empty cell. A key
	// is absent only when the file has no such column.
	Fields map[string]string
}

// Read parses a list file. The format is chosen by content where it is
// unmistakable (a ZIP archive is XLSX; an OLE2 compound file is a legacy
// .xls, not supported) and otherwise by the extension of name: .csv, .txt,
// .tsv; .xlsx, .xlsm; .json. A file with another extension is read as JSON
// if it starts with "[" or "{", else rejected with ErrUnsupported.
//
// The header is the first row, among the first 10 non-empty rows, in which
// at least two different columns are recognised (MatchHeader; a 序号 column
// counts). Rows above it are ignored; Read returns ErrNoHeader if there is
// none. Every cell goes through CleanCell. Read never panics.
func Read(name string, content []byte) (*Table, error) {
	return ReadWith(name, content, ReadOptions{})
}

// ReadOptions tune ReadWith.
type ReadOptions struct {
	// Headers maps more column headers (or JSON keys) to field keys: the
	// names of fields an importer reads that the synonyms here do not
	// cover. They are compared as MatchHeader compares headers (spaces,
	// width and marks aside) and win over the synonyms, so that a header
	// such as 办理时间说明 is not taken for 办理时间 (hours) by prefix.
	Headers map[string]string
}

// ReadWith is Read with the columns opts adds: a column whose header is
// one of opts.Headers is a recognised column under its key.
func ReadWith(name string, content []byte, opts ReadOptions) (*Table, error) {
	format, err := detectFormat(name, content)
	if err != nil {
		return nil, err
	}
	hm := newHeaderMatcher(opts.Headers)
	switch format {
	case FormatXLSX:
		return readXLSX(content, hm)
	case FormatJSON:
		return readJSON(content, hm)
	}
	return readCSV(name, content, hm)
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// detectFormat chooses the reader for a file.
func detectFormat(name string, content []byte) (string, error) {
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(content, zipMagic):
		return FormatXLSX, nil
	case bytes.HasPrefix(content, oleMagic):
		return "", fmt.Errorf("%w: %q is a legacy excel 97-2003 (or wps) file; save it as .xlsx or .csv", ErrUnsupported, name)
	}
	switch ext {
	case ".csv", ".txt", ".tsv":
		return FormatCSV, nil
	case ".xlsx", ".xlsm":
		return FormatXLSX, nil
	case ".json":
		return FormatJSON, nil
	}
	if looksLikeJSON(content) {
		return FormatJSON, nil
	}
	return "", fmt.Errorf("%w: %q (want .csv, .txt, .tsv, .xlsx or .json)", ErrUnsupported, name)
}

// looksLikeJSON reports whether the text starts with "[" or "{".
func looksLikeJSON(content []byte) bool {
	text, _ := decodeText(content)
	text = strings.TrimSpace(text)
	return strings.HasPrefix(text, "[") || strings.HasPrefix(text, "{")
}

// record is one row of a grid file before the header is known.
type record struct {
	line  int
	cells []string
}

// headerScanRows is how many non-empty rows are searched for the header.
const headerScanRows = 10

// tableFromRecords finds the header among recs and builds the table. The
// cells are cleaned in place.
func tableFromRecords(recs []record, format, enc string, hm headerMatcher) (*Table, error) {
	for i := range recs {
		for j, c := range recs[i].cells {
			recs[i].cells[j] = CleanCell(c)
		}
	}
	recs = nonEmpty(recs)
	h, ok := findHeader(recs, hm)
	if !ok {
		return nil, fmt.Errorf("%w: no row among the first %d names two known columns (such as 事项名称, 实施主体, 事项类型)", ErrNoHeader, headerScanRows)
	}
	header, data := recs[h], dropHeaderRepeats(recs[h+1:], recs[h].cells)
	cols := gridColumns(header.cells, data, hm)
	t := &Table{Format: format, Encoding: enc, HeaderLine: header.line}
	cols.describe(t)
	for _, r := range data {
		if f := cols.fields(r.cells); !emptyFields(f) {
			t.Rows = append(t.Rows, Row{Line: r.line, Fields: f})
		}
	}
	return t, nil
}

// emptyFields reports whether a row has no value (a row with only a 序号
// counts as empty).
func emptyFields(m map[string]string) bool {
	for _, v := range m {
		if v != "" {
			return false
		}
	}
	return true
}

// nonEmpty returns the records that have at least one non-empty cell.
func nonEmpty(recs []record) []record {
	out := recs[:0:0]
	for _, r := range recs {
		if !emptyCells(r.cells) {
			out = append(out, r)
		}
	}
	return out
}

func emptyCells(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

// findHeader returns the index of the header among the first rows.
func findHeader(recs []record, hm headerMatcher) (int, bool) {
	for i := 0; i < len(recs) && i < headerScanRows; i++ {
		if recognised(recs[i].cells, hm) >= 2 {
			return i, true
		}
	}
	return 0, false
}

// recognised counts the distinct columns of a row that MatchHeader knows
// (a 序号 column counts once).
func recognised(cells []string, hm headerMatcher) int {
	seen := map[string]bool{}
	for _, c := range cells {
		if c == "" {
			continue
		}
		switch key, kind := hm.classify(c); kind {
		case kindKnown:
			seen[key] = true
		case kindDrop:
			seen["#seq"] = true
		}
	}
	return len(seen)
}

// dropHeaderRepeats removes rows equal to the header, as multi-page
// exports repeat it.
func dropHeaderRepeats(recs []record, header []string) []record {
	out := recs[:0:0]
	for _, r := range recs {
		if !sameCells(r.cells, header) {
			out = append(out, r)
		}
	}
	return out
}

// sameCells compares two rows, ignoring trailing empty cells.
func sameCells(a, b []string) bool {
	return slices.Equal(trimEmptyTail(a), trimEmptyTail(b))
}

func trimEmptyTail(s []string) []string {
	for len(s) > 0 && s[len(s)-1] == "" {
		s = s[:len(s)-1]
	}
	return s
}
