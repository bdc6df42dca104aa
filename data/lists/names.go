package lists

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"qingdan/data/safetext"
	"qingdan/data/store"
)

// CheckNames refuses names (field → value; string values are checked,
// others ignored) that hold a control character or a bidirectional
// override (safetext.Unsafe): a NUL or U+202E in a name would hide or
// reorder what a reader of the lists, the admin page or the ledger sees
// (docs/security.md). It is checked where a name is typed in —
// new accounts, published and amended list items, token labels — and
// not when the ledger is replayed, so entries written before the rule
// still replay.
func CheckNames(fields map[string]any) error {
	f := store.FieldErrors{}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s, _ := fields[k].(string)
		if r, bad := safetext.Unsafe(s); bad {
			f.Add(k, "must not contain the control or bidirectional character %s", fmt.Sprintf("%U", r))
		}
	}
	return f.Err()
}

// parseNew parses an item typed in (published or amended), validates it
// with today's rules and checks its names with CheckNames: every
// top-level text field whose key holds "name" (name, name_en …).
func parseNew(spec kindSpec, raw json.RawMessage) (parsed, error) {
	p, err := spec.parse(raw)
	if err != nil {
		return p, err
	}
	if err := p.validate(); err != nil {
		return p, err
	}
	var top map[string]any
	if err := json.Unmarshal(p.item, &top); err != nil {
		return p, err
	}
	names := map[string]any{}
	for k, v := range top {
		if strings.Contains(k, "name") {
			names[k] = v
		}
	}
	return p, CheckNames(names)
}
