package applications

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"qingdan/data/applicant"
	"qingdan/data/calendar"
	"qingdan/data/lists"
	"qingdan/data/personal"
	"qingdan/data/pgtest"
	"qingdan/data/store"
	"qingdan/data/workday"
	"qingdan/ledger"
	"qingdan/ledger/storetest"

	"golang.org/x/mod/sumdb/tlog"
)

// Personal data used by these tests; none of it may reach the ledger.
const (
	testName  = "司马相如"
	testID    = "11010519491231002X"
	testPhone = "13812345678"
	testAddr  = "清江县文昌路16号"
)

func validResidentID(t *testing.T) string {
	t.Helper()
	a := applicant.Applicant{Type: "natural", Name: testName, IDType: "resident_id", IDNumber: testID, Phone: testPhone}
	a.Normalize()
	if errs := a.Validate(); len(errs) > 0 {
		t.Skipf("test ID %s not valid under the checker: %v", testID, errs)
	}
	return testID
}

func newApprovals(t *testing.T) (*Approvals, *lists.Catalog, *store.DB, *ledger.Log) {
	t.Helper()
	c, db, l := newCatalog(t)
	seedBasics(t, c)
	ctx := context.Background()
	svc := lists.ServiceItem{Code: "FW-SCJG-001", Name: "食品生产许可申请", Audience: "legal_person", Dept: "scjg",
		PowerCode: "XK-SCJG-001", Category: "XK"}
	if _, err := c.Publish(ctx, "editor", lists.KindService, mustJSON(svc), testMeta); err != nil {
		t.Fatal(err)
	}
	cal, err := workday.Default()
	if err != nil {
		t.Fatal(err)
	}
	a := NewApprovals(db, l, func() *workday.Calendar { return cal })
	a.UsePII(newTestPII(t, db))
	return a, c, db, l
}

// testPIIKey is the tests' personal-data master key.
var testPIIKey, _ = personal.NewPIIMasterKey()

// newTestPII opens db's personal-data keys under testPIIKey.
func newTestPII(t testing.TB, db *store.DB) *personal.PII {
	t.Helper()
	p, err := personal.OpenPII(context.Background(), db, []personal.PIIMasterKey{testPIIKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func submit(t *testing.T, a *Approvals) *Submitted {
	t.Helper()
	s, err := a.Submit(context.Background(), SubmitRequest{ServiceCode: "FW-SCJG-001", Summary: "申请食品生产许可",
		Applicant: applicant.Applicant{Type: "natural", Name: testName, IDType: "resident_id", IDNumber: validResidentID(t), Phone: testPhone, Address: testAddr}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestApplicationLifecycle(t *testing.T) { pgtest.Backends(t, testApplicationLifecycle) }

func testApplicationLifecycle(t *testing.T) {
	a, _, db, l := newApprovals(t)
	ctx := context.Background()
	s := submit(t, a)
	if _, err := a.Progress(ctx, s.Number, s.QueryCode); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Progress(ctx, s.Number, "WRONGCOD"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("wrong query code: got %v, want store.ErrNotFound", err)
	}
	steps := []struct {
		actor, action string
		ev            ActionEvent
	}{
		{"clerk.scjg", ActionAccept, ActionEvent{}},
		{"clerk.scjg", ActionPause, ActionEvent{Procedure: "专家评审", Reason: "需要专家评审"}},
		{"clerk.scjg", ActionResume, ActionEvent{}},
		{"clerk.scjg", ActionReview, ActionEvent{Opinion: "材料齐全，符合条件"}},
		{"approver.scjg", ActionExtend, ActionEvent{Days: 10, Reason: "情况复杂"}},
		{"approver.scjg", ActionDecide, ActionEvent{Outcome: "approved", Reason: "符合条件", Basis: "《食品安全法》第三十五条"}},
		{"clerk.scjg", ActionDeliver, ActionEvent{Method: "电子送达"}},
	}
	for _, st := range steps {
		if _, err := a.Act(ctx, st.actor, s.Number, st.action, st.ev, nil); err != nil {
			t.Fatalf("%s: %v", st.action, err)
		}
	}
	v, err := a.Get(ctx, s.Number)
	if err != nil {
		t.Fatal(err)
	}
	if v.State != StateDelivered || v.Outcome != "approved" || v.ExtensionDays != 10 || len(v.Pauses) != 1 ||
		v.ClockStatus != ClockClosedOnTime || len(v.Timeline) != 8 || v.LegalDeadline == nil {
		t.Fatalf("after the lifecycle: %+v clock %s, %d timeline steps", v.Application, v.ClockStatus, len(v.Timeline))
	}
	mustMatchReplay(t, db, l)
}

func TestIllegalTransitionsAre409(t *testing.T) { pgtest.Backends(t, testIllegalTransitionsAre409) }

func testIllegalTransitionsAre409(t *testing.T) {
	a, _, _, _ := newApprovals(t)
	ctx := context.Background()
	s := submit(t, a)
	illegal := []string{ActionReview, ActionDecide, ActionDeliver, ActionResume}
	for _, act := range illegal {
		if _, err := a.Act(ctx, "x", s.Number, act, ActionEvent{Outcome: "approved"}, nil); !errors.Is(err, store.ErrConflict) {
			t.Errorf("%s on a submitted application: got %v, want store.ErrConflict", act, err)
		}
	}
	a.Act(ctx, "public", s.Number, ActionWithdraw, ActionEvent{}, nil)
	if _, err := a.Act(ctx, "clerk", s.Number, ActionAccept, ActionEvent{}, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("accepting a withdrawn application: got %v, want store.ErrConflict", err)
	}
}

func TestFourEyesCheckedInTransaction(t *testing.T) {
	pgtest.Backends(t, testFourEyesCheckedInTransaction)
}

func testFourEyesCheckedInTransaction(t *testing.T) {
	a, _, _, _ := newApprovals(t)
	ctx := context.Background()
	s := submit(t, a)
	a.Act(ctx, "clerk.scjg", s.Number, ActionAccept, ActionEvent{}, nil)
	a.Act(ctx, "approver.scjg", s.Number, ActionReview, ActionEvent{Opinion: "ok"}, nil)
	fourEyes := func(decider string) func(*Application) error {
		return func(app *Application) error {
			if app.ReviewedBy == decider {
				return errors.New("four eyes: the decider reviewed it")
			}
			return nil
		}
	}
	if _, err := a.Act(ctx, "approver.scjg", s.Number, ActionDecide, ActionEvent{Outcome: "approved"}, fourEyes("approver.scjg")); err == nil {
		t.Fatal("the reviewer decided")
	}
	if _, err := a.Act(ctx, "approver2.scjg", s.Number, ActionDecide, ActionEvent{Outcome: "denied", Reason: "不符合"}, fourEyes("approver2.scjg")); err != nil {
		t.Fatal(err)
	}
}

func TestRepealedPowerTakesNoApplications(t *testing.T) {
	pgtest.Backends(t, testRepealedPowerTakesNoApplications)
}

func testRepealedPowerTakesNoApplications(t *testing.T) {
	a, c, _, _ := newApprovals(t)
	if _, err := c.Repeal(context.Background(), "editor", lists.KindPower, "XK-SCJG-001", testMeta); err != nil {
		t.Fatal(err)
	}
	_, err := a.Submit(context.Background(), SubmitRequest{ServiceCode: "FW-SCJG-001",
		Applicant: applicant.Applicant{Type: "natural", Name: testName, IDType: "resident_id", IDNumber: validResidentID(t), Phone: testPhone}})
	if !errors.Is(err, store.ErrNotInForce) {
		t.Fatalf("applying for a repealed power: got %v, want store.ErrNotInForce", err)
	}
}

func TestConcurrentAcceptExactlyOneWins(t *testing.T) {
	pgtest.Backends(t, testConcurrentAcceptExactlyOneWins)
}

func testConcurrentAcceptExactlyOneWins(t *testing.T) {
	a, _, _, _ := newApprovals(t)
	s := submit(t, a)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if _, err := a.Act(context.Background(), fmt.Sprintf("clerk%d.scjg", i), s.Number, ActionAccept, ActionEvent{}, nil); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d clerks accepted the same application, want exactly 1", wins)
	}
}

// TestNoPersonalDataInLedger submits known personal data and finds none
// of it in any ledger entry or public view; erasure keeps the ledger
// verifying.
func TestNoPersonalDataInLedger(t *testing.T) { pgtest.Backends(t, testNoPersonalDataInLedger) }

func testNoPersonalDataInLedger(t *testing.T) {
	a, _, db, l := newApprovals(t)
	ctx := context.Background()
	s := submit(t, a)
	v, _ := a.Get(ctx, s.Number)
	public, _ := json.Marshal(v)
	secrets := []string{testID, testPhone, testAddr, testName, "相如", s.QueryCode}
	l.Store().ReadRecords(ctx, 0, -1, func(r ledger.Record) error {
		for _, sec := range secrets {
			if strings.Contains(string(r.Body), sec) {
				t.Errorf("ledger entry %d contains %q", r.Index, sec)
			}
		}
		return nil
	})
	for _, sec := range secrets {
		if strings.Contains(string(public), sec) {
			t.Errorf("the public view contains %q", sec)
		}
	}
	if !strings.Contains(string(public), `"applicant":"司***"`) {
		t.Errorf("public view shows %s, want the masked name 司***", public)
	}
	if err := a.Erase(ctx, s.Number); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Personal(ctx, s.Number); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("personal data after erasure: %v", err)
	}
	if _, err := a.Progress(ctx, s.Number, s.QueryCode); err != nil {
		t.Fatalf("the public record is gone after erasure: %v", err)
	}
	if _, err := ledger.Verify(ctx, l.Store(), l.Origin(), l.Key().Verifier, nil); err != nil {
		t.Fatal(err)
	}
	mustMatchReplay(t, db, l)
}

// TestClockAroundNationalDay accepts on 2026-09-24 with a 5-day promised
// limit: the Mid-Autumn (09-25…27) and National Day (10-01…07) holidays
// are skipped, so the five days are 09-28, 09-29, 09-30, 10-08 and 10-09
// (the 调休 working Saturday 10-10 comes after; workday's tests count it).
func TestClockAroundNationalDay(t *testing.T) { pgtest.Backends(t, testClockAroundNationalDay) }

func testClockAroundNationalDay(t *testing.T) {
	a, _, _, _ := newApprovals(t)
	a.now = func() time.Time { return time.Date(2026, 9, 24, 3, 0, 0, 0, time.UTC) }
	s := submit(t, a)
	app, _ := a.Get(context.Background(), s.Number)
	app.AcceptedOn, app.PromisedLimit = "2026-09-24", 5
	d := a.deadline(app.Application, 5, workday.NewDate(2026, 9, 24))
	if d.Date != "2026-10-09" || !strings.Contains(d.Explain(""), "国庆") {
		t.Fatalf("deadline %s (%s), want 2026-10-09 with the holiday explained", d.Date, d.Explain(""))
	}
	cases := []struct {
		today string
		want  string
	}{{"2026-09-25", ClockNormal}, {"2026-10-08", ClockYellow}, {"2026-10-09", ClockYellow}, {"2026-10-12", ClockRed}}
	for _, c := range cases {
		today, _ := workday.ParseDate(c.today)
		if got := a.clockStatus(app.Application, d, today); got != c.want {
			t.Errorf("on %s: clock %s, want %s", c.today, got, c.want)
		}
	}
}

// TestStatsEqualReplay: the statistics computed from the live projections
// equal those computed from a replay of the ledger.
func TestStatsEqualReplay(t *testing.T) { pgtest.Backends(t, testStatsEqualReplay) }

func testStatsEqualReplay(t *testing.T) {
	a, _, _, l := newApprovals(t)
	ctx := context.Background()
	for i := 0; i < 6; i++ {
		s := submit(t, a)
		if i%3 == 0 {
			continue
		}
		a.Act(ctx, "clerk.scjg", s.Number, ActionAccept, ActionEvent{}, nil)
		a.Act(ctx, "clerk.scjg", s.Number, ActionReview, ActionEvent{Opinion: "ok"}, nil)
		outcome := map[bool]string{true: "approved", false: "denied"}[i%2 == 0]
		a.Act(ctx, "approver.scjg", s.Number, ActionDecide, ActionEvent{Outcome: outcome}, nil)
	}
	live, err := a.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	scratch, err := store.OpenSQLite(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Close()
	if err := store.Replay(ctx, l.Store(), scratch, projectors); err != nil {
		t.Fatal(err)
	}
	replayed, err := NewApprovals(scratch, nil, a.calendar).Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(live)
	want, _ := json.Marshal(replayed)
	if string(got) != string(want) {
		t.Fatalf("live stats %s\nreplayed %s", got, want)
	}
	d := live.Departments[0]
	if d.Received != 6 || d.Decided != 4 || d.Approved != 2 || d.Denied != 2 || d.OnTimeRate != 1 {
		t.Fatalf("stats %+v", d)
	}
}

// TestCalendarUpdateRecomputesDeadlines: recording 2027's holidays moves an
// open deadline that crosses New Year 2027 and removes the warning.
func TestCalendarUpdateRecomputesDeadlines(t *testing.T) {
	pgtest.Backends(t, testCalendarUpdateRecomputesDeadlines)
}

func testCalendarUpdateRecomputesDeadlines(t *testing.T) {
	a, _, db, l := newApprovals(t)
	ctx := context.Background()
	cals, err := calendar.NewCalendars(ctx, db, l)
	if err != nil {
		t.Fatal(err)
	}
	a.calendar = cals.Current
	app := &Application{AcceptedOn: "2026-12-28", PromisedLimit: 10}
	before := a.deadline(app, 10, workday.NewDate(2026, 12, 28))
	if len(before.Warnings) == 0 {
		t.Fatalf("a deadline into 2027 without 2027 data: no warning (%+v)", before)
	}
	year2027 := `{"year":2027,"papers":[],"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true},{"name":"元旦","date":"2027-01-04","isOffDay":true}]}`
	if _, _, err := cals.Update(ctx, "sysadmin", []byte(year2027)); err != nil {
		t.Fatal(err)
	}
	after := a.deadline(app, 10, workday.NewDate(2026, 12, 28))
	if len(after.Warnings) != 0 || after.Date == before.Date {
		t.Fatalf("after the update: %s %v; before: %s", after.Date, after.Warnings, before.Date)
	}
	if _, _, err := cals.Update(ctx, "sysadmin", []byte(`{"year":2027,"days":[{"date":"2026-01-01"}]}`)); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("a bad calendar file: got %v, want store.ErrInvalid", err)
	}
	mustMatchReplay(t, db, l)
}

// The application events' fields are declared in key order, so that the
// ledger takes encoding/json's output as canonical without re-encoding it
// (ledger.CanonicalJSON's fast path). A field added out of order fails here.
func TestApplicationEventsMarshalCanonically(t *testing.T) {
	for _, ev := range []any{
		SubmittedEvent{DisplayName: "司**", ApplicantType: "natural", Commitment: "c", Dept: "d", LegalLimit: 20,
			MaterialHashes: []string{"ab"}, Number: "QD1", PowerCode: "P", PromisedLimit: 5, ServiceCode: "S"},
		ActionEvent{Basis: "b", Days: 3, Method: "m", Missing: []string{"x"}, Number: "QD1", Opinion: "o",
			Outcome: "approved", Procedure: "hearing", Reason: "r"},
	} {
		raw, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if err := ledger.CheckCanonical(raw); err != nil {
			t.Errorf("%T marshals to %s, not canonical: %v", ev, raw, err)
		}
	}
}

// Submitted.AppendJSON writes what encoding/json writes from the tags.
func TestSubmittedAppendJSONMatchesReflection(t *testing.T) {
	type plain Submitted
	for _, s := range []Submitted{
		{Number: "QD20261127132523291619", QueryCode: "CUPD7XZM", Receipt: &ledger.Receipt{Index: 7, Checkpoint: "o\n8\nr=\n\n— o s=\n",
			Inclusion: []tlog.Hash{{1}, {2}}}},
		{Number: "QD\"<&>", QueryCode: "", Receipt: nil},
	} {
		got := s.AppendJSON(nil)
		want, _ := json.Marshal(plain(s))
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("invalid JSON %s: %v", got, err)
		}
		json.Unmarshal(want, &w)
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("got %s\nwant %s", got, want)
		}
	}
}

// TestRefusedSubmissionLeavesItsBatch: submissions run without a savepoint
// on SQLite (ledger.Event.Unguarded). One refused inside a batch of
// others — its number already taken — must leave nothing behind and take
// nothing of the others with it: every other submission of the batch is
// appended (a failed batch would answer them all with its error), the
// refused one is retried under a new number (Submit), and the projections
// equal a replay of the ledger.
func TestRefusedSubmissionLeavesItsBatch(t *testing.T) {
	pgtest.Backends(t, testRefusedSubmissionLeavesItsBatch)
}

func testRefusedSubmissionLeavesItsBatch(t *testing.T) {
	a, _, db, l := newApprovals(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	a.SetClock(func() time.Time { return at }) // every number in one second
	first := submit(t, a)

	// Hold the appender inside a batch while the submissions queue up, so
	// that they are gathered into one batch together.
	started, release := make(chan struct{}), make(chan struct{})
	go l.Append(ctx, ledger.Event{Type: "system.note", Actor: "system", Data: map[string]any{"note": "hold"},
		Project: func(context.Context, ledger.Tx, *ledger.Entry) error { close(started); <-release; return nil }})
	<-started
	a.numbers.mu.Lock()
	a.numbers.upcoming-- // the next number handed out is first's again
	start := a.numbers.upcoming
	a.numbers.mu.Unlock()
	const n = 12
	errs := make([]error, n)
	subs := make([]*Submitted, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			subs[i], errs[i] = a.Submit(ctx, SubmitRequest{ServiceCode: "FW-SCJG-001", Summary: "批内申请",
				Applicant: applicant.Applicant{Type: "natural", Name: testName, IDType: "resident_id", IDNumber: validResidentID(t), Phone: testPhone}})
		}()
	}
	storetest.WaitQueued(t, l, n)
	close(release)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("submission %d: %v", i, err)
		}
		if subs[i].Number == first.Number {
			t.Fatalf("submission %d answered with the taken number %s", i, first.Number)
		}
	}
	if handed := a.numbers.upcoming - start; handed != n+1 {
		t.Fatalf("%d numbers handed out for %d submissions, want %d: no submission was refused and retried", handed, n, n+1)
	}
	for _, table := range []string{"applications", "applicants", "application_events"} {
		var count int64
		if err := db.Reader.Raw("SELECT count(*) FROM " + table).Scan(&count).Error; err != nil {
			t.Fatal(err)
		}
		if count != n+1 {
			t.Errorf("%s holds %d rows, want %d", table, count, n+1)
		}
	}
	personal, err := a.Personal(ctx, first.Number)
	if err != nil || !strings.Contains(string(personal), "申请食品生产许可") {
		t.Errorf("the first application's personal data was replaced: %q (%v)", personal, err)
	}
	mustMatchReplay(t, db, l)
}

// TestActAndViewIsWhatGetReads: the view an action answers with, built
// from the row its projection wrote, is the view read afresh afterwards;
// the department of an unknown number stays unknown (not remembered).
func TestActAndViewIsWhatGetReads(t *testing.T) { pgtest.Backends(t, testActAndViewIsWhatGetReads) }

func testActAndViewIsWhatGetReads(t *testing.T) {
	a, _, _, _ := newApprovals(t)
	ctx := context.Background()
	s := submit(t, a)
	for _, step := range []struct {
		actor, action string
		ev            ActionEvent
	}{
		{"clerk.scjg", ActionAccept, ActionEvent{}},
		{"clerk.scjg", ActionPause, ActionEvent{Procedure: "hearing", Reason: "听证"}},
		{"clerk.scjg", ActionResume, ActionEvent{}},
		{"approver.scjg", ActionExtend, ActionEvent{Days: 5, Reason: "情况复杂"}},
		{"clerk.scjg", ActionReview, ActionEvent{Opinion: "材料齐全"}},
		{"approver.scjg", ActionDecide, ActionEvent{Outcome: "approved", Basis: "《食品生产许可管理办法》"}},
		{"clerk.scjg", ActionDeliver, ActionEvent{Method: "窗口领取"}},
	} {
		v, receipt, err := a.ActAndView(ctx, step.actor, s.Number, step.action, step.ev, nil)
		if err != nil || receipt == nil {
			t.Fatalf("%s: %v", step.action, err)
		}
		fresh, err := a.Get(ctx, s.Number)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(v)
		want, _ := json.Marshal(fresh)
		if string(got) != string(want) {
			t.Fatalf("%s: answered\n%s\nread afterwards\n%s", step.action, got, want)
		}
	}
	for range 2 {
		if _, err := a.Dept(ctx, "QD-NO-SUCH"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Dept of an unknown number: %v, want store.ErrNotFound", err)
		}
	}
	if dept, err := a.Dept(ctx, s.Number); err != nil || dept != "scjg" {
		t.Fatalf("Dept: %q, %v", dept, err)
	}
}
