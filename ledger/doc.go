// Package ledger is qingdan's append-only, hash-chained, Merkle-verifiable
// log (账本): the source of truth for every change to the three lists and
// every decision on an application.
//
// An entry's body is canonical JSON with a fixed field order
// (v, index, time, type, actor, dept, prev, data). Its RFC 6962 leaf hash,
// SHA-256(0x00 ‖ body), is both the chain link (the next entry's prev) and
// the Merkle leaf. The tree is built with golang.org/x/mod/sumdb/tlog and
// its stored hashes are persisted, so a proof costs O(log n) reads.
// Checkpoints are C2SP tlog-checkpoint notes signed with Ed25519 through
// golang.org/x/mod/sumdb/note.
//
// The package knows no HTTP and no SQL: it defines the Store it needs, and a
// Log that batches concurrent appends into one durable transaction (group
// commit) and hands every caller a Receipt that verifies offline.
package ledger
