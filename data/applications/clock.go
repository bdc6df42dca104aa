package applications

import (
	"context"
	"encoding/json"
	"strings"

	"qingdan/data/workday"
)

// Clock statuses (电子监察: yellow card a working day ahead, red when late).
const (
	ClockNormal       = "normal"
	ClockYellow       = "yellow"
	ClockRed          = "red"
	ClockPaused       = "paused"
	ClockClosedOnTime = "closed_on_time"
	ClockClosedLate   = "closed_late"
)

// YellowCardWorkdays is when the yellow card (黄牌预警) shows: an open
// application whose promised deadline is at most this many working days
// away (and not yet passed, which is red).
const YellowCardWorkdays = 1

// Deadline is one statutory or promised deadline and how it was computed.
// The explanation is written only when asked for (Explain, and the JSON's
// explanation in Chinese and explanation_en in English): the queue and the
// statistics compute deadlines for many applications and show none.
type Deadline struct {
	Date     string
	Workdays int
	Warnings []string
	comp     workday.Computation
}

// Explain is how the deadline was counted: in English for "en", else in
// Chinese.
func (d *Deadline) Explain(lang string) string { return d.comp.Explain(lang) }

// MarshalJSON writes the deadline with its explanation in both languages.
func (d *Deadline) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Date          string   `json:"date"`
		Workdays      int      `json:"workdays"`
		Explanation   string   `json:"explanation"`
		ExplanationEN string   `json:"explanation_en"`
		Warnings      []string `json:"warnings,omitempty"`
	}{d.Date, d.Workdays, d.Explain(""), d.Explain("en"), d.Warnings})
}

// TimelineStep is one stage of an application as the public sees it.
type TimelineStep struct {
	Stage       string `json:"stage"`
	Time        string `json:"time"`
	Actor       string `json:"actor"` // role and masked name
	LedgerIndex int64  `json:"ledger_index"`
}

// View is an application with its deadlines, clock status and timeline.
type View struct {
	*Application
	LegalDeadline    *Deadline      `json:"legal_deadline"`
	PromisedDeadline *Deadline      `json:"promised_deadline"`
	ClockStatus      string         `json:"clock_status"`
	Timeline         []TimelineStep `json:"timeline"`
}

// clock is an application with its deadlines and clock status, without
// the timeline (statistics and the queue need no more).
func (a *Approvals) clock(app *Application, today workday.Date) *View {
	v := &View{Application: app, Timeline: []TimelineStep{}}
	if app.AcceptedOn != "" {
		v.LegalDeadline = a.deadline(app, app.LegalLimit, today)
		v.PromisedDeadline = a.deadline(app, app.PromisedLimit, today)
	}
	v.ClockStatus = a.clockStatus(app, v.PromisedDeadline, today)
	return v
}

// withTimeline adds the timeline to a view.
func (a *Approvals) withTimeline(ctx context.Context, v *View) (*View, error) {
	timeline, err := a.timeline(ctx, v.Number)
	v.Timeline = timeline
	return v, err
}

// deadline counts limit working days from acceptance, skipping paused
// days (an open pause runs to today) and adding extensions.
func (a *Approvals) deadline(app *Application, limit int, today workday.Date) *Deadline {
	start, err := workday.ParseDate(app.AcceptedOn)
	if err != nil {
		return nil
	}
	comp := a.calendar().Deadline(start, limit, spansOf(app.Pauses, today), app.ExtensionDays)
	return &Deadline{Date: comp.Deadline.String(), Workdays: comp.Total(), Warnings: comp.Warnings, comp: comp}
}

func spansOf(pauses []Pause, today workday.Date) []workday.Span {
	var out []workday.Span
	for _, p := range pauses {
		from, err1 := workday.ParseDate(p.From)
		to, err2 := workday.ParseDate(p.To)
		if p.To == "" {
			to, err2 = today, nil
		}
		if err1 == nil && err2 == nil {
			out = append(out, workday.Span{From: from, To: to, Reason: p.Reason})
		}
	}
	return out
}

func (a *Approvals) clockStatus(app *Application, promised *Deadline, today workday.Date) string {
	if promised == nil {
		return ClockNormal
	}
	due, _ := workday.ParseDate(promised.Date)
	switch {
	case app.ClosedOn != "":
		if closed, _ := workday.ParseDate(app.ClosedOn); closed.After(due) {
			return ClockClosedLate
		}
		return ClockClosedOnTime
	case app.PausedSince != "":
		return ClockPaused
	case today.After(due):
		return ClockRed
	case a.calendar().WorkdaysBetween(today, due, nil) <= YellowCardWorkdays:
		return ClockYellow
	}
	return ClockNormal
}

// stageNames are the timeline's stage names, Chinese first.
var stageNames = map[string]string{
	"submitted": "提交 submitted", "accepted": "受理 accepted", "refused": "不予受理 refused",
	"reviewed": "审查 reviewed", "decided": "决定 decided", "delivered": "送达 delivered",
	"paused": "特别程序 paused", "resumed": "恢复计时 resumed", "extended": "延长 extended",
	"withdrawn": "撤回 withdrawn",
}

func (a *Approvals) timeline(ctx context.Context, number string) ([]TimelineStep, error) {
	rows, err := a.db.Reader.WithContext(ctx).Raw(`SELECT ledger_index, type, time, actor FROM application_events
		WHERE number = ? ORDER BY ledger_index`, number).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TimelineStep{}
	for rows.Next() {
		var index int64
		var typ, at, actor string
		if err := rows.Scan(&index, &typ, &at, &actor); err != nil {
			return nil, err
		}
		stage := strings.TrimPrefix(typ, "application.")
		out = append(out, TimelineStep{Stage: stageNames[stage], Time: at, Actor: maskActor(stage, actor), LedgerIndex: index})
	}
	return out, rows.Err()
}

// maskActor shows who acted by role, never by name: the applicant, a
// window clerk (承办人员) or an approver (审批人员).
func maskActor(stage, actor string) string {
	switch {
	case actor == "public" || stage == "submitted" || stage == "withdrawn":
		return "申请人 applicant"
	case stage == "decided" || stage == "extended":
		return "审批人员 approver"
	}
	return "承办人员 clerk"
}
