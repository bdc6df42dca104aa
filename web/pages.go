package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"

	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/data/workday"
	"qingdan/web/editform"
	"qingdan/web/i18n"
)

// The pages' templates and assets are embedded: the service works on a
// closed network with nothing fetched from elsewhere.
//
//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// langCookie remembers the language a visitor chose with ?lang=.
const langCookie = "qingdan_lang"

// newViews builds the template engine with the pages' helper functions.
func newViews() *html.Engine {
	sub, _ := fs.Sub(templateFS, "templates")
	engine := html.NewFileSystem(http.FS(sub), ".html")
	engine.AddFuncMap(template.FuncMap{
		"cat":     lists.CategoryName,
		"other":   otherOnPage,
		"add":     func(a, b int64) int64 { return a + b },
		"pct":     func(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" },
		"join":    strings.Join,
		"qs":      url.QueryEscape,
		"dict":    dict,
		"eq2":     func(a, b any) bool { return a == b },
		"safeURL": func(s string) template.URL { return template.URL(s) },
		"pctOf":   func(n, of int64) int64 { return n * 100 / max(of, 1) },
		"raw":     rawText,
		"bi":      bilingual,
		"when":    when,
		"list":    func(xs ...string) []string { return xs },
		"fieldID": func(k string) string { return strings.TrimPrefix(k, "applicant.") },
		"attrs":   func(s string) template.HTMLAttr { return template.HTMLAttr(s) },
		"after":   func(s string) string { return s[strings.LastIndex(s, ".")+1:] },
		"current": navCurrent,
	})
	return engine
}

// navCurrent marks the navigation link of the page's section for screen
// readers (and the highlight): aria-current="page" on the section's own
// page, "true" on the pages under it (an item, its history). The home
// link is current only on the home page.
func navCurrent(path, section string) template.HTMLAttr {
	switch {
	case path == section:
		return `aria-current="page"`
	case section != "/" && strings.HasPrefix(path, section+"/"):
		return `aria-current="true"`
	}
	return ""
}

func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		m[k] = kv[i+1]
	}
	return m
}

// lang picks the page language: ?lang= (then remembered in a cookie), the
// cookie, or Chinese.
func lang(c *fiber.Ctx) string {
	if q := c.Query("lang"); q == "en" || q == "zh" {
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: "Lax"})
		return q
	}
	if c.Cookies(langCookie) == "en" {
		return "en"
	}
	return "zh"
}

// page is what every template receives besides its own data.
type page struct {
	Lang      string
	L         map[string]string // the interface strings of Lang
	Title     string
	Path      string
	OtherLang string // the URL of this page in the other language
	User      string
	CSRF      string
	Roles     map[string]bool
	Depts     map[string]string // department code → name in Lang
	Data      any
}

// render serves a page inside the layout.
func (s *Server) render(c *fiber.Ctx, name, titleKey string, d any) error {
	p := s.basePage(c)
	p.Title = p.L[titleKey]
	if p.Title == "" {
		p.Title = titleKey
	}
	p.Data = d
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	return s.send(c, name, p)
}

// send renders a page into memory first, so that a template error becomes
// an error page rather than half a page.
func (s *Server) send(c *fiber.Ctx, name string, p *page) error {
	var buf bytes.Buffer
	if err := s.app.Config().Views.Render(&buf, name, p, "layout"); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}

func (s *Server) basePage(c *fiber.Ctx) *page {
	l := lang(c)
	p := &page{Lang: l, L: i18n.Messages(l), Path: c.Path(), OtherLang: otherLangURL(c, l), Depts: s.deptNames(c, l)}
	p.User, p.CSRF, p.Roles = s.sessionUser(c)
	return p
}

func otherLangURL(c *fiber.Ctx, l string) string {
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	if l == "en" {
		q.Set("lang", "zh")
	} else {
		q.Set("lang", "en")
	}
	return localPath(c.Path()) + "?" + q.Encode()
}

// localPath is p (a request's path, as sent) as a path on this site:
// exactly one leading '/', so that a request for //evil.example/x, or
// /\evil.example/x, which browsers read alike, cannot make a link to
// another host.
func localPath(p string) string { return "/" + strings.TrimLeft(p, `/\`) }

// deptNames maps department codes to names in the page's language.
func (s *Server) deptNames(c *fiber.Ctx, l string) map[string]string {
	out := map[string]string{"*": map[bool]string{true: "all departments", false: "全部部门"}[l == "en"]}
	if s.cfg.Catalog == nil {
		return out
	}
	for _, d := range s.departments(c) {
		out[d.Code] = editform.DeptLabel(d, l)
	}
	return out
}

// departments lists every department (there are a few dozen at most).
func (s *Server) departments(c *fiber.Ctx) []lists.Department {
	pg, err := s.cfg.Catalog.List(c.UserContext(), lists.ListQuery{Kind: lists.KindDepartment, PerPage: lists.MaxPerPage})
	if err != nil {
		return nil
	}
	return decodeItems[lists.Department](pg.Items)
}

// staticFile serves the embedded assets.
func (s *Server) staticFile(c *fiber.Ctx) error {
	name := path.Clean("static/" + c.Params("*"))
	if !strings.HasPrefix(name, "static/") {
		return fiber.ErrNotFound
	}
	b, err := staticFS.ReadFile(name)
	if err != nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, mime.TypeByExtension(path.Ext(name)))
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(b)
}

// isPageRequest reports whether an error should be shown as a page rather
// than as problem+json: everything outside the API and the machine
// endpoints.
func isPageRequest(c *fiber.Ctx) bool {
	p := c.Path()
	for _, prefix := range []string{"/api/", "/checkpoint", "/healthz", "/readyz", "/metrics", "/static/", "/tile/"} {
		if strings.HasPrefix(p, prefix) {
			return false
		}
	}
	return true
}

// bodyRefusal are the statuses of a refused request body (body.go).
var bodyRefusal = map[int]bool{411: true, 413: true, 415: true, 503: true}

// errorPage shows a friendly error page in the visitor's language; a page
// that needs a login sends the visitor to /login first.
func (s *Server) errorPage(c *fiber.Ctx, status int, detail string) error {
	if status == fiber.StatusUnauthorized && c.Method() == fiber.MethodGet {
		return c.Redirect("/login?next=" + url.QueryEscape(c.OriginalURL()))
	}
	p := s.basePage(c)
	key := "err_" + map[int]string{403: "403", 404: "404", 401: "401", 409: "409", 422: "422", 400: "400", 429: "429", 411: "411", 413: "413", 415: "415", 503: "503"}[status]
	if p.L[key] == "" {
		key = "err_500"
	}
	if bodyRefusal[status] {
		detail = "" // the catalogue's text says it all; the detail is the API's
	}
	p.Title = p.L[key]
	p.Data = fiber.Map{"Status": status, "Detail": detail, "Message": p.L[key+"_text"]}
	c.Status(status)
	if err := s.send(c, "error", p); err != nil {
		s.cfg.Logger.Error("error page failed", "err", err)
		return c.Status(status).SendString(p.Title)
	}
	return nil
}

// when shows an RFC 3339 time to the minute in China Standard Time.
func when(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.In(workday.China).Format("2006-01-02 15:04")
}

// bilingual picks one half of a "中文 english" label.
func bilingual(label, lang string) string {
	zh, en, ok := strings.Cut(label, " ")
	if !ok {
		return label
	}
	if lang == "en" {
		return en
	}
	return zh
}

// rawText shows a JSON value to people: strings without quotes, the rest
// as compact JSON.
func rawText(v json.RawMessage) string {
	var str string
	if json.Unmarshal(v, &str) == nil {
		return str
	}
	if len(v) == 0 || string(v) == "null" {
		return "—"
	}
	return string(v)
}

// formError is a form's problem shown on the form itself.
func formErrors(err error) map[string]string {
	var ve *store.ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return nil
}
