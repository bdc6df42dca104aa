package golden_test

import (
	"context"
	"testing"

	"qingdan/data/applications"
	"qingdan/data/calendar"
	"qingdan/data/identity"
	"qingdan/data/personal"
	"qingdan/data/store"
	"qingdan/ledger"
)

// The generator's calls whose signatures differ between versions of the
// code. To write the golden file of an older version, check that version
// out, copy gen_test.go beside its data package with the older
// counterpart of this file (testdata/gen_compat_v1.go.txt for golden-v1)
// and run the generator there.

func newApprovals(t *testing.T, ctx context.Context, db *store.DB, log *ledger.Log, cals *calendar.Calendars) *applications.Approvals {
	t.Helper()
	a := applications.NewApprovals(db, log, cals.Current)
	master, err := personal.NewPIIMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	p, err := personal.OpenPII(ctx, db, []personal.PIIMasterKey{master}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.UsePII(p)
	return a
}

func resetPassword(ctx context.Context, d *identity.Directory, actor, username, hash string) error {
	_, err := d.ResetPassword(ctx, actor, username, hash, nil)
	return err
}

func setUserStatus(ctx context.Context, d *identity.Directory, actor, username string, active bool) error {
	_, err := d.SetUserStatus(ctx, actor, username, active, nil)
	return err
}

// withdraw is the applicant's withdrawal: a reason code in the ledger,
// the free text sealed beside it.
func withdraw(ctx context.Context, a *applications.Approvals, number string) error {
	_, _, err := a.Withdraw(ctx, number, applications.Withdrawal{ReasonCode: "no_longer_needed", Reason: "不再需要"})
	return err
}
