package workday

import (
	"reflect"
	"slices"
	"sync"
	"testing"
)

func defaultCal(t testing.TB) *Calendar {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDefault(t *testing.T) {
	c := defaultCal(t)
	if got, want := c.Years(), []int{2025, 2026}; !reflect.DeepEqual(got, want) {
		t.Errorf("Years() = %v, want %v", got, want)
	}
	for year, want := range map[int]bool{2024: false, 2025: true, 2026: true, 2027: false} {
		if got := c.Covers(year); got != want {
			t.Errorf("Covers(%d) = %v, want %v", year, got, want)
		}
	}
	if again := defaultCal(t); again != c {
		t.Error("Default() returned a different calendar on the second call")
	}
}

func TestIsWorkday(t *testing.T) {
	c := defaultCal(t)
	tests := []struct {
		date   string
		want   bool
		reason string
		zh     string
	}{
		{"2026-10-01", false, "holiday: National Day", "法定节假日：国庆节"},
		{"2026-10-04", false, "holiday: National Day", "法定节假日：国庆节"}, // a Sunday inside the holiday
		{"2026-09-26", false, "holiday: Mid-Autumn Festival", "法定节假日：中秋节"},
		{"2026-09-28", true, "weekday", "工作日"}, // between 中秋节 and 国庆节
		{"2026-10-10", true, "adjusted working day for National Day", "调休上班：国庆节"},
		{"2026-10-11", false, "weekend", "周末"},
		{"2026-02-23", false, "holiday: Spring Festival", "法定节假日：春节"}, // a Monday
		{"2025-10-08", false, "holiday: National Day and Mid-Autumn Festival", "法定节假日：国庆节、中秋节"},
		{"2024-10-01", true, "weekday (no data for 2024: weekends only)", "工作日（2024 年无节假日数据，仅按周末计算）"},
		{"2027-01-01", true, "weekday (no data for 2027: weekends only)", "工作日（2027 年无节假日数据，仅按周末计算）"},
		{"2027-01-02", false, "weekend (no data for 2027: weekends only)", "周末（2027 年无节假日数据，仅按周末计算）"},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			got, r := c.IsWorkday(day(t, tt.date))
			if got != tt.want || r.String() != tt.reason {
				t.Errorf("IsWorkday = %v, %q; want %v, %q", got, r, tt.want, tt.reason)
			}
			if zh := r.Text("zh"); zh != tt.zh {
				t.Errorf("Text(zh) = %q, want %q", zh, tt.zh)
			}
		})
	}
}

// TestEveryListedDay checks every day of the embedded notices: days off
// are not working days, 调休 weekends are.
func TestEveryListedDay(t *testing.T) {
	c := defaultCal(t)
	for _, year := range c.Years() {
		y, _ := c.Year(year)
		for _, d := range y.Days {
			got, r := c.IsWorkday(d.Date)
			if got == d.OffDay || r.Name != d.Name {
				t.Errorf("%s: IsWorkday = %v, %v; want %v for %s", d.Date, got, r, !d.OffDay, d.Name)
			}
		}
	}
}

func TestWithReplacesYear(t *testing.T) {
	c := defaultCal(t)
	y, _ := c.Year(2026)
	// An operator's correction: 2026-10-08 becomes a day off.
	y.Days = append(y.Days, Day{Date: day(t, "2026-10-08"), Name: "国庆节", OffDay: true})
	slices.SortFunc(y.Days, func(a, b Day) int { return a.Date.Compare(b.Date) })
	if err := y.Validate(); err != nil {
		t.Fatal(err)
	}
	c2 := c.With(y)

	if got, _ := c2.IsWorkday(day(t, "2026-10-08")); got {
		t.Error("new calendar: 2026-10-08 is a working day, want a holiday")
	}
	if got, _ := c.IsWorkday(day(t, "2026-10-08")); !got {
		t.Error("old calendar changed: 2026-10-08 is no longer a working day")
	}
	start := day(t, "2026-09-30")
	if got, want := c.Deadline(start, 1, nil, 0).Deadline, day(t, "2026-10-08"); got != want {
		t.Errorf("old calendar deadline: got %s, want %s", got, want)
	}
	if got, want := c2.Deadline(start, 1, nil, 0).Deadline, day(t, "2026-10-09"); got != want {
		t.Errorf("new calendar deadline: got %s, want %s", got, want)
	}
	if got, _ := c2.IsWorkday(day(t, "2025-10-08")); got {
		t.Error("replacing 2026 lost 2025's data")
	}
}

func TestWithDropsOldDaysOfYear(t *testing.T) {
	c := defaultCal(t)
	replaced := c.With(YearData{Year: 2026, Days: []Day{{Date: day(t, "2026-01-01"), Name: "元旦", OffDay: true}}})
	if got, r := replaced.IsWorkday(day(t, "2026-10-01")); !got {
		t.Errorf("2026-10-01 after replacing 2026: got %v (%v), want a working day", got, r)
	}
}

func TestCalendarDoesNotShareSlices(t *testing.T) {
	y := YearData{Year: 2027, Days: []Day{{Date: day(t, "2027-01-01"), Name: "元旦", OffDay: true}}}
	c := New(y)
	y.Days[0].OffDay = false // the caller's slice
	got, _ := c.Year(2027)
	got.Days[0].Name = "changed" // the returned copy
	if ok, r := c.IsWorkday(day(t, "2027-01-01")); ok || r.Name != "元旦" {
		t.Errorf("calendar changed through a shared slice: %v, %v", ok, r)
	}
	if again, _ := c.Year(2027); again.Days[0].Name != "元旦" {
		t.Errorf("Year() shares its slice: name now %q", again.Days[0].Name)
	}
}

func TestZeroAndNilCalendar(t *testing.T) {
	var nilCal *Calendar
	var zero Calendar
	for name, c := range map[string]*Calendar{"nil": nilCal, "zero": &zero, "New()": New()} {
		t.Run(name, func(t *testing.T) {
			if got, r := c.IsWorkday(day(t, "2026-10-01")); !got || !r.NoData {
				t.Errorf("IsWorkday(2026-10-01) = %v, %v; want weekday with no data", got, r)
			}
			if got := c.Years(); len(got) != 0 {
				t.Errorf("Years() = %v, want none", got)
			}
			comp := c.Deadline(day(t, "2026-09-30"), 1, nil, 0)
			if got, want := comp.Deadline, day(t, "2026-10-01"); got != want || len(comp.Warnings) != 1 {
				t.Errorf("Deadline = %s with %d warnings, want %s with 1", got, len(comp.Warnings), want)
			}
			if !c.With(YearData{Year: 2026}).Covers(2026) {
				t.Error("With on an empty calendar does not cover the year")
			}
		})
	}
}

// TestConcurrentUse runs readers against a calendar while an operator
// derives new ones; run with -race.
func TestConcurrentUse(t *testing.T) {
	c := defaultCal(t)
	y, _ := c.Year(2026)
	start, want := day(t, "2026-09-18"), day(t, "2026-10-22")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 50 {
				if i%2 == 0 {
					c.With(y)
					continue
				}
				if got := c.Deadline(start, 20, nil, 0).Deadline; got != want {
					t.Errorf("concurrent deadline: got %s, want %s", got, want)
				}
			}
		})
	}
	wg.Wait()
}
