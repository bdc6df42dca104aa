package store

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Sentinel errors that callers (web) map to HTTP statuses.
var (
	// ErrNotFound: no such item.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the item already exists, or changed since it was read.
	ErrConflict = errors.New("conflict")
	// ErrNotInForce: the item is repealed (清单之外不得实施).
	ErrNotInForce = errors.New("not in force")
	// ErrUnchanged: an amendment that changes nothing.
	ErrUnchanged = errors.New("nothing to change")
	// ErrInvalid: the request is malformed or breaks a rule; a
	// *ValidationError names the fields.
	ErrInvalid = errors.New("invalid")
)

// ValidationError names every bad field with the reason.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// FieldErrors collects field problems while validating.
type FieldErrors map[string]string

// Add notes the first problem of field.
func (f FieldErrors) Add(field, format string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = fmt.Sprintf(format, args...)
	}
}

// Err is a ValidationError of the problems noted, nil if there are none.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}
