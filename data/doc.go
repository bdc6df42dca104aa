// Package data keeps qingdan's state in SQL through GORM: the SQL
// implementation of ledger.Store, versioned embedded migrations, and (in
// later files) the three lists and applications as projections of the
// ledger.
//
// SQLite is the default backend: one writer connection (WAL,
// synchronous=FULL, immediate transactions, foreign keys on) and a separate
// read-only pool.
package data
