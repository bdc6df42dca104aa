package listfile

import (
	"path/filepath"
	"strings"
)

// readCSV reads comma- or tab-separated text.
func readCSV(name string, content []byte, hm headerMatcher) (*Table, error) {
	text, enc := decodeText(content)
	format, sep := FormatCSV, byte(',')
	if strings.EqualFold(filepath.Ext(name), ".tsv") || tabSeparated(text) {
		format, sep = FormatTSV, '\t'
	}
	return tableFromRecords(csvRecords(text, sep), format, enc, hm)
}

// csvRecords splits text into records, each with the line it starts on.
// It follows Excel rather than RFC 4180 where files are malformed: a quote
// opens a quoted cell only at the start of a cell, "" inside it is a quote,
// and text after the closing quote is appended literally ("《条例》"第3条 is
// 《条例》第3条), so a stray quote cannot swallow the rest of the file
// unless it is left open. Rows may have any number of cells; it never fails.
func csvRecords(text string, sep byte) []record {
	p := csvParser{text: text, sep: sep, line: 1}
	for p.i < len(p.text) {
		p.recs = append(p.recs, p.record())
	}
	return p.recs
}

// csvParser is the state of csvRecords.
type csvParser struct {
	text string
	sep  byte
	i    int // offset of the next byte
	line int // line of offset i
	recs []record
}

// record reads one record and the line end after it.
func (p *csvParser) record() record {
	r := record{line: p.line}
	for {
		r.cells = append(r.cells, p.cell())
		if p.i >= len(p.text) {
			return r
		}
		c := p.text[p.i]
		p.i++
		if c == '\n' {
			p.line++
			return r
		}
	}
}

// cell reads one cell, stopping at a separator, a line end or the end of
// the text (not consumed, except "\r" of "\r\n").
func (p *csvParser) cell() string {
	var b strings.Builder
	quoted := p.i < len(p.text) && p.text[p.i] == '"'
	if quoted {
		p.i++
	}
	for p.i < len(p.text) {
		c := p.text[p.i]
		switch {
		case quoted && c == '"' && p.i+1 < len(p.text) && p.text[p.i+1] == '"':
			b.WriteByte('"')
			p.i += 2
			continue
		case quoted && c == '"':
			quoted = false
			p.i++
			continue
		case !quoted && (c == p.sep || c == '\n'):
			return b.String()
		case !quoted && c == '\r' && p.i+1 < len(p.text) && p.text[p.i+1] == '\n':
			p.i++
			continue
		case c == '\n':
			p.line++
		}
		b.WriteByte(c)
		p.i++
	}
	return b.String()
}

// sniffLines is how many lines tabSeparated looks at.
const sniffLines = 10

// tabSeparated reports whether the first lines hold more tabs than commas,
// as in Excel's "text (tab delimited)" and "Unicode text" exports.
func tabSeparated(text string) bool {
	tabs, commas := 0, 0
	for i, l := range strings.SplitN(text, "\n", sniffLines+1) {
		if i == sniffLines {
			break
		}
		tabs += strings.Count(l, "\t")
		commas += strings.Count(l, ",")
	}
	return tabs > commas
}
