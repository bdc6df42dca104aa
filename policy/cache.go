package policy

import "sync"

// decisions caches Allowed answers between policy changes. Every change
// (Grant, Revoke, GrantAll, Reload) bumps the generation and empties the
// cache; an answer computed while a change happened is not stored, so a
// revoked role is never answered from the cache.
type decisions struct {
	mu  sync.RWMutex
	gen uint64
	m   map[string]bool
	// classes holds answers by role class (see Enforcer.roleClass): users
	// holding the same roles share them, so the first check of a new user
	// rarely reaches Casbin's matcher.
	classes map[string]bool
}

// maxDecisions bounds the cache; when full it starts afresh.
const maxDecisions = 1 << 16

func decisionKey(user, dept, obj, act string) string {
	return user + "\x00" + dept + "\x00" + obj + "\x00" + act
}

// get returns a cached answer and the generation it belongs to.
func (d *decisions) get(key string) (ok, found bool, gen uint64) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	ok, found = d.m[key]
	return ok, found, d.gen
}

// getClass returns a cached answer for a role class at generation gen.
func (d *decisions) getClass(class string, gen uint64) (ok, found bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if gen != d.gen {
		return false, false
	}
	ok, found = d.classes[class]
	return ok, found
}

// put stores an answer computed at generation gen, under the user's key
// and, when class is not empty, under the role class, unless the policy
// has changed since.
func (d *decisions) put(key, class string, ok bool, gen uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if gen != d.gen {
		return
	}
	if d.m == nil || len(d.m) >= maxDecisions {
		d.m = make(map[string]bool)
	}
	d.m[key] = ok
	if class == "" {
		return
	}
	if d.classes == nil || len(d.classes) >= maxDecisions {
		d.classes = make(map[string]bool)
	}
	d.classes[class] = ok
}

// invalidate forgets every answer.
func (d *decisions) invalidate() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	d.m = nil
	d.classes = nil
}
