package applications

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"qingdan/data/applicant"
	"qingdan/data/lists"
	"qingdan/data/personal"
	"qingdan/data/store"
	"qingdan/data/workday"
	"qingdan/ledger"
)

// Approvals keeps applications (办件) as ledger entries: submissions by
// the public, actions by officials, and the statutory clocks.
type Approvals struct {
	db       *store.DB
	log      *ledger.Log
	calendar func() *workday.Calendar
	now      func() time.Time
	// termsCache keeps cachedTerms by table and code.
	termsCache sync.Map
	numbers    numberSequence
	inForce    inForceMemo
	depts      deptMemo
	pii        *personal.PII // seals personal data at rest; UsePII
}

// UsePII gives the service the keys that seal applicants' personal data;
// without it a submission fails (personal data is never stored in plain
// text).
func (a *Approvals) UsePII(p *personal.PII) { a.pii = p }

// NewApprovals returns the approvals service; calendar returns the
// working-day calendar in force (it can be updated while running).
func NewApprovals(db *store.DB, log *ledger.Log, calendar func() *workday.Calendar) *Approvals {
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

// refusal refuses an unguarded projection's entry for a check's verdict
// (not on the list, repealed, a number taken), none of which comes from a
// failed statement. A database error fails the batch instead: without a
// savepoint, what a failing database undid cannot be told (and PostgreSQL
// aborts the transaction).
func refusal(err error) error {
	var invalid *store.ValidationError
	if errors.As(err, &invalid) || errors.Is(err, store.ErrNotInForce) || errors.Is(err, store.ErrConflict) {
		return ledger.Refuse(err)
	}
	return err
}

// AppendJSON appends what encoding/json writes for s (the answer to every
// submission, so written directly; see ledger.Receipt.AppendJSON).
func (s *Submitted) AppendJSON(b []byte) []byte {
	b = append(b, `{"number":`...)
	b = ledger.AppendJSONString(b, s.Number)
	b = append(b, `,"query_code":`...)
	b = ledger.AppendJSONString(b, s.QueryCode)
	b = append(b, `,"receipt":`...)
	if s.Receipt == nil {
		b = append(b, "null"...)
	} else {
		b = s.Receipt.AppendJSON(b)
	}
	return append(b, '}')
}

// Submit records application.submitted. Personal data goes to the
// applicants table in the same transaction, never into the ledger.
func (a *Approvals) Submit(ctx context.Context, req SubmitRequest) (*Submitted, error) {
	req.Applicant.Normalize()
	if errs := req.Applicant.Validate(); len(errs) > 0 {
		return nil, &store.ValidationError{Fields: prefixed("applicant.", errs)}
	}
	if len([]rune(req.Summary)) > 2000 {
		return nil, &store.ValidationError{Fields: map[string]string{"summary": "at most 2000 characters"}}
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
		if errors.Is(err, store.ErrConflict) && attempt < 3 {
			ev.Number = a.newNumber() // the number was taken
			continue
		}
		if errors.Is(err, store.ErrNotInForce) { // repealed since the terms were read
			a.termsCache.Delete("services\x00" + ev.ServiceCode)
			a.termsCache.Delete("powers\x00" + ev.PowerCode)
		}
		return sub, err
	}
}

// submit appends one submission under ev.Number.
func (a *Approvals) submit(ctx context.Context, req SubmitRequest, ev *SubmittedEvent) (*Submitted, error) {
	salt, code := applicant.NewSalt(), applicant.NewQueryCode()
	sum := applicant.Commit(req.Applicant, salt)
	ev.Commitment = base64.StdEncoding.EncodeToString(sum[:])
	if a.pii == nil {
		return nil, fmt.Errorf("data: submit: %w: no personal-data key", personal.ErrPIIKey)
	}
	sealed, err := a.pii.Seal(ev.Number, &personal.Record{Salt: salt, Applicant: req.Applicant, Summary: req.Summary})
	if err != nil {
		return nil, err
	}
	app, err := a.log.Append(ctx, ledger.Event{Type: "application.submitted", Actor: "public", Dept: ev.Dept, Data: ev,
		// Without a savepoint: the entry is refused only by the checks'
		// verdicts and by its first write finding the number taken (ON
		// CONFLICT DO NOTHING: no row, no failed statement); the writes
		// after it cannot fail but for the database itself, which fails
		// the batch.
		Unguarded: true,
		Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			g := store.GormTx(tx).WithContext(ctx)
			// What Project does for this entry, without decoding the event
			// again, with the query code's hash beside it, and with the
			// in-force check remembered while only applications are
			// appended (inForceMemo). Only verdicts refuse the entry
			// (refusal); a database error fails the batch.
			a.inForce.begin(store.Failures(tx), e)
			if err := insertSubmitted(g, e, ev, applicant.HashQueryCode(code), func() error {
				return a.inForce.check(ev.ServiceCode, ev.PowerCode, func() error {
					return lists.ServiceTakesApplications(g, ev.ServiceCode, ev.PowerCode)
				})
			}); err != nil {
				return refusal(err)
			}
			for _, m := range req.Materials {
				raw, _ := hex.DecodeString(m.SHA256)
				if err := g.Exec(`INSERT INTO application_materials (number, name, sha256) VALUES (?,?,?) ON CONFLICT DO NOTHING`, ev.Number, m.Name, raw).Error; err != nil {
					return err
				}
			}
			if err := store.ExecSQL(g, `INSERT INTO applicants (number, salt, personal, key_id, sealed, phone_mac) VALUES (?,?,?,?,?,?)`,
				ev.Number, []byte{}, "", sealed.KeyID, sealed.Sealed, sealed.PhoneMAC); err != nil {
				return err
			}
			a.inForce.projected(e)
			return nil
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
	svc, err := a.terms(ctx, "services", req.ServiceCode, "service_code")
	if err != nil {
		return nil, err
	}
	if err := lists.TakesApplications(req.ServiceCode, lists.StatusInForce, svc.PowerCode); err != nil { // terms found it in force
		return nil, err
	}
	// TakesApplications refused a service without a power: the time
	// limits are the power's.
	p, err := a.terms(ctx, "powers", svc.PowerCode, "power_code")
	if err != nil {
		return nil, err
	}
	return &SubmittedEvent{Number: a.newNumber(), ServiceCode: req.ServiceCode, PowerCode: svc.PowerCode, Dept: svc.Dept,
		ApplicantType: req.Applicant.Type, DisplayName: applicant.MaskName(req.Applicant.Type, req.Applicant.Name),
		LegalLimit: p.LegalLimit, PromisedLimit: p.PromisedLimit}, nil
}

// itemTerms is what a submission takes from a service or power item.
type itemTerms struct {
	Dept          string `json:"dept"`
	PowerCode     string `json:"power_code"`
	LegalLimit    int    `json:"legal_limit"`
	PromisedLimit int    `json:"promised_limit"`
}

// termsTTL is how long submissions rely on terms read earlier: within it
// the public form takes the service's and the power's terms from memory
// instead of reading the database for each submission. The append checks
// again, inside its transaction, that both are in force (清单之外不得实施),
// so a repeal takes effect at once; an amendment of time limits reaches new
// submissions within termsTTL.
const termsTTL = time.Second

type cachedTerms struct {
	terms   itemTerms
	version int
	read    time.Time
}

// terms returns the terms of the item code in table (services or powers)
// if it is in force. An item's terms change only with its version, so
// they are parsed from the stored item once per version.
func (a *Approvals) terms(ctx context.Context, table, code, field string) (itemTerms, error) {
	key := table + "\x00" + code
	cached, _ := a.termsCache.Load(key)
	c, ok := cached.(cachedTerms)
	if ok && time.Since(c.read) < termsTTL {
		return c.terms, nil
	}
	r, err := a.itemState(ctx, table, code, field, "")
	if err != nil {
		a.termsCache.Delete(key)
		return itemTerms{}, err
	}
	if !ok || c.version != r.Version {
		if r, err = a.itemState(ctx, table, code, field, ", item"); err != nil {
			return itemTerms{}, err
		}
		c = cachedTerms{version: r.Version}
		if err := json.Unmarshal([]byte(r.Item), &c.terms); err != nil {
			return itemTerms{}, fmt.Errorf("data: %s %s: %w", table, code, err)
		}
	}
	c.read = time.Now()
	a.termsCache.Store(key, c)
	return c.terms, nil
}

type itemState struct {
	Status  string
	Version int
	Item    string
}

// itemState reads an item's status and version (and the columns in
// extra) and fails unless it is on the list and in force.
func (a *Approvals) itemState(ctx context.Context, table, code, field, extra string) (itemState, error) {
	var r itemState
	dest := []any{&r.Status, &r.Version}
	if extra != "" {
		dest = append(dest, &r.Item)
	}
	err := a.db.Reader.WithContext(ctx).Raw(`SELECT status, version`+extra+` FROM `+table+` WHERE code = ?`, code).Row().Scan(dest...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return r, lists.InForce(sql.NullString{}, code, field)
	case err != nil:
		return r, err
	}
	return r, lists.InForce(lists.Listed(r.Status), code, field)
}

// newNumber is an application number: "QD", the China date and time to
// the second, and 6 digits: a random start for each second, then counting
// up (numberSequence). Numbers grow with time and, within one server, with
// every application, so new rows go to the end of the indexes keyed by
// number (random digits dirtied about seven index pages per commit in each
// of three indexes). Replicas start each second at different random
// points; a collision, refused by the primary key, is retried by Submit.
// Numbers are not secrets: the progress query needs the query code too.
func (a *Approvals) newNumber() string {
	sec := a.now().In(workday.China).Format("20060102150405")
	return fmt.Sprintf("QD%s%06d", sec, a.numbers.next(sec))
}

// numberSequence hands out the 6-digit part of application numbers.
type numberSequence struct {
	mu       sync.Mutex
	sec      string
	upcoming int64
}

// maxNumberStart bounds a second's random start, leaving 500,000 numbers
// to count up through before the digits run out and a new random point is
// drawn.
const maxNumberStart = 500_000

func (s *numberSequence) next(sec string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec != s.sec || s.upcoming > 999_999 {
		n, _ := rand.Int(rand.Reader, big.NewInt(maxNumberStart))
		s.sec, s.upcoming = sec, n.Int64()
	}
	n := s.upcoming
	s.upcoming++
	return n
}

// Act records an official's (or the applicant's) action. check, if set,
// runs inside the append transaction with the application as it then is
// (four eyes, department), so two officials acting at once cannot both
// win.
func (a *Approvals) Act(ctx context.Context, actor, number, action string, ev ActionEvent,
	check func(app *Application) error) (*ledger.Receipt, error) {
	receipt, _, err := a.act(ctx, actor, number, action, ev, check, nil)
	return receipt, err
}

// ActAndView is Act answered with the application as the action left it
// (the row its projection wrote, with the clock and timeline), as an
// official's page and the API show it.
func (a *Approvals) ActAndView(ctx context.Context, actor, number, action string, ev ActionEvent,
	check func(app *Application) error) (*View, *ledger.Receipt, error) {
	receipt, app, err := a.act(ctx, actor, number, action, ev, check, nil)
	if err != nil {
		return nil, nil, err
	}
	v, err := a.withTimeline(ctx, a.clock(app, workday.DateOf(a.now())))
	return v, receipt, err
}

// act appends the action; also, if set, runs in its transaction after
// the projection (off-ledger writes that go with the entry).
func (a *Approvals) act(ctx context.Context, actor, number, action string, ev ActionEvent,
	check func(app *Application) error, also func(g *gorm.DB) error) (*ledger.Receipt, *Application, error) {
	t, ok := transitions[action]
	if !ok {
		return nil, nil, fmt.Errorf("%w: unknown action %q", store.ErrInvalid, action)
	}
	if err := checkWithdrawal(action, ev); err != nil {
		return nil, nil, err
	}
	ev.Number = number
	dept, err := a.Dept(ctx, number)
	if err != nil {
		return nil, nil, err
	}
	var acted *Application // written by the projection, read after Append returns
	app, err := a.log.Append(ctx, ledger.Event{Type: "application." + t.past, Actor: actor, Dept: dept, Data: ev,
		Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			g := store.GormTx(tx).WithContext(ctx)
			a.inForce.begin(store.Failures(tx), e)
			var err error
			if acted, err = projectAction(g, e, t.past, check); err != nil {
				return err
			}
			if also != nil {
				if err := also(g); err != nil {
					return err
				}
			}
			a.inForce.projected(e) // an action changes no list: the memo's chain goes on
			return nil
		}})
	if err != nil {
		return nil, nil, err
	}
	return app.Receipt, acted, nil
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
		return nil, fmt.Errorf("%w: no application with that number and query code", store.ErrNotFound)
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
			return fmt.Errorf("%w: personal data of %s (never stored or already erased)", store.ErrNotFound, number)
		}
		// materials no other application refers to go with it
		return tx.Exec(`DELETE FROM materials WHERE sha256 IN (SELECT sha256 FROM application_materials WHERE number = ?)
			AND sha256 NOT IN (SELECT sha256 FROM application_materials WHERE number <> ?)`, number, number).Error
	})
}

// Personal returns the stored personal data, opened (for officials
// handling the application; never served publicly): the applicant, the
// summary and a withdrawal's free-text reason.
func (a *Approvals) Personal(ctx context.Context, number string) (json.RawMessage, error) {
	rec, err := a.personalRecord(a.db.Reader.WithContext(ctx), number)
	if err != nil {
		return nil, err
	}
	return json.Marshal(struct {
		Applicant        applicant.Applicant `json:"applicant"`
		Summary          string              `json:"summary"`
		WithdrawalReason string              `json:"withdrawal_reason,omitempty"`
	}{rec.Applicant, rec.Summary, rec.WithdrawalReason})
}

// personalRecord reads and opens an applicant's record; a row still in
// plain text (before SealPlaintext) is read as it is.
func (a *Approvals) personalRecord(g *gorm.DB, number string) (*personal.Record, error) {
	var r struct {
		Salt     []byte
		Personal string
		KeyID    string
		Sealed   []byte
	}
	res := g.Raw(`SELECT salt, personal, key_id, sealed FROM applicants WHERE number = ?`, number).Scan(&r)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, fmt.Errorf("%w: personal data of %s", store.ErrNotFound, number)
	}
	if r.KeyID == "" {
		rec := &personal.Record{Salt: r.Salt}
		return rec, json.Unmarshal([]byte(r.Personal), rec)
	}
	if a.pii == nil {
		return nil, fmt.Errorf("data: personal data of %s: %w: no personal-data key", number, personal.ErrPIIKey)
	}
	return a.pii.Open(g.Statement.Context, number, r.KeyID, r.Sealed)
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
	q.Page, q.PerPage = max(q.Page, 1), min(max(q.PerPage, 1), lists.MaxPerPage)
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
	if dept, ok := a.depts.get(number); ok {
		return dept, nil
	}
	var dept string
	err := store.QueryRowSQL(a.db.Reader.WithContext(ctx), `SELECT dept FROM applications WHERE number = ?`, number).Scan(&dept)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("%w: application %s", store.ErrNotFound, number)
	}
	if err != nil {
		return "", err
	}
	a.depts.put(number, dept)
	return dept, nil
}

// deptMemo remembers applications' departments: an application keeps the
// department it was submitted to, and every official's action asks for it
// twice (the route's guard, then the action). Only numbers found are
// kept, at most maxDeptMemo of them (then it starts afresh).
type deptMemo struct {
	mu sync.Mutex
	m  map[string]string
}

const maxDeptMemo = 100_000

func (d *deptMemo) get(number string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	dept, ok := d.m[number]
	return dept, ok
}

func (d *deptMemo) put(number, dept string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil || len(d.m) >= maxDeptMemo {
		d.m = make(map[string]string)
	}
	d.m[number] = dept
}
