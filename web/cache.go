package web

import (
	"errors"
	"strconv"
	"sync"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/sync/singleflight"
)

// listCache keeps the bodies of successful list and item responses for as
// long as the lists do not change: each is stored with the lists' version
// (the highest ledger index of a list change) and served only while that
// is still current. Busy portals ask the same few questions again and
// again; answering from memory is what lets the list API sustain load.
type listCache struct {
	mu      sync.RWMutex
	entries map[string]cachedBody
	// flight makes concurrent misses of one key and version wait for one
	// computation: after a list change a busy portal would otherwise
	// compute the same search once per waiting connection.
	flight singleflight.Group
}

// errUncacheable: the first request's answer was not a 200 (e.g. 404); the
// requests that waited for it compute their own.
var errUncacheable = errors.New("web: answer not cacheable")

type cachedBody struct {
	version int64
	body    []byte
}

// maxCached bounds the cache; when full it starts afresh.
const maxCached = 4096

func (lc *listCache) get(key string, version int64) ([]byte, bool) {
	lc.mu.RLock()
	defer lc.mu.RUnlock()
	e, ok := lc.entries[key]
	return e.body, ok && e.version == version
}

func (lc *listCache) put(key string, version int64, body []byte) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lc.entries == nil || len(lc.entries) >= maxCached {
		lc.entries = make(map[string]cachedBody)
	}
	lc.entries[key] = cachedBody{version: version, body: body}
}

// cached wraps a GET handler of the lists with the cache.
func (s *Server) cached(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		version, err := s.cfg.Catalog.Version(c.UserContext())
		if err != nil {
			return err
		}
		key := c.OriginalURL()
		if body, ok := s.cache.get(key, version); ok {
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
			return c.Send(body)
		}
		leader := false
		body, err, _ := s.cache.flight.Do(key+"\x00"+strconv.FormatInt(version, 10), func() (any, error) {
			leader = true
			if err := h(c); err != nil {
				return nil, err
			}
			if c.Response().StatusCode() != fiber.StatusOK {
				return nil, errUncacheable
			}
			body := append([]byte(nil), c.Response().Body()...)
			s.cache.put(key, version, body)
			return body, nil
		})
		switch {
		case leader && errors.Is(err, errUncacheable):
			return nil // its own answer is already in c
		case leader:
			return err
		case err != nil:
			return h(c) // the first request failed: answer this one afresh
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(body.([]byte))
	}
}
