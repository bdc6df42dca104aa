package workday_test

import (
	"fmt"

	"qingdan/data/workday"
)

// A licence accepted on Friday 2026-09-18 with the §42 limit of 20 working
// days, extended by 10, and an expert review (§45) on 09-28 and 09-29.
func ExampleCalendar_Deadline() {
	cal, err := workday.Default()
	if err != nil {
		panic(err)
	}
	start := workday.NewDate(2026, 9, 18)
	review := workday.Span{From: workday.NewDate(2026, 9, 28), To: workday.NewDate(2026, 9, 29), Reason: "专家评审"}
	comp := cal.Deadline(start, 20, []workday.Span{review}, 10)
	fmt.Print(comp.Explain("en"))
	// Output:
	// Accepted 2026-09-18 (Friday). The day of acceptance is not counted; counting starts the next day (Administrative Licensing Law §42, §82; Civil Code §201).
	// Limit: 20 working days + 10 days extension (§42) = 30 working days.
	// Days not counted, and weekends worked:
	//   2026-09-19 weekend (1 day, not counted)
	//   2026-09-20 adjusted working day for National Day (counted)
	//   2026-09-25 … 2026-09-27 holiday: Mid-Autumn Festival (3 days, not counted)
	//   2026-09-28 … 2026-09-29 paused: 专家评审 (2 days, not counted, §45)
	//   2026-10-01 … 2026-10-07 holiday: National Day (7 days, not counted)
	//   2026-10-10 adjusted working day for National Day (counted)
	//   2026-10-11 weekend (1 day, not counted)
	//   2026-10-17 … 2026-10-18 weekend (2 days, not counted)
	//   2026-10-24 … 2026-10-25 weekend (2 days, not counted)
	//   2026-10-31 … 2026-11-01 weekend (2 days, not counted)
	//   2026-11-07 … 2026-11-08 weekend (2 days, not counted)
	// Deadline: end of 2026-11-09 (Monday).
}

// An operator loads the 2027 notice once it is published; the old
// calendar is unchanged.
func ExampleCalendar_With() {
	cal, _ := workday.Default()
	fmt.Println(cal.IsWorkday(workday.NewDate(2027, 1, 1)))
	y, err := workday.Parse([]byte(`{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`))
	if err != nil {
		panic(err)
	}
	updated := cal.With(y)
	fmt.Println(updated.IsWorkday(workday.NewDate(2027, 1, 1)))
	fmt.Println(cal.Years(), updated.Years())
	// Output:
	// true weekday (no data for 2027: weekends only)
	// false holiday: New Year's Day
	// [2025 2026] [2025 2026 2027]
}
