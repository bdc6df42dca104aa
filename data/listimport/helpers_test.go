package listimport

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"qingdan/data/listfile"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

var testMeta = lists.ChangeMeta{BasisDoc: "广安区编办〔2026〕3号", ChangeNote: "导入政务服务事项目录", EffectiveFrom: "2026-01-01"}

const testActor = "editor.bianban"

// newCatalog opens a real SQLite database and ledger in a temporary folder.
func newCatalog(t testing.TB) (*lists.Catalog, *ledger.Log) {
	t.Helper()
	db, err := store.OpenSQLite(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := store.NewLedgerStore(db, store.MainLog)
	if err != nil {
		t.Fatal(err)
	}
	l := storetest.NewLog(t, s)
	// As serve does, the log starts with its genesis entry, so that list
	// entries start at index 1 (the list index of the catalog does not see
	// a list entry at index 0; reported to the lead).
	if _, err := l.Append(context.Background(), ledger.Event{Type: "log.created", Actor: "system",
		Data: map[string]string{"origin": l.Origin()}}); err != nil {
		t.Fatal(err)
	}
	return lists.NewCatalog(db, l), l
}

// ledgerSize is the number of entries in the log.
func ledgerSize(t testing.TB, l *ledger.Log) int64 {
	t.Helper()
	cp, err := l.Store().LatestCheckpoint(context.Background())
	if err != nil {
		return 0
	}
	return cp.Size
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func publish(t testing.TB, cat *lists.Catalog, kind lists.Kind, item any) {
	t.Helper()
	if _, err := cat.Publish(context.Background(), testActor, kind, mustJSON(item), testMeta); err != nil {
		t.Fatalf("publish %s: %v", kind, err)
	}
}

// readTable reads a file's content as listfile does.
func readTable(t testing.TB, name string, content []byte) *listfile.Table {
	t.Helper()
	tb, err := ReadFile(name, content)
	if err != nil {
		t.Fatalf("listfile.Read(%s): %v", name, err)
	}
	return tb
}

// plan reads and plans a file.
func plan(t testing.TB, cat *lists.Catalog, name string, content []byte, opts Options) *Plan {
	t.Helper()
	p, err := NewPlan(context.Background(), cat, readTable(t, name, content), opts)
	if err != nil {
		t.Fatalf("NewPlan: %v", err)
	}
	return p
}

// apply applies a plan and fails on any error.
func apply(t testing.TB, cat *lists.Catalog, p *Plan) *Result {
	t.Helper()
	res, err := Apply(context.Background(), cat, p, testMeta, testActor)
	if err != nil {
		t.Fatalf("Apply: %v (result %+v)", err, res)
	}
	return res
}

func report(p *Plan) string {
	var b bytes.Buffer
	p.Report(&b)
	return b.String()
}

func splitCSV(t testing.TB, text string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func csvWriter(w io.Writer) *csv.Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return cw
}
