package workday

import (
	"fmt"
	"time"
)

// China is the civil time of mainland China, a fixed UTC+8 (no daylight
// saving since 1991). It is a time.FixedZone, so it works without the
// system tz database.
var China = time.FixedZone("CST", 8*60*60)

// Date is a civil date in China: a calendar day with no clock and no zone.
// The zero Date is invalid and reports IsZero. Dates are comparable with ==
// and usable as map keys; build them with NewDate, ParseDate or DateOf so
// that they are normalised.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date year-month-day, normalising out-of-range values
// the way time.Date does (2026-02-30 becomes 2026-03-02).
func NewDate(year int, month time.Month, day int) Date {
	return dateOfUTC(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the civil date in China of the instant t, whatever t's
// zone: 2026-09-30T17:00:00Z is 2026-10-01 in China.
func DateOf(t time.Time) Date {
	y, m, d := t.In(China).Date()
	return Date{y, m, d}
}

// Today returns the current civil date in China.
func Today() Date { return DateOf(time.Now()) }

// ParseDate parses an ISO 8601 calendar date, "2006-01-02", strictly.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("workday: date %q is not YYYY-MM-DD", s)
	}
	return dateOfUTC(t), nil
}

func dateOfUTC(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String formats d as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a real calendar day (2026-02-30 does not).
func (d Date) Valid() bool { return !d.IsZero() && NewDate(d.Year, d.Month, d.Day) == d }

// Time returns the start of d (midnight) in China.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, China)
}

// AddDays returns the date n days after d (before it if n < 0).
func (d Date) AddDays(n int) Date {
	return NewDate(d.Year, d.Month, d.Day+n)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// epochDay numbers d's day since 1970-01-01 (negative before it).
func (d Date) epochDay() int {
	return int(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / (24 * 60 * 60))
}

// IsWeekend reports whether d is a Saturday or a Sunday.
func (d Date) IsWeekend() bool {
	w := d.Weekday()
	return w == time.Saturday || w == time.Sunday
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month - e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// MarshalText implements encoding.TextMarshaler ("2006-01-02"), so a Date
// is a JSON string; the zero Date is "".
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseDate; ""
// is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Span is a closed range of dates, From through To inclusive, during which
// the clock stops (§45 特别程序: hearing, testing, expert review …).
// Reason names the procedure and is shown in explanations.
type Span struct {
	From   Date   `json:"from"`
	To     Date   `json:"to"`
	Reason string `json:"reason"`
}

// Contains reports whether d lies within s.
func (s Span) Contains(d Date) bool {
	return !d.Before(s.From) && !d.After(s.To)
}

// valid reports whether s is a usable range.
func (s Span) valid() bool {
	return s.From.Valid() && s.To.Valid() && !s.To.Before(s.From)
}
