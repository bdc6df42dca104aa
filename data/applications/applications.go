package applications

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/data/workday"
	"qingdan/ledger"
)

// Application states (办件状态), as DESIGN §4.
const (
	StateSubmitted = "submitted"
	StateAccepted  = "accepted"  // 受理
	StateRefused   = "refused"   // 不予受理
	StateReviewed  = "reviewed"  // 审查
	StateDecided   = "decided"   // 决定
	StateDelivered = "delivered" // 送达
	StateWithdrawn = "withdrawn" // 撤回
)

// Officials' and applicants' actions on an application.
const (
	ActionAccept   = "accept"
	ActionRefuse   = "refuse"
	ActionReview   = "review"
	ActionDecide   = "decide"
	ActionDeliver  = "deliver"
	ActionPause    = "pause"
	ActionResume   = "resume"
	ActionExtend   = "extend"
	ActionWithdraw = "withdraw"
)

// pausedRule says whether an action may be taken while the clock is
// paused (特别程序).
type pausedRule int

const (
	notWhilePaused  pausedRule = iota // refused while paused
	onlyWhilePaused                   // refused unless paused (resume)
	evenWhilePaused                   // allowed either way (withdraw)
)

// transitions is the state machine, the one source for what an action
// needs and does: from which states it may be taken, whether while
// paused, the state it leads to ("" keeps the state), its entry type's
// verb, and the fields of ActionEvent an official gives with it (nil for
// the applicant's withdrawal, which is not an official's act). The
// append, the replay, the officials' routes, forms and permissions all
// read it: an action is added here.
var transitions = map[string]struct {
	from     []string
	paused   pausedRule
	to       string
	past     string   // the entry type's verb
	official []string // the fields an official gives; nil: not an official's act
}{
	ActionAccept:   {[]string{StateSubmitted}, notWhilePaused, StateAccepted, "accepted", []string{}},
	ActionRefuse:   {[]string{StateSubmitted}, notWhilePaused, StateRefused, "refused", []string{"reason", "missing"}},
	ActionReview:   {[]string{StateAccepted}, notWhilePaused, StateReviewed, "reviewed", []string{"opinion"}},
	ActionDecide:   {[]string{StateReviewed}, notWhilePaused, StateDecided, "decided", []string{"outcome", "reason", "basis"}},
	ActionDeliver:  {[]string{StateDecided}, notWhilePaused, StateDelivered, "delivered", []string{"method"}},
	ActionPause:    {[]string{StateAccepted, StateReviewed}, notWhilePaused, "", "paused", []string{"procedure", "reason"}},
	ActionResume:   {[]string{StateAccepted, StateReviewed}, onlyWhilePaused, "", "resumed", []string{}},
	ActionExtend:   {[]string{StateAccepted, StateReviewed}, notWhilePaused, "", "extended", []string{"days", "reason"}},
	ActionWithdraw: {[]string{StateSubmitted, StateAccepted, StateReviewed}, evenWhilePaused, StateWithdrawn, "withdrawn", nil},
}

// actionOrder is the order in which pages offer the actions: the
// procedure's own steps first, then pause, resume, extend and withdraw.
var actionOrder = []string{ActionAccept, ActionRefuse, ActionReview, ActionDecide, ActionDeliver,
	ActionPause, ActionResume, ActionExtend, ActionWithdraw}

// Actions lists every action name.
func Actions() []string {
	out := make([]string, 0, len(transitions))
	for a := range transitions {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// OfficialActions lists, in the order pages show them, the actions an
// official takes (each with its route and its permission, named as the
// action, on policy.ObjApplication).
func OfficialActions() []string {
	var out []string
	for _, a := range actionOrder {
		if transitions[a].official != nil {
			out = append(out, a)
		}
	}
	return out
}

// OfficialFields are the fields of ActionEvent an official gives with
// action, as its form names them; nil for an action that is not an
// official's.
func OfficialFields(action string) []string { return transitions[action].official }

// PossibleActions lists, in the order pages show them, the actions the
// state machine allows on app as it stands: its state and whether it is
// paused. An action's own data (an outcome, the days of an extension) may
// still be refused.
func PossibleActions(app *Application) []string {
	var out []string
	for _, action := range actionOrder {
		if t := transitions[action]; slices.Contains(t.from, app.State) && t.paused.allows(app.PausedSince != "") {
			out = append(out, action)
		}
	}
	return out
}

// allows reports whether the rule lets an action be taken when the clock
// is (or is not) paused.
func (r pausedRule) allows(paused bool) bool {
	switch r {
	case notWhilePaused:
		return !paused
	case onlyWhilePaused:
		return paused
	}
	return true
}

// Pause is one stopped period of the clock (特别程序, 行政许可法 §45).
type Pause struct {
	From   string `json:"from"`
	To     string `json:"to,omitempty"` // "" while still paused
	Reason string `json:"reason"`
}

// Application is an application's record as the public and officials see
// it (no personal data beyond the masked display name).
type Application struct {
	Number           string  `json:"number"`
	ServiceCode      string  `json:"service_code"`
	PowerCode        string  `json:"power_code"`
	Dept             string  `json:"dept"`
	State            string  `json:"state"`
	Outcome          string  `json:"outcome"`
	ApplicantType    string  `json:"applicant_type"`
	ApplicantDisplay string  `json:"applicant"`
	SubmittedAt      string  `json:"submitted_at"`
	AcceptedOn       string  `json:"accepted_on,omitempty"`
	ClosedOn         string  `json:"closed_on,omitempty"`
	LegalLimit       int     `json:"legal_limit"`
	PromisedLimit    int     `json:"promised_limit"`
	ExtensionDays    int     `json:"extension_days"`
	PausedSince      string  `json:"paused_since,omitempty"`
	Pauses           []Pause `json:"pauses"`
	ReviewedBy       string  `json:"-"`
	DecidedBy        string  `json:"-"`
	LedgerIndex      int64   `json:"ledger_index"`
}

// SubmittedEvent is the data of application.submitted: no personal data,
// only the masked display name and a salted commitment to the rest.
type SubmittedEvent struct {
	// Fields in the order of their keys, so that encoding/json writes the
	// canonical form at once (ledger.CanonicalJSON).
	DisplayName    string   `json:"applicant"`
	ApplicantType  string   `json:"applicant_type"`
	Commitment     string   `json:"commitment"` // base64 SHA-256
	Dept           string   `json:"dept"`
	LegalLimit     int      `json:"legal_limit"`
	MaterialHashes []string `json:"materials,omitempty"`
	Number         string   `json:"number"`
	PowerCode      string   `json:"power_code"`
	PromisedLimit  int      `json:"promised_limit"`
	ServiceCode    string   `json:"service_code"`
}

// ActionEvent is the data of every other application entry; only the
// fields of its action are set.
type ActionEvent struct {
	// Fields in the order of their keys (see SubmittedEvent).
	Basis     string   `json:"basis,omitempty"`   // decide
	Days      int      `json:"days,omitempty"`    // extend
	Method    string   `json:"method,omitempty"`  // deliver
	Missing   []string `json:"missing,omitempty"` // refuse: 一次性告知
	Number    string   `json:"number"`
	Opinion   string   `json:"opinion,omitempty"`   // review
	Outcome   string   `json:"outcome,omitempty"`   // decide: approved | denied
	Procedure string   `json:"procedure,omitempty"` // pause: hearing, testing, expert review …
	// Reason is an official's written reason (refuse, decide, pause),
	// part of the public record. A public withdrawal carries none now
	// (older ledgers hold free text here, and still replay).
	Reason string `json:"reason,omitempty"`
	// ReasonCode is a public withdrawal's reason: one of WithdrawReasons.
	ReasonCode string `json:"reason_code,omitempty"`
}

// Projector keeps the applications and their timelines in step with the
// application.* entries of the ledger.
var Projector = store.Projector{
	Domain:   "applications",
	Families: []string{"application"},
	Project:  Project,
	Tables: []store.Table{
		{Name: "applications", Query: `SELECT number, service_code, power_code, dept, state, outcome, applicant_type, applicant_display,
		commitment, submitted_at, accepted_on, closed_on, legal_limit, promised_limit, extension_days, paused_since,
		pauses, reviewed_by, decided_by, ledger_index FROM applications`, Key: "number"},
		{Name: "application_events", Query: "SELECT * FROM application_events", Key: "ledger_index"},
	},
}

// Project applies an application.* entry inside tx; an entry of another
// family changes nothing.
func Project(ctx context.Context, tx *gorm.DB, e *ledger.Entry) error {
	family, action, _ := strings.Cut(e.Type, ".")
	switch {
	case family != "application":
		return nil
	case action == "submitted":
		return projectSubmitted(tx.WithContext(ctx), e)
	}
	_, err := projectAction(tx.WithContext(ctx), e, action, nil)
	return err
}

// projectAction applies an action entry to its application's row as read
// in this transaction, after check (if set) has passed on that row — the
// row checked is the row changed — and returns the row as saved, with the
// timeline step added.
func projectAction(tx *gorm.DB, e *ledger.Entry, action string, check func(*Application) error) (*Application, error) {
	var ev ActionEvent
	if err := store.DecodeEventData(e.Index, e.Data, &ev); err != nil {
		return nil, err
	}
	app, err := applicationRow(tx, ev.Number)
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(app); err != nil {
			return nil, err
		}
	}
	if err := applyAction(app, e, action, &ev); err != nil {
		return nil, err
	}
	if err := saveApplication(tx, app, e.Index); err != nil {
		return nil, err
	}
	return app, addTimeline(tx, e, ev.Number)
}

func projectSubmitted(tx *gorm.DB, e *ledger.Entry) error {
	var ev SubmittedEvent
	if err := store.DecodeEventData(e.Index, e.Data, &ev); err != nil {
		return err
	}
	return insertSubmitted(tx, e, &ev, nil, func() error { return serviceInForce(tx, ev.ServiceCode, ev.PowerCode) })
}

// insertSubmitted records a submission once inForce has found its service
// and power in force (清单之外不得实施): the application's row, then its
// first timeline step. queryCodeHash is nil on replay: the query code is
// not in the ledger.
func insertSubmitted(tx *gorm.DB, e *ledger.Entry, ev *SubmittedEvent, queryCodeHash []byte, inForce func() error) error {
	if err := inForce(); err != nil {
		return err
	}
	if err := insertApplicationRow(tx, e, ev, queryCodeHash); err != nil {
		return err
	}
	return addTimeline(tx, e, ev.Number)
}

// insertApplicationRow writes the application's row alone. A number
// already taken is ErrConflict, found without a failed statement (ON
// CONFLICT DO NOTHING wrote no row), so that a projection without a
// savepoint can refuse its entry and go on: a failed statement would
// abort a PostgreSQL transaction.
func insertApplicationRow(tx *gorm.DB, e *ledger.Entry, ev *SubmittedEvent, queryCodeHash []byte) error {
	n, err := store.ExecSQLRows(tx, `INSERT INTO applications (number, service_code, power_code, dept, state, applicant_type,
		applicant_display, commitment, submitted_at, legal_limit, promised_limit, ledger_index, query_code_hash)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (number) DO NOTHING`,
		ev.Number, ev.ServiceCode, ev.PowerCode, ev.Dept, StateSubmitted, ev.ApplicantType, ev.DisplayName,
		ev.Commitment, e.Time.Format(ledger.TimeFormat), ev.LegalLimit, ev.PromisedLimit, e.Index, queryCodeHash)
	if err == nil && n == 0 {
		return fmt.Errorf("%w: application %s: the number is taken", store.ErrConflict, ev.Number)
	}
	return err
}

// serviceInForce checks, in one query, that the service and the power it
// implements (none for a pure public service) are on the lists and in
// force.
func serviceInForce(tx *gorm.DB, service, power string) error {
	var svc, pow sql.NullString
	err := store.QueryRowSQL(tx, `SELECT (SELECT status FROM services WHERE code = ?), (SELECT status FROM powers WHERE code = ?)`,
		service, power).Scan(&svc, &pow)
	if err != nil {
		return err
	}
	if err := lists.InForce(svc, service, "service_code"); err != nil {
		return err
	}
	if power == "" {
		return nil
	}
	return lists.InForce(pow, power, "power_code")
}

// applyAction checks the transition and changes app. The clock's dates
// are China dates of the entry's time.
func applyAction(app *Application, e *ledger.Entry, action string, ev *ActionEvent) error {
	verb := actionOfPast(action)
	t, ok := transitions[verb]
	if !ok {
		return fmt.Errorf("%w: unknown application entry type %q", store.ErrInvalid, action)
	}
	if !slices.Contains(t.from, app.State) {
		return fmt.Errorf("%w: cannot %s an application that is %s", store.ErrConflict, verb, app.State)
	}
	if app.PausedSince != "" && t.paused == notWhilePaused {
		return fmt.Errorf("%w: the application is paused (特别程序); resume it first", store.ErrConflict)
	}
	today := workday.DateOf(e.Time).String()
	if err := applyEffect(app, verb, ev, today, e.Actor); err != nil {
		return err
	}
	if t.to != "" {
		app.State = t.to
	}
	return nil
}

func actionOfPast(past string) string {
	for a, t := range transitions {
		if t.past == past {
			return a
		}
	}
	return past
}

// applyEffect applies what an action changes besides the state.
func applyEffect(app *Application, verb string, ev *ActionEvent, today, actor string) error {
	switch verb {
	case ActionAccept:
		app.AcceptedOn = today
	case ActionRefuse, ActionWithdraw:
		app.ClosedOn = today
		app.PausedSince = ""
	case ActionDeliver:
		// the statutory clock stopped at the decision (§42); delivery (§44)
		// keeps that date.
	case ActionReview:
		app.ReviewedBy = actor
	case ActionDecide:
		if ev.Outcome != "approved" && ev.Outcome != "denied" {
			return &store.ValidationError{Fields: map[string]string{"outcome": "must be approved or denied"}}
		}
		app.Outcome, app.DecidedBy, app.ClosedOn = ev.Outcome, actor, today
	case ActionPause:
		if app.PausedSince != "" {
			return fmt.Errorf("%w: already paused", store.ErrConflict)
		}
		app.PausedSince = today
		app.Pauses = append(app.Pauses, Pause{From: today, Reason: ev.Procedure + ": " + ev.Reason})
	case ActionResume:
		return resume(app, today)
	case ActionExtend:
		return extend(app, ev.Days)
	}
	return nil
}

func resume(app *Application, today string) error {
	if app.PausedSince == "" || len(app.Pauses) == 0 {
		return fmt.Errorf("%w: the application is not paused", store.ErrConflict)
	}
	app.Pauses[len(app.Pauses)-1].To = today
	app.PausedSince = ""
	return nil
}

// MaxExtensionDays is the most working days a head of agency may extend
// an application by, all extensions together (行政许可法第四十二条: 10
// days). The officials' form takes its limit from it.
const MaxExtensionDays = 10

func extend(app *Application, days int) error {
	if days < 1 || app.ExtensionDays+days > MaxExtensionDays {
		return &store.ValidationError{Fields: map[string]string{"days": fmt.Sprintf("extensions total at most %d working days (行政许可法第四十二条)", MaxExtensionDays)}}
	}
	app.ExtensionDays += days
	return nil
}

// appRow is the applications table's row as scanned.
type appRow struct {
	Number, ServiceCode, PowerCode, Dept, State, Outcome string
	ApplicantType, ApplicantDisplay, SubmittedAt         string
	AcceptedOn, ClosedOn, PausedSince, Pauses            string
	ReviewedBy, DecidedBy                                string
	LegalLimit, PromisedLimit, ExtensionDays             int
	LedgerIndex                                          int64
}

// appColumns are the columns appRow scans.
const appColumns = `number, service_code, power_code, dept, state, outcome, applicant_type, applicant_display,
	submitted_at, accepted_on, closed_on, paused_since, pauses, reviewed_by, decided_by, legal_limit,
	promised_limit, extension_days, ledger_index`

func applicationRow(tx *gorm.DB, number string) (*Application, error) {
	apps, err := applicationRows(tx, "WHERE number = ?", number)
	if err != nil {
		return nil, err
	}
	if len(apps) == 0 {
		return nil, fmt.Errorf("%w: application %s", store.ErrNotFound, number)
	}
	return apps[0], nil
}

// applicationRows reads every application matching where, in one query.
func applicationRows(tx *gorm.DB, where string, args ...any) ([]*Application, error) {
	rows, err := tx.Raw(`SELECT `+appColumns+` FROM applications `+where, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var apps []*Application
	for rows.Next() {
		var r appRow
		// In appColumns' order; scanned by hand, as GORM's reflection cost
		// more than the query on the officials' busiest path.
		if err := rows.Scan(&r.Number, &r.ServiceCode, &r.PowerCode, &r.Dept, &r.State, &r.Outcome, &r.ApplicantType,
			&r.ApplicantDisplay, &r.SubmittedAt, &r.AcceptedOn, &r.ClosedOn, &r.PausedSince, &r.Pauses, &r.ReviewedBy,
			&r.DecidedBy, &r.LegalLimit, &r.PromisedLimit, &r.ExtensionDays, &r.LedgerIndex); err != nil {
			return nil, err
		}
		apps = append(apps, r.application())
	}
	return apps, rows.Err()
}

func (r appRow) application() *Application {
	app := &Application{Number: r.Number, ServiceCode: r.ServiceCode, PowerCode: r.PowerCode, Dept: r.Dept,
		State: r.State, Outcome: r.Outcome, ApplicantType: r.ApplicantType, ApplicantDisplay: r.ApplicantDisplay,
		SubmittedAt: r.SubmittedAt, AcceptedOn: r.AcceptedOn, ClosedOn: r.ClosedOn, PausedSince: r.PausedSince,
		ReviewedBy: r.ReviewedBy, DecidedBy: r.DecidedBy, LegalLimit: r.LegalLimit, PromisedLimit: r.PromisedLimit,
		ExtensionDays: r.ExtensionDays, LedgerIndex: r.LedgerIndex, Pauses: []Pause{}}
	json.Unmarshal([]byte(r.Pauses), &app.Pauses)
	return app
}

func saveApplication(tx *gorm.DB, app *Application, index int64) error {
	app.LedgerIndex = index // app is then the row as saved
	pauses, _ := json.Marshal(nonNilPauses(app.Pauses))
	return store.ExecSQL(tx, `UPDATE applications SET state = ?, outcome = ?, accepted_on = ?, closed_on = ?, extension_days = ?,
		paused_since = ?, pauses = ?, reviewed_by = ?, decided_by = ?, ledger_index = ? WHERE number = ?`,
		app.State, app.Outcome, app.AcceptedOn, app.ClosedOn, app.ExtensionDays, app.PausedSince, string(pauses),
		app.ReviewedBy, app.DecidedBy, index, app.Number)
}

func nonNilPauses(p []Pause) []Pause {
	if p == nil {
		return []Pause{}
	}
	return p
}

func addTimeline(tx *gorm.DB, e *ledger.Entry, number string) error {
	return store.ExecSQL(tx, `INSERT INTO application_events (ledger_index, number, type, time, actor) VALUES (?,?,?,?,?)`,
		e.Index, number, e.Type, e.Time.Format(ledger.TimeFormat), e.Actor)
}
