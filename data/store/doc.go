// Package store keeps qingdan's state in SQL through GORM: the SQL
// implementation of ledger.Store, the embedded migrations of every
// domain's tables, and the registry of projectors through which each
// domain keeps its tables in step with the ledger and replay rebuilds
// them.
//
// SQLite is the default backend: one writer connection (WAL,
// synchronous=FULL, immediate transactions, foreign keys on), a separate
// read-only pool, and a connection beside the writer that checkpoints the
// WAL. PostgreSQL is the scale-out backend, for several replicas over one
// database.
//
// Errors shared by the domains are here too: ErrNotFound, ErrConflict,
// ErrNotInForce, ErrInvalid and ValidationError, which the web layer maps
// to its answers.
package store
