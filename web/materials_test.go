package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"qingdan/data/applications"
)

// upload posts file to /api/v1/materials and returns the status and the
// answer's sha256.
func upload(t *testing.T, s *Server, file []byte) (int, string) {
	t.Helper()
	resp, err := s.App().Test(httptest.NewRequest("POST", "/api/v1/materials", bytes.NewReader(file)), -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var up struct {
		SHA256 string `json:"sha256"`
		Size   int    `json:"size"`
	}
	json.NewDecoder(resp.Body).Decode(&up)
	if resp.StatusCode == 201 && up.Size != len(file) {
		t.Errorf("upload answered size %d, want %d", up.Size, len(file))
	}
	return resp.StatusCode, up.SHA256
}

// pdf is a distinct small PDF.
func pdf(i int) []byte { return fmt.Appendf(nil, "%%PDF-1.7\n%% material %d\n", i) }

// TestUploadQuotas (issue 20, finding 6): one address may upload at most
// PerAddressFiles files and PerAddressBytes bytes per window, and all
// uploads waiting for an application at most UnattachedBytes (429 past
// either); files that are no PDF, JPEG, PNG or OFD are refused (422).
func TestUploadQuotas(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	s, _ := newDemoServerAt(t, nil, func(c *Config) {
		c.Materials = applications.MaterialQuota{PerAddressFiles: 3, PerAddressBytes: 1 << 20, UnattachedBytes: 2 << 20}
		c.Approvals.SetClock(clock)
	})
	for _, bad := range [][]byte{[]byte("MZ\x90\x00 an executable"), []byte("<html><script>")} {
		if status, _ := upload(t, s, bad); status != 422 {
			t.Errorf("upload %q: got %d, want 422", bad[:4], status)
		}
	}
	for i := range 3 {
		if status, _ := upload(t, s, pdf(i)); status != 201 {
			t.Fatalf("upload %d: got %d, want 201", i, status)
		}
	}
	if status, _ := upload(t, s, pdf(3)); status != 429 {
		t.Fatalf("4th file in the hour: got %d, want 429", status)
	}
	now.Add(3601)
	big := append(pdf(4), make([]byte, 1<<20)...)
	if status, _ := upload(t, s, big); status != 429 {
		t.Fatalf("over the bytes per address: got %d, want 429", status)
	}
	for i := range 2 { // 2 MiB from the address in two windows
		if status, _ := upload(t, s, append(pdf(10+i), make([]byte, 1<<20-100)...)); status != 201 {
			t.Fatalf("1 MiB upload: got %d, want 201", status)
		}
		now.Add(3601)
	}
	if status, _ := upload(t, s, append(pdf(20), make([]byte, 1000)...)); status != 429 {
		t.Fatalf("over the total waiting for an application: got %d, want 429", status)
	}
}

// TestUploadMustBeNamedInTime (issue 20, finding 6): a submission may
// name an upload while it has time left, not once it is about to be
// collected.
func TestUploadMustBeNamedInTime(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	s, _ := newDemoServerAt(t, nil, func(c *Config) {
		c.Materials = applications.MaterialQuota{TTL: 2 * time.Hour}
		c.Approvals.SetClock(clock)
	})
	_, kept := upload(t, s, pdf(1))
	_, late := upload(t, s, pdf(2))
	submitWith := func(sha string) (int, []byte) {
		return send(t, s, "POST", "/api/v1/applications", creds{}, map[string]any{"service_code": "FW-SCJG-001",
			"summary": "申请", "applicant": testApplicant, "materials": []any{map[string]any{"name": "营业执照", "sha256": sha}}})
	}
	if status, body := submitWith(kept); status != 201 {
		t.Fatalf("submit with a fresh upload: %d %s", status, body)
	}
	now.Add(int64((2*time.Hour - 4*time.Minute).Seconds()))
	if status, _ := submitWith(late); status != 422 {
		t.Fatalf("submit naming an upload about to be collected: got %d, want 422", status)
	}
	if status, body := submitWith(kept); status != 201 {
		t.Fatalf("submit naming an upload another application already names: %d %s", status, body)
	}
}
