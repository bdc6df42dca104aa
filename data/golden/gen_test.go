package golden_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/cryptotest"
	"time"

	"qingdan/data/applicant"
	"qingdan/data/applications"
	"qingdan/data/calendar"
	"qingdan/data/golden"
	"qingdan/data/identity"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
)

// update regenerates the golden file of today's format (goldenFile):
//
//	go test ./data/golden -run TestGenerateGolden -golden-update
//
// Only when the format of the event data changes, and then under a new
// name (golden-v3.txt …): the files already committed stay as they are.
var update = flag.Bool("golden-update", false, "write "+goldenFile+" with the generator")

// goldenFile is the golden file of the format the code writes today.
const goldenFile = "testdata/golden-v2.txt"

// genStart is the generator's first clock reading: a Monday morning in
// China; every reading after it is a minute and a half later.
var genStart = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// genClock is the generator's fixed clock, shared by the log and the
// approvals service.
type genClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *genClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(90 * time.Second)
	return c.t
}

// TestGenerateGolden writes the golden ledger: with a fixed clock and a
// fixed random source (so the signing key, application numbers, salts and
// query codes are the same each time) it drives the services as the web
// handlers do and records every event type the code writes.
func TestGenerateGolden(t *testing.T) {
	if !*update {
		t.Skip("regenerate with -golden-update")
	}
	cryptotest.SetGlobalRandom(t, 14)
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.OpenSQLite(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ls, err := store.NewLedgerStore(db, store.MainLog)
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := ledger.NewKey(ledger.DefaultOrigin) // from the fixed random source
	if err != nil {
		t.Fatal(err)
	}
	clk := &genClock{t: genStart}
	log, err := ledger.Open(ls, ledger.Config{Origin: ledger.DefaultOrigin, Key: key, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	g := &gen{t: t, ctx: ctx, db: db, log: log, clk: clk}
	g.run()
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.FromSlash(goldenFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := golden.Write(ctx, f, ls, ledger.DefaultOrigin, key.VerifierKey); err != nil {
		t.Fatal(err)
	}
}

// gen drives the services of one ledger.
type gen struct {
	t    *testing.T
	ctx  context.Context
	db   *store.DB
	log  *ledger.Log
	clk  *genClock
	cat  *lists.Catalog
	dir  *identity.Directory
	cals *calendar.Calendars
	apps *applications.Approvals
	n    int // applicants made so far
}

func (g *gen) must(err error) {
	g.t.Helper()
	if err != nil {
		g.t.Fatal(err)
	}
}

func (g *gen) run() {
	g.must(genesis(g.ctx, g.log))
	g.cat = lists.NewCatalog(g.db, g.log)
	g.dir = identity.NewDirectory(g.db, g.log)
	var err error
	g.cals, err = calendar.NewCalendars(g.ctx, g.db, g.log)
	g.must(err)
	g.apps = newApprovals(g.t, g.ctx, g.db, g.log, g.cals)
	g.apps.SetClock(g.clk.now)
	g.accounts()
	_, _, err = g.cals.Update(g.ctx, "sysadmin", []byte(`{"year":2027,"papers":[],"days":[`+
		`{"name":"元旦","date":"2027-01-01","isOffDay":true},{"name":"元旦","date":"2027-01-04","isOffDay":true}]}`))
	g.must(err)
	g.lists()
	g.applications()
}

// genesis writes the first entry as `qingdan serve` does.
func genesis(ctx context.Context, l *ledger.Log) error {
	_, err := l.Append(ctx, ledger.Event{Type: "log.created", Actor: "system",
		Data: map[string]string{"origin": l.Origin(), "verifier_key": l.Key().VerifierKey}})
	return err
}

var genDepts = []lists.Department{
	{Code: "scjg", Name: "清江县市场监督管理局", NameEn: "County Market Regulation Bureau", Duties: "市场监管",
		Boundaries: []lists.Boundary{{With: "nyj", Matter: "食用农产品", Division: "进入市场前由农业农村局监管"}}},
	{Code: "nyj", Name: "清江县农业农村局", NameEn: "County Agriculture Bureau", Duties: "农业农村"},
	{Code: "jyj", Name: "清江县教育局", Duties: "教育"},
	{Code: "lsj", Name: "清江县临时工作组"},
}

func (g *gen) accounts() {
	users := []identity.User{
		{Username: "sysadmin", DisplayName: "系统管理员", Dept: "*"},
		{Username: "secadmin", DisplayName: "安全管理员", Dept: "*"},
		{Username: "editor.bianban", DisplayName: "编办编辑", Dept: "*"},
		{Username: "clerk.scjg", DisplayName: "市场监管窗口", Dept: "scjg"},
		{Username: "approver.scjg", DisplayName: "市场监管审批", Dept: "scjg"},
		{Username: "clerk.nyj", DisplayName: "农业农村窗口", Dept: "nyj"},
		{Username: "approver.nyj", DisplayName: "农业农村审批", Dept: "nyj"},
		{Username: "temp.jyj", DisplayName: "教育局临时账号", Dept: "jyj"},
	}
	for _, u := range users {
		_, err := g.dir.CreateUser(g.ctx, "sysadmin", u, "$2a$10$golden.hash.not.a.real.password.hash.of.anything")
		g.must(err)
	}
	grants := []identity.RoleEvent{
		{User: "sysadmin", Role: "sysadmin", Dept: "*"}, {User: "secadmin", Role: "secadmin", Dept: "*"},
		{User: "editor.bianban", Role: "list_editor", Dept: "*"},
		{User: "clerk.scjg", Role: "clerk", Dept: "scjg"}, {User: "approver.scjg", Role: "approver", Dept: "scjg"},
		{User: "clerk.nyj", Role: "clerk", Dept: "nyj"}, {User: "approver.nyj", Role: "approver", Dept: "nyj"},
		{User: "temp.jyj", Role: "clerk", Dept: "jyj"}, {User: "temp.jyj", Role: "auditor", Dept: "*"},
	}
	for _, r := range grants {
		_, err := g.dir.ChangeRole(g.ctx, "secadmin", true, r, nil)
		g.must(err)
	}
	_, err := g.dir.ChangeRole(g.ctx, "secadmin", false, identity.RoleEvent{User: "temp.jyj", Role: "auditor", Dept: "*"}, nil)
	g.must(err)
	g.must(resetPassword(g.ctx, g.dir, "sysadmin", "clerk.nyj", "$2a$10$golden.hash.after.a.reset.of.the.password.xx"))
	g.must(setUserStatus(g.ctx, g.dir, "sysadmin", "temp.jyj", false))
	g.must(setUserStatus(g.ctx, g.dir, "sysadmin", "temp.jyj", true))
	g.must(setUserStatus(g.ctx, g.dir, "sysadmin", "temp.jyj", false))
}

var genMeta = lists.ChangeMeta{BasisDoc: "清编办〔2026〕1号", ChangeNote: "清单初次公布", Major: true, EffectiveFrom: "2026-03-01"}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// genPowers are the powers: four categories in each of two departments.
func genPowers() []lists.PowerItem {
	var out []lists.PowerItem
	for _, dept := range []string{"scjg", "nyj"} {
		for i, cat := range []string{"XK", "CF", "JC", "QR", "XK", "CF"} {
			p := lists.PowerItem{Code: fmt.Sprintf("%s-%s-%03d", cat, dept, i+1), Name: fmt.Sprintf("%s事项%d", dept, i+1),
				Category: cat, Dept: dept, Nature: "行政权力", Office: "审批科", Levels: []string{"县级"}, Audience: []string{"法人"},
				Basis:      []lists.Basis{{Law: "《中华人民共和国行政许可法》", DocNo: "主席令第7号", Article: fmt.Sprintf("第%d条", 12+i), Text: "依法设定。"}},
				LegalLimit: 20, PromisedLimit: 10, CaseKind: "承诺件", Fee: lists.Fee{Charged: i == 0, Basis: "不收费", Items: []string{}},
				Conditions: "符合法定条件", Materials: []lists.Material{{Name: "申请书", Required: true}, {Name: "营业执照", Required: false}},
				Steps:        []lists.Step{{Name: "受理", Days: 1}, {Name: "审查", Days: 5}, {Name: "决定", Days: 2}},
				ConsultPhone: "0576-81110001", ComplaintPhone: "0576-12345", EffectiveFrom: "2026-03-01", IntegrityRisks: []string{"吃拿卡要"}}
			if cat == "CF" {
				p.PenaltyScope = "违反本法规定的，处五千元以上五万元以下罚款"
			}
			out = append(out, p)
		}
	}
	return out
}

func (g *gen) lists() {
	for _, d := range genDepts {
		g.publish(lists.KindDepartment, d)
	}
	powers := genPowers()
	for _, p := range powers {
		g.publish(lists.KindPower, p)
	}
	for _, p := range powers {
		if p.Category == "XK" || p.Category == "CF" {
			stage := map[string]string{"XK": "受理", "CF": "立案"}[p.Category]
			g.publish(lists.KindResponsibility, lists.Responsibility{PowerCode: p.Code, Dept: p.Dept,
				Stages:         []lists.Stage{{Stage: stage, Content: "依法" + stage, Basis: "第十二条"}, {Stage: "决定", Content: "依法决定", Basis: "第十三条"}},
				Accountability: []string{"不依法履职"}, AccountabilityBasis: "《行政许可法》第七十二条", SupervisionPhone: "0576-12388"})
		}
	}
	for i, p := range powers {
		if p.Category != "XK" {
			continue
		}
		g.publish(lists.KindService, lists.ServiceItem{Code: "FW-" + p.Code, Name: p.Name + "申请",
			Audience: "legal_person", Theme: "开办企业", Hot: i%2 == 0, OnlineDepth: 3, Dept: p.Dept, PowerCode: p.Code, Category: "XK",
			Materials: p.Materials, Fee: p.Fee, LegalLimit: p.LegalLimit, PromisedLimit: p.PromisedLimit, Location: "县政务服务中心",
			Hours: "工作日 9:00-17:00", ConsultPhone: p.ConsultPhone})
	}
	g.publish(lists.KindService, lists.ServiceItem{Code: "GG-jyj-001", Name: "入学政策咨询", Audience: "individual", Theme: "教育",
		Dept: "jyj", Category: "GG", Materials: []lists.Material{}, Fee: lists.Fee{Items: []string{}}, Location: "县教育局", Hours: "工作日"})
	g.publish(lists.KindService, lists.ServiceItem{Code: "GG-jyj-002", Name: "学籍证明", Audience: "individual", Theme: "教育",
		Dept: "jyj", Category: "GG", Location: "县教育局"})
	g.changes()
}

func (g *gen) publish(kind lists.Kind, item any) {
	_, err := g.cat.Publish(g.ctx, "editor.bianban", kind, mustJSON(item), genMeta)
	g.must(err)
}

func (g *gen) amend(kind lists.Kind, code string, changes map[string]any) {
	raw := map[string]json.RawMessage{}
	for k, v := range changes {
		raw[k] = mustJSON(v)
	}
	meta := lists.ChangeMeta{BasisDoc: "清编办〔2026〕7号", ChangeNote: "调整", EffectiveFrom: "2026-04-01"}
	_, err := g.cat.Amend(g.ctx, "editor.bianban", kind, code, raw, meta)
	g.must(err)
}

func (g *gen) repeal(kind lists.Kind, code string) {
	meta := lists.ChangeMeta{BasisDoc: "清编办〔2026〕9号", ChangeNote: "取消", Major: true, EffectiveFrom: "2026-05-01"}
	_, err := g.cat.Repeal(g.ctx, "editor.bianban", kind, code, meta)
	g.must(err)
}

func (g *gen) changes() {
	g.amend(lists.KindDepartment, "jyj", map[string]any{"name_en": "County Education Bureau"})
	g.repeal(lists.KindDepartment, "lsj")
	g.amend(lists.KindPower, "XK-scjg-001", map[string]any{"promised_limit": 8, "steps": []lists.Step{{Name: "受理", Days: 1}, {Name: "审查", Days: 4}}})
	g.amend(lists.KindPower, "CF-scjg-002", map[string]any{"penalty_scope": "处一万元以上十万元以下罚款"})
	g.amend(lists.KindPower, "JC-nyj-003", map[string]any{"name": "农产品质量安全检查"})
	g.amend(lists.KindPower, "XK-nyj-005", map[string]any{"integrity_risks": []string{"吃拿卡要", "优亲厚友"}})
	g.amend(lists.KindResponsibility, "XK-scjg-001", map[string]any{"accountability": []string{"不依法履职", "超期办理"}})
	g.amend(lists.KindService, "FW-XK-scjg-001", map[string]any{"online_depth": 4, "hot": true})
	g.amend(lists.KindService, "GG-jyj-002", map[string]any{"hours": "工作日 8:30-17:30"})
	g.repeal(lists.KindService, "GG-jyj-002")
	g.repeal(lists.KindResponsibility, "CF-nyj-006")
	g.repeal(lists.KindPower, "CF-nyj-006")
	g.repeal(lists.KindPower, "QR-scjg-004")
}

// fakeApplicant makes the n-th applicant: a natural person with a valid
// (fictional) resident ID; only its commitment and masked name reach the
// ledger.
func fakeApplicant(n int) applicant.Applicant {
	base := fmt.Sprintf("33010219%02d01%02d%03d", 60+n%40, 1+n%28, n%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(base[i]-'0') * w
	}
	names := []string{"王某某", "李某某", "张某某", "刘某某", "陈某某"}
	return applicant.Applicant{Type: "natural", Name: names[n%len(names)], IDType: "resident_id",
		IDNumber: base + string("10X98765432"[sum%11]), Phone: fmt.Sprintf("138%08d", n), Address: "清江县"}
}

func (g *gen) submit(service string) string {
	g.n++
	s, err := g.apps.Submit(g.ctx, applications.SubmitRequest{ServiceCode: service, Summary: "申请", Applicant: fakeApplicant(g.n)})
	g.must(err)
	return s.Number
}

func (g *gen) act(actor, number, action string, ev applications.ActionEvent) {
	_, err := g.apps.Act(g.ctx, actor, number, action, ev, nil)
	g.must(err)
}

// applications runs applications through every action: the whole path
// to delivery, refusals, pauses, extensions and withdrawals.
func (g *gen) applications() {
	for round := 0; round < 12; round++ {
		for _, p := range []struct{ dept, service string }{{"scjg", "FW-XK-scjg-001"}, {"scjg", "FW-XK-scjg-005"}, {"nyj", "FW-XK-nyj-001"}, {"nyj", "FW-XK-nyj-005"}} {
			g.flow(round, p.dept, p.service)
		}
	}
}

func (g *gen) flow(round int, dept, service string) {
	clerk, approver := "clerk."+dept, "approver."+dept
	n := g.submit(service)
	switch round % 6 {
	case 0, 3: // the whole path
		g.act(clerk, n, applications.ActionAccept, applications.ActionEvent{})
		g.act(clerk, n, applications.ActionReview, applications.ActionEvent{Opinion: "材料齐全，符合条件"})
		g.act(approver, n, applications.ActionDecide, applications.ActionEvent{Outcome: "approved", Basis: "《行政许可法》第三十八条"})
		g.act(clerk, n, applications.ActionDeliver, applications.ActionEvent{Method: "窗口领取"})
	case 1: // refused
		g.act(clerk, n, applications.ActionRefuse, applications.ActionEvent{Reason: "材料不全", Missing: []string{"营业执照"}})
	case 2: // paused, resumed, extended, denied
		g.act(clerk, n, applications.ActionAccept, applications.ActionEvent{})
		g.act(clerk, n, applications.ActionPause, applications.ActionEvent{Procedure: "专家评审", Reason: "需专家评审"})
		g.act(clerk, n, applications.ActionResume, applications.ActionEvent{})
		g.act(approver, n, applications.ActionExtend, applications.ActionEvent{Days: 5, Reason: "情况复杂"})
		g.act(clerk, n, applications.ActionReview, applications.ActionEvent{Opinion: "不符合条件"})
		g.act(approver, n, applications.ActionDecide, applications.ActionEvent{Outcome: "denied", Reason: "不符合法定条件", Basis: "第三十八条"})
		g.act(clerk, n, applications.ActionDeliver, applications.ActionEvent{Method: "邮寄"})
	case 4: // withdrawn before acceptance
		g.must(withdraw(g.ctx, g.apps, n))
	case 5: // withdrawn while paused; one left open under review
		g.act(clerk, n, applications.ActionAccept, applications.ActionEvent{})
		g.act(clerk, n, applications.ActionPause, applications.ActionEvent{Procedure: "听证", Reason: "申请人要求听证"})
		g.must(withdraw(g.ctx, g.apps, n))
		open := g.submit(service)
		g.act(clerk, open, applications.ActionAccept, applications.ActionEvent{})
		g.act(clerk, open, applications.ActionReview, applications.ActionEvent{Opinion: "审查中"})
	}
}
