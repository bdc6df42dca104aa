package workday

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// stepTexts renders steps in English for comparison.
func stepTexts(steps []Step) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = s.Text("en")
	}
	return out
}

func span(t testing.TB, from, to, reason string) Span {
	return Span{From: day(t, from), To: day(t, to), Reason: reason}
}

func TestDeadline(t *testing.T) {
	c := defaultCal(t)
	tests := []struct {
		name     string
		start    string
		workdays int
		pauses   []Span
		extra    int
		want     string
		steps    []string // nil: not checked
		warning  string   // "": no warnings expected
	}{
		{
			// 2026: 中秋节 09-25…27 and 国庆节 10-01…07 are separate, with
			// 09-28…30 working; 09-20 (Sun) and 10-10 (Sat) are worked.
			name: "20 days across 中秋节 and 国庆节 2026", start: "2026-09-18", workdays: 20, want: "2026-10-22",
			steps: []string{
				"2026-09-19 weekend (1 day, not counted)",
				"2026-09-20 adjusted working day for National Day (counted)",
				"2026-09-25 … 2026-09-27 holiday: Mid-Autumn Festival (3 days, not counted)",
				"2026-10-01 … 2026-10-07 holiday: National Day (7 days, not counted)",
				"2026-10-10 adjusted working day for National Day (counted)",
				"2026-10-11 weekend (1 day, not counted)",
				"2026-10-17 … 2026-10-18 weekend (2 days, not counted)",
			},
		},
		{name: "5 days from just before 中秋节", start: "2026-09-24", workdays: 5, want: "2026-10-09"},
		{name: "6th day is the working Saturday 10-10", start: "2026-09-24", workdays: 6, want: "2026-10-10"},
		// Every 2026 调休 working weekend is the first working day after
		// the day before it.
		{name: "调休 2026-01-04 (Sun) after 元旦", start: "2025-12-31", workdays: 1, want: "2026-01-04",
			steps: []string{"2026-01-01 … 2026-01-03 holiday: New Year's Day (3 days, not counted)", "2026-01-04 adjusted working day for New Year's Day (counted)"}},
		{name: "调休 2026-02-14 (Sat)", start: "2026-02-13", workdays: 1, want: "2026-02-14"},
		{name: "调休 2026-02-28 (Sat)", start: "2026-02-27", workdays: 1, want: "2026-02-28"},
		{name: "调休 2026-05-09 (Sat)", start: "2026-05-08", workdays: 1, want: "2026-05-09"},
		{name: "调休 2026-09-20 (Sun)", start: "2026-09-18", workdays: 1, want: "2026-09-20",
			steps: []string{"2026-09-19 weekend (1 day, not counted)", "2026-09-20 adjusted working day for National Day (counted)"}},
		{name: "调休 2026-10-10 (Sat)", start: "2026-10-09", workdays: 1, want: "2026-10-10"},
		{name: "ordinary weekend is skipped", start: "2026-02-06", workdays: 1, want: "2026-02-09"},
		{
			name: "春节 2026", start: "2026-02-13", workdays: 7, want: "2026-03-02",
			steps: []string{
				"2026-02-14 adjusted working day for Spring Festival (counted)",
				"2026-02-15 … 2026-02-23 holiday: Spring Festival (9 days, not counted)",
				"2026-02-28 adjusted working day for Spring Festival (counted)",
				"2026-03-01 weekend (1 day, not counted)",
			},
		},
		{name: "春节 2026, 5 days", start: "2026-02-13", workdays: 5, want: "2026-02-27"},
		{name: "清明节 2026", start: "2026-04-02", workdays: 3, want: "2026-04-08"},
		{
			name: "20 days from December 2025 across 元旦 2026", start: "2025-12-15", workdays: 20, want: "2026-01-13",
			steps: []string{
				"2025-12-20 … 2025-12-21 weekend (2 days, not counted)",
				"2025-12-27 … 2025-12-28 weekend (2 days, not counted)",
				"2026-01-01 … 2026-01-03 holiday: New Year's Day (3 days, not counted)",
				"2026-01-04 adjusted working day for New Year's Day (counted)",
				"2026-01-10 … 2026-01-11 weekend (2 days, not counted)",
			},
		},
		{name: "国庆节、中秋节 2025", start: "2025-09-26", workdays: 5, want: "2025-10-10"},
		{
			name: "pause across 国庆节", start: "2026-09-18", workdays: 20,
			pauses: []Span{span(t, "2026-09-28", "2026-10-09", "专家评审")}, want: "2026-10-29",
			steps: []string{
				"2026-09-19 weekend (1 day, not counted)",
				"2026-09-20 adjusted working day for National Day (counted)",
				"2026-09-25 … 2026-09-27 holiday: Mid-Autumn Festival (3 days, not counted)",
				"2026-09-28 … 2026-10-09 paused: 专家评审 (12 days, not counted, §45)",
				"2026-10-10 adjusted working day for National Day (counted)",
				"2026-10-11 weekend (1 day, not counted)",
				"2026-10-17 … 2026-10-18 weekend (2 days, not counted)",
				"2026-10-24 … 2026-10-25 weekend (2 days, not counted)",
			},
		},
		{
			name: "pause begun before acceptance", start: "2026-09-10", workdays: 10,
			pauses: []Span{span(t, "2026-09-01", "2026-09-15", "检测")}, want: "2026-09-29",
		},
		{
			name: "one-day pause on a working day", start: "2026-09-24", workdays: 2,
			pauses: []Span{span(t, "2026-09-28", "2026-09-28", "听证")}, want: "2026-09-30",
		},
		{name: "extension of 10 days", start: "2026-09-18", workdays: 20, extra: 10, want: "2026-11-05"},
		{name: "0 days (即办) on a holiday", start: "2026-10-01", workdays: 0, want: "2026-10-01", steps: []string{}},
		{
			name: "2027 without data: weekends only", start: "2026-12-18", workdays: 20, want: "2027-01-15",
			warning: "no holiday data for 2027: weekends only",
		},
		{name: "wholly in 2027", start: "2027-03-01", workdays: 5, want: "2027-03-08", warning: "no holiday data for 2027"},
		{name: "negative workdays count as 0", start: "2026-10-08", workdays: -3, want: "2026-10-08", warning: "workdays -3 is negative"},
		{name: "negative extension counts as 0", start: "2026-10-08", workdays: 1, extra: -1, want: "2026-10-09", warning: "extraDays -1 is negative"},
		{
			name: "reversed pause is ignored", start: "2026-10-08", workdays: 1,
			pauses: []Span{span(t, "2026-10-09", "2026-10-08", "检测")}, want: "2026-10-09",
			warning: "pause 2026-10-09 … 2026-10-08 (检测) is not a valid date range",
		},
		{name: "invalid start", start: "", workdays: 1, want: "0000-00-00", warning: "not a valid date"},
		{name: "too long", start: "2026-10-08", workdays: MaxWorkdays, extra: 1, want: "0000-00-00", warning: "exceed the maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var start Date // "" is the zero Date
			if tt.start != "" {
				start = day(t, tt.start)
			}
			comp := c.Deadline(start, tt.workdays, tt.pauses, tt.extra)
			if got := comp.Deadline.String(); got != tt.want {
				t.Errorf("Deadline = %s, want %s", got, tt.want)
			}
			if got := stepTexts(comp.Steps); tt.steps != nil && !reflect.DeepEqual(got, tt.steps) {
				t.Errorf("steps:\n got %q\nwant %q", got, tt.steps)
			}
			checkWarning(t, comp.Warnings, tt.warning)
		})
	}
}

// checkWarning wants exactly one warning containing want, or none.
func checkWarning(t *testing.T, got []string, want string) {
	t.Helper()
	switch {
	case want == "" && len(got) > 0:
		t.Errorf("warnings: got %q, want none", got)
	case want != "" && (len(got) != 1 || !strings.Contains(got[0], want)):
		t.Errorf("warnings: got %q, want one containing %q", got, want)
	}
}

func TestExtensionEqualsLongerLimit(t *testing.T) {
	c := defaultCal(t)
	start := day(t, "2026-09-18")
	a := c.Deadline(start, 20, nil, 10)
	b := c.Deadline(start, 30, nil, 0)
	if a.Deadline != b.Deadline || !reflect.DeepEqual(a.Steps, b.Steps) {
		t.Errorf("20+10 gives %s, 30+0 gives %s; want equal", a.Deadline, b.Deadline)
	}
	if got := a.Total(); got != 30 {
		t.Errorf("Total() = %d, want 30", got)
	}
}

func TestWithAddsMissingYear(t *testing.T) {
	c := defaultCal(t)
	y2027 := YearData{Year: 2027, Days: []Day{
		{Date: day(t, "2027-01-01"), Name: "元旦", OffDay: true},
	}}
	comp := c.With(y2027).Deadline(day(t, "2026-12-18"), 20, nil, 0)
	if got, want := comp.Deadline, day(t, "2027-01-18"); got != want {
		t.Errorf("with 2027 data: got %s, want %s", got, want)
	}
	checkWarning(t, comp.Warnings, "")
}

func TestComputationJSON(t *testing.T) {
	comp := defaultCal(t).Deadline(day(t, "2026-09-30"), 1, nil, 0)
	b, err := json.Marshal(comp)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"start":"2026-09-30","workdays":1,"extra_days":0,"deadline":"2026-10-08",` +
		`"steps":[{"from":"2026-10-01","to":"2026-10-07","kind":"holiday","name":"国庆节"}]}`
	if string(b) != want {
		t.Errorf("Marshal:\n got %s\nwant %s", b, want)
	}
	var back Computation
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back.Steps, comp.Steps) {
		t.Errorf("Unmarshal: steps %v, %v; want %v", back.Steps, err, comp.Steps)
	}
	noData := defaultCal(t).Deadline(day(t, "2027-03-01"), 1, nil, 0)
	b, err = json.Marshal(noData)
	if err != nil {
		t.Fatal(err)
	}
	back = Computation{}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Explain(""); !strings.Contains(got, "Warning: no holiday data for 2027") {
		t.Errorf("Explain after a JSON round trip lost the warning:\n%s", got)
	}
	if _, err := json.Marshal(Step{Kind: Kind(9)}); err == nil {
		t.Error("Marshal of Kind(9): got no error, want one")
	}
}

func TestDueBy(t *testing.T) {
	comp := defaultCal(t).Deadline(day(t, "2026-09-18"), 20, nil, 0)
	want := time.Date(2026, 10, 22, 16, 0, 0, 0, time.UTC)
	if got := comp.DueBy(); !got.Equal(want) {
		t.Errorf("DueBy() = %v, want %v", got, want)
	}
	if got := (Computation{}).DueBy(); !got.IsZero() {
		t.Errorf("DueBy() of no deadline = %v, want zero", got)
	}
}

func TestExplain(t *testing.T) {
	c := defaultCal(t)
	pause := []Span{span(t, "2026-09-28", "2026-09-29", "专家评审")}
	comp := c.Deadline(day(t, "2026-09-18"), 20, pause, 10)
	tests := []struct {
		lang string
		want []string
	}{
		{"", []string{
			"受理日 2026-09-18（星期五），受理当日不计入，自次日起计算",
			"时限 20 个工作日，延长 10 个工作日（第四十二条），共 30 个工作日。",
			"  2026-09-20 调休上班：国庆节，计入工作日\n",
			"  2026-09-25 至 2026-09-27 法定节假日：中秋节（3 天，不计入）\n",
			"  2026-09-28 至 2026-09-29 暂停计时：专家评审（2 天，依第四十五条不计入）\n",
			"截止日：2026-11-09（星期一）当日结束。\n",
		}},
		{"en-US", []string{
			"Accepted 2026-09-18 (Friday). The day of acceptance is not counted",
			"Limit: 20 working days + 10 days extension (§42) = 30 working days.\n",
			"  2026-09-28 … 2026-09-29 paused: 专家评审 (2 days, not counted, §45)\n",
			"  2026-10-01 … 2026-10-07 holiday: National Day (7 days, not counted)\n",
			"Deadline: end of 2026-11-09 (Monday).\n",
		}},
	}
	for _, tt := range tests {
		t.Run("lang="+tt.lang, func(t *testing.T) {
			got := comp.Explain(tt.lang)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Explain(%q) lacks %q; got:\n%s", tt.lang, w, got)
				}
			}
		})
	}
}

func TestExplainSpecialCases(t *testing.T) {
	c := defaultCal(t)
	tests := []struct {
		name string
		comp Computation
		lang string
		want string
	}{
		{"即办 zh", c.Deadline(day(t, "2026-10-08"), 0, nil, 0), "zh", "时限 0 个工作日（即办件），当日办结。"},
		{"即办 en", c.Deadline(day(t, "2026-10-08"), 0, nil, 0), "en", "Deadline: end of 2026-10-08 (Thursday)."},
		{"no data zh", c.Deadline(day(t, "2027-03-01"), 5, nil, 0), "", "注意：2027 年无国务院节假日安排数据，仅按周末计算；通知发布后须重新计算。"},
		{"no data en", c.Deadline(day(t, "2027-03-01"), 5, nil, 0), "en", "Warning: no holiday data for 2027: weekends only"},
		{"too long", c.Deadline(day(t, "2026-10-08"), MaxWorkdays+1, nil, 0), "", "未计算截止日。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.comp.Explain(tt.lang); !strings.Contains(got, tt.want) {
				t.Errorf("Explain(%q) lacks %q; got:\n%s", tt.lang, tt.want, got)
			}
		})
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := defaultCal(t)
	tests := []struct {
		name   string
		a, b   string
		pauses []Span
		want   int
	}{
		{"across 中秋节 and 国庆节", "2026-09-18", "2026-10-10", nil, 11},
		{"same day", "2026-09-18", "2026-09-18", nil, 0},
		{"reversed", "2026-10-10", "2026-09-18", nil, -11},
		{"across 元旦 2026", "2025-12-15", "2026-01-13", nil, 20},
		{"across 春节 2026", "2026-02-13", "2026-03-02", nil, 7},
		{"holiday only", "2026-09-30", "2026-10-07", nil, 0},
		{"paused", "2026-09-18", "2026-10-10", []Span{span(t, "2026-09-28", "2026-10-09", "检测")}, 6},
		{"pause beyond b", "2026-09-18", "2026-09-29", []Span{span(t, "2026-09-28", "2026-10-09", "检测")}, 5},
		{"yellow card: due tomorrow", "2026-10-09", "2026-10-10", nil, 1},
		{"weekend after a Friday deadline", "2026-10-16", "2026-10-18", nil, 0},
		{"2027 weekends only", "2026-12-31", "2027-01-04", nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.WorkdaysBetween(day(t, tt.a), day(t, tt.b), tt.pauses); got != tt.want {
				t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// randomPauses returns up to two pauses near start, sometimes none.
func randomPauses(r *rand.Rand, start Date) []Span {
	var ps []Span
	for range r.IntN(3) {
		from := start.AddDays(r.IntN(60) - 10)
		ps = append(ps, Span{From: from, To: from.AddDays(r.IntN(20)), Reason: "检测"})
	}
	return ps
}

// TestDeadlineProperties: for starts from late 2024 to 2027, Deadline is
// strictly increasing in n, and WorkdaysBetween(start, Deadline(start, n))
// is n, with and without pauses.
func TestDeadlineProperties(t *testing.T) {
	c := defaultCal(t)
	r := rand.New(rand.NewPCG(2026, 10))
	base := day(t, "2024-11-01")
	for range 200 {
		start := base.AddDays(r.IntN(3*365 + 60))
		for _, pauses := range [][]Span{nil, randomPauses(r, start)} {
			prev := Date{}
			for n := range 70 {
				got := c.Deadline(start, n, pauses, 0).Deadline
				if n > 0 && !got.After(prev) {
					t.Fatalf("start %s pauses %v: Deadline(%d) = %s, not after Deadline(%d) = %s", start, pauses, n, got, n-1, prev)
				}
				if w := c.WorkdaysBetween(start, got, pauses); w != n {
					t.Fatalf("start %s pauses %v: WorkdaysBetween(start, %s) = %d, want %d", start, pauses, got, w, n)
				}
				if w := c.WorkdaysBetween(got, start, pauses); w != -n {
					t.Fatalf("start %s: WorkdaysBetween reversed = %d, want %d", start, w, -n)
				}
				prev = got
			}
		}
	}
}

func BenchmarkDeadline(b *testing.B) {
	c := defaultCal(b)
	start := day(b, "2026-09-18")
	pauses := []Span{span(b, "2026-09-28", "2026-10-09", "专家评审")}
	for b.Loop() {
		c.Deadline(start, 20, pauses, 10)
	}
}

// BenchmarkDeadlineExplained: BenchmarkDeadline with its explanation
// written in one language and in both (data.Deadline writes it only when
// it is shown or encoded).
func BenchmarkDeadlineExplained(b *testing.B) {
	c := defaultCal(b)
	start := day(b, "2026-09-18")
	pauses := []Span{span(b, "2026-09-28", "2026-10-09", "专家评审")}
	for name, langs := range map[string][]string{"zh": {""}, "zh+en": {"", "en"}} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				comp := c.Deadline(start, 20, pauses, 10)
				for _, l := range langs {
					comp.Explain(l)
				}
			}
		})
	}
}

func BenchmarkWorkdaysBetween(b *testing.B) {
	c := defaultCal(b)
	a, z := day(b, "2025-12-15"), day(b, "2026-12-15")
	for b.Loop() {
		c.WorkdaysBetween(a, z, nil)
	}
}
