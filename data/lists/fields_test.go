package lists

import "testing"

// Every top-level field of every item has its name in both languages.
func TestFieldsAreLabelled(t *testing.T) {
	for _, k := range Kinds {
		fs := Fields(k)
		if len(fs) == 0 {
			t.Fatalf("%s: no fields", k)
		}
		for _, f := range fs {
			if f.ZH == "" || f.EN == "" {
				t.Errorf("%s field %q: label tag %q|%q, want both languages", k, f.Key, f.ZH, f.EN)
			}
		}
	}
	if f, ok := FieldOf(KindPower, "promised_limit"); !ok || f.Label("zh") != "承诺办结时限" || f.Label("en") != "Promised time limit" || !f.Simple() {
		t.Errorf("promised_limit: %+v %v", f, ok)
	}
	if f, _ := FieldOf(KindPower, "materials"); f.Simple() {
		t.Error("materials (rows of name and required) is not a simple field")
	}
}
