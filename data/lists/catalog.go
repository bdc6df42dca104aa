package lists

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"gorm.io/gorm"

	"qingdan/data/store"
	"qingdan/ledger"
)

// Catalog publishes, amends and repeals list items as ledger events whose
// projections keep the list tables in step, and reads those tables.
type Catalog struct {
	db    *store.DB
	log   *ledger.Log
	index listIndex
}

// NewCatalog returns the catalog over db, appending to log.
func NewCatalog(db *store.DB, log *ledger.Log) *Catalog {
	c := &Catalog{db: db, log: log}
	c.index.known.Store(-1) // no list row yet; the first may be at index 0
	return c
}

// ChangeMeta is what every list change carries: the document that
// authorises it (依据文号), a note, whether it is major, and when it takes
// effect.
type ChangeMeta struct {
	BasisDoc      string `json:"basis_doc"`
	ChangeNote    string `json:"change_note"`
	Major         bool   `json:"major"`
	EffectiveFrom string `json:"effective_from"`
	// BaseVersion, if not 0, is the version the change was prepared
	// against (a form opened earlier): Amend refuses with ErrConflict when
	// the item is at another, and the append refuses if it moves on before
	// the change is written.
	BaseVersion int `json:"-"`
}

func (m ChangeMeta) validate() error {
	f := store.FieldErrors{}
	checkRequired(f, "basis_doc", m.BasisDoc)
	checkRequired(f, "change_note", m.ChangeNote)
	checkDate(f, "effective_from", m.EffectiveFrom)
	return f.Err()
}

// Written is the result of a change: the item as now listed and the
// ledger receipt of the change.
type Written struct {
	Item    *Item
	Receipt *ledger.Receipt
}

// Publish lists a new item (version 1) on behalf of actor.
func (c *Catalog) Publish(ctx context.Context, actor string, kind Kind, item json.RawMessage, meta ChangeMeta) (*Written, error) {
	spec, err := specOf(kind)
	if err != nil {
		return nil, err
	}
	if err := meta.validate(); err != nil {
		return nil, err
	}
	p, err := parseNew(spec, item) // names checked
	if err != nil {
		return nil, err
	}
	ev := ListEvent{Kind: kind, Code: p.code, Version: 1, Item: p.item, BasisDoc: meta.BasisDoc,
		ChangeNote: meta.ChangeNote, Major: meta.Major, EffectiveFrom: meta.EffectiveFrom, Changed: []string{}}
	return c.append(ctx, actor, "published", p.dept, &ev, linkRule(kind, p))
}

// Amend changes the given fields of an item in force. The code cannot
// change; an amendment that changes nothing is ErrUnchanged.
func (c *Catalog) Amend(ctx context.Context, actor string, kind Kind, code string, changes map[string]json.RawMessage, meta ChangeMeta) (*Written, error) {
	spec, err := specOf(kind)
	if err != nil {
		return nil, err
	}
	if err := meta.validate(); err != nil {
		return nil, err
	}
	cur, err := c.Get(ctx, kind, code)
	if err != nil {
		return nil, err
	}
	if cur.Status != StatusInForce {
		return nil, fmt.Errorf("%w: %s %s is repealed", store.ErrNotInForce, kind, code)
	}
	if meta.BaseVersion != 0 && meta.BaseVersion != cur.Version {
		return nil, fmt.Errorf("%w: %s %s is at version %d, the change was made to version %d", store.ErrConflict, kind, code, cur.Version, meta.BaseVersion)
	}
	merged, changed, err := mergeChanges(cur.Raw, changes)
	if err != nil {
		return nil, err
	}
	p, err := parseNew(spec, merged) // names checked
	if err != nil {
		return nil, err
	}
	if p.code != code {
		return nil, &store.ValidationError{Fields: map[string]string{"code": "the code of a listed item cannot change"}}
	}
	ev := ListEvent{Kind: kind, Code: code, Version: cur.Version + 1, Item: p.item, BasisDoc: meta.BasisDoc,
		ChangeNote: meta.ChangeNote, Major: meta.Major, EffectiveFrom: meta.EffectiveFrom, Changed: changed}
	return c.append(ctx, actor, "amended", p.dept, &ev, linkRule(kind, p))
}

// Repeal takes an item off the list (取消); it stays visible with its
// history.
func (c *Catalog) Repeal(ctx context.Context, actor string, kind Kind, code string, meta ChangeMeta) (*Written, error) {
	if _, err := specOf(kind); err != nil {
		return nil, err
	}
	if err := meta.validate(); err != nil {
		return nil, err
	}
	cur, err := c.Get(ctx, kind, code)
	if err != nil {
		return nil, err
	}
	ev := ListEvent{Kind: kind, Code: code, Version: cur.Version + 1, Item: cur.Raw, BasisDoc: meta.BasisDoc,
		ChangeNote: meta.ChangeNote, Major: meta.Major, EffectiveFrom: meta.EffectiveFrom, Changed: []string{"status"}}
	return c.append(ctx, actor, "repealed", cur.Dept, &ev, nil)
}

// linkRule is the rule for a new or amended item that the projection does
// not check (it also replays entries written before the rule): a service
// implements a power of its own department, in force (else an
// editor could link their service to another department's power, and
// their own officials would decide on it). Nil when kind has no such rule.
func linkRule(kind Kind, p parsed) func(*gorm.DB) error {
	if kind != KindService || p.powerOf == "" {
		return nil
	}
	return func(tx *gorm.DB) error { return powerOfDept(tx, p.powerOf, p.dept) }
}

// powerOfDept checks that the power code is listed, in force and of dept.
func powerOfDept(tx *gorm.DB, code, dept string) error {
	var status, of string
	err := store.QueryRowSQL(tx, `SELECT status, dept FROM powers WHERE code = ?`, code).Scan(&status, &of)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return InForce(sql.NullString{}, code, "power_code")
	case err != nil:
		return err
	}
	if err := InForce(Listed(status), code, "power_code"); err != nil {
		return err
	}
	if of != dept {
		return &store.ValidationError{Fields: map[string]string{"power_code": fmt.Sprintf(
			"%q is a power of department %s; a service implements a power of its own department (%s)", code, of, dept)}}
	}
	return nil
}

// mergeChanges applies field changes to an item's JSON and returns the new
// item with the names of the fields whose value really changed.
func mergeChanges(item json.RawMessage, changes map[string]json.RawMessage) (json.RawMessage, []string, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(item, &fields); err != nil {
		return nil, nil, err
	}
	var changed []string
	for k, v := range changes {
		old, known := fields[k]
		if !known {
			return nil, nil, &store.ValidationError{Fields: map[string]string{k: "no such field"}}
		}
		if !sameJSON(old, v) {
			changed = append(changed, k)
		}
		fields[k] = v
	}
	if len(changed) == 0 {
		return nil, nil, store.ErrUnchanged
	}
	sort.Strings(changed)
	merged, err := json.Marshal(fields)
	return merged, changed, err
}

func sameJSON(a, b json.RawMessage) bool {
	ca, err1 := ledger.CanonicalJSON(a)
	cb, err2 := ledger.CanonicalJSON(b)
	return err1 == nil && err2 == nil && bytes.Equal(ca, cb)
}

// append writes the event with its projection and returns the new row.
// rule, if not nil, is a check of new changes only, run in the append's
// transaction before the projection: replay never runs it, so entries
// written before a rule existed still replay.
func (c *Catalog) append(ctx context.Context, actor, action, dept string, ev *ListEvent, rule func(*gorm.DB) error) (*Written, error) {
	canon, err := ledger.CanonicalJSON(ev.Item)
	if err != nil {
		return nil, &store.ValidationError{Fields: map[string]string{"item": err.Error()}}
	}
	ev.Item = canon
	if err := checkNewItem(ev); err != nil {
		return nil, err
	}
	app, err := c.log.Append(ctx, ledger.Event{Type: string(ev.Kind) + "." + action, Actor: actor, Dept: dept,
		Data: ev, Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			g := store.GormTx(tx).WithContext(ctx)
			if rule != nil {
				if err := rule(g); err != nil {
					return err
				}
			}
			return Project(ctx, g, e)
		}})
	if err != nil {
		return nil, err
	}
	c.advance(app.Entry.Index)
	item, err := c.Get(ctx, ev.Kind, ev.Code)
	if err != nil {
		return nil, err
	}
	return &Written{Item: item, Receipt: app.Receipt}, nil
}

// Item is a listed item as the tables hold it.
type Item struct {
	Kind        Kind
	Code        string
	Dept        string
	Status      string
	Version     int
	LedgerIndex int64
	// Raw is the item's JSON as the ledger recorded it, in today's form:
	// a field the entry was written without is there at its default.
	Raw     json.RawMessage
	encoded []byte // MarshalJSON's result, cached by the list index
}

// MarshalJSON serves the item's own fields plus status, version and the
// ledger index of its current version.
func (it *Item) MarshalJSON() ([]byte, error) {
	if it.encoded != nil {
		return it.encoded, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(it.Raw, &fields); err != nil {
		return nil, err
	}
	fields["status"], _ = json.Marshal(it.Status)
	fields["version"], _ = json.Marshal(it.Version)
	fields["ledger_index"], _ = json.Marshal(it.LedgerIndex)
	if it.Kind == KindResponsibility {
		fields["code"], _ = json.Marshal(it.Code)
	}
	return json.Marshal(fields)
}

// Get reads one item; ErrNotFound if it was never listed.
func (c *Catalog) Get(ctx context.Context, kind Kind, code string) (*Item, error) {
	spec, err := specOf(kind)
	if err != nil {
		return nil, err
	}
	dept := "dept"
	if kind == KindDepartment {
		dept = "''"
	}
	var r itemRow
	res := c.db.Reader.WithContext(ctx).Raw(`SELECT code, `+dept+` AS dept, status, version, ledger_index, item FROM `+
		spec.table+` WHERE code = ?`, code).Scan(&r)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, fmt.Errorf("%w: %s %s", store.ErrNotFound, kind, code)
	}
	return r.item(kind), nil
}

// Names reads the names of the listed items of kind with the given codes
// in one query (a page of responsibilities shows its powers' names);
// codes never listed are absent.
func (c *Catalog) Names(ctx context.Context, kind Kind, codes []string) (map[string]string, error) {
	spec, err := specOf(kind)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	if len(codes) == 0 {
		return out, nil
	}
	var rows []struct{ Code, Item string }
	if err := c.db.Reader.WithContext(ctx).Raw(`SELECT code, item FROM `+spec.table+` WHERE code IN ?`, codes).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		var n struct{ Name string }
		json.Unmarshal([]byte(r.Item), &n)
		out[r.Code] = n.Name
	}
	return out, nil
}

type itemRow struct {
	Code        string
	Dept        string
	Status      string
	Version     int
	LedgerIndex int64
	Item        string
}

func (r itemRow) item(kind Kind) *Item {
	return &Item{Kind: kind, Code: r.Code, Dept: r.Dept, Status: r.Status, Version: r.Version,
		LedgerIndex: r.LedgerIndex, Raw: currentItem(kind, r.Item)}
}

// Version is one version of an item in its history.
type Version struct {
	Version       int             `json:"version"`
	LedgerIndex   int64           `json:"ledger_index"`
	Type          string          `json:"type"`
	Time          string          `json:"time"`
	BasisDoc      string          `json:"basis_doc"`
	ChangeNote    string          `json:"change_note"`
	Major         bool            `json:"major"`
	EffectiveFrom string          `json:"effective_from"`
	Changed       []string        `json:"changed"`
	Diff          []FieldChange   `json:"diff"`
	Item          json.RawMessage `json:"-"`
}

// FieldChange is one field's value before and after a version.
type FieldChange struct {
	Field  string          `json:"field"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// History lists every version of an item, oldest first, each with its
// difference from the one before.
func (c *Catalog) History(ctx context.Context, kind Kind, code string) ([]Version, error) {
	var rows []struct {
		Version       int
		LedgerIndex   int64
		Type          string
		Time          string
		BasisDoc      string
		ChangeNote    string
		Major         bool
		EffectiveFrom string
		Changed       string
		Item          string
	}
	err := c.db.Reader.WithContext(ctx).Raw(`SELECT version, ledger_index, type, time, basis_doc, change_note, major,
		effective_from, changed, item FROM item_versions WHERE kind = ? AND code = ? ORDER BY version`, kind, code).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Version, len(rows))
	for i, r := range rows {
		out[i] = Version{Version: r.Version, LedgerIndex: r.LedgerIndex, Type: r.Type, Time: r.Time,
			BasisDoc: r.BasisDoc, ChangeNote: r.ChangeNote, Major: r.Major, EffectiveFrom: r.EffectiveFrom,
			Item: currentItem(kind, r.Item)}
		json.Unmarshal([]byte(r.Changed), &out[i].Changed)
		if i > 0 {
			out[i].Diff = diffFields(out[i-1].Item, out[i].Item, out[i].Changed)
		}
	}
	return out, nil
}

func diffFields(before, after json.RawMessage, fields []string) []FieldChange {
	var b, a map[string]json.RawMessage
	json.Unmarshal(before, &b)
	json.Unmarshal(after, &a)
	out := []FieldChange{}
	for _, f := range fields {
		out = append(out, FieldChange{Field: f, Before: orNull(b[f]), After: orNull(a[f])})
	}
	return out
}

func orNull(r json.RawMessage) json.RawMessage {
	if r == nil {
		return json.RawMessage("null")
	}
	return r
}

// PowerRecord is a power with what hangs on it: the responsibilities of
// its stages, the services that implement it and its version history,
// oldest first. The API and the public page show the same record.
type PowerRecord struct {
	Power            *Item
	Responsibilities []*Item
	Services         []*Item
	History          []Version
}

// PowerRecord reads the power code with its responsibilities, services
// and history.
func (c *Catalog) PowerRecord(ctx context.Context, code string) (*PowerRecord, error) {
	power, err := c.Get(ctx, KindPower, code)
	if err != nil {
		return nil, err
	}
	resp, err := c.List(ctx, ListQuery{Kind: KindResponsibility, PowerOf: power.Code, PerPage: MaxPerPage})
	if err != nil {
		return nil, err
	}
	services, err := c.List(ctx, ListQuery{Kind: KindService, PowerOf: power.Code, PerPage: MaxPerPage})
	if err != nil {
		return nil, err
	}
	history, err := c.History(ctx, KindPower, power.Code)
	if err != nil {
		return nil, err
	}
	return &PowerRecord{Power: power, Responsibilities: resp.Items, Services: services.Items, History: history}, nil
}
