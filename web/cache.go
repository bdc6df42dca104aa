package web

import (
	"sync"

	"github.com/gofiber/fiber/v2"
)

// listCache keeps the bodies of successful list and item responses for as
// long as the lists do not change: each is stored with the lists' version
// (the highest ledger index of a list change) and served only while that
// is still current. Busy portals ask the same few questions again and
// again; answering from memory is what lets the list API sustain load.
type listCache struct {
	mu      sync.RWMutex
	entries map[string]cachedBody
}

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
		if err := h(c); err != nil {
			return err
		}
		if c.Response().StatusCode() == fiber.StatusOK {
			s.cache.put(key, version, append([]byte(nil), c.Response().Body()...))
		}
		return nil
	}
}
