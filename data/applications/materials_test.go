package applications

import (
	"context"
	"fmt"
	"testing"
	"time"

	"qingdan/data/applicant"
	"qingdan/data/pgtest"
)

func TestUnattachedUploadsAreCollected(t *testing.T) {
	pgtest.Backends(t, testUnattachedUploadsAreCollected)
}

// testUnattachedUploadsAreCollected (issue 20, finding 6): an upload that
// no submission names within its TTL is deleted by CollectMaterials; one
// named in time stays, with the uploader's address forgotten after the
// quota window; a re-upload gives a file a new TTL.
func testUnattachedUploadsAreCollected(t *testing.T) {
	a, _, db, _ := newApprovals(t)
	ctx := context.Background()
	at := time.Now().UTC()
	a.SetClock(func() time.Time { return at })
	q := MaterialQuota{TTL: 2 * time.Hour}
	store := func(s string) string {
		t.Helper()
		sum, err := a.StoreMaterial(ctx, []byte("%PDF-1.7\n"+s), "192.0.2.7", q)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	kept, dropped, renewed := store("kept"), store("dropped"), store("renewed")
	if _, err := a.Submit(ctx, SubmitRequest{ServiceCode: "FW-SCJG-001", Summary: "申请",
		Applicant: applicant.Applicant{Type: "natural", Name: testName, IDType: "resident_id", IDNumber: validResidentID(t), Phone: testPhone, Address: testAddr},
		Materials: []MaterialRef{{Name: "营业执照", SHA256: kept}}}); err != nil {
		t.Fatal(err)
	}
	at = at.Add(time.Hour)
	store("renewed")
	at = at.Add(90 * time.Minute)
	files, bytes, err := a.CollectMaterials(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if files != 1 || bytes != int64(len("%PDF-1.7\ndropped")) {
		t.Fatalf("collected %d files (%d bytes), want 1 (%d)", files, bytes, len("%PDF-1.7\ndropped"))
	}
	var left []struct {
		SHA256   []byte
		Uploader *string
	}
	if err := db.Reader.Raw(`SELECT sha256, uploader FROM materials ORDER BY uploaded_at`).Scan(&left).Error; err != nil {
		t.Fatal(err)
	}
	got := map[string]*string{}
	for _, m := range left {
		got[fmt.Sprintf("%x", m.SHA256)] = m.Uploader
	}
	if _, ok := got[dropped]; ok || len(got) != 2 {
		t.Fatalf("materials left: %v, want %s and %s", got, kept, renewed)
	}
	if u := got[kept]; u != nil {
		t.Errorf("uploader still kept after the quota window: %q", *u)
	}
}
