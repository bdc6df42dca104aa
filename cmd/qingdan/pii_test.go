package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qingdan/data/applications"
	"qingdan/data/personal"
	"qingdan/data/store"
)

// The personal data one test applicant submits, and the free text typed
// into a withdrawal: none of it may be found in the database file, its
// WAL or a backup.
var secretsAtRest = []string{"11010519491231002X", "13812345678", "清江县桃源路88号7栋", "不想办了13955550000"}

// applyOnce submits one application with secretsAtRest to the first demo
// service that takes one, and returns its number and query code.
func applyOnce(t *testing.T, base string) (number, code string) {
	t.Helper()
	s := newSubmitter(t, base) // the demo service (its first submission is not ours)
	body, _ := json.Marshal(map[string]any{"service_code": s.service, "summary": "加密测试",
		"applicant": map[string]any{"type": "natural", "name": "司马相如", "id_type": "resident_id",
			"id_number": secretsAtRest[0], "phone": secretsAtRest[1], "address": secretsAtRest[2]}})
	resp, err := http.Post(base+"/api/v1/applications", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sub struct {
		Number    string `json:"number"`
		QueryCode string `json:"query_code"`
	}
	if resp.StatusCode != 201 || json.NewDecoder(resp.Body).Decode(&sub) != nil {
		t.Fatalf("submit: status %d", resp.StatusCode)
	}
	return sub.Number, sub.QueryCode
}

func withdrawWith(t *testing.T, base, number string, body map[string]any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(base+"/api/v1/applications/"+number+"/withdraw", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// ledgerEntry reads the body of one ledger entry.
func ledgerEntry(t *testing.T, base string, index int64) []byte {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("%s/api/v1/ledger/entries?start=%d&limit=1", base, index))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Entries []struct {
			Body []byte `json:"body"`
		} `json:"entries"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || len(page.Entries) != 1 {
		t.Fatalf("entry %d: %v", index, err)
	}
	return page.Entries[0].Body
}

// mustNotContain fails if any secret is in the bytes of the file named.
func mustNotContain(t *testing.T, name string, b []byte) {
	t.Helper()
	for _, s := range secretsAtRest {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s (%d bytes) contains %q in plain text", name, len(b), s)
		}
	}
}

// backupDatabase returns the database file inside a backup archive.
func backupDatabase(t *testing.T, archive string) []byte {
	t.Helper()
	fh, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err != nil {
			t.Fatalf("no %s in the backup: %v", store.DBFileName, err)
		}
		if hdr.Name == store.DBFileName {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}

// TestPersonalDataNotAtRest (issue 20, finding 11 and "personal data at
// rest"): an applicant's ID number, phone and address and the free text of
// a withdrawal are in neither the database file, nor its WAL (while the
// server runs and after it stopped), nor a backup; the ledger and the
// public answer carry only the withdrawal's reason code.
func TestPersonalDataNotAtRest(t *testing.T) {
	dir := t.TempDir()
	archive := filepath.Join(t.TempDir(), "backup.tar.gz")
	serveFor(t, []string{"--data", dir, "--demo"}, func(base string) {
		number, code := applyOnce(t, base)
		status, answer := withdrawWith(t, base, number, map[string]any{"query_code": code,
			"reason_code": "no_longer_needed", "reason": secretsAtRest[3]})
		if status != 200 {
			t.Fatalf("withdraw: status %d: %s", status, answer)
		}
		mustNotContain(t, "the withdrawal's answer", []byte(answer))
		if !strings.Contains(answer, `"receipt"`) {
			t.Fatalf("withdraw answered %s", answer)
		}
		var acted struct {
			Receipt struct {
				Index int64 `json:"index"`
			} `json:"receipt"`
		}
		json.Unmarshal([]byte(answer), &acted)
		entries, err := http.Get(fmt.Sprintf("%s/api/v1/ledger/entries?start=0&limit=%d", base, 1000))
		if err != nil {
			t.Fatal(err)
		}
		all, _ := io.ReadAll(entries.Body)
		entries.Body.Close()
		var page struct {
			Entries []struct {
				Body []byte `json:"body"`
			} `json:"entries"`
		}
		json.Unmarshal(all, &page)
		for _, e := range page.Entries {
			mustNotContain(t, "a ledger entry", e.Body)
		}
		entry := ledgerEntry(t, base, acted.Receipt.Index)
		mustNotContain(t, "the withdrawal's entry", entry)
		if !bytes.Contains(entry, []byte(`"reason_code":"no_longer_needed"`)) {
			t.Errorf("the withdrawal's entry is %s, want the reason code in it", entry)
		}
		wal, _ := os.ReadFile(filepath.Join(dir, store.DBFileName+"-wal"))
		mustNotContain(t, "the WAL of the running server", wal)
		db, _ := os.ReadFile(filepath.Join(dir, store.DBFileName))
		mustNotContain(t, "the database file of the running server", db)
		if code, out := runCmd("backup", "--data", dir, "--out", archive); code != exitOK {
			t.Fatalf("backup: exit %d: %s", code, out)
		}
	})
	for _, name := range []string{store.DBFileName, store.DBFileName + "-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		mustNotContain(t, name, b)
	}
	mustNotContain(t, "the backup's database", backupDatabase(t, archive))
}

// TestServeRefusesWrongPIIKey: serve stops at start, with exit code 2 and
// a message naming the key, when the personal-data key is another one or
// is missing; verify needs no personal-data key.
func TestServeRefusesWrongPIIKey(t *testing.T) {
	dir := t.TempDir()
	serveFor(t, []string{"--data", dir}, func(string) {})
	other := filepath.Join(t.TempDir(), "other.key")
	k, _ := personal.NewPIIMasterKey()
	if err := personal.WritePIIKeyFile(other, []personal.PIIMasterKey{k}); err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]string{"another key": other, "no key file": filepath.Join(t.TempDir(), "pii.key")} {
		code, out := runCmd("serve", "--addr", freeAddr(t), "--data", dir, "--pii-key", key)
		if code != exitError || !strings.Contains(out, "personal-data key") {
			t.Errorf("serve with %s: exit %d: %s; want %d naming the personal-data key", name, code, out, exitError)
		}
	}
	os.Rename(filepath.Join(dir, piiKeyName), filepath.Join(dir, "pii.key.elsewhere"))
	if code, out := runCmd("verify", "--data", dir); code != exitOK {
		t.Errorf("verify without the personal-data key: exit %d: %s", code, out)
	}
}

// TestPIIRotateKey: after 'qingdan pii rotate-key' the key file holds one
// new key, the server starts with it and every applicant's record opens.
func TestPIIRotateKey(t *testing.T) {
	dir := t.TempDir()
	serveFor(t, []string{"--data", dir, "--demo"}, func(string) {})
	keyFile := filepath.Join(dir, piiKeyName)
	before, _ := os.ReadFile(keyFile)
	code, out := runCmd("pii", "rotate-key", "--data", dir)
	if code != exitOK || !strings.Contains(out, "re-wrapped 2 keys") {
		t.Fatalf("rotate-key: exit %d: %s", code, out)
	}
	after, _ := os.ReadFile(keyFile)
	keys, err := personal.ParsePIIKeyFile(after)
	if err != nil || len(keys) != 1 || bytes.Equal(before, after) {
		t.Fatalf("key file after rotation: %d keys (%v), changed %v", len(keys), err, !bytes.Equal(before, after))
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", fi.Mode(), err)
	}
	serveFor(t, []string{"--data", dir}, func(string) {})
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pii, err := personal.OpenPII(ctx, db, keys, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := applications.NewApprovals(db, nil, nil)
	a.UsePII(pii)
	var numbers []string
	db.Reader.Raw(`SELECT number FROM applicants`).Scan(&numbers)
	if len(numbers) < demoApplications {
		t.Fatalf("%d applicants, want the demo's %d", len(numbers), demoApplications)
	}
	for _, n := range numbers {
		if p, err := a.Personal(ctx, n); err != nil || !strings.Contains(string(p), `"id_number":"330`) {
			t.Fatalf("%s after rotation: %s (%v)", n, p, err)
		}
	}
}
