package web

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVendoredEd25519 runs the vendored static/ed25519.js under Node (when
// installed) on signatures made by crypto/ed25519: each must verify, and
// each with one bit flipped in the signature or the message must not. The
// browser test exercises it in Chromium too.
func TestVendoredEd25519(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := t.TempDir()
	js, _ := staticFS.ReadFile("static/ed25519.js")
	os.WriteFile(filepath.Join(dir, "ed25519.js"), js, 0o644)
	var vectors strings.Builder
	seed := make([]byte, ed25519.SeedSize)
	for i, msg := range []string{"", "x", "qingdan.local/ledger\n2246\nBTLqmLqT9Ee0cXvoOTNCbmh27B3CCYflP4nHYTpaem8=\n"} {
		seed[0] = byte(i + 1)
		priv := ed25519.NewKeyFromSeed(seed)
		sig := ed25519.Sign(priv, []byte(msg))
		fmt.Fprintf(&vectors, "%s %s %s\n", hex.EncodeToString(priv.Public().(ed25519.PublicKey)), hex.EncodeToString(sig), hex.EncodeToString([]byte(msg)))
	}
	os.WriteFile(filepath.Join(dir, "vectors.txt"), []byte(vectors.String()), 0o644)
	script := `import fs from "fs";
await import("./ed25519.js");
const hex = (h) => new Uint8Array((h.match(/../g) || []).map((x) => parseInt(x, 16)));
const v = globalThis.qingdanEd25519.verify;
for (const line of fs.readFileSync("vectors.txt", "utf8").trim().split("\n")) {
  const [pub, sig, msg] = line.split(" ");
  const m = hex(msg || ""), s = hex(sig), s2 = hex(sig), m2 = new Uint8Array([...m, 0]);
  s2[40] ^= 1;
  console.log(await v(hex(pub), s, m), await v(hex(pub), s2, m), await v(hex(pub), s, m2));
}`
	os.WriteFile(filepath.Join(dir, "t.mjs"), []byte(script), 0o644)
	cmd := exec.Command(node, "t.mjs")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	want := strings.Repeat("true false false\n", 3)
	if string(out) != want {
		t.Errorf("got\n%s\nwant (good, flipped signature, changed message) per line\n%s", out, want)
	}
}
