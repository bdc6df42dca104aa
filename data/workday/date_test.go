package workday

import (
	"encoding/json"
	"testing"
	"time"
)

// day parses a test date, failing the test on a typo.
func day(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDateOf(t *testing.T) {
	newYork := time.FixedZone("EST", -5*60*60)
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"UTC afternoon is next day in China", time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC), "2026-10-01"},
		{"UTC just before 16:00", time.Date(2026, 9, 30, 15, 59, 59, 0, time.UTC), "2026-09-30"},
		{"China midnight", time.Date(2026, 10, 1, 0, 0, 0, 0, China), "2026-10-01"},
		{"New York evening", time.Date(2025, 12, 31, 12, 0, 0, 0, newYork), "2026-01-01"},
		{"China late night stays", time.Date(2026, 2, 14, 23, 59, 59, 0, China), "2026-02-14"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DateOf(tt.in).String(); got != tt.want {
				t.Errorf("DateOf(%v) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{"2026-10-01", Date{2026, time.October, 1}, false},
		{"2024-02-29", Date{2024, time.February, 29}, false},
		{"2026-02-29", Date{}, true},
		{"2026-13-01", Date{}, true},
		{"2026-1-1", Date{}, true},
		{"2026/10/01", Date{}, true},
		{" 2026-10-01", Date{}, true},
		{"", Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseDate(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"AddDays across year", day(t, "2025-12-31").AddDays(1), day(t, "2026-01-01")},
		{"AddDays backwards", day(t, "2026-03-01").AddDays(-1), day(t, "2026-02-28")},
		{"NewDate normalises", NewDate(2026, time.February, 30), day(t, "2026-03-02")},
		{"Weekday", day(t, "2026-10-10").Weekday(), time.Saturday},
		{"IsWeekend Sunday", day(t, "2026-09-20").IsWeekend(), true},
		{"IsWeekend Friday", day(t, "2026-09-25").IsWeekend(), false},
		{"Compare before", day(t, "2025-12-31").Compare(day(t, "2026-01-01")), -1},
		{"Compare month", day(t, "2026-02-01").Compare(day(t, "2026-01-31")), 1},
		{"Compare equal", day(t, "2026-02-01").Compare(day(t, "2026-02-01")), 0},
		{"Valid", Date{2026, time.February, 29}.Valid(), false},
		{"zero invalid", Date{}.Valid(), false},
		{"Time is China midnight", day(t, "2026-10-01").Time().UTC(), time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC)},
		{"Step days", Step{From: day(t, "2026-10-01"), To: day(t, "2026-10-07")}.Days(), 7},
		{"Step days across year", Step{From: day(t, "2025-12-31"), To: day(t, "2026-01-01")}.Days(), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	in := Span{From: day(t, "2026-09-28"), To: day(t, "2026-10-09"), Reason: "专家评审"}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"from":"2026-09-28","to":"2026-10-09","reason":"专家评审"}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var out Span
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("Unmarshal = %v, %v; want %v", out, err, in)
	}
	zero, err := json.Marshal(Span{})
	if got, want := string(zero), `{"from":"","to":"","reason":""}`; err != nil || got != want {
		t.Errorf("Marshal of zero Span = %s, %v; want %s", got, err, want)
	}
	if err := json.Unmarshal(zero, &out); err != nil || out != (Span{}) {
		t.Errorf("Unmarshal of zero Span = %v, %v; want zero", out, err)
	}
	if err := json.Unmarshal([]byte(`{"from":"2026-02-30"}`), &out); err == nil {
		t.Error("Unmarshal of 2026-02-30: got no error, want one")
	}
}
