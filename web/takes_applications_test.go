package web

import (
	"strings"
	"testing"
)

// TestPublicServiceTakesNoApplications (issue 20, finding 12): the API
// refuses an application to a service that implements no power, as the
// page does.
func TestPublicServiceTakesNoApplications(t *testing.T) {
	s, _ := newDemoServer(t)
	const public = "FW-RSJ-006" // a pure public service (GG) of the demo
	status, body := send(t, s, "POST", "/api/v1/applications", creds{},
		map[string]any{"service_code": public, "summary": "申请", "applicant": testApplicant})
	if status != 422 || !strings.Contains(string(body), `"service_code"`) {
		t.Errorf("POST /api/v1/applications for %s: got %d %s, want 422 naming service_code", public, status, body)
	}
	if status, _ := getPage(t, s, "/apply/"+public, ""); status != 404 {
		t.Errorf("GET /apply/%s: got %d, want 404", public, status)
	}
	if status, _, _ := postForm(t, s, "/apply/"+public, creds{}, nil); status != 404 {
		t.Errorf("POST /apply/%s: got %d, want 404", public, status)
	}
	submitHTTP(t, s, "FW-SCJG-001") // a service of a power still takes them
}
