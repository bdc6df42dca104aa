// Package policy will hold identities and role boundaries: users, password
// hashing, the embedded Casbin model with departments as domains, and the
// rules beyond it (三员分立, four eyes). It is empty until the roles issue
// lands; nothing in the service depends on it yet.
package policy
