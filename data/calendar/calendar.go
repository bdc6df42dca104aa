// Package calendar keeps the working-day calendar in force: the State
// Council years embedded in package workday, overridden by the years
// operators record in the ledger (calendar.updated).
package calendar

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"

	"gorm.io/gorm"

	"qingdan/data/store"
	"qingdan/data/workday"
	"qingdan/ledger"
)

// Calendars keeps the working-day calendar in force: the embedded State
// Council years, overridden by years operators recorded in the ledger
// (calendar.updated). Deadlines are computed when read, so an update
// recomputes every open deadline.
type Calendars struct {
	db      *store.DB
	log     *ledger.Log
	current atomic.Pointer[workday.Calendar]
}

// NewCalendars loads the calendar in force.
func NewCalendars(ctx context.Context, db *store.DB, log *ledger.Log) (*Calendars, error) {
	c := &Calendars{db: db, log: log}
	return c, c.reload(ctx)
}

// Current returns the calendar in force.
func (c *Calendars) Current() *workday.Calendar { return c.current.Load() }

func (c *Calendars) reload(ctx context.Context) error {
	cal, err := workday.Default()
	if err != nil {
		return err
	}
	var rows []struct{ Data string }
	if err := c.db.Reader.WithContext(ctx).Raw(`SELECT data FROM calendar_years ORDER BY year`).Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		y, err := workday.Parse([]byte(r.Data))
		if err != nil {
			return fmt.Errorf("data: stored calendar year: %w", err)
		}
		cal = cal.With(y)
	}
	c.current.Store(cal)
	return nil
}

// Update records calendar.updated for one year's data (the holiday-cn
// format of the State Council notice) and puts it in force.
func (c *Calendars) Update(ctx context.Context, actor string, file []byte) (*ledger.Receipt, int, error) {
	y, err := workday.Parse(file)
	if err != nil {
		return nil, 0, &store.ValidationError{Fields: map[string]string{"calendar": err.Error()}}
	}
	raw, _ := json.Marshal(y)
	app, err := c.log.Append(ctx, ledger.Event{Type: "calendar.updated", Actor: actor, Data: json.RawMessage(raw),
		Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			return Project(ctx, store.GormTx(tx), e)
		}})
	if err != nil {
		return nil, 0, err
	}
	return app.Receipt, y.Year, c.reload(ctx)
}

// Projector keeps the calendar_years table in step with the
// calendar.updated entries of the ledger.
var Projector = store.Projector{
	Domain:   "calendar",
	Families: []string{"calendar"},
	Project:  Project,
	Tables:   []store.Table{{Name: "calendar_years", Query: "SELECT * FROM calendar_years", Key: "year"}},
}

// Project stores the year of a calendar.updated entry inside tx; an entry
// of another type changes nothing.
func Project(ctx context.Context, tx *gorm.DB, e *ledger.Entry) error {
	if e.Type != "calendar.updated" {
		return nil
	}
	y, err := workday.Parse(e.Data)
	if err != nil {
		return fmt.Errorf("%w: entry %d: %v", store.ErrInvalid, e.Index, err)
	}
	return tx.WithContext(ctx).Exec(`INSERT INTO calendar_years (year, data, ledger_index) VALUES (?, ?, ?)
		ON CONFLICT (year) DO UPDATE SET data = excluded.data, ledger_index = excluded.ledger_index`,
		y.Year, string(e.Data), e.Index).Error
}
