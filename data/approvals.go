package data

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"qingdan/data/applicant"
	"qingdan/data/workday"
	"qingdan/ledger"
)

// Approvals keeps applications (办件) as ledger entries: submissions by
// the public, actions by officials, and the statutory clocks.
type Approvals struct {
	db       *DB
	log      *ledger.Log
	calendar func() *workday.Calendar
	now      func() time.Time
}

// NewApprovals returns the approvals service; calendar returns the
// working-day calendar in force (it can be updated while running).
func NewApprovals(db *DB, log *ledger.Log, calendar func() *workday.Calendar) *Approvals {
	return &Approvals{db: db, log: log, calendar: calendar, now: time.Now}
}

// SubmitRequest is an online application (DESIGN §5).
type SubmitRequest struct {
	ServiceCode string              `json:"service_code"`
	Summary     string              `json:"summary"`
	Applicant   applicant.Applicant `json:"applicant"`
	Materials   []MaterialRef       `json:"materials"`
}

// Submitted answers a submission: the number and the query code (shown
// once, stored hashed).
type Submitted struct {
	Number    string          `json:"number"`
	QueryCode string          `json:"query_code"`
	Receipt   *ledger.Receipt `json:"receipt"`
}

// Submit records application.submitted. Personal data goes to the
// applicants table in the same transaction, never into the ledger.
func (a *Approvals) Submit(ctx context.Context, req SubmitRequest) (*Submitted, error) {
	req.Applicant.Normalize()
	if errs := req.Applicant.Validate(); len(errs) > 0 {
		return nil, &ValidationError{Fields: prefixed("applicant.", errs)}
	}
	if len([]rune(req.Summary)) > 2000 {
		return nil, &ValidationError{Fields: map[string]string{"summary": "at most 2000 characters"}}
	}
	ev, err := a.submittedEvent(ctx, req)
	if err != nil {
		return nil, err
	}
	if ev.MaterialHashes, err = a.checkMaterials(ctx, req.Materials); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		sub, err := a.submit(ctx, req, ev)
		if errors.Is(err, ErrConflict) && attempt < 3 {
			ev.Number = a.newNumber() // the number was taken
			continue
		}
		return sub, err
	}
}

// submit appends one submission under ev.Number.
func (a *Approvals) submit(ctx context.Context, req SubmitRequest, ev *SubmittedEvent) (*Submitted, error) {
	salt, code := applicant.NewSalt(), applicant.NewQueryCode()
	sum := applicant.Commit(req.Applicant, salt)
	ev.Commitment = base64.StdEncoding.EncodeToString(sum[:])
	personal, _ := json.Marshal(map[string]any{"applicant": req.Applicant, "summary": req.Summary})
	app, err := a.log.Append(ctx, ledger.Event{Type: "application.submitted", Actor: "public", Dept: ev.Dept, Data: ev,
		Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			g := GormTx(tx).WithContext(ctx)
			if err := Project(ctx, g, e); err != nil {
				return err
			}
			if err := g.Exec(`UPDATE applications SET query_code_hash = ? WHERE number = ?`, applicant.HashQueryCode(code), ev.Number).Error; err != nil {
				return err
			}
			for _, m := range req.Materials {
				raw, _ := hex.DecodeString(m.SHA256)
				if err := g.Exec(`INSERT INTO application_materials (number, name, sha256) VALUES (?,?,?) ON CONFLICT DO NOTHING`, ev.Number, m.Name, raw).Error; err != nil {
					return err
				}
			}
			return g.Exec(`INSERT INTO applicants (number, salt, personal) VALUES (?,?,?)`, ev.Number, salt, string(personal)).Error
		}})
	if err != nil {
		return nil, err
	}
	return &Submitted{Number: ev.Number, QueryCode: code, Receipt: app.Receipt}, nil
}

func prefixed(prefix string, m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[prefix+k] = v
	}
	return out
}

// submittedEvent builds the ledger data of a submission from the service
// and the power it implements.
func (a *Approvals) submittedEvent(ctx context.Context, req SubmitRequest) (*SubmittedEvent, error) {
	var svc ServiceItem
	if err := a.itemInForce(ctx, "services", req.ServiceCode, "service_code", &svc); err != nil {
		return nil, err
	}
	legal, promised := svc.LegalLimit, svc.PromisedLimit
	if svc.PowerCode != "" {
		var p PowerItem
		if err := a.itemInForce(ctx, "powers", svc.PowerCode, "power_code", &p); err != nil {
			return nil, err
		}
		legal, promised = p.LegalLimit, p.PromisedLimit
	}
	return &SubmittedEvent{Number: a.newNumber(), ServiceCode: svc.Code, PowerCode: svc.PowerCode, Dept: svc.Dept,
		ApplicantType: req.Applicant.Type, DisplayName: applicant.MaskName(req.Applicant.Type, req.Applicant.Name),
		LegalLimit: legal, PromisedLimit: promised}, nil
}

func (a *Approvals) itemInForce(ctx context.Context, table, code, field string, v any) error {
	var r struct{ Status, Item string }
	res := a.db.Reader.WithContext(ctx).Raw(`SELECT status, item FROM `+table+` WHERE code = ?`, code).Scan(&r)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return &ValidationError{Fields: map[string]string{field: fmt.Sprintf("%q is not on the list", code)}}
	}
	if r.Status != StatusInForce {
		return fmt.Errorf("%w: %s %q is repealed (清单之外不得实施)", ErrNotInForce, field, code)
	}
	return json.Unmarshal([]byte(r.Item), v)
}

// newNumber is an application number: "QD", the China date and time to
// the second, and 6 random digits. Numbers grow with time, so new rows go
// to the end of the table's index (a random number would dirty a random
// page per application); a collision, refused by the primary key, is
// retried by Submit.
func (a *Approvals) newNumber() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("QD%s%06d", a.now().In(workday.China).Format("20060102150405"), n.Int64())
}

// Act records an official's (or the applicant's) action. check, if set,
// runs inside the append transaction with the application as it then is
// (four eyes, department), so two officials acting at once cannot both
// win.
func (a *Approvals) Act(ctx context.Context, actor, number, action string, ev ActionEvent,
	check func(app *Application) error) (*ledger.Receipt, error) {
	t, ok := transitions[action]
	if !ok {
		return nil, fmt.Errorf("%w: unknown action %q", ErrInvalid, action)
	}
	ev.Number = number
	dept, err := a.Dept(ctx, number)
	if err != nil {
		return nil, err
	}
	app, err := a.log.Append(ctx, ledger.Event{Type: "application." + t.past, Actor: actor, Dept: dept, Data: ev,
		Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			g := GormTx(tx).WithContext(ctx)
			if check != nil {
				cur, err := applicationRow(g, number)
				if err != nil {
					return err
				}
				if err := check(cur); err != nil {
					return err
				}
			}
			return Project(ctx, g, e)
		}})
	if err != nil {
		return nil, err
	}
	return app.Receipt, nil
}

// Get reads an application with its clock and timeline.
func (a *Approvals) Get(ctx context.Context, number string) (*View, error) {
	app, err := applicationRow(a.db.Reader.WithContext(ctx), number)
	if err != nil {
		return nil, err
	}
	return a.withTimeline(ctx, a.clock(app, workday.DateOf(a.now())))
}

// Progress is the public progress query: a wrong code answers exactly
// like an unknown number.
func (a *Approvals) Progress(ctx context.Context, number, code string) (*View, error) {
	var r struct{ QueryCodeHash []byte }
	res := a.db.Reader.WithContext(ctx).Raw(`SELECT query_code_hash FROM applications WHERE number = ?`, number).Scan(&r)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 || !applicant.CheckQueryCode(r.QueryCodeHash, code) {
		return nil, fmt.Errorf("%w: no application with that number and query code", ErrNotFound)
	}
	return a.Get(ctx, number)
}

// Erase deletes an applicant's personal data and salt (PIPL); the ledger
// and the application's public record are unchanged.
func (a *Approvals) Erase(ctx context.Context, number string) error {
	return a.db.Writer.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`DELETE FROM applicants WHERE number = ?`, number)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("%w: personal data of %s (never stored or already erased)", ErrNotFound, number)
		}
		// materials no other application refers to go with it
		return tx.Exec(`DELETE FROM materials WHERE sha256 IN (SELECT sha256 FROM application_materials WHERE number = ?)
			AND sha256 NOT IN (SELECT sha256 FROM application_materials WHERE number <> ?)`, number, number).Error
	})
}

// Personal returns the stored personal data (for officials handling the
// application; never served publicly).
func (a *Approvals) Personal(ctx context.Context, number string) (json.RawMessage, error) {
	var personal string
	res := a.db.Reader.WithContext(ctx).Raw(`SELECT personal FROM applicants WHERE number = ?`, number).Scan(&personal)
	if res.Error != nil || res.RowsAffected == 0 {
		return nil, fmt.Errorf("%w: personal data of %s", ErrNotFound, number)
	}
	return json.RawMessage(personal), nil
}

// QueueQuery filters the officials' queue.
type QueueQuery struct {
	Dept    string // "" for every department (auditors)
	State   string
	Clock   string
	Page    int
	PerPage int
}

// Queue lists applications with their clocks, most urgent first (by
// promised deadline; those without one last); only the page served gets
// its timeline.
func (a *Approvals) Queue(ctx context.Context, q QueueQuery) ([]*View, int, error) {
	where, args := "WHERE 1 = 1", []any{}
	if q.Dept != "" {
		where, args = where+" AND dept = ?", append(args, q.Dept)
	}
	if q.State != "" {
		where, args = where+" AND state = ?", append(args, q.State)
	}
	views, err := a.clocks(ctx, where+" ORDER BY submitted_at", args...)
	if err != nil {
		return nil, 0, err
	}
	if q.Clock != "" {
		views = slices.DeleteFunc(views, func(v *View) bool { return v.ClockStatus != q.Clock })
	}
	sortByDeadline(views)
	q.Page, q.PerPage = max(q.Page, 1), min(max(q.PerPage, 1), MaxPerPage)
	from := min((q.Page-1)*q.PerPage, len(views))
	page := views[from:min(from+q.PerPage, len(views))]
	for _, v := range page {
		if _, err := a.withTimeline(ctx, v); err != nil {
			return nil, 0, err
		}
	}
	return page, len(views), nil
}

// clocks reads matching applications in one query, each with its clock.
func (a *Approvals) clocks(ctx context.Context, where string, args ...any) ([]*View, error) {
	apps, err := applicationRows(a.db.Reader.WithContext(ctx), where, args...)
	if err != nil {
		return nil, err
	}
	today := workday.DateOf(a.now())
	views := make([]*View, len(apps))
	for i, app := range apps {
		views[i] = a.clock(app, today)
	}
	return views, nil
}

func sortByDeadline(views []*View) {
	key := func(v *View) string {
		if v.PromisedDeadline == nil {
			return "9999"
		}
		return v.PromisedDeadline.Date
	}
	slices.SortStableFunc(views, func(x, y *View) int { return strings.Compare(key(x), key(y)) })
}

// SetClock replaces the service's clock (demo seeding writes a past
// history; tests pin dates).
func (a *Approvals) SetClock(now func() time.Time) { a.now = now }

// Dept returns the department of an application (for authorisation).
func (a *Approvals) Dept(ctx context.Context, number string) (string, error) {
	var r struct{ Dept string }
	res := a.db.Reader.WithContext(ctx).Raw(`SELECT dept FROM applications WHERE number = ?`, number).Scan(&r)
	if res.Error != nil {
		return "", res.Error
	}
	if res.RowsAffected == 0 {
		return "", fmt.Errorf("%w: application %s", ErrNotFound, number)
	}
	return r.Dept, nil
}
