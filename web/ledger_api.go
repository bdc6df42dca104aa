package web

import (
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// maxEntriesPage bounds ?limit= of the entries listing.
const maxEntriesPage = 1000

func (s *Server) healthz(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) }

func (s *Server) readyz(c *fiber.Ctx) error {
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(c.UserContext()); err != nil {
			s.cfg.Logger.Warn("not ready", "err", err)
			return fiber.NewError(fiber.StatusServiceUnavailable, "not ready")
		}
	}
	return c.JSON(fiber.Map{"status": "ready"})
}

func (s *Server) checkpoint(c *fiber.Ctx) error {
	sc, err := s.cfg.Ledger.Store().LatestCheckpoint(c.UserContext())
	if err != nil {
		return err
	}
	note, err := s.withCosignatures(c.UserContext(), sc.Note, sc.Size)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Send(note)
}

func (s *Server) ledgerKey(c *fiber.Ctx) error {
	l := s.cfg.Ledger
	return c.JSON(fiber.Map{"origin": l.Origin(), "verifier_key": l.Key().VerifierKey})
}

// queryInt reads an integer query parameter in [lo, hi], or def when absent.
func queryInt(c *fiber.Ctx, name string, def, lo, hi int64) (int64, error) {
	text := c.Query(name)
	if text == "" {
		if def < lo {
			return 0, badRequestf("query parameter %q is required", name)
		}
		return def, nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, badRequestf("query parameter %q must be a whole number, got %q", name, text)
	}
	if n < lo || n > hi {
		return 0, badRequestf("query parameter %q must be between %d and %d, got %d", name, lo, hi, n)
	}
	return n, nil
}

const required = -1 << 62

type entryJSON struct {
	Index    int64     `json:"index"`
	Body     []byte    `json:"body"` // base64 of the exact bytes
	LeafHash tlog.Hash `json:"leaf_hash"`
}

func (s *Server) ledgerEntries(c *fiber.Ctx) error {
	start, err := queryInt(c, "start", 0, 0, 1<<62)
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", 100, 1, maxEntriesPage)
	if err != nil {
		return err
	}
	size := int64(0)
	if sc, err := s.cfg.Ledger.Store().LatestCheckpoint(c.UserContext()); err == nil {
		size = sc.Size
	}
	entries := []entryJSON{}
	end := min(start+limit, size)
	if start < end {
		err = s.cfg.Ledger.Store().ReadRecords(c.UserContext(), start, end, func(r ledger.Record) error {
			entries = append(entries, entryJSON{Index: r.Index, Body: r.Body, LeafHash: r.Leaf})
			return nil
		})
	}
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": entries, "size": size})
}

func (s *Server) ledgerEntry(c *fiber.Ctx) error {
	index, err := strconv.ParseInt(c.Params("index"), 10, 64)
	if err != nil || index < 0 {
		return badRequestf("entry index must be a whole number ≥ 0, got %q", c.Params("index"))
	}
	rec, receipt, e, err := s.entryAt(c, index)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"index": rec.Index, "body": rec.Body, "leaf_hash": rec.Leaf,
		"entry": decodedEntry(e), "receipt": receipt})
}

// decodedEntry is the entry's fields as JSON, for people and pages.
func decodedEntry(e *ledger.Entry) fiber.Map {
	return fiber.Map{"v": 1, "index": e.Index, "time": e.Time.Format(ledger.TimeFormat), "type": e.Type,
		"actor": e.Actor, "dept": e.Dept, "prev": e.Prev, "data": json.RawMessage(e.Data)}
}

func (s *Server) inclusionProof(c *fiber.Ctx) error {
	index, err := queryInt(c, "index", required, 0, 1<<62)
	if err != nil {
		return err
	}
	size, err := queryInt(c, "size", required, 1, 1<<62)
	if err != nil {
		return err
	}
	proof, err := s.cfg.Ledger.InclusionProof(c.UserContext(), index, size)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"index": index, "size": size, "hashes": hashesOrEmpty(proof)})
}

func (s *Server) consistencyProof(c *fiber.Ctx) error {
	from, err := queryInt(c, "from", required, 1, 1<<62)
	if err != nil {
		return err
	}
	to, err := queryInt(c, "to", required, 1, 1<<62)
	if err != nil {
		return err
	}
	proof, err := s.cfg.Ledger.ConsistencyProof(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"from": from, "to": to, "hashes": hashesOrEmpty(proof)})
}

func hashesOrEmpty(hs []tlog.Hash) []tlog.Hash {
	if hs == nil {
		return []tlog.Hash{}
	}
	return hs
}

// entryAt reads the entry at index with its receipt, decoded: what the
// API and the entry page both show.
func (s *Server) entryAt(c *fiber.Ctx, index int64) (ledger.Record, *ledger.Receipt, *ledger.Entry, error) {
	rec, receipt, err := s.cfg.Ledger.Entry(c.UserContext(), index)
	if err != nil {
		return ledger.Record{}, nil, nil, err
	}
	e, err := ledger.Decode(rec.Body)
	return rec, receipt, e, err
}
