package store

import (
	"testing"

	"qingdan/data/pgtest"
	"qingdan/ledger/storetest"
)

func TestSQLiteFaults(t *testing.T) { storetest.RunFaults(t, sqliteHarness()) }

func TestPostgresFaults(t *testing.T) {
	pgtest.URL(t)
	storetest.RunFaults(t, postgresHarness())
}
