package lists

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"qingdan/data/datatest"
	"qingdan/data/pgtest"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

func newCatalog(t *testing.T) (*Catalog, *store.DB, *ledger.Log) {
	t.Helper()
	db, s := datatest.NewStore(t, store.MainLog)
	l := storetest.NewLog(t, s)
	return NewCatalog(db, l), db, l
}

var testMeta = ChangeMeta{BasisDoc: "清编办〔2026〕1号", ChangeNote: "测试", Major: true, EffectiveFrom: "2026-01-01"}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func testPower(code, dept string) PowerItem {
	return PowerItem{Code: code, Name: "食品生产许可" + code, Category: "XK", Dept: dept,
		Basis:      []Basis{{Law: "《中华人民共和国食品安全法》", Article: "第三十五条", Text: "国家对食品生产经营实行许可制度。"}},
		LegalLimit: 20, PromisedLimit: 10, ConsultPhone: "0576-1", ComplaintPhone: "0576-2"}
}

func seedBasics(t *testing.T, c *Catalog) {
	t.Helper()
	ctx := context.Background()
	for _, d := range []Department{{Code: "scjg", Name: "县市场监督管理局"}, {Code: "gaj", Name: "县公安局"}} {
		if _, err := c.Publish(ctx, "editor", KindDepartment, mustJSON(d), testMeta); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 5; i++ {
		if _, err := c.Publish(ctx, "editor", KindPower, mustJSON(testPower(fmt.Sprintf("XK-SCJG-%03d", i), "scjg")), testMeta); err != nil {
			t.Fatal(err)
		}
	}
}

// listsOnly replays the lists alone: the tests here write nothing else.
var listsOnly = store.NewProjectors(Projector)

// mustMatchReplay fails unless the live projections equal a replay.
func mustMatchReplay(t *testing.T, db *store.DB, l *ledger.Log) {
	t.Helper()
	datatest.MatchReplay(t, db, l, listsOnly)
}

func TestPublishAmendRepealHistory(t *testing.T) { pgtest.Backends(t, testPublishAmendRepealHistory) }

func testPublishAmendRepealHistory(t *testing.T) {
	c, db, l := newCatalog(t)
	seedBasics(t, c)
	ctx := context.Background()
	code := "XK-SCJG-001"
	w, err := c.Amend(ctx, "editor", KindPower, code, map[string]json.RawMessage{"promised_limit": json.RawMessage("5")}, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	if w.Item.Version != 2 || w.Receipt == nil {
		t.Fatalf("amended item version %d receipt %v, want 2 with a receipt", w.Item.Version, w.Receipt)
	}
	if _, err := ledger.VerifyReceipt(w.Receipt, nil, l.Origin(), l.Key().Verifier); err != nil {
		t.Fatal(err)
	}
	stale := testMeta
	stale.BaseVersion = 1 // a form opened before the amendment above
	if _, err := c.Amend(ctx, "editor", KindPower, code, map[string]json.RawMessage{"promised_limit": json.RawMessage("7")}, stale); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("amending version 1 of an item at version 2: got %v, want store.ErrConflict", err)
	}
	if _, err := c.Repeal(ctx, "editor", KindPower, code, testMeta); err != nil {
		t.Fatal(err)
	}
	h, err := c.History(ctx, KindPower, code)
	if err != nil || len(h) != 3 {
		t.Fatalf("history %d versions (%v), want 3", len(h), err)
	}
	if h[1].Diff[0].Field != "promised_limit" || string(h[1].Diff[0].Before) != "10" || string(h[1].Diff[0].After) != "5" {
		t.Fatalf("diff of version 2: %+v", h[1].Diff)
	}
	got, _ := c.Get(ctx, KindPower, code)
	if got.Status != StatusRepealed {
		t.Fatalf("status %s, want repealed", got.Status)
	}
	_, err = c.Amend(ctx, "editor", KindPower, code, map[string]json.RawMessage{"name": json.RawMessage(`"x"`)}, testMeta)
	if !errors.Is(err, store.ErrNotInForce) {
		t.Fatalf("amending a repealed item: got %v, want store.ErrNotInForce", err)
	}
	mustMatchReplay(t, db, l)
}

func TestValidationErrors(t *testing.T) { pgtest.Backends(t, testValidationErrors) }

func testValidationErrors(t *testing.T) {
	c, _, _ := newCatalog(t)
	seedBasics(t, c)
	ctx := context.Background()
	cases := map[string]struct {
		item  func(p *PowerItem)
		field string
	}{
		"promised over legal": {func(p *PowerItem) { p.PromisedLimit = 30 }, "promised_limit"},
		"same phones":         {func(p *PowerItem) { p.ComplaintPhone = p.ConsultPhone }, "complaint_phone"},
		"bad category":        {func(p *PowerItem) { p.Category = "XX" }, "category"},
		"penalty no scope":    {func(p *PowerItem) { p.Category = "CF" }, "penalty_scope"},
		"bad code":            {func(p *PowerItem) { p.Code = "含中文" }, "code"},
		"unknown department":  {func(p *PowerItem) { p.Dept = "nope" }, "dept"},
		"steps too long":      {func(p *PowerItem) { p.Steps = []Step{{Name: "审查", Days: 11}} }, "steps"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := testPower("XK-NEW-1", "scjg")
			tc.item(&p)
			_, err := c.Publish(ctx, "editor", KindPower, mustJSON(p), testMeta)
			var ve *store.ValidationError
			if !errors.As(err, &ve) || ve.Fields[tc.field] == "" {
				t.Fatalf("got %v, want a validation error on %s", err, tc.field)
			}
		})
	}
	_, err := c.Publish(ctx, "editor", KindPower, mustJSON(testPower("XK-NEW-2", "scjg")), ChangeMeta{})
	var ve *store.ValidationError
	if !errors.As(err, &ve) || ve.Fields["basis_doc"] == "" || ve.Fields["change_note"] == "" {
		t.Fatalf("missing basis document: got %v", err)
	}
	if _, err := c.Publish(ctx, "editor", KindPower, mustJSON(testPower("XK-SCJG-001", "scjg")), testMeta); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("publishing twice: got %v, want store.ErrConflict", err)
	}
	_, err = c.Amend(ctx, "editor", KindPower, "XK-SCJG-001", map[string]json.RawMessage{"promised_limit": json.RawMessage("10")}, testMeta)
	if !errors.Is(err, store.ErrUnchanged) {
		t.Fatalf("amendment that changes nothing: got %v, want store.ErrUnchanged", err)
	}
}

func TestSearchAndFilters(t *testing.T) { pgtest.Backends(t, testSearchAndFilters) }

func testSearchAndFilters(t *testing.T) {
	c, _, _ := newCatalog(t)
	seedBasics(t, c)
	ctx := context.Background()
	p := testPower("CF-GAJ-001", "gaj")
	p.Name, p.Category, p.PenaltyScope = "对违反治安管理行为的处罚", "CF", "警告、罚款、拘留"
	p.Basis = []Basis{{Law: "《中华人民共和国治安管理处罚法》", Article: "第十条"}}
	if _, err := c.Publish(ctx, "editor", KindPower, mustJSON(p), testMeta); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		q    ListQuery
		want int64
	}{
		{ListQuery{Kind: KindPower, Q: "治安"}, 1},
		{ListQuery{Kind: KindPower, Q: "管理行为"}, 1},    // a substring in the middle of a name
		{ListQuery{Kind: KindPower, Q: "食品安全法"}, 5},   // legal basis text
		{ListQuery{Kind: KindPower, Q: "xk-scjg"}, 5}, // code, any case
		{ListQuery{Kind: KindPower, Q: "100%"}, 0},    // LIKE wildcards are literal
		{ListQuery{Kind: KindPower, Category: "CF"}, 1},
		{ListQuery{Kind: KindPower, Dept: "scjg"}, 5},
		{ListQuery{Kind: KindPower, Dept: "scjg", Q: "002"}, 1},
		{ListQuery{Kind: KindPower, Status: StatusRepealed}, 0},
		{ListQuery{Kind: KindDepartment, Q: "公安"}, 1},
	}
	for _, tc := range cases {
		page, err := c.List(ctx, tc.q)
		if err != nil || page == nil || page.Total != tc.want {
			t.Errorf("%+v: %v", tc.q, err)
			continue
		}
		if page.Total != tc.want {
			t.Errorf("%+v: got %d (%v), want %d", tc.q, page.Total, err, tc.want)
		}
	}
	page, _ := c.List(ctx, ListQuery{Kind: KindPower, PerPage: 2, Page: 2})
	if len(page.Items) != 2 || page.Items[0].Code != "XK-SCJG-001" || page.Total != 6 {
		t.Fatalf("page 2 of 2: %d items from %s of %d", len(page.Items), page.Items[0].Code, page.Total)
	}
	if _, err := c.List(ctx, ListQuery{Kind: KindPower, Hot: true}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("hot filter on powers: got %v, want store.ErrInvalid", err)
	}
}

// TestProjectionEqualsReplay makes random edits and checks after each
// round that the live tables equal a replay of the ledger; then alters a
// row directly and sees the check name the item and field.
func TestProjectionEqualsReplay(t *testing.T) { pgtest.Backends(t, testProjectionEqualsReplay) }

func testProjectionEqualsReplay(t *testing.T) {
	c, db, l := newCatalog(t)
	seedBasics(t, c)
	mustMatchReplay(t, db, l)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 3; round++ {
		for i := 0; i < 20; i++ {
			code := fmt.Sprintf("XK-SCJG-%03d", rng.IntN(5))
			limit := json.RawMessage(fmt.Sprint(1 + rng.IntN(10)))
			c.Amend(ctx, "editor", KindPower, code, map[string]json.RawMessage{"promised_limit": limit}, testMeta)
		}
		mustMatchReplay(t, db, l)
	}
	if err := db.Writer.Exec(`UPDATE powers SET name = '篡改' WHERE code = 'XK-SCJG-003'`).Error; err != nil {
		t.Fatal(err)
	}
	diffs, err := store.CheckProjections(ctx, l.Store(), db, listsOnly)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 1 || diffs[0].Key != "XK-SCJG-003" || diffs[0].Field != "name" || !strings.Contains(diffs[0].String(), "篡改") {
		t.Fatalf("differences %v, want exactly powers XK-SCJG-003 name", diffs)
	}
}

// TestListSeesIndexZero: the very first ledger entry can be a list item.
func TestListSeesIndexZero(t *testing.T) { pgtest.Backends(t, testListSeesIndexZero) }

func testListSeesIndexZero(t *testing.T) {
	c, _, _ := newCatalog(t)
	ctx := context.Background()
	if p, err := c.List(ctx, ListQuery{Kind: KindDepartment}); err != nil || p.Total != 0 {
		t.Fatalf("empty list: %v %v", p, err)
	}
	for _, d := range []Department{{Code: "aa", Name: "甲"}, {Code: "bb", Name: "乙"}} {
		if _, err := c.Publish(ctx, "editor", KindDepartment, mustJSON(d), testMeta); err != nil {
			t.Fatal(err)
		}
	}
	if p, err := c.List(ctx, ListQuery{Kind: KindDepartment}); err != nil || p.Total != 2 {
		t.Fatalf("departments listed %d (%v), want 2", p.Total, err)
	}
}

func TestNamesInOneQuery(t *testing.T) { pgtest.Backends(t, testNamesInOneQuery) }

func testNamesInOneQuery(t *testing.T) {
	c, _, _ := newCatalog(t)
	seedBasics(t, c)
	names, err := c.Names(context.Background(), KindPower, []string{"XK-SCJG-001", "XK-SCJG-002", "XK-NONE-999"})
	if err != nil {
		t.Fatal(err)
	}
	want := testPower("XK-SCJG-001", "scjg").Name
	if len(names) != 2 || names["XK-SCJG-001"] != want || names["XK-SCJG-002"] == "" {
		t.Fatalf("names %v, want two listed powers named (the first %q)", names, want)
	}
	if none, err := c.Names(context.Background(), KindPower, nil); err != nil || len(none) != 0 {
		t.Fatalf("no codes: %v %v", none, err)
	}
}
