package workday

import (
	"fmt"
	"strings"
)

// Explain tells how the deadline was computed, in Chinese (the default) or
// English (lang "en", "en-US" …), one statement per line: the start, the
// period, each step, the deadline and any warnings.
func (c Computation) Explain(lang string) string {
	en := isEnglish(lang)
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	line(c.startText(en))
	line(c.periodText(en))
	if len(c.Steps) > 0 && en {
		line("Days not counted, and weekends worked:")
	} else if len(c.Steps) > 0 {
		line("不计入的日期及调休上班日：")
	}
	for _, s := range c.Steps {
		line("  " + s.Text(lang))
	}
	line(c.deadlineText(en))
	for _, w := range c.warnings(en) {
		line(w)
	}
	return b.String()
}

// warnings are the warning lines in the language asked for. A Computation
// decoded from JSON has only the English Warnings.
func (c Computation) warnings(en bool) []string {
	var out []string
	if len(c.notes) != len(c.Warnings) {
		for _, w := range c.Warnings {
			out = append(out, "Warning: "+w)
		}
		return out
	}
	for _, n := range c.notes {
		if en {
			out = append(out, "Warning: "+n.en)
		} else {
			out = append(out, "注意："+n.zh)
		}
	}
	return out
}

// startText describes the acceptance day.
func (c Computation) startText(en bool) string {
	if en {
		return fmt.Sprintf("Accepted %s (%s). The day of acceptance is not counted; counting starts the next day (Administrative Licensing Law §42, §82; Civil Code §201).",
			c.Start, weekdayText(c.Start, en))
	}
	return fmt.Sprintf("受理日 %s（%s），受理当日不计入，自次日起计算（《行政许可法》第四十二条、第八十二条，《民法典》第二百零一条）。",
		c.Start, weekdayText(c.Start, en))
}

// periodText describes the period and extension.
func (c Computation) periodText(en bool) string {
	switch {
	case c.Total() == 0 && en:
		return "Limit: 0 working days (immediate handling): due on the day of acceptance."
	case c.Total() == 0:
		return "时限 0 个工作日（即办件），当日办结。"
	case c.ExtraDays > 0 && en:
		return fmt.Sprintf("Limit: %s + %s extension (§42) = %s.",
			workingDays(c.Workdays), dayCount(c.ExtraDays), workingDays(c.Total()))
	case c.ExtraDays > 0:
		return fmt.Sprintf("时限 %d 个工作日，延长 %d 个工作日（第四十二条），共 %d 个工作日。",
			c.Workdays, c.ExtraDays, c.Total())
	case en:
		return fmt.Sprintf("Limit: %s.", workingDays(c.Workdays))
	}
	return fmt.Sprintf("时限 %d 个工作日。", c.Workdays)
}

// deadlineText states the deadline.
func (c Computation) deadlineText(en bool) string {
	switch {
	case c.Deadline.IsZero() && en:
		return "No deadline computed."
	case c.Deadline.IsZero():
		return "未计算截止日。"
	case en:
		return fmt.Sprintf("Deadline: end of %s (%s).", c.Deadline, weekdayText(c.Deadline, en))
	}
	return fmt.Sprintf("截止日：%s（%s）当日结束。", c.Deadline, weekdayText(c.Deadline, en))
}

// Text describes s in Chinese (the default) or English, e.g.
// "2026-10-01 … 2026-10-07 holiday: National Day (7 days, not counted)".
func (s Step) Text(lang string) string {
	en := isEnglish(lang)
	what := kindText(s.Kind, s.Name, en)
	return s.rangeText(en) + " " + what + s.outcomeText(en)
}

// rangeText is the step's date or date range.
func (s Step) rangeText(en bool) string {
	switch {
	case s.From == s.To:
		return s.From.String()
	case en:
		return s.From.String() + " … " + s.To.String()
	}
	return s.From.String() + " 至 " + s.To.String()
}

// outcomeText says whether the step's days count, and how many there are.
func (s Step) outcomeText(en bool) string {
	days := s.Days()
	switch {
	case s.Counted() && en:
		return " (counted)"
	case s.Counted():
		return "，计入工作日"
	case s.Kind == Paused && en:
		return fmt.Sprintf(" (%s, not counted, §45)", dayCount(days))
	case s.Kind == Paused:
		return fmt.Sprintf("（%d 天，依第四十五条不计入）", days)
	case en:
		return fmt.Sprintf(" (%s, not counted)", dayCount(days))
	}
	return fmt.Sprintf("（%d 天，不计入）", days)
}

// dayCount is "1 day" or "n days".
func dayCount(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// workingDays is "1 working day" or "n working days".
func workingDays(n int) string {
	if n == 1 {
		return "1 working day"
	}
	return fmt.Sprintf("%d working days", n)
}
