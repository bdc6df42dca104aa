package web

import (
	"errors"
	"fmt"
	"io"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/sync/semaphore"
)

// Request bodies (issue 20, finding 1). The server streams every body
// (fiber.Config.StreamRequestBody): fasthttp reads at most 8 KiB of it
// before a handler runs and never reserves the announced length. Each
// route then takes its body through bodyGate, which
//
//   - refuses a Content-Encoding (415: nothing here takes compressed
//     bodies, and decompressing one is a bomb) and a Content-Length over
//     the route's limit (413) before reading a byte of it;
//   - reads the body into the request through that limit (413 once a
//     chunked body passes it), taking the memory it holds from one budget
//     shared by every connection, in steps as the bytes arrive, and gives
//     it back when the request is answered; when the budget is spent the
//     request is refused with 503 and Retry-After;
//   - closes the connection after a refusal, so that the unread rest of a
//     body is never taken for the next request.
//
// Routes with a larger limit (bodyLimits) must announce their length
// (411 otherwise) and are read only after their guard: an anonymous
// client cannot make the server hold megabytes for a route it may not
// use. Uploads (streamed) are not read into memory at all: their handler
// copies the stream to a file with streamBody.

// defaultBodyLimit bounds the body of every route not in bodyLimits: a
// form or JSON object of at most one ledger entry (64 KiB) with its text
// percent-encoded (a Chinese character is 9 bytes in a form).
const defaultBodyLimit = 256 << 10

// defaultBodyBudget bounds the bytes of request bodies held in memory
// across all connections (Config.BodyBudget).
const defaultBodyBudget = 64 << 20

// bodyStep is how much of the budget a body takes at a time, and the
// buffer an upload is copied through.
const bodyStep = 32 << 10

// bodyRule is what a route accepts as its body.
type bodyRule struct {
	limit    int  // bytes
	streamed bool // the handler reads the stream itself (streamBody)
}

// errBodyBudget: the bytes in flight across all connections are at the
// budget; statusOf answers 503.
var errBodyBudget = errors.New("the server is receiving too much data at once; try again shortly")

// errBodyRead: the client stopped sending before the announced end.
var errBodyRead = fiber.NewError(fiber.StatusBadRequest, "the request body ended before its announced length")

// bodyConsumed marks, in c.Locals, that the body was read to its end.
const bodyConsumed = "web.body-consumed"

// bodyHandlers are the handlers of a route's body: before runs ahead of
// the guard, after (if not nil) behind it.
func (s *Server) bodyHandlers(pattern string) (before, after fiber.Handler) {
	rule, big := bodyLimits[pattern]
	if !big {
		rule = bodyRule{limit: defaultBodyLimit}
	}
	read := func(c *fiber.Ctx) error { return s.readBody(c, rule.limit) }
	if !big {
		return func(c *fiber.Ctx) error {
			if err := checkBody(c, rule, false); err != nil {
				return err
			}
			return read(c)
		}, nil
	}
	check := func(c *fiber.Ctx) error {
		if err := checkBody(c, rule, true); err != nil {
			return err
		}
		return c.Next()
	}
	if rule.streamed {
		return check, nil
	}
	return check, read
}

// checkBody refuses, before reading, what the headers already show to be
// unacceptable.
func checkBody(c *fiber.Ctx, rule bodyRule, mustKnowLength bool) error {
	n := c.Request().Header.ContentLength()
	switch enc := c.Get(fiber.HeaderContentEncoding); {
	case enc != "" && enc != "identity":
		return refuseBody(c, fiber.NewError(fiber.StatusUnsupportedMediaType, "request bodies are not accepted with a Content-Encoding"))
	case n > rule.limit:
		return refuseBody(c, tooLarge(rule.limit))
	case n == -1 && mustKnowLength:
		return refuseBody(c, fiber.NewError(fiber.StatusLengthRequired, "this route needs a Content-Length"))
	}
	return nil
}

func tooLarge(limit int) error {
	return fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is over this route's limit of %s", sizeText(limit)))
}

func sizeText(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// refuseBody answers err and closes the connection: the rest of the body
// is not read.
func refuseBody(c *fiber.Ctx, err error) error {
	c.Set(fiber.HeaderConnection, "close")
	if errors.Is(err, errBodyBudget) {
		c.Set(fiber.HeaderRetryAfter, "5")
	}
	return err
}

// readBody reads the whole body (at most limit bytes) into the request,
// holding the budget for it until the rest of the chain has answered.
func (s *Server) readBody(c *fiber.Ctx, limit int) error {
	n := c.Request().Header.ContentLength()
	if n == 0 || c.Context().RequestBodyStream() == nil {
		c.Locals(bodyConsumed, true)
		return c.Next()
	}
	buf, held, err := s.readLimited(c.Context().RequestBodyStream(), n, limit)
	defer s.budget.Release(held)
	if err != nil {
		return refuseBody(c, err)
	}
	c.Request().SetBodyRaw(buf)
	c.Locals(bodyConsumed, true)
	return c.Next()
}

// readLimited reads r to its end into a buffer that grows as bytes arrive
// (never to more than announced, if announced, or limit), taking each
// growth from the budget first. held is what it took, to be released
// by the caller, also on error.
func (s *Server) readLimited(r io.Reader, announced, limit int) (buf []byte, held int64, err error) {
	ceiling := limit + 1 // one byte more shows a chunked body over the limit
	if announced >= 0 {
		ceiling = announced
	}
	for {
		if len(buf) == cap(buf) {
			if len(buf) >= ceiling {
				if announced < 0 {
					return nil, held, tooLarge(limit)
				}
				return buf, held, nil
			}
			size := min(max(2*cap(buf), bodyStep), ceiling)
			if !s.budget.TryAcquire(int64(size - cap(buf))) {
				return nil, held, errBodyBudget
			}
			held += int64(size - cap(buf))
			buf = append(make([]byte, 0, size), buf...)
		}
		m, rerr := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		switch {
		case rerr == io.EOF && (announced < 0 || len(buf) == announced):
			return buf, held, nil
		case rerr == io.EOF || errors.Is(rerr, io.ErrUnexpectedEOF):
			return nil, held, errBodyRead
		case rerr != nil:
			return nil, held, fmt.Errorf("%w: %v", errBodyRead, rerr)
		}
	}
}

// streamBody copies a streamed route's body (checked by bodyGate: its
// length is announced and within its limit) to w through one buffer taken
// from the budget, and returns how many bytes it copied.
func (s *Server) streamBody(c *fiber.Ctx, w io.Writer) (int64, error) {
	n := c.Request().Header.ContentLength()
	r := c.Context().RequestBodyStream()
	if n == 0 || r == nil {
		c.Locals(bodyConsumed, true)
		return 0, nil
	}
	if !s.budget.TryAcquire(bodyStep) {
		return 0, refuseBody(c, errBodyBudget)
	}
	defer s.budget.Release(bodyStep)
	copied, err := io.CopyBuffer(w, io.LimitReader(r, int64(n)), make([]byte, bodyStep))
	if err != nil {
		return copied, refuseBody(c, fmt.Errorf("%w: %v", errBodyRead, err))
	}
	if copied != int64(n) {
		return copied, refuseBody(c, errBodyRead)
	}
	c.Locals(bodyConsumed, true)
	return copied, nil
}

// closeUnread runs first on every request: a request whose body was not
// read to its end (a 404, a refusal by the rate limit or a guard) is
// answered with the connection closed.
func closeUnread(c *fiber.Ctx) error {
	err := c.Next()
	if n := c.Request().Header.ContentLength(); (n > 0 || n == -1) && c.Locals(bodyConsumed) == nil {
		c.Set(fiber.HeaderConnection, "close")
	}
	return err
}

// newBodyBudget is the semaphore of Config.BodyBudget bytes.
func newBodyBudget(n int64) *semaphore.Weighted {
	if n <= 0 {
		n = defaultBodyBudget
	}
	return semaphore.NewWeighted(n)
}
