package workday

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrInvalidData is wrapped by every error Parse and YearData.Validate
// return.
var ErrInvalidData = errors.New("workday: invalid holiday data")

// Limits on a year's file; a real notice lists about 40 days in 5 kB.
const (
	MaxFileSize = 1 << 20 // bytes accepted by Parse
	MaxDays     = 366     // days listed in one year
	MaxNameLen  = 32      // runes in a holiday name
	minYear     = 1949
	maxYear     = 9999
)

// Day is one entry of a yearly notice: a day that differs from the
// Monday–Friday rule.
type Day struct {
	Date Date
	// Name is the holiday the entry belongs to, e.g. "国庆节".
	Name string
	// OffDay is true for a day off (a holiday) and false for a 调休
	// working weekend.
	OffDay bool
}

// YearData is one year's State Council holiday notice, in the format of
// NateScarlet/holiday-cn: {"year":…, "papers":[…], "days":[{"name","date",
// "isOffDay"}]}. Days are sorted by date. It marshals to and unmarshals
// from that format (unmarshalling validates, as Parse does).
type YearData struct {
	Year int
	// Papers links the published notice(s); optional.
	Papers []string
	Days   []Day
}

// fileYear and fileDay mirror the JSON file. Pointers tell a missing field
// from a zero value: a day without "isOffDay" is an error, not a working
// weekend.
type fileYear struct {
	Year   *int       `json:"year"`
	Papers []string   `json:"papers,omitempty"`
	Days   *[]fileDay `json:"days"`
}

type fileDay struct {
	Name     *string `json:"name"`
	Date     *string `json:"date"`
	IsOffDay *bool   `json:"isOffDay"`
}

// Parse decodes and validates one year's holiday file. Unknown fields
// ("$schema", "$id") are ignored. It rejects a missing year or day list,
// dates that are malformed, outside the year or listed twice, missing
// fields, empty or unprintable names, and a working day (isOffDay false)
// that is not on a weekend.
func Parse(data []byte) (YearData, error) {
	if len(data) > MaxFileSize {
		return YearData{}, invalid("file is %d bytes, over the %d limit", len(data), MaxFileSize)
	}
	var f fileYear
	if err := json.Unmarshal(data, &f); err != nil {
		return YearData{}, invalid("not a holiday file: %v", err)
	}
	y, err := f.yearData()
	if err != nil {
		return YearData{}, err
	}
	slices.SortFunc(y.Days, func(a, b Day) int { return a.Date.Compare(b.Date) })
	if err := y.Validate(); err != nil {
		return YearData{}, err
	}
	return y, nil
}

// yearData converts the decoded file, checking that required fields are
// present and dates parse.
func (f fileYear) yearData() (YearData, error) {
	switch {
	case f.Year == nil:
		return YearData{}, invalid(`missing "year"`)
	case f.Days == nil:
		return YearData{}, invalid(`missing "days"`)
	case len(*f.Days) > MaxDays:
		return YearData{}, invalid("%d days listed, more than %d", len(*f.Days), MaxDays)
	}
	y := YearData{Year: *f.Year, Days: make([]Day, 0, len(*f.Days))}
	if len(f.Papers) > 0 {
		y.Papers = f.Papers
	}
	for i, fd := range *f.Days {
		d, err := fd.day(i)
		if err != nil {
			return YearData{}, err
		}
		y.Days = append(y.Days, d)
	}
	return y, nil
}

// day converts days[i] of the file.
func (fd fileDay) day(i int) (Day, error) {
	switch {
	case fd.Date == nil:
		return Day{}, invalid(`days[%d]: missing "date"`, i)
	case fd.Name == nil:
		return Day{}, invalid(`days[%d] %s: missing "name"`, i, *fd.Date)
	case fd.IsOffDay == nil:
		return Day{}, invalid(`days[%d] %s: missing "isOffDay"`, i, *fd.Date)
	}
	d, err := ParseDate(*fd.Date)
	if err != nil {
		return Day{}, invalid("days[%d]: date %q is not YYYY-MM-DD", i, *fd.Date)
	}
	return Day{Date: d, Name: *fd.Name, OffDay: *fd.IsOffDay}, nil
}

// Validate checks a YearData built by hand the way Parse checks a file.
// Days must be sorted by date.
func (y YearData) Validate() error {
	if y.Year < minYear || y.Year > maxYear {
		return invalid("year %d out of range %d–%d", y.Year, minYear, maxYear)
	}
	if len(y.Days) == 0 {
		return invalid("year %d lists no days; a notice always lists holidays", y.Year)
	}
	if len(y.Days) > MaxDays {
		return invalid("%d days listed, more than %d", len(y.Days), MaxDays)
	}
	for i, p := range y.Papers {
		if msg := checkText(p, 2048); msg != "" {
			return invalid("papers[%d]: %s", i, msg)
		}
	}
	for i, d := range y.Days {
		if i > 0 && !y.Days[i-1].Date.Before(d.Date) {
			if y.Days[i-1].Date == d.Date {
				return invalid("%s listed twice", d.Date)
			}
			return invalid("days not sorted: %s after %s", d.Date, y.Days[i-1].Date)
		}
		if err := y.checkDay(d); err != nil {
			return err
		}
	}
	return nil
}

// checkDay validates one day against its year.
func (y YearData) checkDay(d Day) error {
	if !d.Date.Valid() {
		return invalid("%s is not a calendar date", d.Date)
	}
	if d.Date.Year != y.Year {
		return invalid("%s is outside year %d", d.Date, y.Year)
	}
	if msg := checkText(d.Name, MaxNameLen); msg != "" {
		return invalid("%s: name %s", d.Date, msg)
	}
	if !d.OffDay && !d.Date.IsWeekend() {
		return invalid("%s is a %s: a working day (isOffDay false) must fall on a weekend",
			d.Date, d.Date.Weekday())
	}
	return nil
}

// checkText accepts a non-empty, trimmed, printable UTF-8 string of at
// most max runes; otherwise it says what is wrong.
func checkText(s string, max int) string {
	switch {
	case s == "":
		return "is empty"
	case !utf8.ValidString(s):
		return fmt.Sprintf("%q is not UTF-8", s)
	case strings.TrimSpace(s) != s:
		return fmt.Sprintf("%q has leading or trailing space", s)
	case utf8.RuneCountInString(s) > max:
		return fmt.Sprintf("%q is longer than %d characters", s, max)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return fmt.Sprintf("%q contains the unprintable character %U", s, r)
		}
	}
	return ""
}

// MarshalJSON encodes y in the holiday-cn file format.
func (y YearData) MarshalJSON() ([]byte, error) {
	days := make([]fileDay, len(y.Days))
	for i, d := range y.Days {
		date := d.Date.String()
		days[i] = fileDay{Name: &d.Name, Date: &date, IsOffDay: &d.OffDay}
	}
	return json.Marshal(fileYear{Year: &y.Year, Papers: y.Papers, Days: &days})
}

// UnmarshalJSON decodes and validates a holiday file with Parse.
func (y *YearData) UnmarshalJSON(b []byte) error {
	v, err := Parse(b)
	if err != nil {
		return err
	}
	*y = v
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidData, fmt.Sprintf(format, args...))
}
