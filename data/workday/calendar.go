package workday

import (
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sync"
)

//go:embed holidays/*.json
var embedded embed.FS

// Calendar is a set of yearly holiday notices. It is immutable: With
// returns a new Calendar, so a Calendar is safe for concurrent use and an
// operator's update can be published by swapping a pointer (for example an
// atomic.Pointer[Calendar]). The zero Calendar, like a nil *Calendar, has
// no data and counts weekends only.
type Calendar struct {
	years map[int]YearData // by year; never mutated after construction
	days  map[Date]Day     // every listed day of every year
}

// defaultCalendar parses the embedded notices once.
var defaultCalendar = sync.OnceValues(loadEmbedded)

// Default returns the calendar of the notices embedded from holidays/
// (2025 and 2026). Every call returns the same immutable Calendar; an error
// means the embedded data is broken, a build defect.
func Default() (*Calendar, error) { return defaultCalendar() }

func loadEmbedded() (*Calendar, error) {
	names, err := fs.Glob(embedded, "holidays/*.json")
	if err != nil {
		return nil, err
	}
	c := New()
	for _, name := range names {
		b, err := embedded.ReadFile(name)
		if err != nil {
			return nil, err
		}
		y, err := Parse(b)
		if err != nil {
			return nil, fmt.Errorf("embedded %s: %w", path.Base(name), err)
		}
		c = c.With(y)
	}
	return c, nil
}

// New returns a calendar of the given years (a later year value replaces
// an earlier one); New() counts weekends only.
func New(years ...YearData) *Calendar {
	c := &Calendar{years: map[int]YearData{}, days: map[Date]Day{}}
	for _, y := range years {
		c = c.With(y)
	}
	return c
}

// With returns a new calendar with year y.Year replaced by y, or added;
// c is unchanged. y should come from Parse or pass Validate: days dated
// outside y.Year are ignored and a repeated date keeps its last entry.
func (c *Calendar) With(y YearData) *Calendar {
	y = y.clone()
	n := &Calendar{years: map[int]YearData{}, days: map[Date]Day{}}
	if c != nil {
		maps.Copy(n.years, c.years)
		for d, day := range c.days {
			if d.Year != y.Year {
				n.days[d] = day
			}
		}
	}
	n.years[y.Year] = y
	for _, day := range y.Days {
		if day.Date.Year == y.Year {
			n.days[day.Date] = day
		}
	}
	return n
}

// clone copies y's slices so that a Calendar never shares them with its
// caller.
func (y YearData) clone() YearData {
	y.Papers = slices.Clone(y.Papers)
	y.Days = slices.Clone(y.Days)
	return y
}

// Years returns the years with holiday data, ascending.
func (c *Calendar) Years() []int {
	if c == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(c.years))
}

// Covers reports whether c has the holiday notice of year. Without it,
// the year counts weekends only and computations warn.
func (c *Calendar) Covers(year int) bool {
	if c == nil {
		return false
	}
	_, ok := c.years[year]
	return ok
}

// Year returns a copy of the data of year, if c has it.
func (c *Calendar) Year(year int) (YearData, bool) {
	if c == nil {
		return YearData{}, false
	}
	y, ok := c.years[year]
	return y.clone(), ok
}

// IsWorkday reports whether d is a working day, and why: a notice's
// holiday or 调休 working day first, otherwise Monday–Friday.
func (c *Calendar) IsWorkday(d Date) (bool, Reason) {
	r := c.reason(d)
	return r.Workday(), r
}

// reason classifies d by the calendar alone (no pauses).
func (c *Calendar) reason(d Date) Reason {
	r := Reason{Kind: Weekday, Year: d.Year, NoData: !c.Covers(d.Year)}
	if c != nil {
		if day, ok := c.days[d]; ok {
			r.Name = day.Name
			r.Kind = AdjustedWorkday
			if day.OffDay {
				r.Kind = Holiday
			}
			return r
		}
	}
	if d.IsWeekend() {
		r.Kind = Weekend
	}
	return r
}
