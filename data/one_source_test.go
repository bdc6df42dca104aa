package data

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"qingdan/data/workday"
	"qingdan/ledger"
)

// PossibleActions, which the officials' pages show, is exactly what the
// append and the replay accept: both read the one transition table.
func TestPossibleActionsIsWhatApplyAllows(t *testing.T) {
	states := []string{StateSubmitted, StateAccepted, StateRefused, StateReviewed, StateDecided, StateDelivered, StateWithdrawn}
	ev := ActionEvent{Outcome: "approved", Days: 1, Procedure: "hearing", Reason: "r"}
	e := &ledger.Entry{Time: time.Date(2026, 11, 10, 2, 0, 0, 0, time.UTC), Actor: "official"}
	for _, state := range states {
		for _, paused := range []bool{false, true} {
			possible := PossibleActions(appIn(state, paused))
			for _, action := range Actions() {
				err := applyAction(appIn(state, paused), e, transitions[action].past, &ev)
				if allowed := slices.Contains(possible, action); allowed != (err == nil) {
					t.Errorf("%s (paused %v) %s: PossibleActions says %v, applyAction says %v", state, paused, action, allowed, err)
				}
			}
		}
	}
}

func appIn(state string, paused bool) *Application {
	app := &Application{Number: "QD1", State: state, AcceptedOn: "2026-11-02"}
	if paused {
		app.PausedSince = "2026-11-09"
		app.Pauses = []Pause{{From: "2026-11-09", Reason: "hearing: r"}}
	}
	return app
}

// The yellow card shows up to YellowCardWorkdays working days before the
// promised deadline and not a working day earlier.
func TestYellowCardThreshold(t *testing.T) {
	cal, err := workday.Default()
	if err != nil {
		t.Fatal(err)
	}
	a := &Approvals{calendar: func() *workday.Calendar { return cal }}
	today, _ := workday.ParseDate("2026-11-09")
	for due := today; cal.WorkdaysBetween(today, due, nil) <= YellowCardWorkdays+1; due = due.AddDays(1) {
		want := ClockYellow
		if cal.WorkdaysBetween(today, due, nil) > YellowCardWorkdays {
			want = ClockNormal
		}
		if got := a.clockStatus(&Application{}, &Deadline{Date: due.String()}, today); got != want {
			t.Errorf("today %s, due %s: %s, want %s", today, due, got, want)
		}
	}
}

// Every in-force check of a referred code gives inForce's answer.
func TestInForceIsOneRule(t *testing.T) {
	var invalid *ValidationError
	if err := inForce(sql.NullString{}, "XK-NOPE", "power_code"); !errors.As(err, &invalid) || invalid.Fields["power_code"] != `"XK-NOPE" is not on the list` {
		t.Errorf("not listed: %v, want a ValidationError on power_code", err)
	}
	if err := inForce(listed(StatusRepealed), "XK-1", "power_code"); !errors.Is(err, ErrNotInForce) || err.Error() != `not in force: power_code: "XK-1" is repealed` {
		t.Errorf("repealed: %v, want ErrNotInForce", err)
	}
	if err := inForce(listed(StatusInForce), "XK-1", "power_code"); err != nil {
		t.Errorf("in force: %v, want nil", err)
	}
	a, _, db, _ := newApprovals(t)
	want := inForce(sql.NullString{}, "XK-NOPE", "power_code").Error()
	_, err := a.itemState(context.Background(), "powers", "XK-NOPE", "power_code", "")
	if err == nil || err.Error() != want {
		t.Errorf("itemState: %v, want %s", err, want)
	}
	for name, err := range map[string]error{
		"mustBeInForce":  mustBeInForce(db.Writer, "powers", "XK-NOPE", "power_code"),
		"powerOfDept":    powerOfDept(db.Writer, "XK-NOPE", "scjg"),
		"serviceInForce": serviceInForce(db.Writer, "FW-SCJG-001", "XK-NOPE"),
	} {
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", name, err, want)
		}
	}
}
