package applications

import (
	"context"
	"sort"

	"qingdan/data/workday"
)

// StatsRow is one department's or one power's figures.
type StatsRow struct {
	Dept           string  `json:"dept"`
	PowerCode      string  `json:"power_code,omitempty"`
	Received       int     `json:"received"`
	Accepted       int     `json:"accepted"`
	Refused        int     `json:"refused"`
	Approved       int     `json:"approved"`
	Denied         int     `json:"denied"`
	Decided        int     `json:"decided"`
	AvgWorkdays    float64 `json:"avg_workdays_to_decision"`
	OnTimeRate     float64 `json:"on_time_rate"` // of decided or refused with a clock
	Yellow         int     `json:"yellow"`
	Red            int     `json:"red"`
	workdaysTotal  int
	closedWithTime int
	onTime         int
}

// Stats are the figures per department and per power.
type Stats struct {
	Departments []*StatsRow `json:"departments"`
	Powers      []*StatsRow `json:"powers"`
}

// Stats computes the figures from the application projections.
func (a *Approvals) Stats(ctx context.Context) (*Stats, error) {
	views, err := a.clocks(ctx, "ORDER BY number")
	if err != nil {
		return nil, err
	}
	depts, powers := map[string]*StatsRow{}, map[string]*StatsRow{}
	for _, v := range views {
		for _, r := range []*StatsRow{rowFor(depts, v.Dept, ""), rowFor(powers, v.Dept, v.PowerCode)} {
			a.count(r, v)
		}
	}
	return &Stats{Departments: finish(depts), Powers: finish(powers)}, nil
}

func rowFor(m map[string]*StatsRow, dept, power string) *StatsRow {
	key := dept + "/" + power
	if m[key] == nil {
		m[key] = &StatsRow{Dept: dept, PowerCode: power}
	}
	return m[key]
}

// count adds one application to a row.
func (a *Approvals) count(r *StatsRow, v *View) {
	r.Received++
	switch {
	case v.State == StateRefused:
		r.Refused++
	case v.AcceptedOn != "":
		r.Accepted++
	}
	if v.Outcome != "" {
		r.Decided++
		if v.Outcome == "approved" {
			r.Approved++
		} else {
			r.Denied++
		}
		r.workdaysTotal += a.workdaysToDecision(v)
	}
	switch v.ClockStatus {
	case ClockYellow:
		r.Yellow++
	case ClockRed:
		r.Red++
	case ClockClosedOnTime:
		r.closedWithTime++
		r.onTime++
	case ClockClosedLate:
		r.closedWithTime++
	}
}

// workdaysToDecision counts the working days from acceptance to decision,
// paused days excluded.
func (a *Approvals) workdaysToDecision(v *View) int {
	from, err1 := workday.ParseDate(v.AcceptedOn)
	to, err2 := workday.ParseDate(v.ClosedOn)
	if err1 != nil || err2 != nil {
		return 0
	}
	return a.calendar().WorkdaysBetween(from, to, spansOf(v.Pauses, to))
}

func finish(m map[string]*StatsRow) []*StatsRow {
	out := make([]*StatsRow, 0, len(m))
	for _, r := range m {
		if r.Decided > 0 {
			r.AvgWorkdays = float64(r.workdaysTotal) / float64(r.Decided)
		}
		if r.closedWithTime > 0 {
			r.OnTimeRate = float64(r.onTime) / float64(r.closedWithTime)
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dept+out[i].PowerCode < out[j].Dept+out[j].PowerCode })
	return out
}
