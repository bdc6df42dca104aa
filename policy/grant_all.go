package policy

import (
	"fmt"
	"slices"
)

// Assignment is one user holding one role in one department scope.
type Assignment struct {
	User, Role, Dept string
}

// grantChunk bounds the rows of one INSERT (8 bound values a row; SQLite
// allows 32766 values a statement).
const grantChunk = 1000

// GrantAll grants many roles at once, for seeding and bulk import. Every
// assignment is validated as Grant validates it — against the user's
// current roles plus the earlier assignments in the list — before anything
// is written; assignments already held are skipped. The writes go in
// batches of grantChunk rows; should one fail, the earlier batches stay
// (GrantAll can be retried: it is idempotent).
func (e *Enforcer) GrantAll(as []Assignment) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	defer e.cache.invalidate() // after the change, before unlocking
	rules, err := e.newGroupings(as)
	if err != nil {
		return err
	}
	for start := 0; start < len(rules); start += grantChunk {
		chunk := rules[start:min(start+grantChunk, len(rules))]
		if _, err := e.se.AddGroupingPoliciesEx(chunk); err != nil {
			return fmt.Errorf("policy: grant %d roles: %w", len(chunk), err)
		}
	}
	return nil
}

// newGroupings validates as and returns the g-lines not yet held.
func (e *Enforcer) newGroupings(as []Assignment) ([][]string, error) {
	held := make(map[string][]Grant)
	var rules [][]string
	for _, a := range as {
		if err := checkNames(a.User, a.Dept); err != nil {
			return nil, err
		}
		h, seen := held[a.User]
		if !seen {
			h = e.RolesOf(a.User)
		}
		g := Grant{a.Role, a.Dept}
		if slices.Contains(h, g) {
			held[a.User] = h
			continue
		}
		if err := CheckAssignment(h, a.Role, a.Dept); err != nil {
			return nil, fmt.Errorf("%s: %w", a.User, err)
		}
		held[a.User] = append(h, g)
		rules = append(rules, []string{a.User, roleSubject(a.Role), a.Dept})
	}
	return rules, nil
}
