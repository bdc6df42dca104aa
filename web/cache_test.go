package web

import (
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestCacheComputesOnceForConcurrentMisses: 32 requests for one list page
// arriving together on a cold cache compute it once and all get it; an
// answer that is not a 200 is computed by each request.
func TestCacheComputesOnceForConcurrentMisses(t *testing.T) {
	s, _ := newDemoServer(t)
	var computed atomic.Int32
	slow := func(c *fiber.Ctx) error {
		computed.Add(1)
		time.Sleep(100 * time.Millisecond)
		if c.Query("missing") != "" {
			return c.Status(fiber.StatusNotFound).SendString("no such item")
		}
		return c.SendString(`{"items":[]}`)
	}
	app := fiber.New()
	app.Get("/list", s.cached(slow))
	get := func(path string) (int, string) {
		resp, err := app.Test(httptest.NewRequest("GET", path, nil), 5000)
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer resp.Body.Close()
		var b [64]byte
		n, _ := resp.Body.Read(b[:])
		return resp.StatusCode, string(b[:n])
	}
	burst := func(path string, wantStatus int, wantBody string) {
		var wg sync.WaitGroup
		for range 32 {
			wg.Go(func() {
				if status, body := get(path); status != wantStatus || body != wantBody {
					t.Errorf("GET %s: %d %q, want %d %q", path, status, body, wantStatus, wantBody)
				}
			})
		}
		wg.Wait()
	}
	burst("/list?q=a", 200, `{"items":[]}`)
	if n := computed.Load(); n != 1 {
		t.Fatalf("32 concurrent misses computed the page %d times, want once", n)
	}
	burst("/list?q=a", 200, `{"items":[]}`) // now from the cache
	if n := computed.Load(); n != 1 {
		t.Fatalf("cached page computed again (%d)", n)
	}
	computed.Store(0)
	burst("/list?missing=1", 404, "no such item")
	if n := computed.Load(); n < 2 {
		t.Fatalf("a 404 was shared (%d computations for 32 requests)", n)
	}
}

// TestCacheKeyIsTheParametersRead (issue 20, finding 10): 3,000 list
// GETs with junk parameters (and the real ones reordered, repeated or
// spelt with their defaults) leave at most a few entries in the cache;
// distinct real parameters still get distinct answers; item pages ignore
// every parameter; and the cache's bytes stay under its bound.
func TestCacheKeyIsTheParametersRead(t *testing.T) {
	s, _ := newDemoServer(t)
	get := func(path string) string {
		t.Helper()
		status, body := send(t, s, "GET", path, creds{}, nil)
		if status != 200 {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
		return string(body)
	}
	first := get("/api/v1/powers")
	for i := range 3000 {
		var path string
		switch i % 3 {
		case 0:
			path = fmt.Sprintf("/api/v1/powers?junk%d=%d", i, i)
		case 1:
			path = fmt.Sprintf("/api/v1/powers?page=1&per_page=20&utm=%d", i)
		default:
			path = fmt.Sprintf("/api/v1/powers/XK-SCJG-001?v=%d", i)
		}
		get(path)
	}
	if n := s.cache.len(); n > 4 {
		t.Fatalf("got %d cache entries after 3,000 junk GETs, want at most 4", n)
	}
	if got := get("/api/v1/powers?x=1"); got != first {
		t.Errorf("a junk parameter changed the answer")
	}
	answers := map[string]string{}
	for _, p := range []string{"/api/v1/powers?category=XK", "/api/v1/powers?category=CF", "/api/v1/powers?per_page=5",
		"/api/v1/powers?per_page=5&page=2", "/api/v1/powers?dept=scjg", "/api/v1/powers?q=许可", "/api/v1/powers?status=repealed"} {
		body := get(p)
		for q, other := range answers {
			if other == body {
				t.Errorf("GET %s answered the same as %s", p, q)
			}
		}
		answers[p] = body
	}
	for i := range 2000 { // distinct real searches: bounded by bytes
		get(fmt.Sprintf("/api/v1/powers?per_page=100&q=%d", i))
	}
	if b := s.cache.bytes(); b > maxCachedBytes {
		t.Errorf("cache holds %d bytes, want at most %d", b, maxCachedBytes)
	}
}

// The list cache drops the least recently used answers first, and keeps
// its byte count equal to the bodies it holds however they leave.
func TestListCacheEvictsLeastRecentlyUsed(t *testing.T) {
	lc := newListCache()
	body := make([]byte, maxCachedBytes/16)
	for i := range 16 {
		lc.put(fmt.Sprint("k", i), 1, body)
	}
	if _, ok := lc.get("k0", 1); !ok {
		t.Fatal("k0 not cached while the cache is within its bytes")
	}
	lc.put("k16", 1, body) // over the byte budget: the oldest unused (k1) goes
	if _, ok := lc.get("k1", 1); ok {
		t.Error("k1, the least recently used, is still cached")
	}
	if _, ok := lc.get("k0", 1); !ok {
		t.Error("k0, used recently, was dropped")
	}
	lc.put("k0", 2, body[:10]) // a new version replaces the old body
	want := 0
	for _, k := range lc.entries.Keys() {
		e, _ := lc.entries.Peek(k)
		want += len(e.body)
	}
	if lc.bytes() != want || lc.bytes() > maxCachedBytes {
		t.Errorf("bytes %d, the bodies held %d (budget %d)", lc.bytes(), want, maxCachedBytes)
	}
	if _, ok := lc.get("k0", 1); ok {
		t.Error("an old version of k0 is served")
	}
}
