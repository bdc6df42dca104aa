package web

import (
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"qingdan/web/i18n"
)

// getPage fetches a page, optionally with a cookie header, and returns the
// status and body.
func getPage(t *testing.T, s *Server, path, cookie string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// idNumber and phone patterns: no public page may show one.
var (
	residentIDPattern = regexp.MustCompile(`\b\d{17}[\dXx]\b`)
	mobilePattern     = regexp.MustCompile(`\b1[3-9]\d{9}\b`)
)

func checkNoPersonalData(t *testing.T, path, body string) {
	t.Helper()
	if m := residentIDPattern.FindString(body); m != "" {
		t.Errorf("%s shows something like a resident ID: %s", path, m)
	}
	if m := mobilePattern.FindString(body); m != "" {
		t.Errorf("%s shows something like a mobile number: %s", path, m)
	}
}

// TestPublicPages: every public page in both languages, the remembered
// language and the error pages, on one demo county.
func TestPublicPages(t *testing.T) {
	s, _ := newDemoServer(t)
	t.Run("language remembered", func(t *testing.T) { testLanguageIsRemembered(t, s) })
	t.Run("error pages", func(t *testing.T) { testErrorPages(t, s) })
	t.Run("current section", func(t *testing.T) { testCurrentSection(t, s) })
	pages := []struct {
		path   string
		zh, en string
	}{
		{"/", "三张清单一张网", "Three lists, one network"},
		{"/powers", "权力清单", "Power list"},
		{"/powers?category=CF", "行政处罚", "Administrative penalty"},
		{"/responsibilities", "追责情形", "Accountability"},
		{"/services", "政务服务", "Public services"},
		{"/services?audience=legal_person", "法人办事", "For organisations"},
		{"/departments", "实施部门", "Departments"},
		{"/login", "工作人员登录", "Staff login"},
	}
	for _, p := range pages {
		for _, lang := range []string{"zh", "en"} {
			path := p.path + map[bool]string{true: "&", false: "?"}[strings.Contains(p.path, "?")] + "lang=" + lang
			status, body := getPage(t, s, path, "")
			want := map[string]string{"zh": p.zh, "en": p.en}[lang]
			if status != 200 || !strings.Contains(body, want) {
				t.Errorf("GET %s: status %d, want 200 with %q", path, status, want)
			}
			checkNoPersonalData(t, path, body)
		}
	}
}

// testCurrentSection: the navigation marks the page's section, and only
// it, for screen readers: "page" on the section's page, "true" under it.
func testCurrentSection(t *testing.T, s *Server) {
	const code = "QR-BIANBAN-001" // a power of the demo county
	currentLink := regexp.MustCompile(`<a href="([^"]*)" aria-current="([^"]*)"`)
	for _, c := range []struct{ path, link, want string }{
		{"/", "/", "page"},
		{"/powers", "/powers", "page"},
		{"/powers/" + code, "/powers", "true"},
		{"/services", "/services", "page"},
		{"/ledger/0", "/ledger", "true"},
		{"/departments", "", ""},
	} {
		status, body := getPage(t, s, c.path, "")
		if status != 200 {
			t.Fatalf("GET %s: %d", c.path, status)
		}
		nav := between(body, `<nav class="wrap nav"`, "</nav>")
		marked := currentLink.FindAllStringSubmatch(nav, -1)
		switch {
		case nav == "":
			t.Errorf("%s: no navigation", c.path)
		case c.link == "" && len(marked) != 0:
			t.Errorf("%s: nav marks %v, want nothing", c.path, marked)
		case c.link != "" && (len(marked) != 1 || marked[0][1] != c.link || marked[0][2] != c.want):
			t.Errorf("%s: nav marks %v, want %s as %q alone", c.path, marked, c.link, c.want)
		}
	}
}

func testLanguageIsRemembered(t *testing.T, s *Server) {
	resp, err := s.App().Test(httptest.NewRequest("GET", "/?lang=en", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	var cookie string
	for _, c := range resp.Cookies() {
		if c.Name == langCookie {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie != langCookie+"=en" {
		t.Fatalf("got cookie %q, want %s=en", cookie, langCookie)
	}
	if _, body := getPage(t, s, "/powers", cookie); !strings.Contains(body, "Power list") || !strings.Contains(body, `lang="en"`) {
		t.Errorf("/powers with the cookie is not in English")
	}
	if _, body := getPage(t, s, "/powers", ""); !strings.Contains(body, "权力清单") {
		t.Errorf("/powers without the cookie is not in Chinese")
	}
}

func testErrorPages(t *testing.T, s *Server) {
	for _, lang := range []string{"zh", "en"} {
		status, body := getPage(t, s, "/powers/NO-SUCH?lang="+lang, "")
		want := map[string]string{"zh": "页面不存在", "en": "Page not found"}[lang]
		if status != 404 || !strings.Contains(body, want) || !strings.Contains(body, "<html") {
			t.Errorf("%s: 404 page: status %d, want 404 with %q", lang, status, want)
		}
	}
	status, ctype, _ := get(t, s, "/api/v1/powers/NO-SUCH")
	if status != 404 || ctype != "application/problem+json" {
		t.Errorf("API 404: %d %s, want problem+json", status, ctype)
	}
}

// TestCatalogueComplete: every interface string a template uses exists
// in both languages.
func TestCatalogueComplete(t *testing.T) {
	for k, v := range i18n.Messages("zh") {
		if v == "" || i18n.Messages("en")[k] == "" {
			t.Errorf("message %q lacks a language", k)
		}
	}
	used := regexp.MustCompile(`\.L\.([a-z0-9_]+)`)
	entries, _ := templateFS.ReadDir("templates")
	for _, e := range entries {
		b, _ := templateFS.ReadFile("templates/" + e.Name())
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := i18n.Messages("zh")[m[1]]; !ok {
				t.Errorf("%s uses .L.%s, which the catalogue lacks", e.Name(), m[1])
			}
		}
	}
}
