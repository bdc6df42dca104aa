package web

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qingdan/ledger"
)

// entryRow is one ledger entry as the explorer lists it.
type entryRow struct {
	Index int64
	Time  string
	Type  string
	Actor string
	Dept  string
}

// ledgerTypes are the explorer's type filters (prefixes of entry types).
var ledgerTypes = []string{"application", "power", "responsibility", "service", "department", "role", "user", "calendar"}

// explorerScan bounds how far back one explorer page looks for entries of
// the chosen type.
const explorerScan = 5000

// ledgerPage serves /ledger: the latest checkpoint and the newest entries,
// optionally of one type, 50 a page going back from ?before=.
func (s *Server) ledgerPage(c *fiber.Ctx) error {
	cp := s.latestCheckpoint(c)
	if cp == nil {
		return s.render(c, "ledger", "ledger", fiber.Map{"Types": ledgerTypes})
	}
	before, err := queryInt(c, "before", cp.Size, 0, cp.Size)
	if err != nil {
		return err
	}
	typ := c.Query("type")
	rows, next := s.scanEntries(c, before, typ, 50)
	more := ""
	if next > 0 {
		more = "/ledger?before=" + strconv.FormatInt(next, 10) + "&type=" + typ
	}
	return s.render(c, "ledger", "ledger", fiber.Map{"CP": cp, "Rows": rows, "Type": typ, "Types": ledgerTypes, "More": more})
}

// scanEntries reads entries before index `before`, newest first, keeping
// those whose type starts with typ, until n are found or explorerScan
// entries were read; it returns where to continue (0 at the start).
func (s *Server) scanEntries(c *fiber.Ctx, before int64, typ string, n int) ([]entryRow, int64) {
	var out []entryRow
	end := before
	for end > 0 && len(out) < n && before-end < explorerScan {
		start := max(end-200, 0)
		var chunk []entryRow
		s.cfg.Ledger.Store().ReadRecords(c.UserContext(), start, end, func(r ledger.Record) error {
			if e, err := ledger.Decode(r.Body); err == nil && strings.HasPrefix(e.Type, typ) {
				chunk = append(chunk, entryRow{r.Index, e.Time.Format("2006-01-02 15:04:05"), e.Type, e.Actor, e.Dept})
			}
			return nil
		})
		for i := len(chunk) - 1; i >= 0; i-- {
			if len(out) == n {
				return out, chunk[i].Index + 1
			}
			out = append(out, chunk[i])
		}
		end = start
	}
	return out, end
}

// entryPage serves /ledger/:index: the decoded entry and the in-browser
// verification of its inclusion in the signed log.
func (s *Server) entryPage(c *fiber.Ctx) error {
	index, err := strconv.ParseInt(c.Params("index"), 10, 64)
	if err != nil || index < 0 {
		return fiber.ErrNotFound
	}
	rec, receipt, e, err := s.entryAt(c, index)
	if err != nil {
		return err
	}
	var pretty bytes.Buffer
	json.Indent(&pretty, e.Data, "", "  ")
	return s.render(c, "entry", "ledger_entry_title", fiber.Map{"E": e, "Index": index, "Leaf": rec.Leaf.String(),
		"Pretty": pretty.String(), "CP": s.latestCheckpoint(c), "Receipt": receipt, "Body": string(rec.Body)})
}

// openDataPage serves /open-data: downloads, the verifier key and how to
// audit.
func (s *Server) openDataPage(c *fiber.Ctx) error {
	l := s.cfg.Ledger
	return s.render(c, "opendata", "open_data", fiber.Map{"Origin": l.Origin(), "Key": l.Key().VerifierKey,
		"CP": s.latestCheckpoint(c), "Host": c.BaseURL(),
		"Files": []string{"powers.csv", "powers.json", "responsibilities.csv", "responsibilities.json", "services.csv", "services.json"}})
}
