package listfile

import (
	"maps"
	"os"
	"reflect"
	"testing"
)

// TestReadGuanganCatalogue reads the real catalogue of 广安区 (see
// testdata/NOTICE.md).
func TestReadGuanganCatalogue(t *testing.T) {
	content, err := os.ReadFile("testdata/guangan-catalogue.csv")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := Read("guangan-catalogue.csv", content)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	t.Run("shape", func(t *testing.T) {
		wantCols := []string{"dept_name", "parent_name", "name", "category", "code", "guide_url"}
		if !reflect.DeepEqual(tb.Columns, wantCols) || len(tb.UnknownColumns) != 0 {
			t.Errorf("got columns %q, unknown %q, want %q, none", tb.Columns, tb.UnknownColumns, wantCols)
		}
		if tb.Encoding != EncUTF8BOM || tb.Format != FormatCSV || tb.HeaderLine != 1 {
			t.Errorf("got encoding %q, format %q, header line %d, want %q, %q, 1", tb.Encoding, tb.Format, tb.HeaderLine, EncUTF8BOM, FormatCSV)
		}
		if got, want := len(tb.Rows), 1135; got != want {
			t.Fatalf("got %d rows, want %d", got, want)
		}
		if first, last := tb.Rows[0].Line, tb.Rows[len(tb.Rows)-1].Line; first != 2 || last != 1136 {
			t.Errorf("got lines %d…%d, want 2…1136", first, last)
		}
	})
	t.Run("departments", func(t *testing.T) {
		depts := map[string]bool{}
		for _, r := range tb.Rows {
			depts[NormalizeDeptName(r.Fields["dept_name"])] = true
		}
		if got, want := len(depts), 34; got != want {
			t.Errorf("got %d departments, want %d", got, want)
		}
	})
	t.Run("categories", func(t *testing.T) {
		got := map[string]int{}
		for _, r := range tb.Rows {
			code, ok := NormalizeCategory(r.Fields["category"])
			if !ok {
				t.Errorf("line %d: category %q not recognised", r.Line, r.Fields["category"])
			}
			got[code]++
		}
		want := map[string]int{"XK": 536, "GG": 348, "QT": 182, "QR": 50, "JF": 9, "CJ": 8, "JL": 2}
		if !maps.Equal(got, want) {
			t.Errorf("got categories %v, want %v", got, want)
		}
	})
	t.Run("same rows from gb18030", func(t *testing.T) {
		gb, err := Read("guangan-catalogue.csv", gb18030(t, string(content[3:])))
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		if gb.Encoding != EncGB18030 || !reflect.DeepEqual(gb.Rows, tb.Rows) {
			t.Errorf("got encoding %q and %d rows, want %q and the rows of the utf-8 file", gb.Encoding, len(gb.Rows), EncGB18030)
		}
	})
	t.Run("codes", func(t *testing.T) {
		seen := map[string]int{}
		for _, r := range tb.Rows {
			c := r.Fields["code"]
			if c == "" {
				t.Errorf("line %d: empty code", r.Line)
			}
			if prev, dup := seen[c]; dup {
				t.Errorf("line %d: code %q already on line %d", r.Line, c, prev)
			}
			seen[c] = r.Line
		}
	})
}
