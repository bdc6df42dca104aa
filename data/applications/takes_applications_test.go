package applications

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"qingdan/data/applicant"
	"qingdan/data/lists"
	"qingdan/data/pgtest"
	"qingdan/data/store"
)

// TestOnlyServicesOfAPowerTakeApplications (issue 20, finding 12): a
// service takes applications only while it implements a power in force —
// one rule (TakesApplications) for the API and the page, checked again
// in the append's transaction.
func TestOnlyServicesOfAPowerTakeApplications(t *testing.T) {
	pgtest.Backends(t, testOnlyServicesOfAPowerTakeApplications)
}

func testOnlyServicesOfAPowerTakeApplications(t *testing.T) {
	a, c, _, _ := newApprovals(t)
	ctx := context.Background()
	public := lists.ServiceItem{Code: "FW-SCJG-GG1", Name: "政策咨询", Audience: "individual", Dept: "scjg", Category: "GG"}
	if _, err := c.Publish(ctx, "editor", lists.KindService, mustJSON(public), testMeta); err != nil {
		t.Fatal(err)
	}
	req := func(service string) SubmitRequest {
		return SubmitRequest{ServiceCode: service, Applicant: applicant.Applicant{Type: "natural", Name: testName,
			IDType: "resident_id", IDNumber: validResidentID(t), Phone: testPhone}}
	}
	refused := func(t *testing.T, what string, err error) {
		t.Helper()
		var ve *store.ValidationError
		if !errors.As(err, &ve) || ve.Fields["service_code"] == "" {
			t.Errorf("%s: got %v, want a store.ValidationError on service_code", what, err)
		}
	}
	_, err := a.Submit(ctx, req("FW-SCJG-GG1"))
	refused(t, "applying for a service that implements no power", err)
	if err := lists.TakesApplications("FW-SCJG-GG1", lists.StatusInForce, ""); err == nil {
		t.Error("lists.TakesApplications of a service without a power: got nil, want a refusal")
	}

	// the service's terms are now in memory; it stops implementing its
	// power at once: the append's own check refuses the next submission
	submit(t, a)
	change := map[string]json.RawMessage{"power_code": json.RawMessage(`""`), "category": json.RawMessage(`"GG"`)}
	if _, err := c.Amend(ctx, "editor", lists.KindService, "FW-SCJG-001", change, testMeta); err != nil {
		t.Fatal(err)
	}
	_, err = a.Submit(ctx, req("FW-SCJG-001"))
	if err == nil {
		t.Error("applying for a service just made a public service: accepted, want a refusal")
	}
}
