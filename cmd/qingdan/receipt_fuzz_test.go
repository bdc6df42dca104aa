package main

import "testing"

func FuzzParseAnyReceipt(f *testing.F) {
	f.Add([]byte(`{"index":1,"leaf_hash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","checkpoint":"x\n1\nAA==\n","inclusion":[]}`))
	f.Add([]byte("c2sp.org/tlog-proof@v1\nextra e30=\nindex 0\n\nlog\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, _, err := parseAnyReceipt(b)
		if err == nil && (r.Index < 0 || len(r.Inclusion) > 64) {
			t.Fatalf("accepted a receipt with index %d and %d proof hashes", r.Index, len(r.Inclusion))
		}
	})
}
