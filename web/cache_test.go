package web

import (
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
