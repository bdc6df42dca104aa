// Package identity keeps the accounts of officials and staff, their role
// grants (projected into Casbin's casbin_rule table, which the policy
// package enforces), API tokens and login sessions. Accounts and grants
// are ledger entries (user.*, role.*); password hashes, tokens and
// sessions are not, and are stored hashed.
package identity
