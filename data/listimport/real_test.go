package listimport

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"strings"
	"testing"

	"qingdan/data/lists"
	"qingdan/ledger"
)

// TestRealCatalogue imports the real catalogue of 广安区 (1,135 rows of 34
// departments; see data/listfile/testdata/NOTICE.md), then imports it
// again.
func TestRealCatalogue(t *testing.T) {
	t.Parallel()
	content, err := os.ReadFile("../listfile/testdata/guangan-catalogue.csv")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cat, l := newCatalog(t)
	before := ledgerSize(t, l)
	p := plan(t, cat, "guangan-catalogue.csv", content, Options{Source: "guangan-catalogue.csv"})

	t.Run("plan", func(t *testing.T) {
		if got := ledgerSize(t, l); got != before {
			t.Fatalf("planning appended %d entries, want none", got-before)
		}
		powers, services := p.Counts(lists.KindPower), p.Counts(lists.KindService)
		if got, want := powers.Create+services.Create+powers.Reject+services.Reject, 1135; got != want {
			t.Errorf("got create+rejected %d, want %d", got, want)
		}
		for _, e := range p.Entries {
			if e.Action == Reject {
				t.Errorf("line %d rejected: %s", e.Line, e.Reason)
			}
		}
		if powers.Create != 787 || services.Create != 348 {
			t.Errorf("got %d powers and %d services to create, want 787 and 348", powers.Create, services.Create)
		}
		if got := len(p.Departments); got != 34 {
			t.Errorf("got %d departments to create, want 34", got)
		}
		got := map[string]int{}
		codes := map[string]int{}
		deptCode := regexp.MustCompile(`^[a-z][a-z0-9_-]{1,15}$`)
		for _, e := range p.Entries {
			var item struct{ Category, Dept string }
			json.Unmarshal(e.Item, &item)
			got[item.Category]++
			if prev, dup := codes[e.Code]; dup {
				t.Errorf("line %d: code %s also on line %d", e.Line, e.Code, prev)
			}
			codes[e.Code] = e.Line
			if len(e.Code) > MaxCodeLen || !validCode.MatchString(e.Code) || !deptCode.MatchString(item.Dept) {
				t.Errorf("line %d: code %q dept %q", e.Line, e.Code, item.Dept)
			}
		}
		want := map[string]int{"XK": 536, "GG": 348, "QT": 182, "QR": 50, "JF": 9, "CJ": 8, "JL": 2}
		if !maps.Equal(got, want) {
			t.Errorf("got categories %v, want %v", got, want)
		}
		rep := report(p)
		for _, want := range []string{"实施依据 (basis)", "法定办结时限 (legal_limit)", "办事指南链接 (guide_url)",
			"511Z07001006-511602000000-000-11511301008778183N-1-00 → 511Z07001006-"} {
			if !strings.Contains(rep, want) {
				t.Errorf("report lacks %q", want)
			}
		}
	})

	res := apply(t, cat, p)
	after := ledgerSize(t, l)
	t.Run("apply", func(t *testing.T) {
		if res.Appended != 1169 || after-before != 1169 {
			t.Errorf("appended %d (ledger grew by %d), want 34+787+348 = 1169", res.Appended, after-before)
		}
		if res.Powers.Create != 787 || res.Services.Create != 348 || res.Departments != 34 || res.Failed != 0 {
			t.Errorf("got %s, want 34 departments, 787 powers, 348 services", res)
		}
		// 主项 and 事项 become name and sub-item.
		it, err := cat.Get(ctx, lists.KindPower, mustShorten(t, "511A0064100118-511602000000-000-115113016823646795-1-00"))
		if err != nil {
			t.Fatal(err)
		}
		var pw lists.PowerItem
		json.Unmarshal(it.Raw, &pw)
		if pw.Name != "企业设立、变更、注销登记" || pw.Subitem != "公司注销登记" || pw.Category != "XK" {
			t.Errorf("got name %q subitem %q category %s, want 企业设立、变更、注销登记 / 公司注销登记 XK", pw.Name, pw.Subitem, pw.Category)
		}
		if n := len(mustList(t, cat, lists.KindDepartment)); n != 34 {
			t.Errorf("got %d departments listed, want 34", n)
		}
	})

	t.Run("reimport", func(t *testing.T) {
		again := plan(t, cat, "guangan-catalogue.csv", content, Options{})
		if got := again.Counts(lists.KindPower); got != (Counts{Unchanged: 787}) {
			t.Errorf("powers: got %+v, want all 787 unchanged", got)
		}
		if got := again.Counts(lists.KindService); got != (Counts{Unchanged: 348}) {
			t.Errorf("services: got %+v, want all 348 unchanged", got)
		}
		if len(again.Departments) != 0 || again.MatchedDepts != 34 {
			t.Errorf("got %d departments to create and %d matched, want 0 and 34", len(again.Departments), again.MatchedDepts)
		}
		res := apply(t, cat, again)
		if res.Appended != 0 || ledgerSize(t, l) != after {
			t.Errorf("re-import appended %d entries (ledger %d → %d), want none", res.Appended, after, ledgerSize(t, l))
		}
	})

	if _, err := ledger.Verify(ctx, l.Store(), l.Origin(), l.Key().Verifier, nil); err != nil {
		t.Fatalf("ledger.Verify: %v", err)
	}
}

func mustShorten(t testing.TB, code string) string {
	t.Helper()
	c, _, err := ShortenCode(code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustList(t testing.TB, cat *lists.Catalog, kind lists.Kind) []*lists.Item {
	t.Helper()
	items, err := ListAll(context.Background(), cat, kind)
	if err != nil {
		t.Fatal(err)
	}
	return items
}
