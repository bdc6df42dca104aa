package listfile

import "fmt"

// column is what a source column becomes in the table.
type column struct {
	key   string // field key; "" means the column is dropped
	known bool   // key is canonical
}

// columnSet assigns field keys to source columns, in file order.
type columnSet struct {
	cols []column
	used map[string]bool
	hm   headerMatcher
}

func newColumnSet(hm headerMatcher) *columnSet {
	return &columnSet{used: map[string]bool{}, hm: hm}
}

// add assigns a key to the column with the given header, index counted
// from 0, and appends it.
func (cs *columnSet) add(header string, index int) column {
	c := cs.assign(header, index)
	cs.cols = append(cs.cols, c)
	return c
}

func (cs *columnSet) assign(header string, index int) column {
	key, kind := cs.hm.classify(header)
	switch {
	case kind == kindDrop:
		return column{}
	case kind == kindKnown && !cs.used[key]:
		cs.used[key] = true
		return column{key: key, known: true}
	}
	label := headerLabel(header)
	if label == "" {
		label = fmt.Sprintf("column %d", index+1)
	}
	return column{key: cs.unique(label)}
}

// unique returns label, or label with " (n)" appended if it is taken, and
// marks the result as taken.
func (cs *columnSet) unique(label string) string {
	l := label
	for n := 2; cs.used[l]; n++ {
		l = fmt.Sprintf("%s (%d)", label, n)
	}
	cs.used[l] = true
	return l
}

// describe fills the column lists of t.
func (cs *columnSet) describe(t *Table) {
	for _, c := range cs.cols {
		switch {
		case c.key == "":
		case c.known:
			t.Columns = append(t.Columns, c.key)
		default:
			t.UnknownColumns = append(t.UnknownColumns, c.key)
		}
	}
}

// fields maps the cells of a grid row to the columns.
func (cs *columnSet) fields(cells []string) map[string]string {
	m := make(map[string]string, len(cs.cols))
	for i, c := range cs.cols {
		if c.key == "" {
			continue
		}
		v := ""
		if i < len(cells) {
			v = cells[i]
		}
		m[c.key] = v
	}
	return m
}

// gridColumns assigns keys to the columns of a grid: one per header cell,
// plus columns without a header that hold a value in some data row.
func gridColumns(header []string, data []record, hm headerMatcher) *columnSet {
	width := len(header)
	for _, r := range data {
		width = max(width, len(trimEmptyTail(r.cells)))
	}
	cs := newColumnSet(hm)
	for i := range width {
		h := ""
		if i < len(header) {
			h = header[i]
		}
		if h == "" && !columnHasValue(data, i) {
			cs.cols = append(cs.cols, column{})
			continue
		}
		cs.add(h, i)
	}
	return cs
}

func columnHasValue(data []record, i int) bool {
	for _, r := range data {
		if i < len(r.cells) && r.cells[i] != "" {
			return true
		}
	}
	return false
}
