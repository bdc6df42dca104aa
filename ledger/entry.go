package ledger

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// MaxEntrySize is the largest entry body, in bytes.
const MaxEntrySize = 64 << 10

// TimeFormat is the one way an entry writes its time: UTC, microseconds.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// Entry is one decoded log entry (账本条目).
type Entry struct {
	Index int64           // position in the log, from 0
	Time  time.Time       // UTC, microsecond precision
	Type  string          // what happened, e.g. "power.published"
	Actor string          // who did it (a username, "public" or "system")
	Dept  string          // the department it concerns, or ""
	Prev  tlog.Hash       // leaf hash of entry Index-1; zero for entry 0
	Data  json.RawMessage // canonical JSON object
}

// LeafHash returns the RFC 6962 leaf hash SHA-256(0x00 ‖ body), which is
// both the Merkle leaf and the next entry's prev.
func LeafHash(body []byte) tlog.Hash { return tlog.RecordHash(body) }

// Encode returns the canonical body of e. e.Data must already be canonical
// (see CanonicalJSON) and an object.
func (e *Entry) Encode() ([]byte, error) {
	if err := e.checkFields(); err != nil {
		return nil, err
	}
	b := make([]byte, 0, 160+len(e.Type)+len(e.Actor)+len(e.Dept)+len(e.Data))
	b = append(b, `{"v":1,"index":`...)
	b = strconv.AppendInt(b, e.Index, 10)
	b = append(b, `,"time":"`...)
	b = e.Time.UTC().AppendFormat(b, TimeFormat)
	b = append(b, `","type":`...)
	b = appendString(b, e.Type)
	b = append(b, `,"actor":`...)
	b = appendString(b, e.Actor)
	b = append(b, `,"dept":`...)
	b = appendString(b, e.Dept)
	b = append(b, `,"prev":"`...)
	b = base64.StdEncoding.AppendEncode(b, e.Prev[:])
	b = append(b, `","data":`...)
	b = append(b, e.Data...)
	b = append(b, '}')
	if len(b) > MaxEntrySize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(b), MaxEntrySize)
	}
	return b, nil
}

func (e *Entry) checkFields() error {
	switch {
	case e.Index < 0:
		return fmt.Errorf("%w: negative index", ErrInvalid)
	case !validType(e.Type):
		return fmt.Errorf("%w: event type %q", ErrInvalid, e.Type)
	case !e.Time.Equal(e.Time.Truncate(time.Microsecond)):
		return fmt.Errorf("%w: time finer than a microsecond", ErrInvalid)
	case len(e.Data) == 0 || e.Data[0] != '{':
		return fmt.Errorf("%w: data must be a JSON object", ErrInvalid)
	}
	if err := CheckCanonical(e.Data); err != nil {
		return fmt.Errorf("%w: data: %v", ErrInvalid, err)
	}
	return nil
}

// validType accepts event types such as "power.published": lower-case
// ASCII letters, digits, '_' and '.', at most 64 bytes.
func validType(t string) bool {
	if t == "" || len(t) > 64 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Decode parses an entry body and rejects anything that is not exactly the
// canonical encoding: fields out of order, extra white space, duplicate or
// unknown keys, non-canonical escapes or numbers, invalid UTF-8.
func Decode(body []byte) (*Entry, error) {
	if len(body) > MaxEntrySize {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(body))
	}
	s := &scanner{b: body}
	e := &Entry{}
	if err := s.header(e); err != nil {
		return nil, err
	}
	start := s.pos
	if s.pos >= len(body) || body[s.pos] != '{' {
		return nil, s.fail("data must be an object")
	}
	if err := s.value(0); err != nil {
		return nil, err
	}
	e.Data = json.RawMessage(body[start:s.pos])
	if err := s.expect("}"); err != nil {
		return nil, err
	}
	if s.pos != len(body) {
		return nil, s.fail("trailing bytes")
	}
	return e, nil
}

// header reads the fields before data, in their fixed order.
func (s *scanner) header(e *Entry) error {
	if err := s.expect(`{"v":1,"index":`); err != nil {
		return err
	}
	var err error
	if e.Index, err = s.integer(); err != nil {
		return err
	}
	if e.Index < 0 {
		return s.fail("negative index")
	}
	if err := s.timeField(e); err != nil {
		return err
	}
	if e.Type, err = s.field(`,"type":`); err != nil {
		return err
	}
	if !validType(e.Type) {
		return s.fail("event type %q", e.Type)
	}
	if e.Actor, err = s.field(`,"actor":`); err != nil {
		return err
	}
	if e.Dept, err = s.field(`,"dept":`); err != nil {
		return err
	}
	if err := s.prevField(e); err != nil {
		return err
	}
	return s.expect(`,"data":`)
}

func (s *scanner) field(name string) (string, error) {
	if err := s.expect(name); err != nil {
		return "", err
	}
	return s.str()
}

func (s *scanner) timeField(e *Entry) error {
	text, err := s.field(`,"time":`)
	if err != nil {
		return err
	}
	t, ok := parseTime(text)
	if !ok {
		return s.fail("time %q is not %s", text, TimeFormat)
	}
	e.Time = t
	return nil
}

// parseTime parses exactly TimeFormat, without time.Parse's generality
// (verification parses a million of these).
func parseTime(text string) (time.Time, bool) {
	if len(text) != len(TimeFormat) {
		return time.Time{}, false
	}
	for i := 0; i < len(text); i++ {
		c, layout := text[i], TimeFormat[i]
		isDigit := c >= '0' && c <= '9'
		if layout >= '0' && layout <= '9' {
			if !isDigit {
				return time.Time{}, false
			}
		} else if c != layout {
			return time.Time{}, false
		}
	}
	num := func(from, to int) int {
		n := 0
		for _, c := range text[from:to] {
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, mo, d := num(0, 4), time.Month(num(5, 7)), num(8, 10)
	h, mi, sec, us := num(11, 13), num(14, 16), num(17, 19), num(20, 26)
	t := time.Date(y, mo, d, h, mi, sec, us*1000, time.UTC)
	if t.Year() != y || t.Month() != mo || t.Day() != d || t.Hour() != h || t.Minute() != mi || t.Second() != sec {
		return time.Time{}, false
	}
	return t, true
}

func (s *scanner) prevField(e *Entry) error {
	text, err := s.field(`,"prev":`)
	if err != nil {
		return err
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(text)
	if err != nil || len(raw) != tlog.HashSize {
		return s.fail("prev is not the base64 of a 32-byte hash")
	}
	copy(e.Prev[:], raw)
	return nil
}
