package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"qingdan/data/applicant"
	"qingdan/data/applications"
	"qingdan/data/lists"
)

// Clock is a settable clock for seeding a past history: the ledger and the
// approvals service read it while the demo is written.
type Clock interface{ Set(t time.Time) }

// step is one action of the simulated past, at its time.
type step struct {
	at     time.Time
	app    int
	action string
	actor  string
	ev     applications.ActionEvent
}

// SeedApplications writes n applications over the days before end, in
// every state — some decided on time, some late, some overdue, some paused
// — through the ledger, setting clock to each event's time.
func SeedApplications(ctx context.Context, a *applications.Approvals, clock Clock, services []lists.ServiceItem, start, end time.Time, n int) error {
	rng := rand.New(rand.NewPCG(2026, 11))
	var steps []step
	for i := range n {
		at := start.Add(time.Duration(rng.Int64N(int64(end.Sub(start)))))
		steps = append(steps, lifecycle(rng, i, services[i%len(services)].Dept, at, end)...)
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].at.Before(steps[j].at) })
	numbers := make([]string, n)
	return runSteps(ctx, a, clock, rng, services, steps, numbers)
}

func runSteps(ctx context.Context, a *applications.Approvals, clock Clock, rng *rand.Rand, services []lists.ServiceItem, steps []step, numbers []string) error {
	for _, st := range steps {
		clock.Set(st.at)
		if st.action == "submit" {
			sub, err := a.Submit(ctx, applications.SubmitRequest{ServiceCode: services[st.app%len(services)].Code,
				Summary: "网上申请", Applicant: fakeApplicant(rng)})
			if err != nil {
				return fmt.Errorf("demo: submit: %w", err)
			}
			numbers[st.app] = sub.Number
			continue
		}
		if _, err := a.Act(ctx, st.actor, numbers[st.app], st.action, st.ev, nil); err != nil {
			return fmt.Errorf("demo: %s %s: %w", st.action, numbers[st.app], err)
		}
	}
	return nil
}

// lifecycle draws how far one application got, with working-hour gaps.
func lifecycle(rng *rand.Rand, i int, dept string, at, end time.Time) []step {
	clerk, reviewer, approver := "clerk."+dept, "clerk."+dept, "approver2."+dept
	out := []step{{at: at, app: i, action: "submit"}}
	next := func(days int) time.Time {
		at = at.Add(time.Duration(days)*24*time.Hour + time.Duration(rng.IntN(6))*time.Hour)
		return at
	}
	add := func(days int, action, actor string, ev applications.ActionEvent) bool {
		t := next(days)
		if t.After(end) {
			return false
		}
		out = append(out, step{at: t, app: i, action: action, actor: actor, ev: ev})
		return true
	}
	fate := rng.IntN(100)
	switch {
	case fate < 8:
		add(1, applications.ActionRefuse, clerk, applications.ActionEvent{Reason: "材料不齐全", Missing: []string{"营业执照复印件"}})
		return out
	case fate < 12:
		add(1, applications.ActionWithdraw, "public", applications.ActionEvent{ReasonCode: "no_longer_needed"})
		return out
	case fate < 18:
		return out // waiting to be accepted
	}
	if !add(1+rng.IntN(2), applications.ActionAccept, clerk, applications.ActionEvent{}) || fate < 28 {
		return out // accepted, open (some become overdue)
	}
	if fate < 34 {
		add(2, applications.ActionPause, clerk, applications.ActionEvent{Procedure: "专家评审", Reason: "需组织专家评审"})
		return out
	}
	if !add(2+rng.IntN(8), applications.ActionReview, reviewer, applications.ActionEvent{Opinion: "材料齐全，符合法定形式"}) || fate < 42 {
		return out
	}
	outcome := "approved"
	if fate%7 == 0 {
		outcome = "denied"
	}
	late := 1 + rng.IntN(6)
	if fate%11 == 0 {
		late = 25 // some decisions come late
	}
	if !add(late, applications.ActionDecide, approver, applications.ActionEvent{Outcome: outcome, Reason: "经审查", Basis: "依法作出决定"}) || fate < 60 {
		return out
	}
	add(1+rng.IntN(3), applications.ActionDeliver, clerk, applications.ActionEvent{Method: "电子送达"})
	return out
}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高")

// fakeApplicant makes a natural person with a valid (fictional) resident
// ID and mobile number; only its commitment and masked name reach the
// ledger.
func fakeApplicant(rng *rand.Rand) applicant.Applicant {
	base := fmt.Sprintf("330%03d%04d%02d%02d%03d", 100+rng.IntN(800), 1950+rng.IntN(50), 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(1000))
	name := string(surnames[rng.IntN(len(surnames))]) + "某某"
	return applicant.Applicant{Type: "natural", Name: name, IDType: "resident_id", IDNumber: base + string(residentCheck(base)),
		Phone: fmt.Sprintf("13%09d", rng.IntN(1_000_000_000)), Address: "清江县"}
}

// residentCheck is the GB 11643-1999 check character of 17 digits.
func residentCheck(base string) byte {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(base[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}
