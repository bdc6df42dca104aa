package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"
)

// The canonical JSON of an entry's data follows RFC 8785 (JCS) with two
// restrictions that keep it simple to check in any language:
//   - object keys are sorted by Unicode code point (byte order of their
//     UTF-8) and unique;
//   - numbers are integers, written in shortest form, with magnitude at most
//     2^53-1 (so JavaScript verifiers read them exactly).
//
// Strings escape only '"', '\\' and control characters (\b \t \n \f \r, or
// \u00xx in lower-case hex); everything else is literal, valid UTF-8.
// There is no insignificant white space.
//
// We write our own encoder and checker instead of using a JCS library
// because verification checks the form of every entry of a million-entry
// log: a single pass over the bytes costs a fraction of re-encoding them.

const (
	maxSafeInteger = 1<<53 - 1
	maxDepth       = 64
)

// CanonicalJSON returns the canonical JSON of v, which may be any value that
// encoding/json marshals, or a json.RawMessage.
//
// A value whose encoding/json form is already canonical (a struct whose
// fields are declared in key order, with no HTML characters and no
// fractions) is returned as marshalled after one checking pass; anything
// else is decoded and re-encoded. FuzzCanonical holds the two to the same
// result: whatever CheckCanonical accepts, CanonicalJSON returns unchanged.
func CanonicalJSON(v any) ([]byte, error) {
	raw, ok := v.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("ledger: encode data: %w", err)
		}
	}
	if CheckCanonical(raw) == nil {
		return raw, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("ledger: decode data: %w", err)
	}
	return appendCanonical(nil, generic, 0)
}

func appendCanonical(dst []byte, v any, depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d", ErrInvalid, maxDepth)
	}
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case string:
		if !utf8.ValidString(x) {
			return nil, fmt.Errorf("%w: invalid UTF-8 in string", ErrInvalid)
		}
		return appendString(dst, x), nil
	case json.Number:
		return appendInteger(dst, x)
	case []any:
		return appendArray(dst, x, depth)
	case map[string]any:
		return appendObject(dst, x, depth)
	}
	return nil, fmt.Errorf("%w: unsupported JSON value %T", ErrInvalid, v)
}

func appendInteger(dst []byte, n json.Number) ([]byte, error) {
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || i > maxSafeInteger || i < -maxSafeInteger {
		return nil, fmt.Errorf("%w: number %s is not an integer within ±(2^53-1)", ErrInvalid, n)
	}
	return strconv.AppendInt(dst, i, 10), nil
}

func appendArray(dst []byte, a []any, depth int) ([]byte, error) {
	dst = append(dst, '[')
	for i, el := range a {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendCanonical(dst, el, depth+1); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

func appendObject(dst []byte, m map[string]any, depth int) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		if !utf8.ValidString(k) {
			return nil, fmt.Errorf("%w: invalid UTF-8 in key", ErrInvalid)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		var err error
		if dst, err = appendCanonical(dst, m[k], depth+1); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

const hexDigits = "0123456789abcdef"

// appendString writes s, which must be valid UTF-8, as a canonical JSON
// string.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c >= 0x20:
			dst = append(dst, c)
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	return append(dst, '"')
}

// scanner checks canonical JSON in one pass. Positions are byte offsets.
type scanner struct {
	b   []byte
	pos int
}

func (s *scanner) fail(format string, args ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", ErrNonCanonical, s.pos, fmt.Sprintf(format, args...))
}

func (s *scanner) expect(lit string) error {
	if !bytes.HasPrefix(s.b[s.pos:], []byte(lit)) {
		return s.fail("want %q", lit)
	}
	s.pos += len(lit)
	return nil
}

// value checks one canonical value starting at s.pos.
func (s *scanner) value(depth int) error {
	if depth > maxDepth {
		return s.fail("nested deeper than %d", maxDepth)
	}
	if s.pos >= len(s.b) {
		return s.fail("unexpected end")
	}
	switch c := s.b[s.pos]; {
	case c == '{':
		return s.object(depth)
	case c == '[':
		return s.array(depth)
	case c == '"':
		_, err := s.str()
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := s.integer()
		return err
	case c == 't':
		return s.expect("true")
	case c == 'f':
		return s.expect("false")
	case c == 'n':
		return s.expect("null")
	}
	return s.fail("unexpected character %q", s.b[s.pos])
}

func (s *scanner) object(depth int) error {
	s.pos++ // '{'
	var prev string
	for first := true; ; first = false {
		if s.pos < len(s.b) && s.b[s.pos] == '}' {
			s.pos++
			return nil
		}
		if !first {
			if err := s.expect(","); err != nil {
				return err
			}
		}
		key, err := s.str()
		if err != nil {
			return err
		}
		if !first && key <= prev {
			return s.fail("key %q out of order or repeated", key)
		}
		prev = key
		if err := s.expect(":"); err != nil {
			return err
		}
		if err := s.value(depth + 1); err != nil {
			return err
		}
	}
}

func (s *scanner) array(depth int) error {
	s.pos++ // '['
	for first := true; ; first = false {
		if s.pos < len(s.b) && s.b[s.pos] == ']' {
			s.pos++
			return nil
		}
		if !first {
			if err := s.expect(","); err != nil {
				return err
			}
		}
		if err := s.value(depth + 1); err != nil {
			return err
		}
	}
}

// str checks a canonical string at s.pos and returns its value.
func (s *scanner) str() (string, error) {
	if err := s.expect(`"`); err != nil {
		return "", err
	}
	start := s.pos
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch {
		case c == '"':
			raw := s.b[start:s.pos]
			s.pos++
			if !utf8.Valid(raw) {
				return "", s.fail("invalid UTF-8 in string")
			}
			return string(raw), nil
		case c == '\\':
			return s.escapedStr(start)
		case c < 0x20:
			return "", s.fail("unescaped control character")
		}
		s.pos++
	}
	return "", s.fail("unterminated string")
}

// escapedStr continues str for a string that contains escapes; it decodes
// into a buffer and checks every escape is the canonical one.
func (s *scanner) escapedStr(start int) (string, error) {
	buf := append([]byte(nil), s.b[start:s.pos]...)
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch {
		case c == '"':
			s.pos++
			if !utf8.Valid(buf) {
				return "", s.fail("invalid UTF-8 in string")
			}
			return string(buf), nil
		case c < 0x20:
			return "", s.fail("unescaped control character")
		case c != '\\':
			buf = append(buf, c)
			s.pos++
			continue
		}
		r, n, err := s.escape()
		if err != nil {
			return "", err
		}
		buf = append(buf, r)
		s.pos += n
	}
	return "", s.fail("unterminated string")
}

// escape decodes the escape at s.pos and returns its byte and length; only
// the escapes appendString writes are accepted.
func (s *scanner) escape() (byte, int, error) {
	rest := s.b[s.pos:]
	if len(rest) < 2 {
		return 0, 0, s.fail("unterminated escape")
	}
	switch rest[1] {
	case '"', '\\':
		return rest[1], 2, nil
	case 'b':
		return '\b', 2, nil
	case 't':
		return '\t', 2, nil
	case 'n':
		return '\n', 2, nil
	case 'f':
		return '\f', 2, nil
	case 'r':
		return '\r', 2, nil
	case 'u':
		if len(rest) >= 6 && rest[2] == '0' && rest[3] == '0' {
			hi, lo := bytes.IndexByte([]byte(hexDigits), rest[4]), bytes.IndexByte([]byte(hexDigits), rest[5])
			c := byte(hi<<4 | lo)
			if hi >= 0 && hi <= 1 && lo >= 0 && string(appendString(nil, string(rune(c)))) == `"`+string(rest[:6])+`"` {
				return c, 6, nil
			}
		}
	}
	return 0, 0, s.fail("non-canonical escape")
}

// integer checks a canonical integer at s.pos and returns it.
func (s *scanner) integer() (int64, error) {
	start := s.pos
	if s.pos < len(s.b) && s.b[s.pos] == '-' {
		s.pos++
	}
	digits := s.pos
	for s.pos < len(s.b) && s.b[s.pos] >= '0' && s.b[s.pos] <= '9' {
		s.pos++
	}
	text := string(s.b[start:s.pos])
	n, err := strconv.ParseInt(text, 10, 64)
	switch {
	case s.pos == digits:
		return 0, s.fail("number without digits")
	case err != nil || n > maxSafeInteger || n < -maxSafeInteger:
		return 0, s.fail("number %s out of range", text)
	case strconv.FormatInt(n, 10) != text:
		return 0, s.fail("number %s not in shortest form", text)
	}
	if s.pos < len(s.b) && (s.b[s.pos] == '.' || s.b[s.pos] == 'e' || s.b[s.pos] == 'E') {
		return 0, s.fail("numbers must be integers")
	}
	return n, nil
}

// CheckCanonical reports whether b is exactly one canonical JSON value.
func CheckCanonical(b []byte) error {
	s := &scanner{b: b}
	if err := s.value(0); err != nil {
		return err
	}
	if s.pos != len(b) {
		return s.fail("trailing bytes")
	}
	return nil
}
