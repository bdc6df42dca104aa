package applications

import (
	"context"
	"errors"
	"testing"

	"qingdan/data/applicant"
	"qingdan/data/lists"
	"qingdan/data/pgtest"
	"qingdan/data/store"
	"qingdan/ledger"
)

// The memo is trusted only along an unbroken chain of application entries
// projected through it, and never across a failed transaction.
func TestInForceMemoChain(t *testing.T) {
	var failures int64
	var m inForceMemo
	entry := func(i int64) *ledger.Entry { return &ledger.Entry{Index: i} }
	mm := &memoProbe{&m}

	m.begin(failures, entry(10))
	mm.remember("FW-1", "XK-1")
	m.projected(entry(10))
	m.begin(failures, entry(11))
	if !mm.known("FW-1", "XK-1") {
		t.Fatal("the next application entry does not see what the previous one found")
	}
	// entry 11 is rejected (not projected): index 11 is used again
	m.begin(failures, entry(11))
	if !mm.known("FW-1", "XK-1") {
		t.Fatal("a rejected application entry broke the chain")
	}
	m.projected(entry(11))
	// entry 12 is something else (a list change): 13 must not trust the memo
	m.begin(failures, entry(13))
	if mm.known("FW-1", "XK-1") {
		t.Fatal("the memo survived an entry that did not go through it")
	}
	mm.remember("FW-1", "XK-1")
	m.projected(entry(13))
	failures++ // the batch holding 13 was rolled back
	m.begin(failures, entry(14))
	if mm.known("FW-1", "XK-1") {
		t.Fatal("the memo survived a failed transaction")
	}
	m.projected(entry(14))
	m.begin(failures, entry(15))
	mm.remember("FW-2", "XK-2")
	if !mm.known("FW-2", "XK-2") || mm.known("FW-2", "XK-1") {
		t.Fatal("pairs are remembered by service and power together")
	}
}

// A submission warms the memo; a repeal in between makes the next
// submission for the same service check the lists again and be refused.
func TestInForceMemoDoesNotOutliveARepeal(t *testing.T) { pgtest.Backends(t, testInForceMemoRepeal) }

func testInForceMemoRepeal(t *testing.T) {
	a, c, _, _ := newApprovals(t)
	ctx := context.Background()
	req := func() SubmitRequest {
		return SubmitRequest{ServiceCode: "FW-SCJG-001", Applicant: applicant.Applicant{Type: "natural", Name: testName,
			IDType: "resident_id", IDNumber: validResidentID(t), Phone: testPhone}}
	}
	for i := 0; i < 3; i++ {
		if _, err := a.Submit(ctx, req()); err != nil {
			t.Fatal(err)
		}
	}
	if !(&memoProbe{&a.inForce}).known("FW-SCJG-001", "XK-SCJG-001") {
		t.Fatal("three submissions in a row did not use the memo")
	}
	if _, err := c.Repeal(ctx, "editor", lists.KindPower, "XK-SCJG-001", testMeta); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Submit(ctx, req()); !errors.Is(err, store.ErrNotInForce) {
		t.Fatalf("after the power's repeal: got %v, want store.ErrNotInForce", err)
	}
}

// memoProbe looks into an inForceMemo through its check.
type memoProbe struct{ m *inForceMemo }

// known: the memo answers without asking the lists (a refusal from the
// lists would not be remembered, so probing changes nothing).
func (p *memoProbe) known(service, power string) bool {
	asked := false
	p.m.check(service, power, func() error { asked = true; return errors.New("asked") })
	return !asked
}

// remember: the lists find the pair in force.
func (p *memoProbe) remember(service, power string) {
	p.m.check(service, power, func() error { return nil })
}
