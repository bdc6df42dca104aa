package web

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"qingdan/data/lists"
	"qingdan/web/editform"
	"qingdan/web/i18n"

	"golang.org/x/net/html"
)

// formValues is what a browser submits from the form with the given id
// when the default button is pressed: named controls that are not
// buttons, checked boxes only, the selected option, and textareas with
// CRLF line ends.
func formValues(t *testing.T, body, id string) url.Values {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	form := findNode(doc, func(n *html.Node) bool { return n.Data == "form" && attrOf(n, "id") == id })
	if form == nil {
		t.Fatalf("no form #%s in the page", id)
	}
	v := url.Values{}
	walk(form, func(n *html.Node) {
		name := attrOf(n, "name")
		if n.Type != html.ElementNode || name == "" || hasAttr(n, "disabled") {
			return
		}
		switch n.Data {
		case "input":
			switch typ := attrOf(n, "type"); typ {
			case "submit", "button", "image", "reset", "file":
			case "checkbox", "radio":
				if hasAttr(n, "checked") {
					v.Add(name, valueOr(n, "on"))
				}
			default:
				v.Add(name, attrOf(n, "value"))
			}
		case "textarea":
			v.Add(name, strings.ReplaceAll(textOf(n), "\n", "\r\n"))
		case "select":
			var first, chosen *html.Node
			walk(n, func(o *html.Node) {
				if o.Data == "option" {
					if first == nil {
						first = o
					}
					if chosen == nil && hasAttr(o, "selected") {
						chosen = o
					}
				}
			})
			if chosen == nil {
				chosen = first
			}
			if chosen != nil {
				v.Add(name, valueOr(chosen, textOf(chosen)))
			}
		}
	})
	return v
}

func walk(n *html.Node, fn func(*html.Node)) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		fn(c)
		walk(c, fn)
	}
}

func findNode(n *html.Node, match func(*html.Node) bool) *html.Node {
	var found *html.Node
	walk(n, func(c *html.Node) {
		if found == nil && c.Type == html.ElementNode && match(c) {
			found = c
		}
	})
	return found
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func valueOr(n *html.Node, def string) string {
	if hasAttr(n, "value") {
		return attrOf(n, "value")
	}
	return def
}

func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

// elementText is the text of the element with the given id, or "" when
// the page has none.
func elementText(t *testing.T, body, id string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if n := findNode(doc, func(n *html.Node) bool { return attrOf(n, "id") == id }); n != nil {
		return strings.TrimSpace(textOf(n))
	}
	return ""
}

// openForm fetches an editor's page and returns the values of its form.
func openForm(t *testing.T, s *Server, who creds, path, formID string) url.Values {
	t.Helper()
	status, body := getPage(t, s, path, sessionOf(who))
	if status != 200 {
		t.Fatalf("GET %s: %d, want 200", path, status)
	}
	v := formValues(t, body, formID)
	v.Del("csrf_token") // postForm sends the poster's own
	v.Set("basis_doc", "清编办〔2026〕9号")
	v.Set("change_note", "测试调整")
	return v
}

// previewAndSave posts an item form for its preview, then posts the
// preview's confirm form as its save button does; it returns the two
// pages.
func previewAndSave(t *testing.T, s *Server, who creds, path string, v url.Values) (preview, done string) {
	t.Helper()
	v.Set("step", "preview")
	status, _, preview := postForm(t, s, path, who, v)
	if status != 200 || !strings.Contains(preview, `id="confirm-save"`) {
		t.Fatalf("preview of %s: %d, want 200 with a save button; problems: %q", path, status, elementText(t, preview, "form-errors"))
	}
	confirm := formValues(t, preview, "confirm-form")
	confirm.Set("step", "save")
	status, _, done = postForm(t, s, path, who, confirm)
	if status != 200 || !strings.Contains(done, `id="receipt-entry"`) {
		t.Fatalf("save of %s: %d, want 200 with the receipt; problems: %q %q", path, status,
			elementText(t, done, "form-errors"), elementText(t, done, "edit-problem"))
	}
	return preview, done
}

// apiItem is an item as the JSON API serves it.
func apiItem(t *testing.T, s *Server, seg, code string) map[string]any {
	t.Helper()
	var out map[string]any
	getJSON(t, s, "/api/v1/"+seg+"/"+code, &out)
	if seg != "powers" {
		out, _ = out["item"].(map[string]any)
	}
	return out
}

// diffFields are the fields a preview lists as changed.
func diffFields(t *testing.T, body string) []string {
	t.Helper()
	doc, _ := html.Parse(strings.NewReader(body))
	var out []string
	walk(doc, func(n *html.Node) {
		if n.Data == "tr" && hasAttr(n, "data-field") {
			out = append(out, attrOf(n, "data-field"))
		}
	})
	return out
}

// newItems are the items TestEditPublishAmendRepeal publishes through
// the forms, in order: the power, its responsibility, a service of it.
var newItems = []struct {
	seg, code string
	fields    url.Values
	want      map[string]any // what the API then serves
}{
	{"powers", "XK-SCJG-901", url.Values{
		"code": {"XK-SCJG-901"}, "name": {"小餐饮店登记"}, "category": {"XK"}, "dept": {"scjg"}, "office": {"食品经营科"},
		"levels": {"市", "县"}, "audience": {"legal_person", "individual"}, "legal_limit": {"20"}, "promised_limit": {"5"},
		"case_kind": {"promised"}, "conditions": {"有固定经营场所；\r\n符合食品安全要求。"},
		"basis.0.law": {"《浙江省食品小作坊小餐饮店小食杂店和食品摊贩管理规定》"}, "basis.0.article": {"第十五条"},
		"materials.0.name": {"登记申请书"}, "materials.0.required": {"on"}, "materials.1.name": {"健康证明"},
		"steps.0.name": {"受理"}, "steps.0.days": {"1"}, "steps.1.name": {"审查"}, "steps.1.days": {"3"},
		"fee.charged": {"on"}, "fee.basis": {"不收费依据"}, "fee.items.0": {"工本费 0 元"},
		"consult_phone": {"0576-85110001"}, "complaint_phone": {"0576-85110002"}, "effective_from": {"2026-03-01"},
		"integrity_risks.0": {"违规登记"},
	}, map[string]any{"name": "小餐饮店登记", "promised_limit": 5.0, "legal_limit": 20.0, "levels": []any{"市", "县"},
		"audience": []any{"individual", "legal_person"}, "conditions": "有固定经营场所；\n符合食品安全要求。",
		"materials": []any{map[string]any{"name": "登记申请书", "required": true}, map[string]any{"name": "健康证明", "required": false}},
		"steps":     []any{map[string]any{"name": "受理", "days": 1.0}, map[string]any{"name": "审查", "days": 3.0}},
		"fee":       map[string]any{"charged": true, "basis": "不收费依据", "items": []any{"工本费 0 元"}},
		"basis":     []any{map[string]any{"law": "《浙江省食品小作坊小餐饮店小食杂店和食品摊贩管理规定》", "doc_no": "", "article": "第十五条", "text": ""}},
		"status":    "in_force", "version": 1.0}},
	{"responsibilities", "XK-SCJG-901", url.Values{
		"power_code": {"XK-SCJG-901"}, "dept": {"scjg"}, "supervision_phone": {"0576-85110002"},
		"stages.0.stage": {"受理"}, "stages.0.content": {"一次告知需补正的全部材料"}, "stages.0.basis": {"《行政许可法》第三十二条"},
		"stages.1.stage": {"决定"}, "stages.1.content": {"在承诺期限内作出决定"},
		"accountability.0": {"对符合条件的申请不予受理的"}, "accountability.1": {"索取或者收受申请人财物的"},
		"accountability_basis": {"《行政许可法》第七十二条"},
	}, map[string]any{"power_code": "XK-SCJG-901", "dept": "scjg",
		"stages": []any{map[string]any{"stage": "受理", "content": "一次告知需补正的全部材料", "basis": "《行政许可法》第三十二条"},
			map[string]any{"stage": "决定", "content": "在承诺期限内作出决定", "basis": ""}},
		"accountability": []any{"对符合条件的申请不予受理的", "索取或者收受申请人财物的"}, "status": "in_force"}},
	{"services", "FW-SCJG-901", url.Values{
		"code": {"FW-SCJG-901"}, "name": {"小餐饮店登记办理"}, "audience": {"legal_person"}, "theme": {"准营准办"},
		"hot": {"on"}, "dept": {"scjg"}, "power_code": {"XK-SCJG-901"}, "category": {"XK"}, "online_depth": {"4"},
		"visits": {"0"}, "legal_limit": {"20"}, "promised_limit": {"3"}, "location": {"县行政服务中心 3 号窗口"},
		"hours": {"工作日 9:00-17:00"}, "materials.0.name": {"登记申请书"}, "materials.0.required": {"on"},
	}, map[string]any{"name": "小餐饮店登记办理", "hot": true, "online_depth": 4.0, "visits": 0.0, "power_code": "XK-SCJG-901",
		"promised_limit": 3.0, "location": "县行政服务中心 3 号窗口",
		"materials": []any{map[string]any{"name": "登记申请书", "required": true}}}},
}

// TestEditPublishAmendRepeal: for each list, an editor publishes an item
// through the form (preview, then save) and the API serves what was
// typed; amends one field and sees only that field in the preview and
// the new version after saving; then repeals it.
func TestEditPublishAmendRepeal(t *testing.T) {
	s, _ := newDemoServer(t)
	editor := login(t, s, "editor.scjg")
	for _, it := range newItems {
		t.Run("publish "+it.seg, func(t *testing.T) {
			v := openForm(t, s, editor, "/edit/"+it.seg+"/new", "publish-form")
			for k, x := range it.fields {
				v[k] = x
			}
			preview, done := previewAndSave(t, s, editor, "/edit/"+it.seg+"/new", v)
			if !strings.Contains(preview, it.code) {
				t.Errorf("the preview does not show %s", it.code)
			}
			if !strings.Contains(done, `href="`+editLists[it.seg].publicPath(it.code)+`"`) {
				t.Errorf("the receipt does not link to the public page of %s", it.code)
			}
			got := apiItem(t, s, it.seg, it.code)
			for k, want := range it.want {
				if g, _ := json.Marshal(got[k]); string(g) != mustJSON(want) {
					t.Errorf("%s %s: got %s, want %s", it.code, k, g, mustJSON(want))
				}
			}
		})
	}
	amends := []struct {
		seg, code, field, value, want string
	}{
		{"powers", "XK-SCJG-901", "promised_limit", "4", "4"},
		{"responsibilities", "XK-SCJG-901", "supervision_phone", "0576-85119999", `"0576-85119999"`},
		{"services", "FW-SCJG-901", "hours", "工作日 8:30-17:30", `"工作日 8:30-17:30"`},
	}
	for _, a := range amends {
		t.Run("amend "+a.seg, func(t *testing.T) {
			path := "/edit/" + a.seg + "/" + a.code
			v := openForm(t, s, editor, path, "amend-form")
			v.Set(a.field, a.value)
			preview, _ := previewAndSave(t, s, editor, path, v)
			if got := diffFields(t, preview); len(got) != 1 || got[0] != a.field || !strings.Contains(preview, a.value) {
				t.Errorf("preview lists %v, want only %s with %q", got, a.field, a.value)
			}
			got := apiItem(t, s, a.seg, a.code)
			if g, _ := json.Marshal(got[a.field]); string(g) != a.want || got["version"] != 2.0 {
				t.Errorf("after saving: %s %v version %v, want %s version 2", a.field, string(g), got["version"], a.want)
			}
		})
	}
	// repeal in the order the references allow: the service, the
	// responsibility, then the power
	for _, seg := range []string{"services", "responsibilities", "powers"} {
		t.Run("repeal "+seg, func(t *testing.T) {
			code := map[string]string{"services": "FW-SCJG-901"}[seg]
			if code == "" {
				code = "XK-SCJG-901"
			}
			path := "/edit/" + seg + "/" + code + "/repeal"
			v := url.Values{"basis_doc": {"清编办〔2026〕10号"}, "change_note": {"取消"}, "step": {"preview"}}
			status, _, preview := postForm(t, s, path, editor, v)
			if status != 200 || !strings.Contains(preview, `id="confirm-save"`) {
				t.Fatalf("repeal preview: %d", status)
			}
			confirm := formValues(t, preview, "confirm-form")
			confirm.Set("step", "save")
			if status, _, body := postForm(t, s, path, editor, confirm); status != 200 || !strings.Contains(body, "receipt-entry") {
				t.Fatalf("repeal: %d, want the receipt", status)
			}
			if got := apiItem(t, s, seg, code); got["status"] != lists.StatusRepealed {
				t.Errorf("after the repeal: status %v, want repealed", got["status"])
			}
		})
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestEditFormsShowItemsExactly: the form of every item of a department,
// submitted as the browser shows it, changes nothing — labels, choices,
// rows and multi-line text all come back as the item holds them.
func TestEditFormsShowItemsExactly(t *testing.T) {
	s, _ := newDemoServer(t)
	editor := login(t, s, "editor.scjg")
	for _, l := range []lists.Kind{lists.KindPower, lists.KindResponsibility, lists.KindService} {
		pg, err := s.cfg.Catalog.List(t.Context(), lists.ListQuery{Kind: l, Dept: "scjg", Status: lists.StatusInForce, PerPage: lists.MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Items) < 5 {
			t.Fatalf("%s: %d items of scjg, want several", l, len(pg.Items))
		}
		seg := map[lists.Kind]string{lists.KindPower: "powers", lists.KindResponsibility: "responsibilities", lists.KindService: "services"}[l]
		for _, it := range pg.Items {
			path := "/edit/" + seg + "/" + it.Code
			v := openForm(t, s, editor, path, "amend-form")
			v.Set("step", "preview")
			status, _, body := postForm(t, s, path, editor, v)
			if status != 200 || !strings.Contains(body, `id="no-change"`) {
				t.Errorf("%s unchanged: %d, changed fields %v, problems %q", path, status, diffFields(t, body), elementText(t, body, "form-errors"))
			}
		}
	}
}

// TestEditFormRefusals: what data validation refuses comes back as 422
// with the message beside its field and what the editor typed kept.
func TestEditFormRefusals(t *testing.T) {
	s, _ := newDemoServer(t)
	editor := login(t, s, "editor.scjg")
	cases := []struct {
		name, path, form string
		set              url.Values
		field, msg       string // the field's id and part of its message
		kept             string // a typed value the form shows again
	}{
		{"promised over legal", "/edit/powers/XK-SCJG-001", "amend-form", url.Values{"legal_limit": {"10"}, "promised_limit": {"99"}},
			"f-promised_limit", "exceeds the legal limit", `value="99"`},
		{"steps over promised", "/edit/powers/XK-SCJG-001", "amend-form", url.Values{"promised_limit": {"2"}, "steps.0.days": {"5"}},
			"f-steps", "more than the promised", `value="5"`},
		{"not a number", "/edit/powers/XK-SCJG-001", "amend-form", url.Values{"legal_limit": {"二十"}},
			"f-legal_limit", "请填写整数", `value="二十"`},
		{"missing name", "/edit/services/new", "publish-form", url.Values{"code": {"FW-SCJG-950"}, "name": {""}, "category": {"GG"}, "location": {"三楼大厅"}},
			"f-name", "is required", `value="三楼大厅"`},
		{"no change note", "/edit/services/FW-SCJG-001", "amend-form", url.Values{"change_note": {""}, "hours": {"全天"}},
			"change_note", "必填", `value="全天"`},
		{"unknown stage", "/edit/responsibilities/XK-SCJG-002", "amend-form", url.Values{"stages.0.stage": {"盖章"}},
			"f-stages", "unknown stage", `value="盖章" selected`},
		{"same phones", "/edit/powers/XK-SCJG-001", "amend-form", url.Values{"consult_phone": {"0576-1"}, "complaint_phone": {"0576-1"}},
			"f-complaint_phone", "must differ", `value="0576-1"`},
		{"code taken", "/edit/powers/new", "publish-form", url.Values{"code": {"XK-SCJG-001"}, "name": {"重复"}},
			"f-code", "已在清单中", `value="重复"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := openForm(t, s, editor, c.path, c.form)
			for k, x := range c.set {
				v[k] = x
			}
			v.Set("step", "preview")
			status, _, body := postForm(t, s, c.path, editor, v)
			if status != 422 {
				t.Fatalf("got %d, want 422", status)
			}
			if got := elementText(t, body, c.field+"-err"); !strings.Contains(got, c.msg) {
				t.Errorf("beside #%s: %q, want %q", c.field, got, c.msg)
			}
			if !strings.Contains(elementText(t, body, "form-errors"), c.msg) {
				t.Errorf("the summary lacks %q", c.msg)
			}
			if !strings.Contains(body, c.kept) {
				t.Errorf("the form does not keep %s", c.kept)
			}
		})
	}
	// the save step checks again: a forged save of a bad item is refused
	v := openForm(t, s, editor, "/edit/powers/XK-SCJG-001", "amend-form")
	v.Set("promised_limit", "99")
	v.Set("step", "save")
	if status, _, body := postForm(t, s, "/edit/powers/XK-SCJG-001", editor, v); status != 422 || !strings.Contains(body, "f-promised_limit-err") {
		t.Errorf("save of a refused item: %d, want 422 beside the field", status)
	}
	// what only the append can check (a reference to a power not on the
	// list) is shown beside its field too, with the form kept
	v = openForm(t, s, editor, "/edit/services/new", "publish-form")
	for k, x := range (url.Values{"code": {"FW-SCJG-951"}, "name": {"无此权力"}, "power_code": {"XK-SCJG-999"}, "category": {"XK"}}) {
		v[k] = x
	}
	v.Set("step", "preview")
	_, _, preview := postForm(t, s, "/edit/services/new", editor, v)
	confirm := formValues(t, preview, "confirm-form")
	confirm.Set("step", "save")
	status, _, body := postForm(t, s, "/edit/services/new", editor, confirm)
	if got := elementText(t, body, "f-power_code-err"); status != 422 || !strings.Contains(got, "not on the list") || !strings.Contains(body, `value="无此权力"`) {
		t.Errorf("a service of an unlisted power: %d, %q beside power_code, want 422 with the form kept", status, got)
	}
	// an amendment started from an older version is a conflict, not a silent overwrite
	v = openForm(t, s, editor, "/edit/powers/XK-SCJG-002", "amend-form")
	v.Set("base_version", "0")
	v.Set("office", "别的科室")
	if status, _, body := postForm(t, s, "/edit/powers/XK-SCJG-002", editor, v); status != 409 || !strings.Contains(body, "edit-problem") {
		t.Errorf("stale amendment: %d, want 409 with the problem shown", status)
	}
}

// TestEditFormPermissions: an editor sees and changes only their own
// department's items; the 编办 (dept "*") all of them.
func TestEditFormPermissions(t *testing.T) {
	s, _ := newDemoServer(t)
	scjg, gaj, bianban := login(t, s, "editor.scjg"), login(t, s, "editor.gaj"), login(t, s, "editor.bianban")
	for _, seg := range []string{"powers", "responsibilities", "services"} {
		status, body := getPage(t, s, "/edit?kind="+seg, sessionOf(scjg))
		if status != 200 || !strings.Contains(body, "-SCJG-") || strings.Contains(body, "-GAJ-") {
			t.Errorf("/edit?kind=%s: %d, want scjg's items only", seg, status)
		}
	}
	for _, path := range []string{"/edit/powers/XK-SCJG-006", "/edit/responsibilities/XK-SCJG-006", "/edit/services/FW-SCJG-001"} {
		if status, _ := getPage(t, s, path, sessionOf(gaj)); status != 403 {
			t.Errorf("GET %s by editor.gaj: %d, want 403", path, status)
		}
		v := openForm(t, s, scjg, path, "amend-form")
		v.Set("step", "preview")
		if status, _, _ := postForm(t, s, path, gaj, v); status != 403 {
			t.Errorf("POST %s by editor.gaj: %d, want 403", path, status)
		}
		if status, _, _ := postForm(t, s, path+"/repeal", gaj, url.Values{"basis_doc": {"x"}, "change_note": {"y"}, "step": {"save"}}); status != 403 {
			t.Errorf("repeal %s by editor.gaj: %d, want 403", path, status)
		}
		v.Del("csrf_token") // postForm set gaj's
		if status, _, _ := postForm(t, s, path, bianban, v); status != 200 {
			t.Errorf("POST %s by editor.bianban: %d, want 200", path, status)
		}
		// nor may scjg's editor hand the item to another department
		v.Set("dept", "gaj")
		v.Del("csrf_token")
		if status, _, body := postForm(t, s, path, scjg, v); status != 403 || !strings.Contains(body, "department gaj") {
			t.Errorf("moving %s to gaj by editor.scjg: %d, want 403", path, status)
		}
	}
	for _, seg := range []string{"powers", "responsibilities", "services"} {
		v := openForm(t, s, scjg, "/edit/"+seg+"/new", "publish-form")
		if got := v["dept"]; len(got) != 1 || got[0] != "scjg" {
			t.Errorf("%s: the new item's department is %v, want scjg, the only one offered", seg, got)
		}
		v.Set("step", "preview")
		if status, _, _ := postForm(t, s, "/edit/"+seg+"/new", gaj, v); status != 403 {
			t.Errorf("publishing a %s of scjg as editor.gaj: %d, want 403", seg, status)
		}
	}
	if status, _ := getPage(t, s, "/edit/responsibilities/new", sessionOf(login(t, s, "clerk.scjg"))); status != 403 {
		t.Errorf("a clerk: %d, want 403", status)
	}
}

// TestEditFormRowsAndLanguages: "add a row" works without JavaScript, the
// preview can go back to the form with everything kept, and the labels
// are the published lists' column names in both languages.
func TestEditFormRowsAndLanguages(t *testing.T) {
	s, _ := newDemoServer(t)
	editor := login(t, s, "editor.scjg")
	v := openForm(t, s, editor, "/edit/powers/XK-SCJG-006", "amend-form")
	rows := len(editform.RowsIn(v, "materials"))
	v.Set("add_row", "materials")
	status, _, body := postForm(t, s, "/edit/powers/XK-SCJG-006", editor, v)
	if got := len(editform.RowsIn(formValues(t, body, "amend-form"), "materials")); status != 200 || got != rows+1 {
		t.Errorf("add a row: %d with %d material rows, want 200 with %d", status, got, rows+1)
	}
	v = openForm(t, s, editor, "/edit/services/new", "publish-form")
	v.Set("code", "FW-SCJG-960")
	v.Set("name", "回到表单")
	v.Set("category", "GG")
	v.Set("step", "preview")
	if status, _, _ := postForm(t, s, "/edit/services/new", editor, v); status != 200 {
		t.Fatalf("preview: %d", status)
	}
	_, _, preview := postForm(t, s, "/edit/services/new", editor, v)
	back := formValues(t, preview, "confirm-form")
	back.Set("back", "1")
	status, _, body = postForm(t, s, "/edit/services/new", editor, back)
	if status != 200 || !strings.Contains(body, `id="publish-form"`) || !strings.Contains(body, `value="回到表单"`) || strings.Contains(body, "form-errors") {
		t.Errorf("back to the form: %d, want the form with what was typed and no errors", status)
	}
	labels := map[string][]string{
		"zh": {"事项名称", "事项类型", "设定和实施依据", "法定期限（工作日）", "承诺期限（工作日）", "收费标准", "监督投诉电话"},
		"en": {"Item name", "Item type", "Statutory time limit", "Promised time limit", "Fee schedule", "Complaints phone"},
	}
	for lang, want := range labels {
		_, body := getPage(t, s, "/edit/powers/new?lang="+lang, sessionOf(editor))
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("/edit/powers/new (%s) lacks %q", lang, w)
			}
		}
		if !strings.Contains(body, `<label for="f-name">`) || !strings.Contains(body, `type="number"`) || !strings.Contains(body, "/static/edit.js") {
			t.Errorf("/edit/powers/new (%s): want labelled fields, number inputs and edit.js", lang)
		}
	}
	_, body = getPage(t, s, "/edit/responsibilities/XK-SCJG-001?lang=zh", sessionOf(editor))
	for _, w := range []string{"追责情形", "追责依据", "各环节责任", `name="stages.0.content"`} {
		if !strings.Contains(body, w) {
			t.Errorf("the responsibility form lacks %q", w)
		}
	}
	if status, body := getPage(t, s, "/static/edit.js", ""); status != 200 || !strings.Contains(body, "data-add-row") {
		t.Errorf("edit.js: %d", status)
	}
}

// TestEditFormChoices: every label the forms use is in both catalogues,
// and the stages and categories offered are exactly what data accepts.
func TestEditFormChoices(t *testing.T) {
	for _, seg := range []string{"powers", "services", "responsibilities"} {
		for _, sec := range editform.Specs(seg) {
			keys := []string{sec.Legend}
			for _, f := range sec.Fields {
				keys = append(keys, f.Label, f.Hint)
				for _, c := range f.Cells {
					keys = append(keys, c.Label, c.Hint)
				}
			}
			for _, k := range keys {
				if k != "" && (i18n.Messages("zh")[k] == "" || i18n.Messages("en")[k] == "") {
					t.Errorf("%s form: label %q is missing from a catalogue", seg, k)
				}
			}
		}
	}
	for set, cs := range editform.ChoiceSets {
		for _, c := range cs {
			if i18n.Messages("zh")[c.Key] == "" || i18n.Messages("en")[c.Key] == "" {
				t.Errorf("choice %s/%s: %q is missing from a catalogue", set, c.Value, c.Key)
			}
		}
	}
	var offered []string
	for _, c := range editform.ChoiceSets["stage"] {
		r := lists.Responsibility{PowerCode: "XK-X-1", Dept: "x", Stages: []lists.Stage{{Stage: c.Value, Content: "职责"}}}
		if err := r.Validate(); (err == nil) != (c.Value != "") {
			t.Errorf("stage %q: Validate() = %v", c.Value, err)
		}
		if c.Value != "" {
			offered = append(offered, c.Value)
		}
	}
	// DOMAIN.md: licensing and penalty stages
	for _, st := range []string{"受理", "审查", "决定", "送达", "事后监管", "其他", "立案", "调查取证", "审理", "告知", "执行"} {
		if !slices.Contains(offered, st) {
			t.Errorf("the form does not offer the stage %s", st)
		}
	}
	form := &editform.Form{Lang: "zh", L: i18n.Messages("zh")}
	for _, o := range form.Options("power_category", "c", nil) {
		p := lists.PowerItem{Code: "X-1", Name: "n", Dept: "x", Category: o.Value, PenaltyScope: "p"}
		if err := p.Validate(); err != nil {
			t.Errorf("power category %s: %v", o.Value, err)
		}
	}
	for _, o := range form.Options("service_category", "c", nil) {
		sv := lists.ServiceItem{Code: "X-1", Name: "n", Dept: "x", Category: o.Value, Audience: "individual"}
		if o.Value != "GG" {
			sv.PowerCode = "XK-X-1"
		}
		if err := sv.Validate(); err != nil {
			t.Errorf("service category %s: %v", o.Value, err)
		}
	}
	for _, a := range editform.ChoiceSets["service_audience"] {
		sv := lists.ServiceItem{Code: "X-1", Name: "n", Dept: "x", Category: "GG", Audience: a.Value}
		if err := sv.Validate(); err != nil {
			t.Errorf("service audience %s: %v", a.Value, err)
		}
	}
	for _, d := range editform.ChoiceSets["online_depth"] {
		n, _ := strconv.Atoi(d.Value)
		sv := lists.ServiceItem{Code: "X-1", Name: "n", Dept: "x", Category: "GG", Audience: "individual", OnlineDepth: n}
		if err := sv.Validate(); err != nil {
			t.Errorf("online depth %s: %v", d.Value, err)
		}
	}
}

// TestResponsibilityPagesNameThePower: the public responsibility list and
// the editor's list name each responsibility by its power.
func TestResponsibilityPagesNameThePower(t *testing.T) {
	s, _ := newDemoServer(t)
	editor := login(t, s, "editor.scjg")
	code := regexp.MustCompile(`[A-Z]{2}-SCJG-\d{3}`)
	for _, page := range []struct{ path, cookie string }{
		{"/responsibilities?dept=scjg", ""}, {"/edit?kind=responsibilities", sessionOf(editor)}} {
		status, body := getPage(t, s, page.path, page.cookie)
		first := code.FindString(body)
		if status != 200 || first == "" {
			t.Fatalf("%s: %d, no responsibility listed", page.path, status)
		}
		var p struct{ Name string }
		getJSON(t, s, "/api/v1/powers/"+first, &p)
		if p.Name == "" || !strings.Contains(body, p.Name) {
			t.Errorf("%s: the first responsibility (%s) is not named %q", page.path, first, p.Name)
		}
	}
}

// TestRefusedRepealKeepsThePage: a repeal refused for its missing details
// shows the item's page as the form does, with the link to the power's
// responsibility item.
func TestRefusedRepealKeepsThePage(t *testing.T) {
	s, _ := newDemoServer(t)
	editor := login(t, s, "editor.scjg")
	const code = "XK-SCJG-006"
	status, _, body := postForm(t, s, "/edit/powers/"+code+"/repeal", editor, url.Values{"step": {"save"}})
	if status != 422 {
		t.Fatalf("repeal without its details: %d, want 422", status)
	}
	if !strings.Contains(body, `href="/edit/responsibilities/`+code+`" id="edit-resp"`) || !strings.Contains(body, `id="amend-form"`) {
		t.Errorf("the refused repeal's page lacks the amend form or the responsibility link")
	}
}
