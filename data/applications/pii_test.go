package applications

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qingdan/data/applicant"
	"qingdan/data/personal"
	"qingdan/data/pgtest"
	"qingdan/data/store"
	"qingdan/ledger"
)

// mustHoldNone fails if a file of the SQLite database in dir (the file
// and its WAL) holds any of secrets.
func mustHoldNone(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	for _, name := range []string{store.DBFileName, store.DBFileName + "-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s (%d bytes) holds %q in plain text", name, len(b), s)
			}
		}
	}
}

// TestUpgradeSealsPlaintextRows: rows written in plain text before
// migration 0013, and the remnants of one erased then, are gone from the
// database file and its WAL once the first start with a key has sealed
// them; every row still opens, and a second start seals nothing.
func TestUpgradeSealsPlaintextRows(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.OpenSQLite(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// As the code before 0013 wrote them, without secure_delete.
	old, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, store.DBFileName)+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{"QD1": "110105194912310021", "QD2": "110105194912310048", "QD3": "110105194912310064"}
	for number, id := range rows {
		personal, _ := json.Marshal(map[string]any{"applicant": applicant.Applicant{Type: "natural", Name: "旧数据",
			IDType: "resident_id", IDNumber: id, Phone: "13700000" + number[2:] + "00", Address: "旧城路" + number}, "summary": "旧申请"})
		if _, err := old.Exec(`INSERT INTO applicants (number, salt, personal) VALUES (?,?,?)`, number, []byte("salt"), string(personal)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := old.Exec(`DELETE FROM applicants WHERE number = 'QD3'`); err != nil { // erased before the upgrade
		t.Fatal(err)
	}
	old.Close()
	before, _ := os.ReadFile(filepath.Join(dir, store.DBFileName))
	wal, _ := os.ReadFile(filepath.Join(dir, store.DBFileName+"-wal"))
	if !bytes.Contains(append(before, wal...), []byte(rows["QD3"])) {
		t.Fatal("the erased row left no remnant before the upgrade: the test would prove nothing")
	}

	db, err = store.OpenSQLite(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	pii := newTestPII(t, db)
	n, err := pii.SealPlaintext(ctx, nil)
	if err != nil || n != 2 {
		t.Fatalf("sealed %d rows (%v), want 2", n, err)
	}
	mustHoldNone(t, dir, rows["QD1"], rows["QD2"], rows["QD3"], "旧城路")
	a := NewApprovals(db, nil, nil)
	a.UsePII(pii)
	for _, number := range []string{"QD1", "QD2"} {
		p, err := a.Personal(ctx, number)
		if err != nil || !strings.Contains(string(p), rows[number]) {
			t.Errorf("%s after sealing: %s (%v)", number, p, err)
		}
	}
	if n, err := pii.SealPlaintext(ctx, nil); err != nil || n != 0 {
		t.Fatalf("a second start sealed %d rows (%v), want 0", n, err)
	}
	db.Close()
	mustHoldNone(t, dir, rows["QD1"], rows["QD2"], rows["QD3"], "旧城路")
}

// TestWrongPIIKeyFails: a master key other than the one that wrapped the
// data keys is refused, with personal.ErrPIIKey.
func TestWrongPIIKeyFails(t *testing.T) { pgtest.Backends(t, testWrongPIIKeyFails) }

func testWrongPIIKeyFails(t *testing.T) {
	_, _, db, _ := newApprovals(t)
	other, _ := personal.NewPIIMasterKey()
	_, err := personal.OpenPII(context.Background(), db, []personal.PIIMasterKey{other}, nil)
	if !errors.Is(err, personal.ErrPIIKey) || !strings.Contains(err.Error(), testPIIKey.ID) {
		t.Fatalf("personal.OpenPII with another key: %v, want personal.ErrPIIKey naming the key in use %s", err, testPIIKey.ID)
	}
}

// TestPIIRotationKeepsRecordsReadable: after the master key is rotated,
// every record opens under the new key, the old key is refused, and a
// service still holding the data keys goes on reading and writing.
func TestPIIRotationKeepsRecordsReadable(t *testing.T) { pgtest.Backends(t, testPIIRotation) }

func testPIIRotation(t *testing.T) {
	a, _, db, _ := newApprovals(t)
	ctx := context.Background()
	var numbers []string
	for range 3 {
		numbers = append(numbers, submit(t, a).Number)
	}
	next, _ := personal.NewPIIMasterKey()
	if n, err := personal.RotatePIIMasterKey(ctx, db, []personal.PIIMasterKey{testPIIKey}, next); err != nil || n != 2 {
		t.Fatalf("rotation re-wrapped %d keys (%v), want 2 (data and lookup)", n, err)
	}
	if _, err := personal.OpenPII(ctx, db, []personal.PIIMasterKey{testPIIKey}, nil); !errors.Is(err, personal.ErrPIIKey) {
		t.Fatalf("the old key after rotation: %v, want personal.ErrPIIKey", err)
	}
	rotated, err := personal.OpenPII(ctx, db, []personal.PIIMasterKey{next}, nil)
	if err != nil {
		t.Fatal(err)
	}
	numbers = append(numbers, submit(t, a).Number) // the running service, on its data keys
	b := NewApprovals(db, nil, nil)
	b.UsePII(rotated)
	for _, number := range numbers {
		if p, err := b.Personal(ctx, number); err != nil || !strings.Contains(string(p), testID) {
			t.Errorf("%s after rotation: %s (%v)", number, p, err)
		}
	}
	if !bytes.Equal(rotated.PhoneMAC(testPhone), a.pii.PhoneMAC(testPhone)) {
		t.Error("the phone MAC changed with the master key")
	}
}

// TestPhoneMACSharedNoPlaintext: two applications with one phone share
// its keyed hash, another phone's differs, and the table holds the phone
// in no column in plain text.
func TestPhoneMACSharedNoPlaintext(t *testing.T) { pgtest.Backends(t, testPhoneMAC) }

func testPhoneMAC(t *testing.T) {
	a, _, db, _ := newApprovals(t)
	ctx := context.Background()
	first, second := submit(t, a), submit(t, a)
	other, err := a.Submit(ctx, SubmitRequest{ServiceCode: "FW-SCJG-001", Applicant: applicant.Applicant{Type: "natural",
		Name: testName, IDType: "resident_id", IDNumber: validResidentID(t), Phone: "+86 139 0000 1111"}})
	if err != nil {
		t.Fatal(err)
	}
	mac := func(number string) []byte {
		var r struct{ PhoneMac []byte }
		if err := db.Reader.Raw(`SELECT phone_mac FROM applicants WHERE number = ?`, number).Scan(&r).Error; err != nil {
			t.Fatal(err)
		}
		return r.PhoneMac
	}
	if m := mac(first.Number); len(m) != 32 || !bytes.Equal(m, mac(second.Number)) || !bytes.Equal(m, a.pii.PhoneMAC(testPhone)) {
		t.Errorf("one phone, MACs %x and %x, want equal 32-byte MACs", m, mac(second.Number))
	}
	if bytes.Equal(mac(first.Number), mac(other.Number)) || !bytes.Equal(mac(other.Number), a.pii.PhoneMAC("13900001111")) {
		t.Error("another phone's MAC is the same, or not the MAC of its normalised number")
	}
	var dump []struct {
		Number, Personal, KeyID string
		Salt, Sealed, PhoneMac  []byte
	}
	db.Reader.Raw(`SELECT number, personal, key_id, salt, sealed, phone_mac FROM applicants`).Scan(&dump)
	all, _ := json.Marshal(dump)
	for _, s := range []string{testPhone, testID, testAddr, "13900001111"} {
		if strings.Contains(string(all), s) {
			t.Errorf("the applicants table holds %q in plain text", s)
		}
	}
}

// TestSealedRecordBoundToItsRow: a sealed record copied to another
// application's row does not open there.
func TestSealedRecordBoundToItsRow(t *testing.T) {
	a, _, db, _ := newApprovals(t)
	ctx := context.Background()
	x, y := submit(t, a), submit(t, a)
	if err := db.Writer.Exec(`UPDATE applicants SET sealed = (SELECT sealed FROM applicants WHERE number = ?) WHERE number = ?`,
		x.Number, y.Number).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := a.Personal(ctx, x.Number); err != nil {
		t.Fatal(err)
	}
	if p, err := a.Personal(ctx, y.Number); err == nil {
		t.Fatalf("a record moved to %s opened: %s", y.Number, p)
	}
}

// TestWithdrawalKeepsFreeTextOffLedger (issue 20, finding 11): a public
// withdrawal's ledger entry carries its reason code only; the free text is
// in the applicant's sealed record, erased with it; free text and unknown
// codes are refused in the entry.
func TestWithdrawalKeepsFreeTextOffLedger(t *testing.T) { pgtest.Backends(t, testWithdrawalOffLedger) }

func testWithdrawalOffLedger(t *testing.T) {
	a, _, db, l := newApprovals(t)
	ctx := context.Background()
	s := submit(t, a)
	const text = "不想办了 13812345678"
	for _, ev := range []ActionEvent{{Reason: text}, {ReasonCode: "because"}} {
		if _, err := a.Act(ctx, "public", s.Number, ActionWithdraw, ev, nil); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("withdrawal with %+v: %v, want store.ErrInvalid", ev, err)
		}
	}
	if _, _, err := a.Withdraw(ctx, s.Number, Withdrawal{ReasonCode: "resubmit", Reason: strings.Repeat("字", MaxWithdrawalReason+1)}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("a reason over %d characters: %v, want store.ErrInvalid", MaxWithdrawalReason, err)
	}
	v, receipt, err := a.Withdraw(ctx, s.Number, Withdrawal{ReasonCode: "resubmit", Reason: text})
	if err != nil || v.State != StateWithdrawn {
		t.Fatalf("withdraw: %v, %v", v, err)
	}
	var body []byte
	l.Store().ReadRecords(ctx, receipt.Index, receipt.Index+1, func(r ledger.Record) error { body = r.Body; return nil })
	if !strings.Contains(string(body), `"data":{"number":"`+s.Number+`","reason_code":"resubmit"}`) {
		t.Errorf("the withdrawal's entry is %s, want the number and the reason code only", body)
	}
	p, err := a.Personal(ctx, s.Number)
	if err != nil || !strings.Contains(string(p), `"withdrawal_reason":"`+text+`"`) {
		t.Errorf("personal data after withdrawal: %s (%v), want the reason in it", p, err)
	}
	if err := a.Erase(ctx, s.Number); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Personal(ctx, s.Number); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after erasure: %v", err)
	}
	mustMatchReplay(t, db, l)
}

// TestOldWithdrawalWithFreeTextReplays: an application.withdrawn entry
// written before issue 20, with a free-text reason, still projects and
// replays as before (old ledgers verify for ever).
func TestOldWithdrawalWithFreeTextReplays(t *testing.T) {
	a, _, db, l := newApprovals(t)
	ctx := context.Background()
	s := submit(t, a)
	dept, _ := a.Dept(ctx, s.Number)
	_, err := l.Append(ctx, ledger.Event{Type: "application.withdrawn", Actor: "public", Dept: dept,
		Data: map[string]string{"number": s.Number, "reason": "不想办了 13812345678"},
		Project: func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			return Project(ctx, store.GormTx(tx), e)
		}})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := a.Get(ctx, s.Number); err != nil || v.State != StateWithdrawn {
		t.Fatalf("after the old entry: %v %v", v, err)
	}
	if _, err := ledger.Verify(ctx, l.Store(), l.Origin(), l.Key().Verifier, nil); err != nil {
		t.Fatal(err)
	}
	mustMatchReplay(t, db, l)
}
