package lists

import (
	"encoding/json"
	"fmt"

	"qingdan/data/store"
	"qingdan/ledger"
)

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
		return fmt.Errorf("%w: a new %s item must hold every field of today's item and no other", store.ErrInvalid, ev.Kind)
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
