package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"qingdan/ledger"
)

// A Projector keeps one domain's tables in step with the ledger: it
// projects the entries whose type begins with one of its families (the
// part of the type before the dot: "application" for
// "application.decided"), and names the tables it writes, which replay
// rebuilds and compares. The same function projects an entry as it is
// appended and again on replay, so the live tables and the ledger cannot
// drift apart.
type Projector struct {
	Domain   string   // for messages: "lists", "applications" …
	Families []string // entry type families this projector owns
	Project  func(ctx context.Context, tx *gorm.DB, e *ledger.Entry) error
	Tables   []Table
}

// A Table is what a projector writes: its name, the query that reads its
// ledger-derived columns, and the key column of that query.
type Table struct{ Name, Query, Key string }

// Projectors are the projectors of every domain, each family owned by
// one. An entry of a family no projector owns changes no table (the
// ledger keeps more than the projections show: checkpoints' cosignatures,
// for instance, are not entries at all).
type Projectors struct {
	all      []Projector
	byFamily map[string]*Projector
}

// NewProjectors registers the domains' projectors. A family claimed by
// two of them is a programming error and panics: which of the two would
// project it could otherwise depend on the order of registration.
func NewProjectors(ps ...Projector) *Projectors {
	r := &Projectors{all: ps, byFamily: map[string]*Projector{}}
	for i := range r.all {
		p := &r.all[i]
		for _, f := range p.Families {
			if other, ok := r.byFamily[f]; ok {
				panic(fmt.Sprintf("store: family %q claimed by %s and %s", f, other.Domain, p.Domain))
			}
			r.byFamily[f] = p
		}
	}
	return r
}

// Project applies one entry to the projection of the domain that owns its
// family, inside tx.
func (r *Projectors) Project(ctx context.Context, tx *gorm.DB, e *ledger.Entry) error {
	family, _, _ := strings.Cut(e.Type, ".")
	p, ok := r.byFamily[family]
	if !ok {
		return nil
	}
	return p.Project(ctx, tx, e)
}

// Tables lists every projected table, domain by domain.
func (r *Projectors) Tables() []Table {
	var out []Table
	for _, p := range r.all {
		out = append(out, p.Tables...)
	}
	return out
}
