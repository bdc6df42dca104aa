package ledger

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// MarshalJSON writes the receipt in the shape encoding/json gives its
// field tags (see AppendJSON).
func (r Receipt) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// AppendJSON appends the receipt's JSON to dst: what encoding/json writes
// from the field tags, without a reflective tlog.Hash.MarshalJSON call (and
// a validating copy of its output) for every hash. Every append's answer
// carries a receipt; a server that encodes its answers with AppendJSON
// (web does) skips encoding/json for them altogether.
func (r *Receipt) AppendJSON(b []byte) []byte {
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, r.Index, 10)
	b = append(b, `,"leaf_hash":"`...)
	b = base64.StdEncoding.AppendEncode(b, r.LeafHash[:])
	b = append(b, `","checkpoint":`...)
	b = AppendJSONString(b, r.Checkpoint)
	b = append(b, `,"inclusion":`...)
	if r.Inclusion == nil {
		return append(b, "null}"...)
	}
	b = append(b, '[')
	for i, h := range r.Inclusion {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, h[:])
		b = append(b, '"')
	}
	return append(b, "]}"...)
}

// AppendJSONString appends s as a JSON string: canonically (escaping only
// '"', '\\' and control characters) when s is valid UTF-8, else as
// encoding/json writes it, with each invalid byte replaced by U+FFFD.
func AppendJSONString(b []byte, s string) []byte {
	if utf8.ValidString(s) {
		return appendString(b, s)
	}
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}
