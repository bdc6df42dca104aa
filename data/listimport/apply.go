package listimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"qingdan/data/lists"
	"qingdan/data/store"
)

// Workers is how many changes of one kind Apply writes at a time; the
// ledger commits concurrent appends in shared batches.
const Workers = 16

// maxErrors bounds Result.Errors.
const maxErrors = 10

// Result is what Apply wrote.
type Result struct {
	Departments int // departments created
	// Powers and Services count what was written: Create and Amend are
	// items published and amended, Unchanged those found unchanged at
	// apply time, Reject those that failed.
	Powers, Services Counts
	Appended         int     // ledger entries appended
	Failed           int     // changes that failed
	Errors           []error // the first failures, by line
}

func (r *Result) counts(k lists.Kind) *Counts {
	if k == lists.KindPower {
		return &r.Powers
	}
	return &r.Services
}

// String summarises the result.
func (r *Result) String() string {
	return fmt.Sprintf("appended %d ledger entries: %d departments; powers %d published, %d amended; services %d published, %d amended; %d failed",
		r.Appended, r.Departments, r.Powers.Create, r.Powers.Amend, r.Services.Create, r.Services.Amend, r.Failed)
}

// lineError is a failure on one row.
type lineError struct {
	line int
	err  error
}

// Apply writes the plan as ledger events on behalf of actor, all with
// meta: the new departments first, then the powers, then the services
// (each kind concurrently). Rows rejected or unchanged append nothing, so
// applying a plan of an unchanged file appends no entry. Failures are
// counted and the first ones returned in the Result, with an error; an
// error without failures means nothing was attempted.
func Apply(ctx context.Context, cat *lists.Catalog, plan *Plan, meta lists.ChangeMeta, actor string) (*Result, error) {
	if meta.BasisDoc == "" || meta.ChangeNote == "" {
		return nil, errors.New("listimport: a change needs its basis document (依据文号) and a note")
	}
	if actor == "" {
		return nil, errors.New("listimport: no actor")
	}
	res := &Result{}
	var failures []lineError
	failedDepts := map[string]bool{}
	for _, d := range plan.Departments {
		item, _ := json.Marshal(lists.Department{Code: d.Code, Name: d.Name, Boundaries: []lists.Boundary{}})
		if _, err := cat.Publish(ctx, actor, lists.KindDepartment, item, meta); err != nil {
			failedDepts[d.Code] = true
			failures = append(failures, lineError{d.Line, fmt.Errorf("department %s %s: %w", d.Code, d.Name, err)})
			res.Failed++
			continue
		}
		res.Departments++
		res.Appended++
	}
	for _, kind := range []lists.Kind{lists.KindPower, lists.KindService} {
		var todo []*Entry
		for _, e := range plan.Entries {
			if e.Kind != kind || (e.Action != Create && e.Action != Amend) {
				continue
			}
			if failedDepts[e.Dept] {
				failures = append(failures, lineError{e.Line, fmt.Errorf("%s %s: its department %s was not created", kind, e.Code, e.Dept)})
				res.counts(kind).Reject++
				res.Failed++
				continue
			}
			todo = append(todo, e)
		}
		failures = append(failures, applyAll(ctx, cat, todo, meta, actor, res)...)
	}
	sort.SliceStable(failures, func(i, j int) bool { return failures[i].line < failures[j].line })
	for _, f := range failures {
		if len(res.Errors) == maxErrors {
			break
		}
		res.Errors = append(res.Errors, fmt.Errorf("line %d: %w", f.line, f.err))
	}
	if res.Failed > 0 {
		return res, fmt.Errorf("listimport: %d of %d changes failed; first: %w", res.Failed, res.Failed+res.Appended, res.Errors[0])
	}
	return res, ctx.Err()
}

// applyAll writes the entries of one kind with Workers goroutines.
func applyAll(ctx context.Context, cat *lists.Catalog, todo []*Entry, meta lists.ChangeMeta, actor string, res *Result) []lineError {
	var (
		mu       sync.Mutex
		failures []lineError
		wg       sync.WaitGroup
	)
	next := make(chan *Entry)
	for range min(Workers, len(todo)) {
		wg.Go(func() {
			for e := range next {
				err := applyOne(ctx, cat, e, meta, actor)
				mu.Lock()
				c := res.counts(e.Kind)
				switch {
				case errors.Is(err, store.ErrUnchanged):
					c.Unchanged++
				case err != nil:
					c.Reject++
					res.Failed++
					failures = append(failures, lineError{e.Line, fmt.Errorf("%s %s: %w", e.Kind, e.Code, err)})
				case e.Action == Create:
					c.Create++
					res.Appended++
				default:
					c.Amend++
					res.Appended++
				}
				mu.Unlock()
			}
		})
	}
	for _, e := range todo {
		if ctx.Err() != nil {
			break
		}
		next <- e
	}
	close(next)
	wg.Wait()
	return failures
}

func applyOne(ctx context.Context, cat *lists.Catalog, e *Entry, meta lists.ChangeMeta, actor string) error {
	if e.Action == Create {
		_, err := cat.Publish(ctx, actor, e.Kind, e.Item, meta)
		return err
	}
	_, err := cat.Amend(ctx, actor, e.Kind, e.Code, e.Changes, meta)
	return err
}
