package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TestEditAuthorisesTheSavedDept (issue 20, finding 2): the editor pages
// authorise the department that is saved, read from the posted form only.
// editor.scjg posts each form (preview, then save) with ?dept=scjg in the
// URL and dept=jyj in the body: every step is refused and nothing moves
// into 教育局.
func TestEditAuthorisesTheSavedDept(t *testing.T) {
	s, _ := newDemoServer(t)
	editor := login(t, s, "editor.scjg")
	bianban := login(t, s, "editor.bianban")
	// a power of scjg without a responsibility item yet, so that a new
	// responsibility can be posted for it
	if status, body := send(t, s, "POST", "/api/v1/powers", bianban, map[string]any{
		"code": "XK-SCJG-950", "name": "测试许可", "category": "XK", "dept": "scjg",
		"basis": []map[string]string{{"law": "《行政许可法》"}}, "basis_doc": "清编办〔2026〕9号", "change_note": "测试",
	}); status != 201 {
		t.Fatalf("publish XK-SCJG-950: %d %s", status, body)
	}
	cases := []struct {
		name, seg, path, code, formID string
		fields                        url.Values
	}{
		{"new power", "powers", "/edit/powers/new", "XK-SCJG-951", "publish-form", url.Values{
			"code": {"XK-SCJG-951"}, "name": {"越权许可"}, "basis.0.law": {"《行政许可法》"}}},
		{"new responsibility", "responsibilities", "/edit/responsibilities/new?power_code=XK-SCJG-950", "XK-SCJG-950", "publish-form",
			url.Values{"power_code": {"XK-SCJG-950"}, "stages.0.stage": {"受理"}, "stages.0.content": {"受理申请"}}},
		{"new service", "services", "/edit/services/new", "FW-SCJG-951", "publish-form", url.Values{
			"code": {"FW-SCJG-951"}, "name": {"越权服务"}, "power_code": {""}, "category": {"GG"}}},
		{"amend power", "powers", "/edit/powers/XK-SCJG-003", "XK-SCJG-003", "amend-form", nil},
		{"amend responsibility", "responsibilities", "/edit/responsibilities/XK-SCJG-003", "XK-SCJG-003", "amend-form", nil},
		{"amend service", "services", "/edit/services/FW-SCJG-001", "FW-SCJG-001", "amend-form", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := openForm(t, s, editor, tc.path, tc.formID)
			for k, x := range tc.fields {
				v[k] = x
			}
			v.Set("dept", "jyj")
			target, _, _ := strings.Cut(tc.path, "?")
			target += "?dept=scjg"
			for _, step := range []string{"preview", "save"} {
				v.Set("step", step)
				if status, _, _ := postForm(t, s, target, editor, v); status != 403 {
					t.Errorf("%s %s with dept=jyj in the body and ?dept=scjg: got %d, want 403", step, target, status)
				}
			}
			var got map[string]any
			status := getJSONStatus(t, s, "/api/v1/"+tc.seg+"/"+tc.code, &got)
			if tc.seg != "powers" && status == 200 {
				got, _ = got["item"].(map[string]any)
			}
			if status == 200 && got["dept"] != "scjg" {
				t.Errorf("%s %s: dept %v, want it to stay scjg", tc.seg, tc.code, got["dept"])
			}
			if strings.HasSuffix(tc.path, "/new") && tc.seg != "responsibilities" && status != 404 {
				t.Errorf("%s %s was published (%d)", tc.seg, tc.code, status)
			}
		})
	}
	t.Run("own department still works", func(t *testing.T) {
		v := openForm(t, s, editor, "/edit/services/FW-SCJG-002", "amend-form")
		v.Set("hours", "工作日 8:00-18:00")
		previewAndSave(t, s, editor, "/edit/services/FW-SCJG-002?dept=jyj", v)
		if got := apiItem(t, s, "services", "FW-SCJG-002"); got["dept"] != "scjg" || got["hours"] != "工作日 8:00-18:00" {
			t.Errorf("after saving: dept %v hours %v, want scjg and the new hours", got["dept"], got["hours"])
		}
	})
}

// TestAPIRefusesACaseVariantDeptKey: a JSON body naming its department
// twice, in two spellings of the key, is refused, so the department the
// guard reads cannot differ from the one saved.
func TestAPIRefusesACaseVariantDeptKey(t *testing.T) {
	s, _ := newDemoServer(t)
	editor := login(t, s, "editor.scjg")
	bodies := []struct{ method, path, body string }{
		{"POST", "/api/v1/services", `{"code":"FW-SCJG-952","name":"x","audience":"individual","category":"GG","power_code":"",
			"dept":"scjg","DEPT":"jyj","basis_doc":"d","change_note":"n"}`},
		{"POST", "/api/v1/services", `{"code":"FW-SCJG-952","name":"x","audience":"individual","category":"GG","power_code":"",
			"Dept":"jyj","dept":"scjg","basis_doc":"d","change_note":"n"}`},
		{"POST", "/api/v1/services", `{"code":"FW-SCJG-953","name":"x","audience":"individual","category":"GG","power_code":"",
			"dept":"jyj","DEPT":"scjg","basis_doc":"d","change_note":"n"}`},
		{"PUT", "/api/v1/services/FW-SCJG-001", `{"dept":"scjg","Dept":"jyj","basis_doc":"d","change_note":"n"}`},
		{"PUT", "/api/v1/services/FW-SCJG-001", `{"dept":"jyj","Dept":"scjg","basis_doc":"d","change_note":"n"}`},
	}
	for _, b := range bodies {
		status, out := sendRaw(t, s, b.method, b.path, editor, b.body)
		if status != 422 {
			t.Errorf("%s %s %s: got %d %s, want 422", b.method, b.path, b.body, status, out)
		}
	}
	if got := apiItem(t, s, "services", "FW-SCJG-001"); got["dept"] != "scjg" {
		t.Errorf("FW-SCJG-001 dept %v, want scjg", got["dept"])
	}
	for _, code := range []string{"FW-SCJG-952", "FW-SCJG-953"} {
		if status, _, _ := get(t, s, "/api/v1/services/"+code); status != 404 {
			t.Errorf("%s: got %d, want 404 (never published)", code, status)
		}
	}
}

// getJSONStatus is GET path decoded into v when it answers 200; it
// returns the status.
func getJSONStatus(t *testing.T, s *Server, path string, v any) int {
	t.Helper()
	status, _, body := get(t, s, path)
	if status == 200 {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	return status
}
