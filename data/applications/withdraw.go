package applications

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"qingdan/data/personal"
	"qingdan/data/store"
	"qingdan/data/workday"
	"qingdan/ledger"
)

// WithdrawReasons is the closed list of reasons a public withdrawal
// (撤回) records in the ledger (docs/security.md): a code, never text
// typed by the public, which may hold an ID or phone number and would stay
// in the ledger for ever.
var WithdrawReasons = []string{"no_longer_needed", "resubmit", "wrong_service", "other"}

// MaxWithdrawalReason bounds the free text of a withdrawal, in runes. The
// text is kept off the ledger, sealed with the applicant's personal data,
// and erased with it.
const MaxWithdrawalReason = 500

// checkWithdrawal keeps free text out of a withdrawal's ledger entry and
// allows only a code from WithdrawReasons (or none).
func checkWithdrawal(action string, ev ActionEvent) error {
	if action != ActionWithdraw {
		if ev.ReasonCode != "" {
			return &store.ValidationError{Fields: map[string]string{"reason_code": "only a withdrawal has a reason code"}}
		}
		return nil
	}
	if ev.Reason != "" {
		return &store.ValidationError{Fields: map[string]string{"reason": "a withdrawal's free text is not recorded in the ledger"}}
	}
	if ev.ReasonCode != "" && !slices.Contains(WithdrawReasons, ev.ReasonCode) {
		return &store.ValidationError{Fields: map[string]string{"reason_code": "must be one of " + strings.Join(WithdrawReasons, ", ")}}
	}
	return nil
}

// Withdrawal is the applicant's withdrawal of an application.
type Withdrawal struct {
	ReasonCode string // one of WithdrawReasons, or ""
	// Reason is optional free text: sealed with the applicant's personal
	// data in the same transaction as the entry, never in the ledger.
	Reason string
}

// Withdraw records application.withdrawn by the applicant ("public") with
// w's reason code only; w's free text goes into the applicant's sealed
// record (if it was not erased). It answers like ActAndView.
func (a *Approvals) Withdraw(ctx context.Context, number string, w Withdrawal) (*View, *ledger.Receipt, error) {
	w.Reason = strings.TrimSpace(w.Reason)
	if !utf8.ValidString(w.Reason) || utf8.RuneCountInString(w.Reason) > MaxWithdrawalReason {
		return nil, nil, &store.ValidationError{Fields: map[string]string{"reason": fmt.Sprintf("at most %d characters of valid UTF-8", MaxWithdrawalReason)}}
	}
	var also func(g *gorm.DB) error
	if w.Reason != "" {
		also = func(g *gorm.DB) error { return a.keepWithdrawalReason(g, number, w.Reason) }
	}
	receipt, app, err := a.act(ctx, "public", number, ActionWithdraw, ActionEvent{ReasonCode: w.ReasonCode}, nil, also)
	if err != nil {
		return nil, nil, err
	}
	v, err := a.withTimeline(ctx, a.clock(app, workday.DateOf(a.now())))
	return v, receipt, err
}

// keepWithdrawalReason seals the reason into the applicant's record; an
// erased record takes nothing.
func (a *Approvals) keepWithdrawalReason(g *gorm.DB, number, reason string) error {
	rec, err := a.personalRecord(g, number)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	if a.pii == nil {
		return fmt.Errorf("data: withdraw: %w: no personal-data key", personal.ErrPIIKey)
	}
	rec.WithdrawalReason = reason
	s, err := a.pii.Seal(number, rec)
	if err != nil {
		return err
	}
	return store.ExecSQL(g, `UPDATE applicants SET salt = ?, personal = '', key_id = ?, sealed = ?, phone_mac = ? WHERE number = ?`,
		[]byte{}, s.KeyID, s.Sealed, s.PhoneMAC, number)
}
