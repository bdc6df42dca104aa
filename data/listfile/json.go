package listfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jsonItem is one object of a JSON list, keys in file order.
type jsonItem struct {
	line   int
	keys   []string
	values []string
}

// readJSON reads an array of objects, or an object whose "items" member is
// such an array. Keys may be canonical keys or Chinese headers.
func readJSON(content []byte, hm headerMatcher) (*Table, error) {
	text, enc := decodeText(content)
	items, err := jsonItems(text)
	if err != nil {
		return nil, err
	}
	return tableFromItems(items, enc, hm)
}

// jsonItems parses the items of the list.
func jsonItems(text string) ([]jsonItem, error) {
	p := &jsonParser{dec: json.NewDecoder(strings.NewReader(text)), text: text, line: 1}
	p.dec.UseNumber()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, jsonErr(err)
	}
	switch tok {
	case json.Delim('['):
		return p.array()
	case json.Delim('{'):
		if err := p.seekItems(); err != nil {
			return nil, err
		}
		return p.array()
	}
	return nil, errors.New("listfile: reading json: want an array of objects or {\"items\": [...]}")
}

func jsonErr(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("listfile: reading json: %w", err)
}

// jsonParser walks the token stream and keeps track of line numbers.
type jsonParser struct {
	dec  *json.Decoder
	text string
	pos  int // offset up to which lines are counted
	line int // line at pos
}

// lineAt returns the line of byte offset off (≥ any earlier call's).
func (p *jsonParser) lineAt(off int) int {
	off = min(max(off, p.pos), len(p.text))
	p.line += strings.Count(p.text[p.pos:off], "\n")
	p.pos = off
	return p.line
}

// seekItems skips the members of the top-level object up to "items" and
// consumes the "[" that opens its value.
func (p *jsonParser) seekItems() error {
	for p.dec.More() {
		key, err := p.dec.Token()
		if err != nil {
			return jsonErr(err)
		}
		if key == "items" {
			tok, err := p.dec.Token()
			if err != nil {
				return jsonErr(err)
			}
			if tok != json.Delim('[') {
				return errors.New("listfile: reading json: \"items\" is not an array")
			}
			return nil
		}
		var skip json.RawMessage
		if err := p.dec.Decode(&skip); err != nil {
			return jsonErr(err)
		}
	}
	return errors.New("listfile: reading json: the object has no \"items\" array")
}

// array reads objects up to the closing "]".
func (p *jsonParser) array() ([]jsonItem, error) {
	var items []jsonItem
	for n := 1; p.dec.More(); n++ {
		tok, err := p.dec.Token()
		if err != nil {
			return nil, jsonErr(err)
		}
		if tok != json.Delim('{') {
			return nil, fmt.Errorf("listfile: reading json: item %d is not an object", n)
		}
		it, err := p.object(p.lineAt(int(p.dec.InputOffset()) - 1))
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	if _, err := p.dec.Token(); err != nil {
		return nil, jsonErr(err)
	}
	return items, nil
}

// object reads the members of an object whose "{" has been consumed.
func (p *jsonParser) object(line int) (jsonItem, error) {
	it := jsonItem{line: line}
	for p.dec.More() {
		key, err := p.dec.Token()
		if err != nil {
			return it, jsonErr(err)
		}
		var raw json.RawMessage
		if err := p.dec.Decode(&raw); err != nil {
			return it, jsonErr(err)
		}
		k, _ := key.(string)
		it.keys = append(it.keys, k)
		it.values = append(it.values, jsonText(raw))
	}
	if _, err := p.dec.Token(); err != nil {
		return it, jsonErr(err)
	}
	return it, nil
}

// jsonText renders a JSON value as cell text: strings as they are, null as
// "", numbers and booleans as written, an array of scalars one per line,
// anything else as compact JSON.
func jsonText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case 'n':
		return ""
	case '[':
		if s, ok := scalarList(raw); ok {
			return s
		}
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// scalarList joins an array of scalars with newlines.
func scalarList(raw json.RawMessage) (string, bool) {
	var elems []json.RawMessage
	if json.Unmarshal(raw, &elems) != nil {
		return "", false
	}
	parts := make([]string, 0, len(elems))
	for _, e := range elems {
		e = bytes.TrimSpace(e)
		if len(e) > 0 && (e[0] == '[' || e[0] == '{') {
			return "", false
		}
		parts = append(parts, jsonText(e))
	}
	return strings.Join(parts, "\n"), true
}

// tableFromItems builds the table of a JSON list. Columns are the keys in
// order of first appearance.
func tableFromItems(items []jsonItem, enc string, hm headerMatcher) (*Table, error) {
	cs := newColumnSet(hm)
	byKey := map[string]column{}
	t := &Table{Format: FormatJSON, Encoding: enc}
	for _, it := range items {
		for i, k := range it.keys {
			if _, ok := byKey[k]; !ok {
				byKey[k] = cs.add(k, len(cs.cols))
			}
			it.values[i] = CleanCell(it.values[i])
		}
	}
	if len(items) > 0 && !anyKnown(cs) {
		return nil, fmt.Errorf("%w: no json key is a known column (such as name, 事项名称)", ErrNoHeader)
	}
	cs.describe(t)
	for _, it := range items {
		if f := itemFields(cs, byKey, it); !emptyFields(f) {
			t.Rows = append(t.Rows, Row{Line: it.line, Fields: f})
		}
	}
	return t, nil
}

func anyKnown(cs *columnSet) bool {
	for _, c := range cs.cols {
		if c.known {
			return true
		}
	}
	return false
}

// itemFields maps the members of an item to the columns; every column of
// the table is present.
func itemFields(cs *columnSet, byKey map[string]column, it jsonItem) map[string]string {
	m := make(map[string]string, len(cs.cols))
	for _, c := range cs.cols {
		if c.key != "" {
			m[c.key] = ""
		}
	}
	for i, k := range it.keys {
		if c := byKey[k]; c.key != "" {
			m[c.key] = it.values[i]
		}
	}
	return m
}
