package web

import (
	"strings"
	"testing"
)

// TestServiceKeepsToItsDepartmentsPowers (issue 20, finding 5): over the
// editor's page and the API alike, scjg's editor cannot link a scjg
// service to a power of 教育局.
func TestServiceKeepsToItsDepartmentsPowers(t *testing.T) {
	s, _ := newDemoServer(t)
	editor := login(t, s, "editor.scjg")
	unchanged := func(t *testing.T, after string) {
		t.Helper()
		if got := apiItem(t, s, "services", "FW-SCJG-001"); got["power_code"] == "CF-JYJ-001" || got["version"] != 1.0 {
			t.Errorf("after %s: FW-SCJG-001 power_code %v version %v, want it unchanged", after, got["power_code"], got["version"])
		}
	}
	v := openForm(t, s, editor, "/edit/services/FW-SCJG-001", "amend-form")
	v.Set("power_code", "CF-JYJ-001")
	v.Set("category", "CF")
	v.Set("step", "save")
	status, _, page := postForm(t, s, "/edit/services/FW-SCJG-001", editor, v)
	if status != 422 || !strings.Contains(page, "CF-JYJ-001") {
		t.Errorf("the page's save with power_code CF-JYJ-001: got %d (%q), want 422 with the form again", status, elementText(t, page, "edit-problem"))
	}
	unchanged(t, "the page's save")
	relink := map[string]any{"power_code": "CF-JYJ-001", "category": "CF", "basis_doc": "清编办〔2026〕9号", "change_note": "改挂"}
	if status, body := send(t, s, "PUT", "/api/v1/services/FW-SCJG-001", editor, relink); status != 422 || !strings.Contains(string(body), `"power_code"`) {
		t.Errorf("PUT FW-SCJG-001 with power_code CF-JYJ-001: got %d, want 422 naming power_code", status)
	}
	unchanged(t, "the PUT")
	newService := map[string]any{"code": "FW-SCJG-960", "name": "越权服务", "audience": "individual", "dept": "scjg",
		"power_code": "CF-JYJ-001", "category": "CF", "basis_doc": "清编办〔2026〕9号", "change_note": "新增"}
	if status, _ := send(t, s, "POST", "/api/v1/services", editor, newService); status != 422 {
		t.Errorf("POST a scjg service of CF-JYJ-001: got %d, want 422", status)
	}
}
