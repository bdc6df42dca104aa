package lists

import (
	"database/sql"
	"errors"
	"testing"

	"qingdan/data/datatest"
	"qingdan/data/store"
)

// Every in-force check of a referred code gives InForce's answer.
func TestInForceIsOneRule(t *testing.T) {
	var invalid *store.ValidationError
	if err := InForce(sql.NullString{}, "XK-NOPE", "power_code"); !errors.As(err, &invalid) || invalid.Fields["power_code"] != `"XK-NOPE" is not on the list` {
		t.Errorf("not listed: %v, want a store.ValidationError on power_code", err)
	}
	if err := InForce(Listed(StatusRepealed), "XK-1", "power_code"); !errors.Is(err, store.ErrNotInForce) || err.Error() != `not in force: power_code: "XK-1" is repealed` {
		t.Errorf("repealed: %v, want store.ErrNotInForce", err)
	}
	if err := InForce(Listed(StatusInForce), "XK-1", "power_code"); err != nil {
		t.Errorf("in force: %v, want nil", err)
	}
	db := datatest.OpenDB(t)
	want := InForce(sql.NullString{}, "XK-NOPE", "power_code").Error()
	for name, err := range map[string]error{
		"mustBeInForce":            mustBeInForce(db.Writer, "powers", "XK-NOPE", "power_code"),
		"powerOfDept":              powerOfDept(db.Writer, "XK-NOPE", "scjg"),
		"serviceTakesApplications": ServiceTakesApplications(db.Writer, "FW-NOPE", "XK-NOPE"),
	} {
		wantHere := want
		if name == "serviceTakesApplications" {
			wantHere = InForce(sql.NullString{}, "FW-NOPE", "service_code").Error()
		}
		if err == nil || err.Error() != wantHere {
			t.Errorf("%s: %v, want %s", name, err, wantHere)
		}
	}
}
