package listfile

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzRead(f *testing.F) {
	for _, cases := range [][]readCase{textCases(f), xlsxCases(f), jsonCases(f)} {
		for _, tc := range cases {
			f.Add(tc.file, tc.content)
		}
	}
	f.Add("a.csv", []byte("\"unterminated\n事项名称,事项类型"))
	f.Add("a.json", []byte(`{"items": [{"事项名称": ["a", {"b": null}]}]}`))
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		tb, err := Read(name, content)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "listfile: ") {
				t.Errorf("error %q, want prefix %q", err, "listfile: ")
			}
			return
		}
		checkInvariants(t, tb)
	})
}

// checkInvariants checks what every table Read returns must satisfy.
func checkInvariants(t *testing.T, tb *Table) {
	t.Helper()
	keys := append(append([]string{}, tb.Columns...), tb.UnknownColumns...)
	prev := 0
	for _, r := range tb.Rows {
		// JSON objects may share a line (a one-line file); rows of other
		// formats each have their own.
		if r.Line < prev || (r.Line == prev && tb.Format != "json") {
			t.Errorf("row line %d after line %d, want increasing lines", r.Line, prev)
		}
		prev = r.Line
		if len(r.Fields) != len(keys) {
			t.Errorf("line %d: got %d fields, want %d (%q)", r.Line, len(r.Fields), len(keys), keys)
		}
		for _, k := range keys {
			v, ok := r.Fields[k]
			if !ok {
				t.Errorf("line %d: no field %q", r.Line, k)
			}
			if CleanCell(v) != v {
				t.Errorf("line %d: field %q = %q is not clean", r.Line, k, v)
			}
		}
	}
}

func FuzzCleanCell(f *testing.F) {
	for _, tc := range cleanCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanCell(s)
		if again := CleanCell(got); again != got {
			t.Errorf("CleanCell(CleanCell(%q)) = %q, want %q", s, again, got)
		}
		if !utf8.ValidString(got) {
			t.Errorf("CleanCell(%q) = %q, not valid UTF-8", s, got)
		}
		if strings.TrimSpace(got) != got {
			t.Errorf("CleanCell(%q) = %q, not trimmed", s, got)
		}
		for _, r := range got {
			if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
				t.Errorf("CleanCell(%q) = %q, has control character %U", s, got, r)
			}
		}
	})
}
