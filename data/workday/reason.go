package workday

import (
	"fmt"
	"strings"
)

// Kind classifies a day, or a range of days in a Step.
type Kind int

const (
	// Weekday is an ordinary Monday–Friday working day.
	Weekday Kind = iota
	// Weekend is an ordinary Saturday or Sunday.
	Weekend
	// Holiday is a day off of a State Council notice (a statutory holiday
	// or a day moved next to one), whatever its weekday.
	Holiday
	// AdjustedWorkday is a 调休 weekend that the notice makes a working
	// day.
	AdjustedWorkday
	// Paused is a day inside a §45 pause; it appears only in Steps.
	Paused
)

var kindNames = [...]string{"weekday", "weekend", "holiday", "adjusted", "paused"}

// String names k: "weekday", "weekend", "holiday", "adjusted" (a 调休
// working weekend) or "paused".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// MarshalText encodes k by its name, so a Step is readable JSON.
func (k Kind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(kindNames) {
		return nil, fmt.Errorf("workday: invalid Kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a name written by MarshalText.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, name := range kindNames {
		if string(b) == name {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("workday: unknown Kind %q", b)
}

// counts reports whether a day of kind k counts towards a deadline.
func (k Kind) counts() bool { return k == Weekday || k == AdjustedWorkday }

// Reason says why a day is or is not a working day.
type Reason struct {
	Kind Kind
	// Name is the holiday a Holiday or AdjustedWorkday belongs to.
	Name string
	// Year is the date's year; NoData reports that c has no notice for it,
	// so the answer rests on weekends only.
	Year   int
	NoData bool
}

// Workday reports whether the day counts as a working day.
func (r Reason) Workday() bool { return r.Kind.counts() }

// String is the English text of r, e.g. "holiday: National Day",
// "adjusted working day for National Day" (a 调休 working weekend) or
// "weekday (no data for 2027: weekends only)".
func (r Reason) String() string { return r.Text("en") }

// Text is r in Chinese (the default) or English (lang "en…").
func (r Reason) Text(lang string) string {
	s := kindText(r.Kind, r.Name, isEnglish(lang))
	if !r.NoData {
		return s
	}
	if isEnglish(lang) {
		return fmt.Sprintf("%s (no data for %d: weekends only)", s, r.Year)
	}
	return fmt.Sprintf("%s（%d 年无节假日数据，仅按周末计算）", s, r.Year)
}

// kindText names a kind of day, with the holiday or pause name.
func kindText(k Kind, name string, en bool) string {
	switch {
	case k == Weekday && en:
		return "weekday"
	case k == Weekday:
		return "工作日"
	case k == Weekend && en:
		return "weekend"
	case k == Weekend:
		return "周末"
	case k == Holiday && en:
		return "holiday: " + holidayEN(name)
	case k == Holiday:
		return "法定节假日：" + name
	case k == AdjustedWorkday && en:
		return "adjusted working day for " + holidayEN(name)
	case k == AdjustedWorkday:
		return "调休上班：" + name
	}
	return pausedText(name, en)
}

// holidayNamesEN are the English names of the holidays as the State
// Council notices (holidays/*.json) name them.
var holidayNamesEN = map[string]string{
	"元旦":  "New Year's Day",
	"春节":  "Spring Festival",
	"清明节": "Qingming Festival",
	"劳动节": "Labour Day",
	"端午节": "Dragon Boat Festival",
	"中秋节": "Mid-Autumn Festival",
	"国庆节": "National Day",
}

// HolidayName is a holiday's name in Chinese (the default: the name in the
// notice, unchanged) or English (lang "en…"). Holidays that a notice
// joins with "、" (2025: "国庆节、中秋节") are joined with "and"
// ("National Day and Mid-Autumn Festival"); a name without an English
// translation (a year loaded at run time may use a new one) is kept as it
// is.
func HolidayName(name, lang string) string {
	if !isEnglish(lang) {
		return name
	}
	return holidayEN(name)
}

// holidayEN is HolidayName in English.
func holidayEN(name string) string {
	parts := strings.Split(name, "、")
	for i, p := range parts {
		if en, ok := holidayNamesEN[strings.TrimSpace(p)]; ok {
			parts[i] = en
		}
	}
	return strings.Join(parts, " and ")
}

// pausedText names a §45 pause.
func pausedText(name string, en bool) string {
	switch {
	case en && name == "":
		return "paused"
	case en:
		return "paused: " + name
	case name == "":
		return "暂停计时"
	}
	return "暂停计时：" + name
}

// isEnglish reports whether lang asks for English ("en", "en-US" …);
// anything else gets Chinese.
func isEnglish(lang string) bool {
	lang = strings.ToLower(lang)
	return lang == "en" || strings.HasPrefix(lang, "en-") || strings.HasPrefix(lang, "en_")
}

// weekdayText names d's day of the week.
func weekdayText(d Date, en bool) string {
	if en {
		return d.Weekday().String()
	}
	return "星期" + [...]string{"日", "一", "二", "三", "四", "五", "六"}[d.Weekday()]
}
