package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The end-to-end tests drive the real program in headless Chromium (the
// Debian package). They skip where Chromium is absent, unless
// QINGDAN_REQUIRE_BROWSER=1 (CI), where its absence fails.

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("QINGDAN_REQUIRE_BROWSER") == "1" {
		t.Fatal("QINGDAN_REQUIRE_BROWSER=1 but no chromium on PATH")
	}
	t.Skip("no chromium on PATH; install Debian's chromium to run the browser tests")
	return ""
}

// newBrowser starts headless Chromium with a fresh profile.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// browse runs browser steps with a deadline, failing the test on error.
func browse(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// read runs one browser action that answers a value.
func read[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(read(t, ctx, "read "+sel, chromedp.Text(sel)))
}

func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	return read(t, ctx, "read "+sel+" "+name, chromedp.AttributeValue(sel, name)).Value
}

func loginAs(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	browse(t, ctx, "log in as "+user,
		chromedp.Navigate(base+"/login"),
		chromedp.SetValue("#username", user),
		chromedp.SetValue("#password", "qingdan-demo"),
		chromedp.Click("#login-button"),
		chromedp.WaitVisible(`form[action="/logout"]`))
}

func logout(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	browse(t, ctx, "log out", chromedp.Navigate(base+"/"), chromedp.Click(`form[action="/logout"] button`),
		chromedp.WaitVisible(`a[href="/login"]`))
}

// TestBrowserJourney: the public, two officials and the ledger explorer,
// as people use them, in a real browser against the real program.
func TestBrowserJourney(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: seeds the demo county and drives a browser")
	}
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	serveFor(t, []string{"--data", t.TempDir(), "--demo", "--rate-limit", "0"}, func(base string) {
		searchAndOpenPower(t, ctx, base)
		number, code := applyOnline(t, ctx, base)
		followApplication(t, ctx, base, number, code, "已提交")

		loginAs(t, ctx, base, "clerk.scjg")
		act(t, ctx, base, number, "accept", nil)
		act(t, ctx, base, number, "review", map[string]string{"#review-opinion": "材料齐全，符合条件"})
		logout(t, ctx, base)

		loginAs(t, ctx, base, "approver2.scjg")
		entry := act(t, ctx, base, number, "decide", map[string]string{"#decide-reason": "符合法定条件", "#decide-basis": "《食品安全法》第三十五条"})
		logout(t, ctx, base)
		followApplication(t, ctx, base, number, code, "已决定")

		verifyInBrowser(t, ctx, base, entry, dir)
		auditInBrowser(t, ctx, base)
		editInBrowser(t, ctx, base)
		switchToEnglish(t, ctx, base)
		noHorizontalScroll(t, ctx, base, "/", "/powers", "/services", "/ledger", "/stats", "/apply/FW-SCJG-001")
		screenshots(t, ctx, base, number, dir)
	})
}

func searchAndOpenPower(t *testing.T, ctx context.Context, base string) {
	browse(t, ctx, "search the power list",
		chromedp.Navigate(base+"/powers"),
		chromedp.SetValue("#q", "食品"),
		chromedp.Submit("#q"),
		chromedp.WaitVisible("#result-count"),
		chromedp.Click(".card-title"),
		chromedp.WaitVisible("#power-title"))
	title, url := textOf(t, ctx, "#power-title"), read(t, ctx, "location", chromedp.Location())
	if !strings.Contains(url, "/powers/") || title == "" {
		t.Fatalf("opened %s titled %q, want a power item page", url, title)
	}
	if got := textOf(t, ctx, "#main"); !strings.Contains(got, "设定和实施依据") || !strings.Contains(got, "版本历史") {
		t.Errorf("the item page lacks its legal basis or history")
	}
}

func applyOnline(t *testing.T, ctx context.Context, base string) (string, string) {
	// first an invalid ID: the browser's own check stops it (client side)
	browse(t, ctx, "open the form",
		chromedp.Navigate(base+"/apply/FW-SCJG-001"),
		chromedp.WaitVisible("#apply-form"),
		chromedp.SetValue("#name", "张三"),
		chromedp.SetValue("#id_number", "110105194912310021"),
		chromedp.SetValue("#phone", "13812345678"),
		chromedp.SetValue("#summary", "申请食品生产许可"),
		chromedp.Click("#submit-application"))
	invalid := attr(t, ctx, "#id_number", "aria-invalid")
	if invalid != "true" {
		t.Errorf("a resident ID with a wrong check digit was not flagged in the browser (aria-invalid=%q)", invalid)
	}
	browse(t, ctx, "apply online",
		chromedp.SetValue("#id_number", "11010519491231002X"),
		chromedp.Click("#submit-application"),
		chromedp.WaitVisible("#app-number"))
	number, code := textOf(t, ctx, "#app-number"), textOf(t, ctx, "#query-code")
	if number == "" || code == "" {
		t.Fatalf("receipt without number or code")
	}
	if body := textOf(t, ctx, "#main"); strings.Contains(body, "13812345678") || strings.Contains(body, "11010519491231002X") {
		t.Errorf("the receipt page shows the phone or ID number")
	}
	return number, code
}

func followApplication(t *testing.T, ctx context.Context, base, number, code, wantState string) {
	browse(t, ctx, "follow the application",
		chromedp.Navigate(base+"/progress"),
		chromedp.SetValue("#number", number),
		chromedp.SetValue("#query_code", code),
		chromedp.Click("#progress-button"),
		chromedp.WaitVisible("#progress-result"))
	if got := textOf(t, ctx, "#app-state"); got != wantState {
		t.Errorf("progress shows state %q, want %q", got, wantState)
	}
}

// act opens the application from the queue and submits one action's form;
// it returns the ledger index on the receipt.
func act(t *testing.T, ctx context.Context, base, number, action string, fields map[string]string) string {
	t.Helper()
	actions := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/work"),
		chromedp.WaitVisible(`tr[data-number="` + number + `"] a`),
		chromedp.Click(`tr[data-number="` + number + `"] a`),
		chromedp.WaitVisible("#do-" + action),
	}
	for sel, v := range fields {
		actions = append(actions, chromedp.SetValue(sel, v))
	}
	actions = append(actions, chromedp.Click("#do-"+action), chromedp.WaitVisible("#action-receipt"))
	browse(t, ctx, action+" "+number, actions...)
	entry := strings.TrimPrefix(textOf(t, ctx, "#receipt-entry"), "#")
	if entry == "" {
		t.Fatalf("%s: no ledger entry on the receipt", action)
	}
	return entry
}

func verifyInBrowser(t *testing.T, ctx context.Context, base, entry, dir string) {
	browse(t, ctx, "verify entry "+entry,
		chromedp.Navigate(base+"/ledger/"+entry),
		chromedp.Click("#verify-button"),
		chromedp.WaitVisible(`#verify-result[data-verified]`))
	verified := attr(t, ctx, "#verify-result", "data-verified")
	if result := textOf(t, ctx, "#verify-result"); verified != "true" || !strings.Contains(result, "已验证") {
		t.Fatalf("verification of entry %s: %q (%s); steps: %s", entry, result, verified, textOf(t, ctx, "#verify-steps"))
	}
	saveView(t, ctx, dir, "entry-verified")
	// tamper with the first hash of the inclusion proof
	tamper := `(function(){var b=JSON.parse(document.getElementById("verify-input").value);
		var h=b.receipt.inclusion[0]; b.receipt.inclusion[0]=(h[0]==="A"?"B":"A")+h.slice(1);
		document.getElementById("verify-input").value=JSON.stringify(b); return b.receipt.inclusion.length;})()`
	browse(t, ctx, "open the proof", chromedp.Click("#verify-details summary"))
	if n := read(t, ctx, "tamper with the proof", chromedp.Evaluate[int](tamper)); n == 0 {
		t.Fatal("the receipt has no inclusion hashes to tamper with")
	}
	browse(t, ctx, "verify the tampered proof",
		chromedp.Click("#verify-edited"),
		chromedp.WaitVisible(`#verify-result[data-verified="false"]`))
	saveView(t, ctx, dir, "entry-tampered")
	result := textOf(t, ctx, "#verify-result")
	if !strings.Contains(result, "验证失败") || !strings.Contains(result, "根") {
		t.Errorf("a tampered proof gave %q, want a failure naming the root comparison", result)
	}
	// the vendored Ed25519 (for browsers without it in WebCrypto) agrees
	browse(t, ctx, "verify with the vendored Ed25519",
		chromedp.Navigate(base+"/ledger"), // a fresh load, not a fragment change
		chromedp.Navigate(base+"/ledger/"+entry+"#ed25519-js"),
		chromedp.WaitVisible("#verify-button"),
		chromedp.Click("#verify-button"),
		chromedp.WaitVisible(`#verify-result[data-verified]`))
	if v, steps := attr(t, ctx, "#verify-result", "data-verified"), textOf(t, ctx, "#verify-steps"); v != "true" || !strings.Contains(steps, "ed25519.js") {
		t.Errorf("vendored Ed25519: verified=%q; steps: %s", v, steps)
	}
	// a checkpoint whose signature was altered fails at the signature
	tamperSig := `(function(){var b=JSON.parse(document.getElementById("verify-input").value);
		var c=b.receipt.checkpoint, k=c.length-6; b.receipt.checkpoint=c.slice(0,k)+(c[k]==="A"?"B":"A")+c.slice(k+1);
		document.getElementById("verify-input").value=JSON.stringify(b); return c.length;})()`
	browse(t, ctx, "open the proof again", chromedp.Click("#verify-details summary"))
	read(t, ctx, "tamper with the signature", chromedp.Evaluate[int](tamperSig))
	browse(t, ctx, "verify the tampered signature",
		chromedp.Click("#verify-edited"),
		chromedp.WaitVisible(`#verify-result[data-verified="false"]`))
	if result := textOf(t, ctx, "#verify-result"); !strings.Contains(result, "签名") {
		t.Errorf("a tampered signature gave %q, want a failure naming the signature", result)
	}
}

// auditInBrowser runs the auditors' full verification from the page and
// waits for the page's script to report it intact.
func auditInBrowser(t *testing.T, ctx context.Context, base string) {
	loginAs(t, ctx, base, "auditor")
	browse(t, ctx, "full verification",
		chromedp.Navigate(base+"/audit"),
		chromedp.Click("#start-verify"),
		chromedp.WaitVisible("#job-status .green"))
	if got := textOf(t, ctx, "#job-result"); !strings.Contains(got, "qingdan.local/ledger") {
		t.Errorf("verification result %q, want the ledger's summary", got)
	}
	logout(t, ctx, base)
}

// editInBrowser amends a power with the list editor's form: a material
// row added by the page's script, a time limit changed, the difference
// previewed and saved. The editor's pages fit a phone.
func editInBrowser(t *testing.T, ctx context.Context, base string) {
	loginAs(t, ctx, base, "editor.scjg")
	const rows = `document.querySelectorAll('[data-rows="materials"] .row').length`
	browse(t, ctx, "open the amend form", chromedp.Navigate(base+"/edit/powers/XK-SCJG-006"), chromedp.WaitVisible("#amend-form"))
	before := read(t, ctx, "count the rows", chromedp.Evaluate[int](rows))
	browse(t, ctx, "add a material row", chromedp.Click(`[data-add-row="materials"]`))
	if after := read(t, ctx, "count the rows again", chromedp.Evaluate[int](rows)); after != before+1 {
		t.Fatalf("add a row: %d material rows, want %d", after, before+1)
	}
	name := read(t, ctx, "the new row", chromedp.Evaluate[string](`(function(){var r=document.querySelectorAll('[data-rows="materials"] .row');
		var i=r[r.length-1].querySelector('input[type=text]'); return document.activeElement===i ? i.name : "not focused: "+i.name;})()`))
	if !strings.HasPrefix(name, "materials.") || !strings.HasSuffix(name, ".name") {
		t.Fatalf("the new row's field is %q, want a focused materials.N.name", name)
	}
	browse(t, ctx, "amend and preview",
		chromedp.SetValue(`input[name="`+name+`"]`, "电子营业执照申领确认书"),
		chromedp.SetValue("#f-promised_limit", "2"),
		chromedp.SetValue("#basis_doc", "清编办〔2026〕21号"),
		chromedp.SetValue("#change_note", "增加申请材料，压缩承诺期限"),
		chromedp.Click("#preview-amend"),
		chromedp.WaitVisible("#preview-diff"))
	changed := read(t, ctx, "the changed fields", chromedp.Evaluate[string](
		`Array.prototype.map.call(document.querySelectorAll("#preview-diff tr[data-field]"), function(r){return r.getAttribute("data-field")}).join(" ")`))
	if changed != "materials promised_limit" || !strings.Contains(textOf(t, ctx, "#preview-diff"), "电子营业执照申领确认书") {
		t.Errorf("the preview lists %q, want materials and promised_limit with the new material", changed)
	}
	browse(t, ctx, "save", chromedp.Click("#confirm-save"), chromedp.WaitVisible("#action-receipt"))
	if got := textOf(t, ctx, "#action-receipt"); !strings.Contains(got, "XK-SCJG-006") || textOf(t, ctx, "#receipt-entry") == "" {
		t.Errorf("the receipt %q lacks the item or its ledger entry", got)
	}
	noHorizontalScroll(t, ctx, base, "/edit?kind=responsibilities", "/edit/powers/XK-SCJG-006", "/edit/responsibilities/XK-SCJG-006", "/edit/services/new")
	logout(t, ctx, base)
}

func switchToEnglish(t *testing.T, ctx context.Context, base string) {
	browse(t, ctx, "switch to English",
		chromedp.Navigate(base+"/"),
		chromedp.Click("#lang-switch"),
		chromedp.WaitVisible(`html[lang="en"]`))
	h1 := textOf(t, ctx, "#main h1")
	browse(t, ctx, "the power list", chromedp.Navigate(base+"/powers"), chromedp.WaitVisible("#main"))
	lang := attr(t, ctx, "html", "lang")
	if h1 != "Three lists, one network" || lang != "en" {
		t.Errorf("after switching: h1 %q, /powers lang %q; want English remembered", h1, lang)
	}
	browse(t, ctx, "back to Chinese", chromedp.Navigate(base+"/?lang=zh"))
}

// noHorizontalScroll: none of the pages scrolls sideways at 375 px.
func noHorizontalScroll(t *testing.T, ctx context.Context, base string, paths ...string) {
	for _, path := range paths {
		browse(t, ctx, "375 px "+path,
			chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile),
			chromedp.Navigate(base+path),
			chromedp.WaitVisible("#main"))
		wide := read(t, ctx, "measure "+path, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if wide {
			t.Errorf("%s scrolls horizontally at 375 px", path)
		}
	}
	browse(t, ctx, "desktop again", chromedp.EmulateReset())
}

// screenshotDir is where the run saves its screenshots:
// $QINGDAN_SCREENSHOTS, or a new temporary folder that outlives the test.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("QINGDAN_SCREENSHOTS")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "qingdan-screenshots-"); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// saveView saves the page as it is now (after a script ran).
func saveView(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png := read(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name+"-desktop.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// shoot saves one page at desktop and phone width.
func shoot(t *testing.T, ctx context.Context, dir, name, url string) {
	t.Helper()
	for _, w := range []struct {
		label string
		width int64
	}{{"desktop", 1280}, {"phone", 375}} {
		browse(t, ctx, "open "+name,
			chromedp.EmulateViewport(w.width, 900),
			chromedp.Navigate(url),
			chromedp.WaitVisible("#main"))
		png := read(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(dir, name+"-"+w.label+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	browse(t, ctx, "desktop again", chromedp.EmulateReset())
}

// screenshots saves the main public pages and, logged in as each, the
// staff pages, into a folder it prints, for a person to look at.
func screenshots(t *testing.T, ctx context.Context, base, number, dir string) {
	pages := []struct{ name, path string }{{"home", "/?lang=zh"}, {"home-en", "/?lang=en"}, {"powers", "/powers?lang=zh"},
		{"powers-search", "/powers?q=食品&lang=zh"}, {"power", "/powers/XK-SCJG-006?lang=zh"}, {"services", "/services?lang=zh"},
		{"service", "/services/FW-SCJG-001?lang=zh"}, {"apply", "/apply/FW-SCJG-001?lang=zh"}, {"progress", "/progress?lang=zh"},
		{"ledger", "/ledger?lang=zh"}, {"entry", "/ledger/5?lang=zh"}, {"stats", "/stats?lang=zh"}, {"stats-en", "/stats?lang=en"},
		{"open-data", "/open-data?lang=zh"}, {"api", "/open-data/api?lang=zh"}, {"login", "/login?lang=zh"},
		{"departments", "/departments?lang=zh"}, {"department", "/departments/scjg?lang=zh"},
		{"responsibilities", "/responsibilities?lang=zh"}, {"not-found", "/powers/NO-SUCH?lang=zh"}}
	for _, pg := range pages {
		shoot(t, ctx, dir, pg.name, base+pg.path)
	}
	staff := []struct{ user, name, path string }{{"clerk.scjg", "work", "/work?lang=zh"},
		{"clerk.scjg", "work-application", "/work/applications/" + number + "?lang=zh"},
		{"editor.scjg", "edit", "/edit?lang=zh"}, {"editor.scjg", "edit-item", "/edit/powers/XK-SCJG-006?lang=zh"},
		{"editor.scjg", "edit-new-service", "/edit/services/new?lang=zh"}, {"editor.scjg", "edit-responsibility", "/edit/responsibilities/XK-SCJG-006?lang=en"},
		{"auditor", "audit", "/audit?lang=zh"}, {"secadmin", "admin", "/admin?lang=zh"}}
	for i, p := range staff {
		if i == 0 || staff[i-1].user != p.user {
			if i > 0 {
				logout(t, ctx, base)
			}
			loginAs(t, ctx, base, p.user)
		}
		shoot(t, ctx, dir, p.name, base+p.path)
	}
	logout(t, ctx, base)
	fmt.Printf("screenshots of the main pages: %s\n", dir)
	t.Logf("screenshots of the main pages: %s", dir)
}
