package applications

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"qingdan/data/lists"
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

// The applications' in-force checks of a referred code give lists.InForce's
// answer (the lists' own checks are tested beside it).
func TestInForceIsOneRule(t *testing.T) {
	a, _, db, _ := newApprovals(t)
	want := lists.InForce(sql.NullString{}, "XK-NOPE", "power_code").Error()
	_, err := a.itemState(context.Background(), "powers", "XK-NOPE", "power_code", "")
	if err == nil || err.Error() != want {
		t.Errorf("itemState: %v, want %s", err, want)
	}
	if err := serviceInForce(db.Writer, "FW-SCJG-001", "XK-NOPE"); err == nil || err.Error() != want {
		t.Errorf("serviceInForce: %v, want %s", err, want)
	}
}
