package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// newWitness makes a witness key in a temporary folder and returns the
// key file and its verifier key.
func newWitness(t *testing.T, name string) (keyFile, vkey string) {
	t.Helper()
	keyFile = filepath.Join(t.TempDir(), "witness.key")
	code, out := runCmd("witness", "keygen", "--name", name, "--out", keyFile)
	m := regexp.MustCompile(`verifier key \(give it to the log and to auditors\): (\S+)`).FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("witness keygen: exit %d: %s", code, out)
	}
	return keyFile, m[1]
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestWitnessesCosignAndAuditRequiresThem(t *testing.T) {
	dir, vkey := listsFixture(t)
	k1, w1 := newWitness(t, "audit-office.example/witness")
	k2, w2 := newWitness(t, "court.example/witness")
	base, _ := serving(t, dir, "--witness-key", w1, "--witness-key", w2)
	if status, _ := httpGet(t, base+"/api/v1/ledger/checkpoint/cosigned"); status != http.StatusNotFound {
		t.Fatalf("cosigned checkpoint before any witness: status %d, want 404", status)
	}
	state1 := filepath.Join(t.TempDir(), "w1.json")
	if code, out := runCmd("witness", "--url", base, "--log-key", vkey, "--key", k1, "--state", state1); code != exitOK || !strings.Contains(out, "cosigned") {
		t.Fatalf("witness 1: exit %d: %s", code, out)
	}
	audit := []string{"audit", "--url", base, "--key", vkey, "--witness", w1, "--witness", w2}
	if code, out := runCmd(append(audit, "--min-witnesses", "2")...); code != exitError || !strings.Contains(out, "1 of the 2 required") {
		t.Fatalf("audit requiring 2 witnesses with 1: exit %d: %s; want %d", code, out, exitError)
	}
	if code, out := runCmd(append(audit, "--min-witnesses", "1")...); code != exitOK || !strings.Contains(out, "witnessed: 1 of 1") {
		t.Fatalf("audit requiring 1 witness: exit %d: %s", code, out)
	}
	state2 := filepath.Join(t.TempDir(), "w2.json")
	if code, out := runCmd("witness", "--url", base, "--log-key", vkey, "--key", k2, "--state", state2); code != exitOK {
		t.Fatalf("witness 2: exit %d: %s", code, out)
	}
	if code, out := runCmd(audit...); code != exitOK || !strings.Contains(out, "witnessed: 2 of 2") {
		t.Fatalf("audit requiring both witnesses: exit %d: %s", code, out)
	}
	_, served := httpGet(t, base+"/checkpoint")
	if !strings.Contains(served, "— audit-office.example/witness ") || !strings.Contains(served, "— court.example/witness ") {
		t.Fatalf("GET /checkpoint does not carry both cosignatures:\n%s", served)
	}
	// A witness whose key the log does not know is refused.
	k3, _ := newWitness(t, "stranger.example/witness")
	if code, out := runCmd("witness", "--url", base, "--log-key", vkey, "--key", k3, "--state", filepath.Join(t.TempDir(), "w3.json")); code != exitError || !strings.Contains(out, "no valid cosignature by a configured witness") {
		t.Fatalf("unconfigured witness: exit %d: %s", code, out)
	}
}

func TestWitnessRefusesInconsistentCheckpoint(t *testing.T) {
	a, b, vkey := forked(t)
	key, w := newWitness(t, "newspaper.example/witness")
	state := filepath.Join(t.TempDir(), "witness.json")
	baseA, stopA := serving(t, a, "--witness-key", w)
	if code, out := runCmd("witness", "--url", baseA, "--log-key", vkey, "--key", key, "--state", state); code != exitOK {
		t.Fatalf("witness on copy A: exit %d: %s", code, out)
	}
	stopA()
	baseB, _ := serving(t, b, "--witness-key", w)
	evidence := t.TempDir()
	code, out := runCmd("witness", "--url", baseB, "--log-key", vkey, "--key", key, "--state", state, "--evidence", evidence)
	if code != exitTampered || !strings.Contains(out, "refuses to cosign") {
		t.Fatalf("witness on the fork B: exit %d: %s; want %d", code, out, exitTampered)
	}
	if status, _ := httpGet(t, baseB+"/api/v1/ledger/checkpoint/cosigned"); status != http.StatusNotFound {
		t.Fatalf("the fork got a cosignature: status %d", status)
	}
	files := evidenceFiles(t, evidence)
	mustOpenWith(t, files["checkpoint-cosigned-before.txt"], vkey)
	mustOpenWith(t, files["checkpoint-refused.txt"], vkey)
	// The witness still holds A's checkpoint: it refuses B again.
	if code, _ := runCmd("witness", "--url", baseB, "--log-key", vkey, "--key", key, "--state", state, "--evidence", t.TempDir()); code != exitTampered {
		t.Fatalf("second try on the fork: exit %d, want %d", code, exitTampered)
	}
}
