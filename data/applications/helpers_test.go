package applications

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"qingdan/data/calendar"
	"qingdan/data/datatest"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
)

// projectors are the domains these tests write to: the lists they seed,
// the calendar they update, and the applications.
var projectors = store.NewProjectors(lists.Projector, calendar.Projector, Projector)

func newCatalog(t *testing.T) (*lists.Catalog, *store.DB, *ledger.Log) {
	t.Helper()
	db, l := datatest.NewLog(t)
	return lists.NewCatalog(db, l), db, l
}

var testMeta = lists.ChangeMeta{BasisDoc: "清编办〔2026〕1号", ChangeNote: "测试", Major: true, EffectiveFrom: "2026-01-01"}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func testPower(code, dept string) lists.PowerItem {
	return lists.PowerItem{Code: code, Name: "食品生产许可" + code, Category: "XK", Dept: dept,
		Basis:      []lists.Basis{{Law: "《中华人民共和国食品安全法》", Article: "第三十五条", Text: "国家对食品生产经营实行许可制度。"}},
		LegalLimit: 20, PromisedLimit: 10, ConsultPhone: "0576-1", ComplaintPhone: "0576-2"}
}

// seedBasics publishes two departments and five powers of the first.
func seedBasics(t *testing.T, c *lists.Catalog) {
	t.Helper()
	ctx := context.Background()
	for _, d := range []lists.Department{{Code: "scjg", Name: "县市场监督管理局"}, {Code: "gaj", Name: "县公安局"}} {
		if _, err := c.Publish(ctx, "editor", lists.KindDepartment, mustJSON(d), testMeta); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 5; i++ {
		if _, err := c.Publish(ctx, "editor", lists.KindPower, mustJSON(testPower(fmt.Sprintf("XK-SCJG-%03d", i), "scjg")), testMeta); err != nil {
			t.Fatal(err)
		}
	}
}

// mustMatchReplay fails unless the live projections equal a replay.
func mustMatchReplay(t *testing.T, db *store.DB, l *ledger.Log) {
	t.Helper()
	datatest.MatchReplay(t, db, l, projectors)
}
