package web

import (
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/sync/singleflight"
)

// listCache keeps the bodies of successful list and item responses for as
// long as the lists do not change: each is stored with the lists' version
// (the highest ledger index of a list change) and served only while that
// is still current. Busy portals ask the same few questions again and
// again; answering from memory is what lets the list API sustain load.
//
// An entry's key is the path and the list parameters as the handler reads
// them (cacheKey), never the raw URL: junk parameters, their order and
// spelt-out defaults do not make new entries (docs/security.md). The
// cache holds at most maxCached entries and maxCachedBytes of bodies,
// dropping the least recently used first (hashicorp/golang-lru).
type listCache struct {
	mu      sync.Mutex
	entries *simplelru.LRU[string, *cachedBody]
	size    int // bytes of the bodies held
	// flight makes concurrent misses of one key and version wait for one
	// computation: after a list change a busy portal would otherwise
	// compute the same search once per waiting connection.
	flight singleflight.Group
}

// errUncacheable: the first request's answer was not a 200 (e.g. 404); the
// requests that waited for it compute their own.
var errUncacheable = errors.New("web: answer not cacheable")

type cachedBody struct {
	key     string
	version int64
	body    []byte
}

// maxCached and maxCachedBytes bound the cache.
const (
	maxCached      = 4096
	maxCachedBytes = 32 << 20
)

func newListCache() *listCache {
	lc := &listCache{}
	lc.entries, _ = simplelru.NewLRU(maxCached, func(_ string, e *cachedBody) { lc.size -= len(e.body) })
	return lc
}

func (lc *listCache) get(key string, version int64) ([]byte, bool) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	e, ok := lc.entries.Get(key)
	if !ok || e.version != version {
		return nil, false
	}
	return e.body, true
}

func (lc *listCache) put(key string, version int64, body []byte) {
	if len(body) > maxCachedBytes/8 {
		return // one answer may not push out most of the others
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	lc.entries.Remove(key)
	lc.entries.Add(key, &cachedBody{key: key, version: version, body: body})
	lc.size += len(body)
	for lc.size > maxCachedBytes {
		lc.entries.RemoveOldest()
	}
}

func (lc *listCache) len() int {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return lc.entries.Len()
}

func (lc *listCache) bytes() int {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return lc.size
}

// cacheKey is what a cached answer depends on: the path, and for a list
// (a route without parameters) the list parameters as listQuery reads
// them. ok is false for parameters listQuery refuses (not cached).
func cacheKey(c *fiber.Ctx) (string, bool) {
	if len(c.Route().Params) > 0 { // an item: only its path counts
		return c.Path(), true
	}
	q, err := listQuery(c, "")
	if err != nil {
		return "", false
	}
	// %#v quotes every field, and takes in any field ListQuery gains.
	return fmt.Sprintf("%s\x00%#v", c.Path(), q), true
}

// cached wraps a GET handler of the lists with the cache.
func (s *Server) cached(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		version, err := s.cfg.Catalog.Version(c.UserContext())
		if err != nil {
			return err
		}
		key, ok := cacheKey(c)
		if !ok {
			return h(c)
		}
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
