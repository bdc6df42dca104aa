package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"qingdan/ledger"
)

// verifyJob is the auditors' full verification, run in the background
// (one at a time) with its progress.
type verifyJob struct {
	mu       sync.Mutex
	state    verifyState
	progress func(int64)
}

// verifyState is what the audit page shows of the job.
type verifyState struct {
	Running  bool   `json:"running"`
	Done     int64  `json:"done"`
	Total    int64  `json:"total"`
	OK       bool   `json:"ok"`
	Result   string `json:"result"`
	By       string `json:"by"`
	Started  string `json:"started"`
	Finished string `json:"finished"`
}

func (j *verifyJob) snapshot() verifyState {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.state
}

// start begins a verification unless one is running; it reports whether
// it started one.
func (j *verifyJob) start(by string, total int64, run func(progress func(int64)) (string, bool)) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state.Running {
		return false
	}
	j.state = verifyState{Running: true, Total: total, By: by, Started: time.Now().Format(time.DateTime)}
	go func() {
		result, ok := run(func(n int64) {
			j.mu.Lock()
			j.state.Done = n
			j.mu.Unlock()
		})
		j.mu.Lock()
		j.state.Running, j.state.OK, j.state.Result = false, ok, result
		j.state.Finished = time.Now().Format(time.DateTime)
		if ok {
			j.state.Done = j.state.Total
		}
		j.mu.Unlock()
	}()
	return true
}

// auditPage serves /audit: chain status, the verification, the security
// log and the exports.
func (s *Server) auditPage(c *fiber.Ctx) error {
	return s.render(c, "audit", "audit", fiber.Map{"CP": s.latestCheckpoint(c), "Job": s.verifyJob.snapshot(),
		"SecLog": s.recentSecurityEvents(c, 50), "Origin": s.cfg.Ledger.Origin()})
}

// securityRow is one security log entry as the audit page lists it.
type securityRow struct {
	Index int64
	Time  string
	SecurityEvent
}

func (s *Server) recentSecurityEvents(c *fiber.Ctx, n int64) []securityRow {
	if s.cfg.SecurityLog == nil {
		return nil
	}
	_, cp, err := s.cfg.SecurityLog.Latest(c.UserContext())
	if err != nil {
		return nil
	}
	var out []securityRow
	s.cfg.SecurityLog.Store().ReadRecords(c.UserContext(), max(cp.Size-n, 0), cp.Size, func(r ledger.Record) error {
		e, err := ledger.Decode(r.Body)
		if err != nil {
			return nil
		}
		row := securityRow{Index: r.Index, Time: e.Time.Format(time.DateTime)}
		json.Unmarshal(e.Data, &row.SecurityEvent)
		out = append(out, row)
		return nil
	})
	return reversed(out)
}

// auditVerify serves POST /audit/verify: start the full verification of
// the ledger (and the security log) in the background.
func (s *Server) auditVerify(c *fiber.Ctx) error {
	_, cp, err := s.cfg.Ledger.Latest(c.UserContext())
	if err != nil {
		return err
	}
	logs := []*ledger.Log{s.cfg.Ledger}
	if s.cfg.SecurityLog != nil {
		logs = append(logs, s.cfg.SecurityLog)
	}
	actor := actorOf(c)
	if s.verifyJob.start(actor, cp.Size, func(progress func(int64)) (string, bool) { return verifyLogs(logs, progress) }) {
		s.audit(c, actor, "ledger.verify", "ok", "full verification started")
	}
	return c.Redirect("/audit#verification", fiber.StatusSeeOther)
}

// verifyLogs verifies each log in full; progress counts the main log.
func verifyLogs(logs []*ledger.Log, progress func(int64)) (string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	var summary string
	for i, l := range logs {
		p := progress
		if i > 0 {
			p = nil
		}
		rep, err := ledger.Verify(ctx, l.Store(), l.Origin(), l.Key().Verifier, p)
		if err != nil {
			return fmt.Sprintf("%s: %v", l.Origin(), err), false
		}
		summary += fmt.Sprintf("%s: %d entries, %d checkpoints, root %s (%s). ", l.Origin(), rep.Size, rep.Checkpoints, rep.Root, rep.Took.Round(time.Millisecond))
	}
	return summary, true
}

// auditVerifyStatus serves GET /audit/verify: the job's progress as JSON
// (the page's script polls it).
func (s *Server) auditVerifyStatus(c *fiber.Ctx) error {
	return c.JSON(s.verifyJob.snapshot())
}

// auditExport serves GET /audit/export?log=ledger|security: every entry
// as JSON Lines {"index","body","leaf_hash"}, streamed.
func (s *Server) auditExport(c *fiber.Ctx) error {
	l, name := s.cfg.Ledger, "ledger"
	if c.Query("log") == "security" {
		if s.cfg.SecurityLog == nil {
			return fiber.ErrNotFound
		}
		l, name = s.cfg.SecurityLog, "security-log"
	}
	_, cp, err := l.Latest(c.UserContext())
	if err != nil {
		return err
	}
	s.audit(c, actorOf(c), "ledger.export", "ok", name)
	c.Set(fiber.HeaderContentType, "application/jsonl")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-%d.jsonl"`, name, cp.Size))
	store, size := l.Store(), cp.Size
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		enc := json.NewEncoder(w)
		store.ReadRecords(context.Background(), 0, size, func(r ledger.Record) error {
			return enc.Encode(entryJSON{Index: r.Index, Body: r.Body, LeafHash: r.Leaf})
		})
		w.Flush()
	})
	return nil
}
