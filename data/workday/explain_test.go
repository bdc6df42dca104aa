package workday

import (
	"strings"
	"testing"
	"unicode"
)

// accepted is the English first line of an explanation; the law it cites
// is the same for every case.
func accepted(date, weekday string) string {
	return "Accepted " + date + " (" + weekday + "). The day of acceptance is not counted; counting starts the next day (Administrative Licensing Law §42, §82; Civil Code §201).\n"
}

// TestExplainEnglish: the whole English explanation across each holiday of
// the embedded notices, with English holiday names. The dates are those of
// holidays/2025.json and 2026.json.
func TestExplainEnglish(t *testing.T) {
	c := defaultCal(t)
	tests := []struct {
		name     string
		start    string
		workdays int
		want     string
	}{
		{
			// 2026: 中秋节 09-25…27 (Fri–Sun) off, 09-28…30 working
			// weekdays, 国庆节 10-01…07 off (its weekend included), then
			// 10-08 and 10-09; the 调休 Saturday 10-10 is not reached.
			name: "National Day and Mid-Autumn 2026", start: "2026-09-24", workdays: 5,
			want: accepted("2026-09-24", "Thursday") +
				"Limit: 5 working days.\n" +
				"Days not counted, and weekends worked:\n" +
				"  2026-09-25 … 2026-09-27 holiday: Mid-Autumn Festival (3 days, not counted)\n" +
				"  2026-10-01 … 2026-10-07 holiday: National Day (7 days, not counted)\n" +
				"Deadline: end of 2026-10-09 (Friday).\n",
		},
		{
			// 2025: one notice entry "国庆节、中秋节"; Sunday 09-28 and
			// Saturday 10-11 are worked.
			name: "National Day and Mid-Autumn 2025, joined", start: "2025-09-26", workdays: 5,
			want: accepted("2025-09-26", "Friday") +
				"Limit: 5 working days.\n" +
				"Days not counted, and weekends worked:\n" +
				"  2025-09-27 weekend (1 day, not counted)\n" +
				"  2025-09-28 adjusted working day for National Day and Mid-Autumn Festival (counted)\n" +
				"  2025-10-01 … 2025-10-08 holiday: National Day and Mid-Autumn Festival (8 days, not counted)\n" +
				"Deadline: end of 2025-10-10 (Friday).\n",
		},
		{
			name: "New Year's Day 2026 with its working Sunday", start: "2025-12-31", workdays: 2,
			want: accepted("2025-12-31", "Wednesday") +
				"Limit: 2 working days.\n" +
				"Days not counted, and weekends worked:\n" +
				"  2026-01-01 … 2026-01-03 holiday: New Year's Day (3 days, not counted)\n" +
				"  2026-01-04 adjusted working day for New Year's Day (counted)\n" +
				"Deadline: end of 2026-01-05 (Monday).\n",
		},
		{
			name: "Spring Festival 2026", start: "2026-02-13", workdays: 2,
			want: accepted("2026-02-13", "Friday") +
				"Limit: 2 working days.\n" +
				"Days not counted, and weekends worked:\n" +
				"  2026-02-14 adjusted working day for Spring Festival (counted)\n" +
				"  2026-02-15 … 2026-02-23 holiday: Spring Festival (9 days, not counted)\n" +
				"Deadline: end of 2026-02-24 (Tuesday).\n",
		},
		{
			name: "Qingming Festival 2026", start: "2026-04-03", workdays: 1,
			want: accepted("2026-04-03", "Friday") +
				"Limit: 1 working day.\n" +
				"Days not counted, and weekends worked:\n" +
				"  2026-04-04 … 2026-04-06 holiday: Qingming Festival (3 days, not counted)\n" +
				"Deadline: end of 2026-04-07 (Tuesday).\n",
		},
		{
			name: "Labour Day 2026 with its working Saturday", start: "2026-04-30", workdays: 4,
			want: accepted("2026-04-30", "Thursday") +
				"Limit: 4 working days.\n" +
				"Days not counted, and weekends worked:\n" +
				"  2026-05-01 … 2026-05-05 holiday: Labour Day (5 days, not counted)\n" +
				"  2026-05-09 adjusted working day for Labour Day (counted)\n" +
				"Deadline: end of 2026-05-09 (Saturday).\n",
		},
		{
			name: "Dragon Boat Festival 2026", start: "2026-06-18", workdays: 1,
			want: accepted("2026-06-18", "Thursday") +
				"Limit: 1 working day.\n" +
				"Days not counted, and weekends worked:\n" +
				"  2026-06-19 … 2026-06-21 holiday: Dragon Boat Festival (3 days, not counted)\n" +
				"Deadline: end of 2026-06-22 (Monday).\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			comp := c.Deadline(day(t, tt.start), tt.workdays, nil, 0)
			for _, lang := range []string{"en", "en-GB", "EN"} {
				got := comp.Explain(lang)
				if got != tt.want {
					t.Errorf("Explain(%q):\n%s\nwant:\n%s", lang, got, tt.want)
				}
				if han := firstHan(got); han != "" {
					t.Errorf("Explain(%q) has Chinese text %q", lang, han)
				}
			}
			// Chinese stays the default and keeps the notice's names.
			if zh := comp.Explain(""); firstHan(zh) == "" || zh != comp.Explain("zh") {
				t.Errorf("Explain(\"\") is not the Chinese text:\n%s", zh)
			}
		})
	}
}

// TestExplainChineseNames: the Chinese explanation keeps the holiday names
// of the notice.
func TestExplainChineseNames(t *testing.T) {
	c := defaultCal(t)
	got := c.Deadline(day(t, "2026-09-24"), 5, nil, 0).Explain("zh-CN")
	for _, want := range []string{
		"受理日 2026-09-24（星期四）",
		"  2026-09-25 至 2026-09-27 法定节假日：中秋节（3 天，不计入）\n",
		"  2026-10-01 至 2026-10-07 法定节假日：国庆节（7 天，不计入）\n",
		"截止日：2026-10-09（星期五）当日结束。\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Explain(zh-CN) lacks %q; got:\n%s", want, got)
		}
	}
	if strings.Contains(got, "National Day") {
		t.Errorf("Explain(zh-CN) has English names:\n%s", got)
	}
}

func TestHolidayName(t *testing.T) {
	tests := []struct{ name, lang, want string }{
		{"春节", "en", "Spring Festival"},
		{"清明节", "en", "Qingming Festival"},
		{"劳动节", "en", "Labour Day"},
		{"端午节", "en", "Dragon Boat Festival"},
		{"中秋节", "en", "Mid-Autumn Festival"},
		{"国庆节", "en-US", "National Day"},
		{"元旦", "en", "New Year's Day"},
		{"国庆节、中秋节", "en", "National Day and Mid-Autumn Festival"},
		{"国庆节", "", "国庆节"},
		{"国庆节", "zh", "国庆节"},
		{"国庆节、中秋节", "zh", "国庆节、中秋节"},
		{"植树节", "en", "植树节"}, // no translation: kept as the notice has it
	}
	for _, tt := range tests {
		if got := HolidayName(tt.name, tt.lang); got != tt.want {
			t.Errorf("HolidayName(%q, %q) = %q, want %q", tt.name, tt.lang, got, tt.want)
		}
	}
}

// TestEveryEmbeddedHolidayHasEnglishName: a notice added to holidays/
// with a new name must add its English name too.
func TestEveryEmbeddedHolidayHasEnglishName(t *testing.T) {
	c := defaultCal(t)
	for _, year := range c.Years() {
		y, _ := c.Year(year)
		for _, d := range y.Days {
			if en := HolidayName(d.Name, "en"); firstHan(en) != "" {
				t.Errorf("%s: holiday %q has no English name (got %q)", d.Date, d.Name, en)
			}
		}
	}
}

// firstHan is the first run of Chinese characters in s, or "".
func firstHan(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
	if i < 0 {
		return ""
	}
	end := strings.IndexFunc(s[i:], func(r rune) bool { return !unicode.Is(unicode.Han, r) })
	if end < 0 {
		return s[i:]
	}
	return s[i : i+end]
}
