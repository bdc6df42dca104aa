package web

import (
	"fmt"
	"sort"

	"qingdan/data/applications"
	"qingdan/web/i18n"

	"github.com/gofiber/fiber/v2"
)

// bar is one bar of a server-rendered SVG chart.
type bar struct {
	Label string
	Text  string
	Y     int     // top of the bar's row
	Width float64 // in chart units
	Class string
}

// chart is a horizontal bar chart drawn as SVG by the template.
type chart struct {
	Title  string
	Bars   []bar
	Height int
}

const (
	chartRow   = 28  // height of one row in SVG units
	chartWidth = 400 // length of a full bar
)

func newChart(title string, rows []*applications.StatsRow, label func(*applications.StatsRow) string, value func(*applications.StatsRow) (float64, float64, string)) chart {
	ch := chart{Title: title, Height: len(rows)*chartRow + 8}
	for i, r := range rows {
		v, full, text := value(r)
		w := 0.0
		if full > 0 {
			w = v / full * chartWidth
		}
		class := "ok"
		if full > 0 && v/full < 0.9 && title != "" {
			class = "warn"
		}
		ch.Bars = append(ch.Bars, bar{Label: label(r), Text: text, Y: i * chartRow, Width: w, Class: class})
	}
	return ch
}

// statsPage serves /stats: each department's on-time rate, average working
// days to decision and yellow and red counts, with SVG charts.
func (s *Server) statsPage(c *fiber.Ctx) error {
	st, err := s.cfg.Approvals.Stats(c.UserContext())
	if err != nil {
		return err
	}
	l := lang(c)
	names := s.deptNames(c, l)
	rows := append([]*applications.StatsRow(nil), st.Departments...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Received > rows[j].Received })
	label := func(r *applications.StatsRow) string { return shorten(names[r.Dept], 22) }
	maxDays := 1.0
	for _, r := range rows {
		maxDays = max(maxDays, r.AvgWorkdays)
	}
	m := i18n.Messages(l)
	onTime := newChart(m["on_time_rate"], rows, label, func(r *applications.StatsRow) (float64, float64, string) {
		return r.OnTimeRate, 1, fmt.Sprintf("%.1f%%", r.OnTimeRate*100)
	})
	days := newChart("", rows, label, func(r *applications.StatsRow) (float64, float64, string) {
		return r.AvgWorkdays, maxDays, fmt.Sprintf("%.1f", r.AvgWorkdays)
	})
	return s.render(c, "stats", "stats", fiber.Map{"Rows": rows, "OnTime": onTime, "Days": days})
}

// shorten cuts a label to n runes.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
