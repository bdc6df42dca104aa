package lists

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"qingdan/data/store"
	"qingdan/ledger"
)

// ListEvent is the data of a list ledger entry (type "<kind>.published",
// "<kind>.amended" or "<kind>.repealed"): the whole item after the change,
// its new version, the basis document (依据文号), change note, whether the
// change is major, its effective date, and the fields that changed.
type ListEvent struct {
	Kind          Kind            `json:"kind"`
	Code          string          `json:"code"`
	Version       int             `json:"version"`
	Item          json.RawMessage `json:"item"`
	BasisDoc      string          `json:"basis_doc"`
	ChangeNote    string          `json:"change_note"`
	Major         bool            `json:"major"`
	EffectiveFrom string          `json:"effective_from"`
	Changed       []string        `json:"changed"`
}

// Statuses of an item.
const (
	StatusInForce  = "in_force"
	StatusRepealed = "repealed"
)

// Projector keeps the three lists' tables (and the departments') in step
// with the list entries of the ledger: "<kind>.published", "<kind>.amended"
// and "<kind>.repealed" for every kind.
var Projector = store.Projector{
	Domain:   "lists",
	Families: []string{string(KindDepartment), string(KindPower), string(KindResponsibility), string(KindService)},
	Project:  Project,
	Tables: []store.Table{
		{Name: "departments", Query: "SELECT * FROM departments", Key: "code"},
		{Name: "powers", Query: "SELECT * FROM powers", Key: "code"},
		{Name: "responsibilities", Query: "SELECT * FROM responsibilities", Key: "code"},
		{Name: "services", Query: "SELECT * FROM services", Key: "code"},
		{Name: "item_versions", Query: "SELECT * FROM item_versions", Key: "ledger_index"},
	},
}

// Project applies one list entry to the lists' tables inside tx; an entry
// of another family changes nothing. The same function keeps the live
// tables in step and rebuilds them on replay, so the two cannot drift
// apart.
func Project(ctx context.Context, tx *gorm.DB, e *ledger.Entry) error {
	kind, action, ok := strings.Cut(e.Type, ".")
	if _, known := kinds[Kind(kind)]; !ok || !known {
		return nil
	}
	var ev ListEvent
	if err := store.DecodeEventData(e.Index, e.Data, &ev); err != nil {
		return err
	}
	if ev.Kind != Kind(kind) {
		return fmt.Errorf("%w: entry %d: kind %q in a %s entry", store.ErrInvalid, e.Index, ev.Kind, e.Type)
	}
	return projectList(ctx, tx.WithContext(ctx), e, &ev, action)
}

func projectList(ctx context.Context, tx *gorm.DB, e *ledger.Entry, ev *ListEvent, action string) error {
	spec := kinds[ev.Kind]
	p, err := spec.parse(ev.Item)
	if err != nil {
		return err
	}
	if p.code != ev.Code {
		return fmt.Errorf("%w: event code %q, item code %q", store.ErrInvalid, ev.Code, p.code)
	}
	cur, err := currentRow(tx, spec.table, p.code)
	if err != nil {
		return err
	}
	status, err := nextStatus(cur, ev, action)
	if err != nil {
		return err
	}
	if status == StatusInForce {
		if err := checkReferences(tx, ev.Kind, p); err != nil {
			return err
		}
	}
	if err := writeRow(tx, spec.table, p, ev, status, e.Index, cur.exists); err != nil {
		return err
	}
	return writeVersion(tx, e, ev)
}

// row is the state of an item before an event.
type row struct {
	exists  bool
	status  string
	version int
}

func currentRow(tx *gorm.DB, table, code string) (row, error) {
	var r row
	err := store.QueryRowSQL(tx, `SELECT status, version FROM `+table+` WHERE code = ?`, code).Scan(&r.status, &r.version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return row{}, nil
	case err != nil:
		return row{}, err
	}
	r.exists = true
	return r, nil
}

// nextStatus applies the lifecycle: publish a new item at version 1; amend
// or repeal an item in force at the next version.
func nextStatus(cur row, ev *ListEvent, action string) (string, error) {
	switch {
	case action == "published" && cur.exists:
		return "", fmt.Errorf("%w: %s %s already exists", store.ErrConflict, ev.Kind, ev.Code)
	case action == "published" && ev.Version != 1:
		return "", fmt.Errorf("%w: a new item starts at version 1", store.ErrInvalid)
	case action == "published":
		return StatusInForce, nil
	case action != "amended" && action != "repealed":
		return "", fmt.Errorf("%w: unknown action %q", store.ErrInvalid, action)
	case !cur.exists:
		return "", fmt.Errorf("%w: %s %s", store.ErrNotFound, ev.Kind, ev.Code)
	case cur.status != StatusInForce:
		return "", fmt.Errorf("%w: %s %s is repealed", store.ErrNotInForce, ev.Kind, ev.Code)
	case ev.Version != cur.version+1:
		return "", fmt.Errorf("%w: %s %s is at version %d, not %d", store.ErrConflict, ev.Kind, ev.Code, cur.version, ev.Version-1)
	case action == "repealed":
		return StatusRepealed, nil
	}
	return StatusInForce, nil
}

// checkReferences enforces that an item in force refers to a department
// in force, and a responsibility or service to a power in force.
func checkReferences(tx *gorm.DB, kind Kind, p parsed) error {
	if p.dept != "" {
		if err := mustBeInForce(tx, "departments", p.dept, "dept"); err != nil {
			return err
		}
	}
	if p.powerOf != "" {
		field := "power_code"
		if err := mustBeInForce(tx, "powers", p.powerOf, field); err != nil {
			return err
		}
	}
	return nil
}

func mustBeInForce(tx *gorm.DB, table, code, field string) error {
	cur, err := currentRow(tx, table, code)
	if err != nil {
		return err
	}
	return InForce(sql.NullString{String: cur.status, Valid: cur.exists}, code, field)
}

func writeRow(tx *gorm.DB, table string, p parsed, ev *ListEvent, status string, index int64, exists bool) error {
	cols := map[string]any{"status": status, "version": ev.Version, "ledger_index": index, "item": string(ev.Item)}
	for k, v := range p.columns {
		cols[k] = v
	}
	if exists {
		return tx.Table(table).Where("code = ?", p.code).Updates(cols).Error
	}
	cols["code"] = p.code
	return tx.Table(table).Create(cols).Error
}

func writeVersion(tx *gorm.DB, e *ledger.Entry, ev *ListEvent) error {
	changed, _ := json.Marshal(nonNil(ev.Changed))
	return tx.Exec(`INSERT INTO item_versions (kind, code, version, ledger_index, type, time, basis_doc,
		change_note, major, effective_from, changed, item) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		ev.Kind, ev.Code, ev.Version, e.Index, e.Type, e.Time.Format(ledger.TimeFormat), ev.BasisDoc,
		ev.ChangeNote, ev.Major, ev.EffectiveFrom, string(changed), string(ev.Item)).Error
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
