package lists

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"qingdan/data/store"
	"qingdan/ledger"
)

// olderItem returns item's JSON without the field drop, as code written
// before that field existed recorded it.
func olderItem(t *testing.T, item any, drop string) json.RawMessage {
	t.Helper()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(mustJSON(item), &fields); err != nil {
		t.Fatal(err)
	}
	if _, ok := fields[drop]; !ok {
		t.Fatalf("the item has no field %q to drop", drop)
	}
	delete(fields, drop)
	return mustJSON(fields)
}

// appendAsOlderCode appends a list event the way code of an earlier
// version did: its item as given, projected as replay projects it.
func appendAsOlderCode(t *testing.T, l *ledger.Log, typ, dept string, ev ListEvent) {
	t.Helper()
	_, err := l.Append(context.Background(), ledger.Event{Type: typ, Actor: "editor", Dept: dept, Data: ev,
		Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			return Project(ctx, store.GormTx(tx), e)
		}})
	if err != nil {
		t.Fatalf("append %s as older code: %v", typ, err)
	}
}

// TestOlderEntryWithoutNewerFieldReplays simulates adding a field to a
// power item: an entry written before the field existed (here: without
// integrity_risks and penalty_scope) replays, verifies against the live
// tables, reads back with the field at its default, and can be amended
// and repealed; the append path still refuses to write such an incomplete
// item as a new entry.
func TestOlderEntryWithoutNewerFieldReplays(t *testing.T) {
	ctx := context.Background()
	c, db, l := newCatalog(t)
	seedBasics(t, c)
	p := testPower("XK-OLD-001", "scjg")
	item := olderItem(t, p, "integrity_risks")
	appendAsOlderCode(t, l, "power.published", "scjg", ListEvent{Kind: KindPower, Code: p.Code, Version: 1,
		Item: item, BasisDoc: "旧文号", ChangeNote: "旧版写的条目", EffectiveFrom: "2025-01-01", Changed: []string{}})
	mustMatchReplay(t, db, l)

	it, err := c.Get(ctx, KindPower, p.Code)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(it.Raw, &fields); err != nil {
		t.Fatal(err)
	}
	if got, ok := fields["integrity_risks"]; !ok || string(got) != "null" {
		t.Errorf("older item read back: integrity_risks = %s (present %v), want its default null", got, ok)
	}

	if _, err := c.Amend(ctx, "editor", KindPower, p.Code, map[string]json.RawMessage{"integrity_risks": mustJSON([]string{"利益输送"})}, testMeta); err != nil {
		t.Fatalf("amend the field an older entry lacks: %v", err)
	}
	h, err := c.History(ctx, KindPower, p.Code)
	if err != nil {
		t.Fatal(err)
	}
	if got := h[len(h)-1].Changed; len(got) != 1 || got[0] != "integrity_risks" {
		t.Errorf("amendment changed %v, want [integrity_risks]", got)
	}
	mustMatchReplay(t, db, l)

	q := testPower("XK-OLD-002", "scjg")
	appendAsOlderCode(t, l, "power.published", "scjg", ListEvent{Kind: KindPower, Code: q.Code, Version: 1,
		Item: olderItem(t, q, "penalty_scope"), BasisDoc: "旧文号", ChangeNote: "旧版写的条目", EffectiveFrom: "2025-01-01", Changed: []string{}})
	if _, err := c.Repeal(ctx, "editor", KindPower, q.Code, testMeta); err != nil {
		t.Fatalf("repeal an older item: %v", err)
	}
	mustMatchReplay(t, db, l)

	incomplete := ListEvent{Kind: KindPower, Code: "XK-NEW-001", Version: 1, Item: olderItem(t, testPower("XK-NEW-001", "scjg"), "integrity_risks"),
		BasisDoc: "新文号", ChangeNote: "新条目", EffectiveFrom: "2026-01-01", Changed: []string{}}
	if _, err := c.append(ctx, "editor", "published", "scjg", &incomplete, nil); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("append a new entry with an incomplete item: got %v, want store.ErrInvalid", err)
	}
	if _, err := c.Get(ctx, KindPower, "XK-NEW-001"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the refused item: got %v, want store.ErrNotFound", err)
	}
}

// TestEntryWithUnknownFieldRefused: a field this code does not know was
// written by newer code (or is a field removed, which the rules forbid);
// replay refuses it instead of dropping it.
func TestEntryWithUnknownFieldRefused(t *testing.T) {
	c, _, l := newCatalog(t)
	seedBasics(t, c)
	var fields map[string]json.RawMessage
	json.Unmarshal(mustJSON(testPower("XK-NEWER-001", "scjg")), &fields)
	fields["written_by_newer_code"] = json.RawMessage(`"x"`)
	_, err := l.Append(context.Background(), ledger.Event{Type: "power.published", Actor: "editor", Dept: "scjg",
		Data: ListEvent{Kind: KindPower, Code: "XK-NEWER-001", Version: 1, Item: mustJSON(fields), BasisDoc: "b", ChangeNote: "n", Changed: []string{}},
		Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			return Project(ctx, store.GormTx(tx), e)
		}})
	if !errors.Is(err, store.ErrInvalid) {
		t.Errorf("project an item with an unknown field: got %v, want store.ErrInvalid", err)
	}
}
