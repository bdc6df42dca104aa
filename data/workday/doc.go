// Package workday is qingdan's working-day calendar for the statutory clocks
// of administrative licensing (行政许可法):
//
//   - §42: a decision is due within 20 days of acceptance, extendable by 10
//     (45 + 15 for joint or centralised handling);
//   - §45: hearings, testing, inspection, appraisal, expert review and the
//     like are not counted;
//   - §82: the limits are working days, excluding statutory holidays.
//
// A Calendar holds the State Council's yearly holiday notices (holidays and
// 调休 working weekends) as data. The notices for the years in holidays/ are
// embedded (Default); an operator adds or replaces a year at run time with
// Parse and Calendar.With. A year without data falls back to weekends only
// and every computation that crosses it carries a warning. Calendars are
// immutable and safe for concurrent use.
//
// Dates are civil dates in China (Date: year, month, day, no clock or
// zone). DateOf converts an instant in any zone to the China date with a
// fixed UTC+8 zone, so the package never needs the system tz database.
//
// Counting follows practice under §42 and the period rules of 民法典 §201:
// a period counted in days starts on the day after acceptance, and the
// deadline is the end of the Nth working day. Deadline returns a
// Computation that records every skipped range and why, and can explain
// itself in Chinese or English; WorkdaysBetween counts working days for
// statistics and for the yellow card (a deadline within
// data.YellowCardWorkdays working days).
package workday
