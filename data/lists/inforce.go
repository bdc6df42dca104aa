package lists

import (
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"qingdan/data/store"
)

// InForce is the one in-force check of a code that something refers to
// (a service, a power, a department): status is its list row's status,
// not Valid when no row has the code. A code not on its list is a
// ValidationError on field; one repealed is ErrNotInForce.
func InForce(status sql.NullString, code, field string) error {
	switch {
	case !status.Valid:
		return &store.ValidationError{Fields: map[string]string{field: fmt.Sprintf("%q is not on the list", code)}}
	case status.String != StatusInForce:
		return fmt.Errorf("%w: %s: %q is repealed", store.ErrNotInForce, field, code)
	}
	return nil
}

// Listed is the status of a row found (sql.NullString{} stands for none).
func Listed(status string) sql.NullString { return sql.NullString{String: status, Valid: true} }

// TakesApplications is the one rule for which services take applications
// (清单之外不得实施): a service in force that implements a power. A pure
// public service (category GG, no power) takes none: no official may
// decide on it. Whether that power is in force is checked with it
// (Submit, and serviceTakesApplications inside the append). The
// application page and the API both ask this.
func TakesApplications(service, status, power string) error {
	if err := InForce(Listed(status), service, "service_code"); err != nil {
		return err
	}
	if power == "" {
		return &store.ValidationError{Fields: map[string]string{"service_code": fmt.Sprintf(
			"%q implements no power (a public service) and takes no applications", service)}}
	}
	return nil
}

// ServiceTakesApplications checks, in one query inside a submission's
// append transaction, that the service is listed, takes applications
// (TakesApplications) and still implements power, and that power is in
// force. Replay checks less (serviceInForce), so that submissions recorded
// before this rule still replay.
func ServiceTakesApplications(tx *gorm.DB, service, power string) error {
	var status, implements, powerStatus sql.NullString
	err := store.QueryRowSQL(tx, `SELECT s.status, s.power_code, (SELECT status FROM powers WHERE code = s.power_code)
		FROM services s WHERE s.code = ?`, service).Scan(&status, &implements, &powerStatus)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return InForce(sql.NullString{}, service, "service_code")
	case err != nil:
		return err
	}
	if err := TakesApplications(service, status.String, implements.String); err != nil {
		return err
	}
	if implements.String != power { // the service was re-linked since its terms were read
		return fmt.Errorf("%w: service_code: %q now implements %q", store.ErrNotInForce, service, implements.String)
	}
	return InForce(powerStatus, power, "power_code")
}
