package store

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sort"

	"qingdan/ledger"
)

// Difference is one disagreement between the live projections and those
// rebuilt from the ledger.
type Difference struct {
	Table string
	Key   string
	Field string // "" when the whole row is missing on one side
	Live  any
	Want  any // what the ledger gives
}

func (d Difference) String() string {
	if d.Field == "" {
		return fmt.Sprintf("%s %s: live %v, ledger %v", d.Table, d.Key, d.Live, d.Want)
	}
	return fmt.Sprintf("%s %s: field %s is %v, the ledger gives %v", d.Table, d.Key, d.Field, d.Live, d.Want)
}

// CheckProjections replays the ledger in r into a scratch database and
// compares every projection table with live, returning the differences.
func CheckProjections(ctx context.Context, r ledger.Reader, live *DB, ps *Projectors) ([]Difference, error) {
	dir, err := os.MkdirTemp("", "qingdan-replay-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	scratch, err := OpenSQLite(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer scratch.Close()
	if err := Replay(ctx, r, scratch, ps); err != nil {
		return nil, err
	}
	var diffs []Difference
	for _, t := range ps.Tables() {
		d, err := compareTable(ctx, live, scratch, t.Name, t.Query, t.Key)
		if err != nil {
			return nil, err
		}
		diffs = append(diffs, d...)
	}
	return diffs, nil
}

// Replay applies every entry of r to the projections of db, in batches of
// one transaction each.
func Replay(ctx context.Context, r ledger.Reader, db *DB, ps *Projectors) error {
	const batch = 2000
	var entries []*ledger.Entry
	flush := func() error {
		tx := db.Writer.WithContext(ctx).Begin()
		for _, e := range entries {
			if err := ps.Project(ctx, tx, e); err != nil {
				tx.Rollback()
				return fmt.Errorf("data: replay entry %d: %w", e.Index, err)
			}
		}
		entries = entries[:0]
		return tx.Commit().Error
	}
	err := r.ReadRecords(ctx, 0, -1, func(rec ledger.Record) error {
		e, err := ledger.Decode(rec.Body)
		if err != nil {
			return fmt.Errorf("data: replay entry %d: %w", rec.Index, err)
		}
		if entries = append(entries, e); len(entries) == batch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// compareTable compares two tables row by row and column by column.
func compareTable(ctx context.Context, live, want *DB, table, query, key string) ([]Difference, error) {
	a, err := readTable(ctx, live, query, key)
	if err != nil {
		return nil, err
	}
	b, err := readTable(ctx, want, query, key)
	if err != nil {
		return nil, err
	}
	var diffs []Difference
	for k, rowA := range a {
		rowB, ok := b[k]
		if !ok {
			diffs = append(diffs, Difference{Table: table, Key: k, Live: "present", Want: "absent"})
			continue
		}
		diffs = append(diffs, compareRows(table, k, rowA, rowB)...)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			diffs = append(diffs, Difference{Table: table, Key: k, Live: "absent", Want: "present"})
		}
	}
	sort.Slice(diffs, func(i, j int) bool {
		return diffs[i].Table+diffs[i].Key+diffs[i].Field < diffs[j].Table+diffs[j].Key+diffs[j].Field
	})
	return diffs, nil
}

func compareRows(table, key string, a, b map[string]any) []Difference {
	var out []Difference
	for col, va := range a {
		if vb := b[col]; !reflect.DeepEqual(va, vb) {
			out = append(out, Difference{Table: table, Key: key, Field: col, Live: printable(va), Want: printable(vb)})
		}
	}
	return out
}

func printable(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

// plain unwraps what the driver hands back for computed columns (a
// pointer to the value), turns bytes into text, and gives every integer
// and boolean one type (int64, true as 1), so rows compare and print by
// value across backends: the scratch database of a replay is SQLite, the
// live one may be PostgreSQL (integer, bigint, boolean).
func plain(v any) any {
	for {
		p, ok := v.(*any)
		if !ok || p == nil {
			break
		}
		v = *p
	}
	switch n := v.(type) {
	case bool:
		if n {
			return int64(1)
		}
		return int64(0)
	case int:
		return int64(n)
	case int16:
		return int64(n)
	case int32:
		return int64(n)
	}
	return printable(v)
}

func readTable(ctx context.Context, db *DB, query, key string) (map[string]map[string]any, error) {
	var rows []map[string]any
	if err := db.Reader.WithContext(ctx).Raw(query).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]map[string]any, len(rows))
	for _, r := range rows {
		for col, v := range r {
			r[col] = plain(v)
		}
		out[fmt.Sprint(r[key])] = r
	}
	return out, nil
}
