package lists

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"qingdan/data/pgtest"
	"qingdan/data/store"
	"qingdan/ledger"
)

func testService(code, dept, power string) ServiceItem {
	return ServiceItem{Code: code, Name: "服务" + code, Audience: "individual", Dept: dept, PowerCode: power, Category: "XK"}
}

// TestServicePowerOfItsOwnDepartment (issue 20, finding 5): a service
// implements a power of its own department, in force — checked when it is
// published and when it is amended, so that an editor cannot make their
// own officials decide on another department's power.
func TestServicePowerOfItsOwnDepartment(t *testing.T) {
	pgtest.Backends(t, testServicePowerOfItsOwnDepartment)
}

func testServicePowerOfItsOwnDepartment(t *testing.T) {
	c, db, l := newCatalog(t)
	seedBasics(t, c) // XK-SCJG-000 … 004 of scjg
	ctx := context.Background()
	if _, err := c.Publish(ctx, "editor", KindPower, mustJSON(testPower("XK-GAJ-001", "gaj")), testMeta); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Repeal(ctx, "editor", KindPower, "XK-SCJG-004", testMeta); err != nil {
		t.Fatal(err)
	}
	refusedField := func(t *testing.T, what string, err error, field string) {
		t.Helper()
		var ve *store.ValidationError
		if !errors.As(err, &ve) || ve.Fields[field] == "" {
			t.Errorf("%s: got %v, want a store.ValidationError on %s", what, err, field)
		}
	}
	_, err := c.Publish(ctx, "editor", KindService, mustJSON(testService("FW-SCJG-101", "scjg", "XK-GAJ-001")), testMeta)
	refusedField(t, "publish a scjg service of a gaj power", err, "power_code")
	_, err = c.Publish(ctx, "editor", KindService, mustJSON(testService("FW-SCJG-102", "scjg", "XK-SCJG-004")), testMeta)
	if !errors.Is(err, store.ErrNotInForce) {
		t.Errorf("publish a service of a repealed power: got %v, want store.ErrNotInForce", err)
	}
	_, err = c.Publish(ctx, "editor", KindService, mustJSON(testService("FW-SCJG-103", "scjg", "XK-NONE-001")), testMeta)
	refusedField(t, "publish a service of a power never listed", err, "power_code")

	if _, err := c.Publish(ctx, "editor", KindService, mustJSON(testService("FW-SCJG-001", "scjg", "XK-SCJG-001")), testMeta); err != nil {
		t.Fatalf("publish a scjg service of a scjg power: %v", err)
	}
	_, err = c.Amend(ctx, "editor", KindService, "FW-SCJG-001", map[string]json.RawMessage{"power_code": json.RawMessage(`"XK-GAJ-001"`)}, testMeta)
	refusedField(t, "re-link a scjg service to a gaj power", err, "power_code")
	_, err = c.Amend(ctx, "editor", KindService, "FW-SCJG-001", map[string]json.RawMessage{"dept": json.RawMessage(`"gaj"`)}, testMeta)
	refusedField(t, "move a service away from its power's department", err, "power_code")
	both := map[string]json.RawMessage{"dept": json.RawMessage(`"gaj"`), "power_code": json.RawMessage(`"XK-GAJ-001"`)}
	if _, err := c.Amend(ctx, "editor", KindService, "FW-SCJG-001", both, testMeta); err != nil {
		t.Errorf("move a service with its power to gaj's power: %v", err)
	}
	if got, _ := c.Get(ctx, KindService, "FW-SCJG-001"); got.Dept != "gaj" || got.Version != 2 {
		t.Errorf("FW-SCJG-001: dept %s version %d, want gaj at version 2", got.Dept, got.Version)
	}
	public := testService("FW-SCJG-104", "scjg", "")
	public.Category = "GG"
	if _, err := c.Publish(ctx, "editor", KindService, mustJSON(public), testMeta); err != nil {
		t.Errorf("publish a pure public service (no power): %v", err)
	}
	mustMatchReplay(t, db, l)
}

// TestReplayKeepsOldCrossDepartmentServices: a ledger written before the
// rule may hold a service linked to another department's power; it still
// replays, and the projections still match it.
func TestReplayKeepsOldCrossDepartmentServices(t *testing.T) {
	c, db, l := newCatalog(t)
	seedBasics(t, c)
	ctx := context.Background()
	if _, err := c.Publish(ctx, "editor", KindPower, mustJSON(testPower("XK-GAJ-001", "gaj")), testMeta); err != nil {
		t.Fatal(err)
	}
	// what an older server appended: the list event with its projection,
	// without the catalog's rule for new changes
	item, _ := ledger.CanonicalJSON(mustJSON(testService("FW-SCJG-201", "scjg", "XK-GAJ-001")))
	ev := ListEvent{Kind: KindService, Code: "FW-SCJG-201", Version: 1, Item: item, BasisDoc: testMeta.BasisDoc,
		ChangeNote: testMeta.ChangeNote, Changed: []string{}}
	if _, err := l.Append(ctx, ledger.Event{Type: "service.published", Actor: "editor", Dept: "scjg", Data: &ev,
		Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			return Project(ctx, store.GormTx(tx), e)
		}}); err != nil {
		t.Fatalf("append an old-style entry: %v", err)
	}
	mustMatchReplay(t, db, l)
	// amending it now must bring it within the rule
	_, err := c.Amend(ctx, "editor", KindService, "FW-SCJG-201", map[string]json.RawMessage{"hours": json.RawMessage(`"9-17"`)}, testMeta)
	var ve *store.ValidationError
	if !errors.As(err, &ve) || ve.Fields["power_code"] == "" {
		t.Errorf("amend an old cross-department service, keeping its power: got %v, want a store.ValidationError on power_code", err)
	}
	if _, err := c.Repeal(ctx, "editor", KindService, "FW-SCJG-201", testMeta); err != nil {
		t.Errorf("repeal an old cross-department service: %v", err)
	}
	mustMatchReplay(t, db, l)
}
