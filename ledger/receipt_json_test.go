package ledger

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// Receipt.MarshalJSON writes what encoding/json writes from the struct's
// tags (compared as JSON values), and reads back into the same receipt.
func TestReceiptMarshalJSONMatchesReflection(t *testing.T) {
	type plain Receipt // the same fields and tags, without the method
	rng := rand.New(rand.NewPCG(1, 2))
	hash := func() (h tlog.Hash) {
		for i := range h {
			h[i] = byte(rng.IntN(256))
		}
		return h
	}
	checkpoints := []string{"", "qingdan.local/ledger\n12\nabc=\n\n— qingdan.local/ledger xyz=\n",
		"<a&b>\"\\\t\u2028中文\x01", "bad \xff utf-8"}
	for n := 0; n < 200; n++ {
		r := Receipt{Index: rng.Int64N(1 << 40), LeafHash: hash(), Checkpoint: checkpoints[n%len(checkpoints)]}
		if n%5 != 0 {
			r.Inclusion = []tlog.Hash{}
			for range rng.IntN(30) {
				r.Inclusion = append(r.Inclusion, hash())
			}
		}
		got, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(plain(r))
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("receipt %d: invalid JSON %s: %v", n, got, err)
		}
		json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("receipt %d:\n got %s\nwant %s", n, got, want)
		}
		if r.Checkpoint == checkpoints[3] {
			continue // encoding/json replaced the invalid byte
		}
		var back Receipt
		if err := json.Unmarshal(got, &back); err != nil || !reflect.DeepEqual(back, r) {
			t.Fatalf("receipt %d does not read back: %v\n got %+v\nwant %+v", n, err, back, r)
		}
	}
}
