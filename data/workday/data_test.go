package workday

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func readHolidays(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("holidays/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParse2026 checks the embedded 2026 notice against the published one
// (国办发明电〔2025〕7号): 33 days off in seven holidays, six working
// weekends.
func TestParse2026(t *testing.T) {
	y, err := Parse(readHolidays(t, "2026.json"))
	if err != nil {
		t.Fatal(err)
	}
	off := map[string]int{}
	var working []string
	for _, d := range y.Days {
		if d.OffDay {
			off[d.Name]++
		} else {
			working = append(working, d.Date.String())
		}
	}
	wantOff := map[string]int{"元旦": 3, "春节": 9, "清明节": 3, "劳动节": 5, "端午节": 3, "中秋节": 3, "国庆节": 7}
	if !reflect.DeepEqual(off, wantOff) {
		t.Errorf("days off per holiday: got %v, want %v", off, wantOff)
	}
	wantWorking := []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}
	if !reflect.DeepEqual(working, wantWorking) {
		t.Errorf("working weekends: got %v, want %v", working, wantWorking)
	}
	if got, want := y.Papers, []string{"https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm"}; !reflect.DeepEqual(got, want) {
		t.Errorf("papers: got %v, want %v", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	day := func(name, date, off string) string {
		return `{"name":` + name + `,"date":` + date + `,"isOffDay":` + off + `}`
	}
	file := func(year string, days ...string) string {
		return `{"year":` + year + `,"days":[` + strings.Join(days, ",") + `]}`
	}
	ok := day(`"国庆节"`, `"2026-10-01"`, "true")
	tests := []struct {
		name string
		in   string
		want string // in the error message
	}{
		{"not JSON", `{"year":2026,`, "not a holiday file"},
		{"trailing data", file("2026", ok) + "x", "not a holiday file"},
		{"array", `[]`, "not a holiday file"},
		{"year missing", `{"days":[` + ok + `]}`, `missing "year"`},
		{"year a string", file(`"2026"`, ok), "not a holiday file"},
		{"year out of range", file("20260", ok), "year 20260 out of range"},
		{"days missing", `{"year":2026}`, `missing "days"`},
		{"days empty", file("2026"), "lists no days"},
		{"date outside year", file("2026", day(`"元旦"`, `"2027-01-01"`, "true")), "2027-01-01 is outside year 2026"},
		{"date malformed", file("2026", day(`"元旦"`, `"2026-1-1"`, "true")), `date "2026-1-1" is not YYYY-MM-DD`},
		{"date impossible", file("2026", day(`"春节"`, `"2026-02-30"`, "true")), "not YYYY-MM-DD"},
		{"date missing", file("2026", `{"name":"元旦","isOffDay":true}`), `days[0]: missing "date"`},
		{"name missing", file("2026", `{"date":"2026-01-01","isOffDay":true}`), `missing "name"`},
		{"isOffDay missing", file("2026", `{"name":"元旦","date":"2026-01-01"}`), `missing "isOffDay"`},
		{"duplicate", file("2026", ok, day(`"中秋节"`, `"2026-10-01"`, "true")), "2026-10-01 listed twice"},
		{"empty name", file("2026", day(`""`, `"2026-10-01"`, "true")), "name is empty"},
		{"padded name", file("2026", day(`" 国庆节"`, `"2026-10-01"`, "true")), "leading or trailing space"},
		{"control in name", file("2026", day(`"国庆\u0007节"`, `"2026-10-01"`, "true")), "unprintable"},
		{"long name", file("2026", day(`"`+strings.Repeat("节", 33)+`"`, `"2026-10-01"`, "true")), "longer than 32"},
		{"working weekday", file("2026", day(`"国庆节"`, `"2026-10-08"`, "false")), "2026-10-08 is a Thursday: a working day (isOffDay false) must fall on a weekend"},
		{"too large", strings.Repeat(" ", MaxFileSize+1), "over the"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("Parse: got no error, want %q", tt.want)
			}
			if !errors.Is(err, ErrInvalidData) {
				t.Errorf("got error %v, want one wrapping ErrInvalidData", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseSortsAndIgnoresUnknownFields(t *testing.T) {
	in := `{"$schema":"x","year":2026,"days":[
		{"name":"国庆节","date":"2026-10-10","isOffDay":false},
		{"name":"国庆节","date":"2026-10-01","isOffDay":true}]}`
	y, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := y.Days[0].Date.String(), "2026-10-01"; got != want {
		t.Errorf("first day: got %s, want %s", got, want)
	}
}

func TestValidateUnsorted(t *testing.T) {
	y := YearData{Year: 2026, Days: []Day{
		{Date: day(t, "2026-10-02"), Name: "国庆节", OffDay: true},
		{Date: day(t, "2026-10-01"), Name: "国庆节", OffDay: true},
	}}
	if err := y.Validate(); err == nil || !strings.Contains(err.Error(), "not sorted") {
		t.Errorf("Validate: got %v, want a 'not sorted' error", err)
	}
}

func TestYearDataJSONRoundTrip(t *testing.T) {
	for _, name := range []string{"2025.json", "2026.json"} {
		t.Run(name, func(t *testing.T) {
			want, err := Parse(readHolidays(t, name))
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			var got YearData
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip: got %+v, want %+v", got, want)
			}
		})
	}
}

func TestUnmarshalValidates(t *testing.T) {
	var y YearData
	err := json.Unmarshal([]byte(`{"year":2026,"days":[]}`), &y)
	if !errors.Is(err, ErrInvalidData) {
		t.Errorf("json.Unmarshal: got %v, want ErrInvalidData", err)
	}
}

// FuzzParse checks that Parse never panics, that what it accepts is valid,
// and that it survives a marshal/parse round trip unchanged.
func FuzzParse(f *testing.F) {
	f.Add(readHolidays(f, "2025.json"))
	f.Add(readHolidays(f, "2026.json"))
	f.Add([]byte(`{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`))
	f.Add([]byte(`{"year":2026,"days":[{"name":"x","date":"2026-10-10","isOffDay":false},{"name":"x","date":"2026-10-10","isOffDay":true}]}`))
	f.Add([]byte(`{"year":null,"days":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidData) {
				t.Fatalf("error %v does not wrap ErrInvalidData", err)
			}
			return
		}
		if err := y.Validate(); err != nil {
			t.Fatalf("Parse accepted data that fails Validate: %v", err)
		}
		b, err := json.Marshal(y)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Parse(b)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
		if !reflect.DeepEqual(again, y) {
			t.Fatalf("round trip: got %+v, want %+v", again, y)
		}
		New(y).Deadline(Date{y.Year, 1, 1}, 5, nil, 0) // must not panic
	})
}
