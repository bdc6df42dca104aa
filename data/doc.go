// Package data is qingdan's state as one: every domain's projection of the
// ledger, registered together, so that replay, verify and audit rebuild
// all of it. Each domain lives in a package of its own and projects its
// own entries:
//
//	store         the SQL store: migrations, the ledger's tables, the projector registry, replay
//	lists         the three lists and the departments (清单)
//	identity      accounts, roles, API tokens and sessions
//	calendar      the working-day calendar in force
//	applications  applications, their clocks and materials
//	personal      personal data sealed at rest
//
// beside the packages that need no database: applicant (who applies),
// workday (working days and deadlines), listfile, listimport and
// listaudit (lists as files), safetext, and demo and golden (ledgers for
// trying and for testing).
package data

import (
	"context"

	"gorm.io/gorm"

	"qingdan/data/applications"
	"qingdan/data/calendar"
	"qingdan/data/identity"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
)

// Projectors are the projectors of every domain. A new domain adds its
// projector here, and nowhere else, to be replayed and verified.
var Projectors = store.NewProjectors(
	lists.Projector,
	identity.Projector,
	calendar.Projector,
	applications.Projector,
)

// Project applies one ledger entry to the projection of its domain.
func Project(ctx context.Context, tx *gorm.DB, e *ledger.Entry) error {
	return Projectors.Project(ctx, tx, e)
}

// Replay applies every entry of r to every domain's projections in db.
func Replay(ctx context.Context, r ledger.Reader, db *store.DB) error {
	return store.Replay(ctx, r, db, Projectors)
}

// CheckProjections replays the ledger in r into a scratch database and
// compares every domain's tables with live, returning the differences.
func CheckProjections(ctx context.Context, r ledger.Reader, live *store.DB) ([]store.Difference, error) {
	return store.CheckProjections(ctx, r, live, Projectors)
}
