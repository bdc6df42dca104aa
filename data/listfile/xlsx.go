package listfile

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Limits on what an XLSX file may unpack to, so that a small upload cannot
// exhaust memory or disk.
const (
	xlsxUnzipLimit    = 512 << 20
	xlsxUnzipXMLLimit = 64 << 20
)

// readXLSX reads the first non-empty worksheet of a workbook. The value of
// a merged range is copied to every cell of it.
func readXLSX(content []byte, hm headerMatcher) (t *Table, err error) {
	defer func() {
		// excelize is a large third-party parser; a malformed workbook
		// must give an error, never bring the caller down.
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("listfile: reading xlsx: malformed workbook: %v", r)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(content), excelize.Options{
		UnzipSizeLimit:    xlsxUnzipLimit,
		UnzipXMLSizeLimit: xlsxUnzipXMLLimit,
	})
	if err != nil {
		return nil, fmt.Errorf("listfile: reading xlsx: %w", err)
	}
	defer f.Close()
	sheet, grid, err := firstSheet(f)
	if err != nil {
		return nil, err
	}
	if err := fillMerged(f, sheet, grid); err != nil {
		return nil, err
	}
	t, err = tableFromRecords(gridRecords(grid), FormatXLSX, "", hm)
	if t != nil {
		t.Sheet = sheet
	}
	return t, err
}

// firstSheet returns the name and the cell values of the first worksheet
// that has a non-empty cell.
func firstSheet(f *excelize.File) (string, [][]string, error) {
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			return "", nil, fmt.Errorf("listfile: reading xlsx sheet %q: %w", name, err)
		}
		for _, r := range rows {
			if !emptyCells(r) {
				return name, rows, nil
			}
		}
	}
	return "", nil, fmt.Errorf("%w: the workbook has no non-empty sheet", ErrNoHeader)
}

// fillMerged copies the value of each merged range to all its cells, within
// the extent of grid (a range reaching past the last row or column with
// data is cut there).
func fillMerged(f *excelize.File, sheet string, grid [][]string) error {
	merged, err := f.GetMergeCells(sheet, true)
	if err != nil {
		return fmt.Errorf("listfile: reading xlsx merged cells: %w", err)
	}
	width := 0
	for _, r := range grid {
		width = max(width, len(r))
	}
	for _, m := range merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		fillRange(grid, width, c1-1, r1-1, min(c2, width)-1, min(r2, len(grid))-1)
	}
	return nil
}

// fillRange copies grid[r1][c1] to every cell of the range (0-based,
// inclusive), growing rows up to width as needed.
func fillRange(grid [][]string, width, c1, r1, c2, r2 int) {
	if r1 < 0 || c1 < 0 || r1 >= len(grid) || c1 >= len(grid[r1]) {
		return
	}
	v := grid[r1][c1]
	for r := r1; r <= r2; r++ {
		for c := c1; c <= c2 && c < width; c++ {
			for len(grid[r]) <= c {
				grid[r] = append(grid[r], "")
			}
			grid[r][c] = v
		}
	}
}

// gridRecords numbers the rows of a sheet as Excel does.
func gridRecords(grid [][]string) []record {
	recs := make([]record, len(grid))
	for i, cells := range grid {
		recs[i] = record{line: i + 1, cells: cells}
	}
	return recs
}
