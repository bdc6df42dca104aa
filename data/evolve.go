package data

import (
	"bytes"
	"encoding/json"
	"fmt"

	"qingdan/ledger"
)

// How the data of an entry evolves (docs/ledger.md, "How event data
// evolves"): an entry is never rewritten, so the code decodes the data of
// every version it ever wrote. A field added to an event or an item is
// absent from the entries written before it and means its default there;
// a field is never removed or given another meaning. The form of a new
// entry is checked where it is appended, not where it is replayed.

// decodeEventData decodes the data of an entry as any earlier version of
// the code wrote it into v. A field absent from data keeps the value v
// holds: its default for entries written before the field existed (the
// zero value, unless the caller set another before the call). A field v
// does not know is refused: dropping it would project less than the entry
// says (the entry was written by newer code).
func decodeEventData(index int64, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: entry %d: %v", ErrInvalid, index, err)
	}
	return nil
}

// checkNewItem is the append path's check of a list event about to be
// written: its item is in today's form, every field of today's item and no
// other, canonical. Replay does not check it, so that items written before
// a field existed still replay.
func checkNewItem(ev *ListEvent) error {
	spec, err := specOf(ev.Kind)
	if err != nil {
		return err
	}
	p, err := spec.parse(ev.Item)
	if err != nil {
		return err
	}
	if !sameJSON(p.item, ev.Item) || ledger.CheckCanonical(ev.Item) != nil {
		return fmt.Errorf("%w: a new %s item must hold every field of today's item and no other", ErrInvalid, ev.Kind)
	}
	return nil
}

// currentItem returns a stored item in today's form: every field, those
// an entry written before they existed lacks at their defaults, as
// canonical JSON. An item that does not decode (none should: its
// projection decoded it) is returned as stored.
func currentItem(kind Kind, stored string) json.RawMessage {
	spec, ok := kinds[kind]
	if !ok {
		return json.RawMessage(stored)
	}
	p, err := spec.parse(json.RawMessage(stored))
	if err != nil {
		return json.RawMessage(stored)
	}
	canon, err := ledger.CanonicalJSON(p.item)
	if err != nil {
		return json.RawMessage(stored)
	}
	return canon
}
