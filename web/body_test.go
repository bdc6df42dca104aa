package web

import (
	"bytes"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// bodyAnswer posts body to path (chunked if chunked) and returns the status,
// whether the connection was closed, the Retry-After and the answer.
func bodyAnswer(t *testing.T, s *Server, path string, body []byte, chunked bool, header map[string]string) (int, bool, string, string) {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	if chunked {
		r = io.MultiReader(bytes.NewReader(body)) // no length known: sent chunked
	}
	req := httptest.NewRequest("POST", path, r)
	if chunked {
		req.ContentLength = -1
		req.TransferEncoding = []string{"chunked"}
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Close || resp.Header.Get("Connection") == "close", resp.Header.Get("Retry-After"), string(b)
}

// TestBodiesAreReadThroughTheirRouteLimit (issue 20, finding 1): an
// ordinary route takes at most defaultBodyLimit, announced or chunked;
// a compressed body is refused; the large routes need a length; every
// refusal closes the connection and is problem+json; a body within the
// limit still reaches its handler.
func TestBodiesAreReadThroughTheirRouteLimit(t *testing.T) {
	s, _ := newDemoServer(t)
	big := []byte(`{"summary":"` + strings.Repeat("x", defaultBodyLimit) + `"}`)
	cases := []struct {
		name    string
		path    string
		body    []byte
		chunked bool
		header  map[string]string
		want    int
		closed  bool
	}{
		{"small JSON reaches the handler", "/api/v1/applications", []byte(`{"service_code":"none"}`), false, nil, 422, false},
		{"small chunked JSON reaches the handler", "/api/v1/applications", []byte(`{"service_code":"none"}`), true, nil, 422, false},
		{"announced over the limit", "/api/v1/applications", big, false, nil, 413, true},
		{"chunked over the limit", "/api/v1/applications", big, true, nil, 413, true},
		{"compressed", "/api/v1/applications", []byte("x"), false, map[string]string{"Content-Encoding": "gzip"}, 415, true},
		{"import without a length", "/api/v1/import?name=a.csv", []byte("a,b"), true, nil, 411, true},
		{"import over its limit", "/api/v1/import?name=a.csv", make([]byte, 16<<20+1), false, nil, 413, true},
		{"import, anonymous, within its limit", "/api/v1/import?name=a.csv", make([]byte, 1<<20), false, nil, 401, true},
		{"upload over its limit", "/api/v1/materials", make([]byte, 10<<20+1), false, nil, 413, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, closed, _, body := bodyAnswer(t, s, tc.path, tc.body, tc.chunked, tc.header)
			if status != tc.want || closed != tc.closed {
				t.Fatalf("got %d (closed %v) %.200s, want %d (closed %v)", status, closed, body, tc.want, tc.closed)
			}
			if status >= 400 && !strings.Contains(body, `"status":`) {
				t.Errorf("got %q, want problem+json", body)
			}
		})
	}
}

// TestBodyBudgetIsShared (issue 20, finding 1): once the bodies in memory
// reach Config.BodyBudget, a further body is refused with 503 and
// Retry-After, and the budget comes back when the bodies are answered.
func TestBodyBudgetIsShared(t *testing.T) {
	s, _ := newDemoServerWith(t, func(c *Config) { c.BodyBudget = 128 << 10 })
	if !s.budget.TryAcquire(100 << 10) { // bodies of requests in flight
		t.Fatal("budget smaller than configured")
	}
	body := []byte(`{"summary":"` + strings.Repeat("x", 60<<10) + `"}`)
	status, closed, retry, answer := bodyAnswer(t, s, "/api/v1/applications", body, false, nil)
	if status != 503 || !closed || retry == "" || !strings.Contains(answer, "too much data") {
		t.Fatalf("over the budget: got %d closed=%v Retry-After=%q %s, want 503, closed, Retry-After", status, closed, retry, answer)
	}
	s.budget.Release(100 << 10)
	for range 3 { // the refused and the answered bodies gave their share back
		if status, _, _, answer := bodyAnswer(t, s, "/api/v1/applications", body, false, nil); status != 422 {
			t.Fatalf("within the budget: got %d %s, want 422", status, answer)
		}
	}
	if !s.budget.TryAcquire(128 << 10) {
		t.Error("the budget was not given back whole")
	}
}

// TestRefusedBodiesOnPagesSpeakTheirLanguage: a form too large for its
// route answers the page of its status in the visitor's language, with
// none of the API's English detail.
func TestRefusedBodiesOnPagesSpeakTheirLanguage(t *testing.T) {
	s, _ := newDemoServer(t)
	form := "number=QD1&query_code=" + strings.Repeat("x", defaultBodyLimit)
	for _, tc := range []struct{ lang, want string }{{"", "提交的内容过大"}, {"en", "Too large"}} {
		req := httptest.NewRequest("POST", "/progress?lang="+tc.lang, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := s.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 413 || !strings.Contains(string(b), tc.want) || strings.Contains(string(b), "route's limit") {
			t.Errorf("lang %q: got %d, want 413 with %q and no API detail", tc.lang, resp.StatusCode, tc.want)
		}
	}
}
