package web

import (
	"encoding/json"
	"strings"
	"testing"

	"qingdan/data/applications"
	"qingdan/ledger"
	"qingdan/web/i18n"
)

// TestWithdrawReasonCodes (issue 20, finding 11): a public withdrawal's
// ledger entry carries its reason code and never the free text, which the
// officials' view of the applicant's data shows instead; an unknown code
// or an overlong text is a 422 problem; every code has a label in both
// languages.
func TestWithdrawReasonCodes(t *testing.T) {
	s, l := newDemoServer(t)
	number, code := submitHTTP(t, s, "FW-SCJG-001")
	path := "/api/v1/applications/" + number + "/withdraw"
	for _, body := range []map[string]any{
		{"query_code": code, "reason_code": "fed_up"},
		{"query_code": code, "reason_code": "other", "reason": strings.Repeat("长", applications.MaxWithdrawalReason+1)},
	} {
		status, b := send(t, s, "POST", path, creds{}, body)
		var p Problem
		if json.Unmarshal(b, &p); status != 422 || len(p.Errors) == 0 {
			t.Errorf("withdraw with %v: %d %s, want a 422 problem", body["reason_code"], status, b)
		}
	}
	const text = "不想办了 13812345678"
	status, b := send(t, s, "POST", path, creds{}, map[string]any{"query_code": code, "reason_code": "wrong_service", "reason": text})
	if status != 200 || strings.Contains(string(b), "13812345678") {
		t.Fatalf("withdraw: %d %s", status, b)
	}
	var answer struct {
		Receipt struct {
			Index int64 `json:"index"`
		} `json:"receipt"`
	}
	json.Unmarshal(b, &answer)
	var e *ledger.Entry
	err := l.Store().ReadRecords(t.Context(), answer.Receipt.Index, answer.Receipt.Index+1, func(r ledger.Record) error {
		var err error
		e, err = ledger.Decode(r.Body)
		return err
	})
	if err != nil || e == nil {
		t.Fatalf("entry %d: %v", answer.Receipt.Index, err)
	}
	if got := string(e.Data); got != `{"number":"`+number+`","reason_code":"wrong_service"}` {
		t.Errorf("the entry's data is %s, want the number and the reason code only", got)
	}
	personal, err := s.cfg.Approvals.Personal(t.Context(), number)
	if err != nil || !strings.Contains(string(personal), text) {
		t.Errorf("officials' view of the applicant: %s (%v), want the withdrawal's text", personal, err)
	}
	for _, c := range applications.WithdrawReasons {
		if k := "withdraw_reason_" + c; i18n.Messages("zh")[k] == "" || i18n.Messages("en")[k] == "" {
			t.Errorf("reason code %s has no label %s in both catalogues", c, k)
		}
	}
}
