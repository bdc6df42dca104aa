package listfile

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxCleanPasses bounds CleanCell's repetition. Every pass either shortens
// the text or replaces characters by their half-width form, so the fixed
// point is normally reached in two or three passes; the bound only guards
// against pathological input.
const maxCleanPasses = 32

var (
	// ampChain matches "&" followed by any number of escaped ampersands,
	// the residue of escaping a text several times ("&amp;amp;lt;").
	ampChain = regexp.MustCompile(`(?i)&(?:amp;|#0*38;|#x0*26;)+`)
	// entity matches a character reference closed by ";". References
	// without the ";" (which HTML accepts for &amp, &copy, &reg, &not …)
	// are left alone: in URLs they are query parameters (&region=, &notice=).
	entity = regexp.MustCompile(`&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});`)
	// htmlComment matches an HTML comment.
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	// breakTag matches the tags that end a line: <br>, <br/>, <BR />, <p>,
	// </p>, <div>, <li>, <tr> and their closing forms.
	breakTag = regexp.MustCompile(`(?i)</?(?:br|p|div|li|tr)\b[^<>]*>`)
	// otherTag matches any other start or end tag. The name must start with
	// an ASCII letter right after "<", so "<5天", "a < b" or
	// "<中华人民共和国…>" are left alone.
	otherTag = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>`)
)

// CleanCell returns the text of a cell as a person would read it:
//
//   - a leading apostrophe before = + - or @ (a spreadsheet's mark of a
//     cell as text, which qingdan's CSV export adds) is removed;
//   - HTML character references (&lt; &#20013; &#x4e2d; …) are unescaped
//     until none is left ("&amp;lt;br&amp;gt;" becomes "<br>", and then a
//     line break); only references closed by ";" count, so the query
//     parameters of a URL (&region=, &para=) are left alone;
//   - <br>, <br/>, <BR />, <p>, </p>, <div>, <li>, <tr> become line breaks,
//     other tags and comments are removed;
//   - control and invisible format characters (zero-width space, BOM) are
//     removed, tabs become spaces, CR and CRLF become LF;
//   - full-width digits, Latin letters and the symbols － ／ ． become
//     half-width, and ： does too between two digits ("９：３０" → "9:30");
//     Chinese punctuation such as （）《》，、；：。 is kept as it is;
//   - non-breaking, ideographic and other Unicode spaces count as spaces;
//     runs of spaces become one, each line is trimmed and empty lines are
//     dropped.
//
// Invalid UTF-8 becomes U+FFFD. CleanCell is idempotent:
// CleanCell(CleanCell(s)) == CleanCell(s).
func CleanCell(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	for range maxCleanPasses {
		t := cleanPass(s)
		if t == s {
			break
		}
		s = t
	}
	return s
}

// cleanPass applies every cleaning step once.
func cleanPass(s string) string {
	s = formulaText(s)
	s = stripMarkup(s)
	s = normalizeRunes(s)
	s = halfWidthColons(s)
	return collapseSpaces(s)
}

// stripMarkup unescapes entities and removes or replaces tags.
func stripMarkup(s string) string {
	if strings.IndexByte(s, '&') >= 0 {
		s = ampChain.ReplaceAllString(s, "&")
		s = entity.ReplaceAllStringFunc(s, html.UnescapeString)
	}
	if strings.IndexByte(s, '<') >= 0 {
		s = htmlComment.ReplaceAllString(s, "")
		s = breakTag.ReplaceAllString(s, "\n")
		s = otherTag.ReplaceAllString(s, "")
	}
	return s
}

// normalizeRunes maps line ends, spaces, control characters and full-width
// forms rune by rune.
func normalizeRunes(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r = mapRune(r); r >= 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mapRune returns the replacement of r, or -1 to drop it.
func mapRune(r rune) rune {
	switch {
	case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
		return '\n'
	case r == '\t' || unicode.IsSpace(r):
		return ' '
	case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
		return -1
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
		return r - '０' + '0'
	case r == '－' || r == '／' || r == '．':
		return r - '０' + '0'
	}
	return r
}

// halfWidthColons replaces a full-width colon between two ASCII digits
// (a time of day such as 9：30) by ":". Elsewhere "：" is Chinese
// punctuation and stays.
func halfWidthColons(s string) string {
	if !strings.Contains(s, "：") {
		return s
	}
	rs := []rune(s)
	for i := 1; i+1 < len(rs); i++ {
		if rs[i] == '：' && isDigit(rs[i-1]) && isDigit(rs[i+1]) {
			rs[i] = ':'
		}
	}
	return string(rs)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// collapseSpaces collapses runs of spaces, trims every line and drops empty
// lines.
func collapseSpaces(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// squeezeSpaces removes every space or line break next to a non-ASCII
// character and turns the remaining ones into single spaces, so "办理\n地点"
// reads "办理地点" while "Guide URL" keeps its space.
func squeezeSpaces(s string) string {
	fields := strings.Fields(s)
	var b strings.Builder
	for i, f := range fields {
		if i > 0 && asciiEdge(fields[i-1], f) {
			b.WriteByte(' ')
		}
		b.WriteString(f)
	}
	return b.String()
}

// asciiEdge reports whether the last rune of a and the first rune of b are
// both ASCII.
func asciiEdge(a, b string) bool {
	last, _ := utf8.DecodeLastRuneInString(a)
	first, _ := utf8.DecodeRuneInString(b)
	return last < utf8.RuneSelf && first < utf8.RuneSelf
}

// formulaText removes the apostrophe that marks a cell beginning with
// = + - or @ as text in spreadsheets (and in qingdan's CSV export).
func formulaText(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
		return s[1:]
	}
	return s
}
