package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"qingdan/data/applications"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/policy"
)

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Errors names each bad field (an extension member).
	Errors map[string]string `json:"errors,omitempty"`
}

// badRequest is a client error with a message safe to show.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badRequestf(format string, args ...any) error {
	return &badRequest{msg: fmt.Sprintf(format, args...)}
}

// statusOf maps an error to its HTTP status and whether its text may be
// shown. This is the one place that does so.
func statusOf(err error) (int, bool) {
	var fe *fiber.Error
	var br *badRequest
	switch {
	case errors.Is(err, policy.ErrAlreadyGranted):
		return http.StatusConflict, true
	case errors.Is(err, policy.ErrSeparationOfDuties), errors.Is(err, policy.ErrSelfGrant), errors.Is(err, policy.ErrForbidden),
		errors.Is(err, policy.ErrFourEyes):
		return http.StatusForbidden, true
	case isPolicyRefusal(err):
		return http.StatusUnprocessableEntity, true
	case errors.As(err, new(*store.ValidationError)), errors.Is(err, store.ErrNotInForce), errors.Is(err, store.ErrUnchanged):
		return http.StatusUnprocessableEntity, true
	case errors.As(err, &br), errors.Is(err, ledger.ErrInvalid), errors.Is(err, store.ErrInvalid):
		return http.StatusBadRequest, true
	case errors.As(err, &fe):
		return fe.Code, fe.Code < 500
	case errors.Is(err, ledger.ErrNotFound), errors.Is(err, errNotFound), errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, true
	case errors.Is(err, ledger.ErrConflict), errors.Is(err, store.ErrConflict):
		return http.StatusConflict, true
	case errors.Is(err, ledger.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, true
	case errors.Is(err, applications.ErrQuota):
		return http.StatusTooManyRequests, true
	case errors.Is(err, errBodyBudget):
		return http.StatusServiceUnavailable, true
	}
	return http.StatusInternalServerError, false
}

// handleError is Fiber's ErrorHandler: every error becomes problem+json;
// internal errors are logged and never shown.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, show := statusOf(err)
	if !show {
		s.cfg.Logger.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	if isPageRequest(c) {
		return s.errorPage(c, status, map[bool]string{true: err.Error()}[show])
	}
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status}
	var ve *store.ValidationError
	if errors.As(err, &ve) {
		p.Errors = ve.Fields
	}
	if show {
		p.Detail = err.Error()
	} else {
		p.Detail = "internal error; it has been logged"
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.Status(status).JSON(p, "application/problem+json")
}
