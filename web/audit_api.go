package web

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/witness"
)

// maxCosignedCheckpoint bounds a submitted cosigned checkpoint: the
// checkpoint, the log's signature and a few dozen cosignature lines.
const maxCosignedCheckpoint = 16 << 10

// tile serves C2SP tlog-tiles: hash tiles /tile/<L>/<N>[.p/<W>] and entry
// bundles /tile/entries/<N>[.p/<W>]. Full tiles never change and are
// cached for a year; partial ones until the next checkpoint.
func (s *Server) tile(c *fiber.Ctx) error {
	t, err := ledger.ParseTilePath("tile/" + c.Params("*"))
	if err != nil {
		return err
	}
	sc, err := s.cfg.Ledger.Store().LatestCheckpoint(c.UserContext())
	if err != nil {
		return err
	}
	b, err := ledger.ReadTile(c.UserContext(), s.cfg.Ledger.Store(), sc.Size, t)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	if t.W == ledger.TileWidth {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	return c.Send(b)
}

// submitCosignature takes a checkpoint the log issued with cosignatures
// (C2SP tlog-cosignature/v1) by configured witnesses, and stores them.
func (s *Server) submitCosignature(c *fiber.Ctx) error {
	if s.cfg.Cosignatures == nil || len(s.cfg.Witnesses) == 0 {
		return fiber.NewError(fiber.StatusNotFound, "this log has no witnesses configured")
	}
	if len(c.Body()) > maxCosignedCheckpoint {
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, "a cosigned checkpoint is at most 16 KiB")
	}
	l := s.cfg.Ledger
	acc, err := witness.Accept(c.Body(), l.Origin(), l.Key().Verifier, s.cfg.Witnesses,
		func(size int64) ([]byte, error) { return s.issuedCheckpoint(c.UserContext(), size) }, time.Now())
	if errors.Is(err, ledger.ErrBadSignature) {
		return badRequestf("%v", err)
	}
	if err != nil {
		return err
	}
	stored := make([]store.StoredCosignature, len(acc.Cosignatures))
	names := make([]string, len(acc.Cosignatures))
	for i, cs := range acc.Cosignatures {
		stored[i] = store.StoredCosignature{Size: acc.Checkpoint.Size, Witness: cs.Witness, KeyHash: cs.KeyHash, SignedAt: cs.Time, Line: cs.Line}
		names[i] = cs.Witness
	}
	added, err := s.cfg.Cosignatures.Add(c.UserContext(), stored)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"size": acc.Checkpoint.Size, "witnesses": names, "new": added})
}

// checkpointReader is what a store offers to read one checkpoint by size.
type checkpointReader interface {
	Checkpoint(ctx context.Context, size int64) ([]byte, error)
}

// issuedCheckpoint returns the signed checkpoint the log stored at size.
func (s *Server) issuedCheckpoint(ctx context.Context, size int64) ([]byte, error) {
	if r, ok := s.cfg.Ledger.Store().(checkpointReader); ok {
		return r.Checkpoint(ctx, size)
	}
	var found []byte
	err := s.cfg.Ledger.Store().ReadCheckpoints(ctx, func(sc ledger.SignedCheckpoint) error {
		if sc.Size == size {
			found = sc.Note
		}
		return nil
	})
	if err == nil && found == nil {
		err = ledger.ErrNotFound
	}
	return found, err
}

// withCosignatures appends the stored cosignature lines of size to note.
func (s *Server) withCosignatures(ctx context.Context, note []byte, size int64) ([]byte, error) {
	if s.cfg.Cosignatures == nil {
		return note, nil
	}
	lines, err := s.cfg.Cosignatures.Lines(ctx, size)
	if err != nil {
		return nil, err
	}
	return witness.AppendCosignatures(note, lines), nil
}

// cosignedCheckpoint serves the largest checkpoint that witnesses have
// cosigned, with their cosignatures.
func (s *Server) cosignedCheckpoint(c *fiber.Ctx) error {
	if s.cfg.Cosignatures == nil {
		return fiber.NewError(fiber.StatusNotFound, "this log has no witnesses configured")
	}
	size, err := s.cfg.Cosignatures.LatestCosigned(c.UserContext())
	if err != nil {
		return err
	}
	note, err := s.issuedCheckpoint(c.UserContext(), size)
	if err != nil {
		return err
	}
	if note, err = s.withCosignatures(c.UserContext(), note, size); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Send(note)
}

// roleGrants serves every role grant in force to those who read grants
// (the auditor, the secadmin): it lets an auditor compare the policy in
// force with a replay of the ledger. It is not public, so that the list
// of every official's username is not one request away (security review,
// issue 20).
func (s *Server) roleGrants(c *fiber.Ctx) error {
	if s.cfg.Accounts == nil || s.cfg.Accounts.Directory == nil {
		return fiber.NewError(fiber.StatusNotFound, "no accounts on this server")
	}
	grants, err := s.cfg.Accounts.Directory.Grants(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": grants, "total": len(grants)})
}
