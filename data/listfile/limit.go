package listfile

import (
	"regexp"
	"strconv"
	"strings"
)

// Limit is a time limit (办结时限) as written in a list.
type Limit struct {
	// Days is the number of days; 0 for 即办 (handled on the spot).
	Days int
	// Calendar is true when the text counts calendar days (天, 自然日,
	// 日历日) rather than working days. 行政许可法 §82 counts 日 as working
	// days, so "20日" and a bare "20" are working days.
	Calendar bool
}

// maxLimitDays rejects numbers that cannot be a time limit (and keep the
// arithmetic far from overflow).
const maxLimitDays = 10000

var (
	limitRe = regexp.MustCompile(`^([0-9]+|[零〇一二两三四五六七八九十百]+)个?(工作日|自然日|日历日|日|天)?$`)
	// limitNote matches a trailing note: "（不含专家评审时间）", "内", "。".
	limitNote = regexp.MustCompile(`(?:（[^（）]*）|\([^()]*\)|以内|之内|内|。|\.)$`)
	instant   = map[string]bool{
		"即办": true, "即办件": true, "当场办结": true, "当场办理": true, "当场": true,
		"即时办结": true, "即时办理": true, "立即办结": true, "立即办理": true,
		"当即办结": true, "即来即办": true, "即时": true, "当日办结": true,
	}
)

// ParseLimit reads a time limit: "20个工作日", "２０工作日", "20日", "20",
// "二十个工作日", "30天" (Calendar), "即办" or "当场办结" (0 days). A
// trailing note in parentheses, 内/以内 and a full stop are ignored
// ("20个工作日内（不含公示时间）" is 20). Empty text, "无", "/" and other
// text give ok == false.
func ParseLimit(s string) (Limit, bool) {
	s = strings.Join(strings.Fields(CleanCell(s)), "")
	for range 4 {
		if t := limitNote.ReplaceAllString(s, ""); t != "" {
			s = t
		}
	}
	if instant[s] {
		return Limit{}, true
	}
	m := limitRe.FindStringSubmatch(s)
	if m == nil {
		return Limit{}, false
	}
	n, ok := parseNumber(m[1])
	if !ok {
		return Limit{}, false
	}
	calendar := m[2] == "天" || m[2] == "自然日" || m[2] == "日历日"
	return Limit{Days: n, Calendar: calendar}, true
}

// ParseWorkingDays returns the number of days of a time limit, 0 for 即办.
// It accepts what ParseLimit accepts, including calendar days ("30天"
// gives 30, ok); callers that must tell these apart use ParseLimit and
// Limit.Calendar.
func ParseWorkingDays(s string) (days int, ok bool) {
	l, ok := ParseLimit(s)
	return l.Days, ok
}

// parseNumber reads ASCII digits or a Chinese numeral up to maxLimitDays.
func parseNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil {
		n, ok := hanNumber(s)
		return n, ok && n <= maxLimitDays
	}
	return n, n <= maxLimitDays
}

var hanDigits = map[rune]int{
	'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

// hanNumber reads a Chinese numeral below 1000: 十五, 二十, 一百零五, or
// digit by digit (三〇).
func hanNumber(s string) (int, bool) {
	if !strings.ContainsAny(s, "十百") {
		return hanDigitString(s)
	}
	total, cur, lastUnit := 0, -1, 1000
	for _, r := range s {
		if d, ok := hanDigits[r]; ok {
			if cur > 0 {
				return 0, false // two digits in a row: 二三十
			}
			cur = d
			continue
		}
		unit := map[rune]int{'十': 10, '百': 100}[r]
		if unit == 0 || unit >= lastUnit {
			return 0, false
		}
		total += max(cur, 1) * unit
		cur, lastUnit = -1, unit
	}
	return total + max(cur, 0), true
}

// hanDigitString reads a numeral written digit by digit.
func hanDigitString(s string) (int, bool) {
	n := 0
	for _, r := range s {
		d, ok := hanDigits[r]
		if !ok || n > maxLimitDays {
			return 0, false
		}
		n = n*10 + d
	}
	return n, s != ""
}
