package workday

import (
	"fmt"
	"slices"
	"time"
)

// MaxWorkdays bounds workdays+extraDays in Deadline (about 14 years);
// longer periods are refused with a warning.
const MaxWorkdays = 3650

// Computation is a deadline and how it was reached.
type Computation struct {
	// Start is the day of acceptance; it is not counted.
	Start Date `json:"start"`
	// Workdays is the limit and ExtraDays the §42 extension, both in
	// working days, as counted (negative inputs become 0).
	Workdays  int `json:"workdays"`
	ExtraDays int `json:"extra_days"`
	// Pauses are the §45 pauses given, invalid ones included.
	Pauses []Span `json:"pauses,omitempty"`
	// Deadline is the last day, due by its end (see DueBy). It is zero
	// only when Start is not a valid date or the period exceeds
	// MaxWorkdays.
	Deadline Date `json:"deadline"`
	// Steps are the ranges between Start and Deadline that were skipped
	// (Weekend, Holiday, Paused) or counted although on a weekend
	// (AdjustedWorkday), in date order. Ordinary weekdays are not listed.
	Steps []Step `json:"steps"`
	// Warnings are in English; Explain gives them in either language.
	Warnings []string `json:"warnings,omitempty"`

	notes []note
}

// Step is a run of consecutive days of the same Kind and Name.
type Step struct {
	From Date `json:"from"`
	To   Date `json:"to"`
	Kind Kind `json:"kind"`
	// Name is the holiday, or the pause's Reason for Paused.
	Name string `json:"name,omitempty"`
}

// note is a warning in both languages.
type note struct{ en, zh string }

// Days is the number of days in s.
func (s Step) Days() int {
	return s.To.epochDay() - s.From.epochDay() + 1
}

// Counted reports whether the days of s count towards the deadline.
func (s Step) Counted() bool { return s.Kind.counts() }

// DueBy is the instant the deadline passes: the start of the day after
// Deadline in China. A decision at t is on time if t.Before(DueBy()).
func (c Computation) DueBy() time.Time {
	if c.Deadline.IsZero() {
		return time.Time{}
	}
	return c.Deadline.AddDays(1).Time()
}

// Total is the number of working days counted: Workdays + ExtraDays.
func (c Computation) Total() int { return c.Workdays + c.ExtraDays }

// Deadline computes the end of a period of workdays working days, plus
// extraDays of extension (§42), from the acceptance day start. Counting
// starts the day after start; weekends and holidays per the notices, and
// every day inside a pause (§45, closed ranges), are skipped; a 调休
// working weekend counts. Zero days (即办) makes start itself the
// deadline. Years without data count weekends only and add a warning.
func (c *Calendar) Deadline(start Date, workdays int, pauses []Span, extraDays int) Computation {
	comp := Computation{Start: start, Pauses: slices.Clone(pauses)}
	comp.Workdays = comp.nonNegative(workdays, "workdays", "时限")
	comp.ExtraDays = comp.nonNegative(extraDays, "extraDays", "延长天数")
	valid := comp.validPauses(pauses)
	if comp.computable() {
		comp.Deadline = c.count(&comp, valid)
	}
	return comp
}

// computable checks the start date and the length of the period, warning
// when no deadline can be computed.
func (comp *Computation) computable() bool {
	switch {
	case !comp.Start.Valid():
		comp.warn(fmt.Sprintf("acceptance date %s is not a valid date; no deadline computed", comp.Start),
			fmt.Sprintf("受理日 %s 不是有效日期，未计算截止日。", comp.Start))
		return false
	case comp.Total() > MaxWorkdays:
		comp.warn(fmt.Sprintf("%d working days exceed the maximum of %d; no deadline computed", comp.Total(), MaxWorkdays),
			fmt.Sprintf("%d 个工作日超过上限 %d，未计算截止日。", comp.Total(), MaxWorkdays))
		return false
	}
	return true
}

// count walks forward from comp.Start until Total working days have been
// counted, recording steps and missing years, and returns the last day.
func (c *Calendar) count(comp *Computation, pauses []Span) Date {
	d, n := comp.Start, 0
	missing := map[int]bool{}
	for n < comp.Total() {
		next := d.AddDays(1)
		kind, name, through := c.classify(next, pauses)
		comp.record(Step{From: next, To: through, Kind: kind, Name: name})
		if kind.counts() {
			n++
		}
		if kind != Paused && !c.Covers(next.Year) && !missing[next.Year] {
			missing[next.Year] = true
			comp.warnNoData(next.Year)
		}
		d = through
	}
	return d
}

// classify says what kind of day d is, taking pauses first, and the last
// day of the same classification that can be skipped at once (the end of
// the pause, or d itself).
func (c *Calendar) classify(d Date, pauses []Span) (Kind, string, Date) {
	for _, p := range pauses {
		if p.Contains(d) {
			return Paused, p.Reason, p.To
		}
	}
	r := c.reason(d)
	return r.Kind, r.Name, d
}

// record appends s to the steps, merging it into the previous step when it
// continues it. Ordinary weekdays are not recorded.
func (comp *Computation) record(s Step) {
	if s.Kind == Weekday {
		return
	}
	if k := len(comp.Steps) - 1; k >= 0 {
		last := &comp.Steps[k]
		if last.Kind == s.Kind && last.Name == s.Name && last.To.AddDays(1) == s.From {
			last.To = s.To
			return
		}
	}
	comp.Steps = append(comp.Steps, s)
}

// nonNegative returns v, or 0 with a warning if v is negative.
func (comp *Computation) nonNegative(v int, en, zh string) int {
	if v >= 0 {
		return v
	}
	comp.warn(fmt.Sprintf("%s %d is negative; counted as 0", en, v),
		fmt.Sprintf("%s %d 为负数，按 0 计算。", zh, v))
	return 0
}

// validPauses returns the usable pauses, warning about the others.
func (comp *Computation) validPauses(pauses []Span) []Span {
	valid := make([]Span, 0, len(pauses))
	for _, p := range pauses {
		if p.valid() {
			valid = append(valid, p)
			continue
		}
		comp.warn(fmt.Sprintf("pause %s … %s (%s) is not a valid date range; ignored", p.From, p.To, p.Reason),
			fmt.Sprintf("暂停区间 %s 至 %s（%s）不是有效的日期范围，已忽略。", p.From, p.To, p.Reason))
	}
	return valid
}

// warnNoData notes that year has no holiday notice.
func (comp *Computation) warnNoData(year int) {
	comp.warn(fmt.Sprintf("no holiday data for %d: weekends only; recompute when the State Council notice is published", year),
		fmt.Sprintf("%d 年无国务院节假日安排数据，仅按周末计算；通知发布后须重新计算。", year))
}

func (comp *Computation) warn(en, zh string) {
	comp.Warnings = append(comp.Warnings, en)
	comp.notes = append(comp.notes, note{en, zh})
}

// WorkdaysBetween counts the working days after a up to and including b,
// leaving out days inside pauses. It is 0 when a == b and negative when b
// is before a (−WorkdaysBetween(b, a, pauses)). For a deadline computed
// from a, WorkdaysBetween(a, deadline, samePauses) equals its working
// days; for the yellow card, WorkdaysBetween(today, deadline) ≤
// data.YellowCardWorkdays.
// Overdue is today.After(deadline), not a negative count: the weekend
// after a Friday deadline counts 0 working days.
func (c *Calendar) WorkdaysBetween(a, b Date, pauses []Span) int {
	if b.Before(a) {
		return -c.WorkdaysBetween(b, a, pauses)
	}
	valid := make([]Span, 0, len(pauses))
	for _, p := range pauses {
		if p.valid() {
			valid = append(valid, p)
		}
	}
	n := 0
	for d := a; d.Before(b); {
		kind, _, through := c.classify(d.AddDays(1), valid)
		if kind.counts() {
			n++
		}
		d = through
	}
	return n
}
