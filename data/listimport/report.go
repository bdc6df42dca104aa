package listimport

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"qingdan/data/lists"
)

// Counts returns the rows of a kind by action.
func (p *Plan) Counts(kind lists.Kind) Counts {
	var c Counts
	for _, e := range p.Entries {
		if e.Kind != kind {
			continue
		}
		switch e.Action {
		case Create:
			c.Create++
		case Amend:
			c.Amend++
		case Unchanged:
			c.Unchanged++
		case Reject:
			c.Reject++
		}
	}
	return c
}

// Changes counts the ledger entries Apply would append.
func (p *Plan) Changes() int {
	n := len(p.Departments)
	for _, e := range p.Entries {
		if e.Action == Create || e.Action == Amend {
			n++
		}
	}
	return n
}

// Summary is one line per kind with the counts, and the departments.
func (p *Plan) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d rows", p.Rows)
	if p.Source != "" {
		fmt.Fprintf(&b, " of %s", p.Source)
	}
	b.WriteString("\n")
	for _, k := range []lists.Kind{lists.KindPower, lists.KindService} {
		c := p.Counts(k)
		fmt.Fprintf(&b, "%-8s %4d rows: %d create, %d amend, %d unchanged, %d rejected\n",
			string(k)+"s", c.Total(), c.Create, c.Amend, c.Unchanged, c.Reject)
	}
	fmt.Fprintf(&b, "departments: %d to create, %d listed ones named\n", len(p.Departments), p.MatchedDepts)
	fmt.Fprintf(&b, "ledger entries to append: %d\n", p.Changes())
	return b.String()
}

// Report writes the summary, then the rejected rows with their reason,
// the amendments with their fields, the departments to create, the
// missing columns and empty cells, the columns not imported, the notes,
// and the codes shortened for new items.
func (p *Plan) Report(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "import plan (%s, %s)\n", p.Format, orDash(p.Encoding))
	b.WriteString(p.Summary())
	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s (%d):\n", title, len(lines))
		for _, l := range lines {
			b.WriteString("  " + l + "\n")
		}
	}
	var rejected, amended, shortened []string
	notes := map[string][]int{}
	for _, e := range p.Entries {
		switch e.Action {
		case Reject:
			rejected = append(rejected, fmt.Sprintf("line %d: %s %s %s: %s", e.Line, e.Kind, orDash(e.Code), e.Name, e.Reason))
		case Amend:
			amended = append(amended, fmt.Sprintf("line %d: %s %s %s: %s", e.Line, e.Kind, e.Code, e.Name, strings.Join(e.Fields, ", ")))
		}
		if e.FileCode != "" && e.Action == Create {
			shortened = append(shortened, fmt.Sprintf("line %d: %s → %s", e.Line, e.FileCode, e.Code))
		}
		if e.Action == Create || e.Action == Amend {
			for _, n := range e.Notes {
				notes[n] = append(notes[n], e.Line)
			}
		}
	}
	section("rejected", rejected)
	section("amended (fields that change)", amended)
	var depts []string
	for _, d := range p.Departments {
		depts = append(depts, fmt.Sprintf("%s %s (first on line %d, %s)", d.Code, d.Name, d.Line, rows(d.Rows)))
	}
	section("departments to create", depts)
	var missing []string
	for _, k := range []lists.Kind{lists.KindPower, lists.KindService} {
		if fs := p.Missing[k]; len(fs) > 0 {
			ls := make([]string, len(fs))
			for i, f := range fs {
				ls[i] = label(f)
			}
			missing = append(missing, string(k)+"s: "+strings.Join(ls, ", "))
		}
	}
	section("missing columns (new items leave these empty or 0; listed items keep theirs)", missing)
	var empty []string
	for _, k := range sortedKeys(p.Empty) {
		empty = append(empty, fmt.Sprintf("%s: %s (%s)", label(k), rows(len(p.Empty[k])), lineList(p.Empty[k])))
	}
	section("empty cells (not set)", empty)
	section("columns not imported", p.Ignored)
	var noted []string
	for _, n := range sortedKeys(notes) {
		noted = append(noted, fmt.Sprintf("%s: %s (%s)", n, rows(len(notes[n])), lineList(notes[n])))
	}
	section("notes on rows to create or amend", noted)
	if len(shortened) > 0 {
		b.WriteString("\ncodes longer than 36 characters: basic code + \"-\" + 12 hex digits of SHA-256 of the whole code")
		section("codes shortened for new items (file → list)", shortened)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func rows(n int) string {
	if n == 1 {
		return "1 row"
	}
	return strconv.Itoa(n) + " rows"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// lineList writes line numbers compactly: "lines 2-5, 9", at most 20
// ranges.
func lineList(ls []int) string {
	var parts []string
	for i := 0; i < len(ls); {
		j := i
		for j+1 < len(ls) && ls[j+1] == ls[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.Itoa(ls[i])+"-"+strconv.Itoa(ls[j]))
		} else {
			parts = append(parts, strconv.Itoa(ls[i]))
		}
		i = j + 1
	}
	if len(parts) > 20 {
		parts = append(parts[:20], fmt.Sprintf("… %d more", len(parts)-20))
	}
	prefix := "lines "
	if len(ls) == 1 {
		prefix = "line "
	}
	return prefix + strings.Join(parts, ", ")
}
