package store

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// How the data of an entry evolves (docs/ledger.md, "How event data
// evolves"): an entry is never rewritten, so the code decodes the data of
// every version it ever wrote. A field added to an event or an item is
// absent from the entries written before it and means its default there;
// a field is never removed or given another meaning. The form of a new
// entry is checked where it is appended, not where it is replayed.

// DecodeEventData decodes the data of an entry as any earlier version of
// the code wrote it into v. A field absent from data keeps the value v
// holds: its default for entries written before the field existed (the
// zero value, unless the caller set another before the call). A field v
// does not know is refused: dropping it would project less than the entry
// says (the entry was written by newer code).
func DecodeEventData(index int64, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: entry %d: %v", ErrInvalid, index, err)
	}
	return nil
}
