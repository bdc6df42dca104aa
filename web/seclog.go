package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"qingdan/ledger"
)

// SecurityEvent is the data of a security log entry (等保 2.0: who, what,
// outcome, from where). It holds no password, token or personal data.
type SecurityEvent struct {
	User    string `json:"user"`
	Action  string `json:"action"`
	Outcome string `json:"outcome"` // "ok", "denied" or "failed"
	Addr    string `json:"addr"`
	Detail  string `json:"detail,omitempty"`
}

// Bounds of a security event's fields, in bytes: an entry is at most 64
// KiB (ledger.MaxBody), and an event is never dropped for its size — its
// fields are cut instead (security review, issue 20).
const (
	maxEventField  = 128
	maxEventDetail = 4096
)

// audit records a security event in the security log, every field cut to
// its bound (maxUsernameBytes, maxEventField, maxEventDetail). A failure
// to record is logged; the request it describes has already been decided.
func (s *Server) audit(c *fiber.Ctx, user, action, outcome, detail string) {
	if s.cfg.SecurityLog == nil {
		return
	}
	user = truncate(user, maxUsernameBytes)
	ev := SecurityEvent{User: user, Action: truncate(action, maxEventField), Outcome: truncate(outcome, maxEventField),
		Addr: truncate(c.IP(), maxEventField), Detail: truncate(detail, maxEventDetail)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.cfg.SecurityLog.Append(ctx, ledger.Event{Type: "security." + action, Actor: orAnon(user), Data: ev}); err != nil {
		s.cfg.Logger.Error("security log append failed", "action", action, "err", err)
	}
}

func orAnon(user string) string {
	if user == "" {
		return "anonymous"
	}
	return user
}

// securityLog serves GET /api/v1/security-log?start=&limit= to auditors:
// entries with their decoded events, oldest first.
func (s *Server) securityLog(c *fiber.Ctx) error {
	if s.cfg.SecurityLog == nil {
		return fiber.NewError(fiber.StatusNotFound, "no security log on this server")
	}
	start, err := queryInt(c, "start", 0, 0, 1<<62)
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", 100, 1, maxEntriesPage)
	if err != nil {
		return err
	}
	entries := []fiber.Map{}
	err = s.cfg.SecurityLog.Store().ReadRecords(c.UserContext(), start, start+limit, func(r ledger.Record) error {
		e, err := ledger.Decode(r.Body)
		if err != nil {
			return err
		}
		entries = append(entries, fiber.Map{"index": r.Index, "leaf_hash": r.Leaf, "entry": decodedEntry(e)})
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": entries})
}
