package policy

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkEnforce measures one Allowed check against (a) the demo-sized
// county (15 departments × 4 users) and (b) 10,000 users in 50
// departments holding one or two roles each, and reports the p50 and p99
// latency of a single check. Target: p99 ≤ 50 µs.
func BenchmarkEnforce(b *testing.B) {
	sizes := []struct {
		name         string
		users, depts int
	}{
		{"demo-15x4", 0, 15},
		{"10000users-50depts", 10000, 50},
	}
	for _, sz := range sizes {
		e, users := benchEnforcer(b, sz.users, sz.depts)
		reqs := benchRequests(users, sz.depts)
		b.Run(sz.name, func(b *testing.B) { runEnforce(b, e, reqs) })
	}
}

type benchUser struct {
	name, dept string
}

type request struct {
	user, dept, obj, act string
}

// benchEnforcer builds the policy: users == 0 means the demo county.
func benchEnforcer(b *testing.B, users, depts int) (*Enforcer, []benchUser) {
	b.Helper()
	e, _ := newEnforcer(b)
	var as []Assignment
	var us []benchUser
	if users == 0 {
		as, us = demoCounty(depts)
	} else {
		as, us = largeCounty(users, depts)
	}
	if err := e.GrantAll(as); err != nil {
		b.Fatalf("GrantAll(%d): %v", len(as), err)
	}
	return e, us
}

// demoCounty: clerk.D, approver.D (approver and clerk), approver2.D and
// editor.D in each department, plus the 编办 editor and the three admins.
func demoCounty(depts int) ([]Assignment, []benchUser) {
	as := []Assignment{
		{"editor.bianban", RoleListEditor, "*"}, {"sysadmin", RoleSysadmin, "*"},
		{"secadmin", RoleSecadmin, "*"}, {"auditor", RoleAuditor, "*"},
	}
	var us []benchUser
	for d := range depts {
		dept := fmt.Sprintf("dept%02d", d)
		as = append(as, Assignment{"clerk." + dept, RoleClerk, dept}, Assignment{"approver." + dept, RoleApprover, dept},
			Assignment{"approver." + dept, RoleClerk, dept}, Assignment{"approver2." + dept, RoleApprover, dept},
			Assignment{"editor." + dept, RoleListEditor, dept})
		for _, u := range []string{"clerk.", "approver.", "approver2.", "editor."} {
			us = append(us, benchUser{u + dept, dept})
		}
	}
	return as, us
}

// largeCounty: user i works in department i mod depts; every user is a
// clerk or a list editor, and every third one is an approver too.
func largeCounty(users, depts int) ([]Assignment, []benchUser) {
	var as []Assignment
	us := make([]benchUser, users)
	for i := range users {
		u := benchUser{fmt.Sprintf("user%05d", i), fmt.Sprintf("dept%02d", i%depts)}
		us[i] = u
		role := RoleClerk
		if i%10 == 7 {
			role = RoleListEditor
		}
		as = append(as, Assignment{u.name, role, u.dept})
		if i%3 == 0 {
			as = append(as, Assignment{u.name, RoleApprover, u.dept})
		}
	}
	return as, us
}

// benchRequests mixes checks in the user's own department (mostly
// allowed) and in another one (denied), over every permission.
func benchRequests(users []benchUser, depts int) []request {
	rng := rand.New(rand.NewPCG(1, 2))
	perms := allPermissions()
	slices.SortFunc(perms, func(a, b Permission) int { return strings.Compare(a.Obj+a.Act, b.Obj+b.Act) })
	common := Permissions(RoleClerk)
	reqs := make([]request, 8192)
	for i := range reqs {
		u := users[rng.IntN(len(users))]
		dept := u.dept
		if i%2 == 1 {
			dept = fmt.Sprintf("dept%02d", rng.IntN(depts))
		}
		p := common[rng.IntN(len(common))]
		if i%4 == 3 {
			p = perms[rng.IntN(len(perms))]
		}
		reqs[i] = request{u.name, dept, p.Obj, p.Act}
	}
	return reqs
}

func runEnforce(b *testing.B, e *Enforcer, reqs []request) {
	lat := make([]time.Duration, b.N)
	allowed := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		r := reqs[i%len(reqs)]
		start := time.Now()
		ok, err := e.Allowed(r.user, r.dept, r.obj, r.act)
		lat[i] = time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if ok {
			allowed++
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
	b.ReportMetric(float64(allowed)/float64(b.N), "allowed-ratio")
}

// BenchmarkEnforceFirstCheck measures checks that are each the first of
// their (user, department, object, action) — never answered from the
// per-user cache — with 10,000 users in 50 departments; "casbin" asks
// Casbin's matcher directly every time, with no cache at all.
func BenchmarkEnforceFirstCheck(b *testing.B) {
	e, users := benchEnforcer(b, 10000, 50)
	perms := allPermissions()
	slices.SortFunc(perms, func(a, b Permission) int { return strings.Compare(a.Obj+a.Act, b.Obj+b.Act) })
	rng := rand.New(rand.NewPCG(3, 4))
	distinct := func(n int) []request {
		seen := make(map[request]bool, n)
		reqs := make([]request, 0, n)
		for len(reqs) < n {
			u := users[rng.IntN(len(users))]
			dept := u.dept
			if rng.IntN(2) == 1 {
				dept = fmt.Sprintf("dept%02d", rng.IntN(50))
			}
			p := perms[rng.IntN(len(perms))]
			r := request{u.name, dept, p.Obj, p.Act}
			if !seen[r] {
				seen[r] = true
				reqs = append(reqs, r)
			}
		}
		return reqs
	}
	b.Run("allowed", func(b *testing.B) {
		if b.N > maxDecisions {
			b.Fatalf("b.N %d > %d: the per-user cache would start afresh and hide nothing, but keep runs comparable", b.N, maxDecisions)
		}
		reqs := distinct(b.N)
		e.cache.invalidate()
		runEnforce(b, e, reqs)
	})
	b.Run("casbin", func(b *testing.B) {
		reqs := distinct(min(b.N, 1<<16))
		lat := make([]time.Duration, b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			r := reqs[i%len(reqs)]
			start := time.Now()
			if _, err := e.se.Enforce(r.user, r.dept, r.obj, r.act); err != nil {
				b.Fatal(err)
			}
			lat[i] = time.Since(start)
		}
		b.StopTimer()
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
	})
}

// BenchmarkHashPassword is the cost of one new password hash at
// defaultParams (docs/benchmarks.md).
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
