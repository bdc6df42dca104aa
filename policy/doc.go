// Package policy holds identities and role boundaries (权限边界): the
// embedded Casbin model with departments as domains, the table of what
// each role may do (roles.go), the Enforcer that answers "may this official do this act in
// this department?" and keeps role grants in the database, the rules
// beyond the table (三员分立, four eyes, who may grant what), and password
// hashing (argon2id) with the password policy.
//
// The package decides; it does not record. Callers (web, data) check with
// Allowed and the Check… rules, then write the ledger entry and apply the
// grant. Errors callers branch on are exported sentinels (ErrForbidden,
// ErrSeparationOfDuties, ErrWeakPassword …).
package policy
