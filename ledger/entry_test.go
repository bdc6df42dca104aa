package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// knownEntry is a fixed entry with its exact canonical body.
func knownEntry() (*Entry, string) {
	e := &Entry{Index: 7, Time: time.Date(2026, 11, 26, 8, 0, 0, 123456000, time.UTC),
		Type: "power.published", Actor: "editor.scjg", Dept: "scjg", Prev: tlog.Hash{1, 2, 3},
		Data: json.RawMessage(`{"basis_doc":"清编办〔2025〕3号","code":"XK-SCJG-001","major":true,"promised_limit":5}`)}
	body := `{"v":1,"index":7,"time":"2026-11-26T08:00:00.123456Z","type":"power.published",` +
		`"actor":"editor.scjg","dept":"scjg","prev":"AQIDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",` +
		`"data":{"basis_doc":"清编办〔2025〕3号","code":"XK-SCJG-001","major":true,"promised_limit":5}}`
	return e, body
}

func TestEncodeKnownAnswer(t *testing.T) {
	e, want := knownEntry()
	got, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	// The leaf hash is SHA-256(0x00 ‖ body), as RFC 6962 defines it.
	if h, want := LeafHash(got), sha256.Sum256(append([]byte{0}, got...)); h != want {
		t.Fatalf("leaf hash %x, want SHA-256(0x00 ‖ body) %x", h, want)
	}
	back, err := Decode(got)
	if err != nil {
		t.Fatal(err)
	}
	if back.Index != e.Index || !back.Time.Equal(e.Time) || back.Type != e.Type || back.Actor != e.Actor ||
		back.Dept != e.Dept || back.Prev != e.Prev || !bytes.Equal(back.Data, e.Data) {
		t.Fatalf("decoded %+v, want %+v", back, e)
	}
}

func TestDecodeRejectsNonCanonical(t *testing.T) {
	_, body := knownEntry()
	cases := map[string]string{
		"reordered fields":     strings.Replace(body, `"type":"power.published","actor":"editor.scjg"`, `"actor":"editor.scjg","type":"power.published"`, 1),
		"space after colon":    strings.Replace(body, `"index":7`, `"index": 7`, 1),
		"trailing newline":     body + "\n",
		"duplicate data key":   strings.Replace(body, `"major":true`, `"major":true,"major":true`, 1),
		"data keys unsorted":   strings.Replace(body, `"basis_doc":"清编办〔2025〕3号","code":"XK-SCJG-001"`, `"code":"XK-SCJG-001","basis_doc":"清编办〔2025〕3号"`, 1),
		"invalid UTF-8":        strings.Replace(body, "清", "\xff\xfe", 1),
		"escaped letter":       strings.Replace(body, `"code"`, `"\u0063ode"`, 1),
		"escaped slash":        strings.Replace(body, `XK-SCJG-001`, `XK\/SCJG-001`, 1),
		"float number":         strings.Replace(body, `"promised_limit":5`, `"promised_limit":5.0`, 1),
		"exponent":             strings.Replace(body, `"promised_limit":5`, `"promised_limit":5e0`, 1),
		"leading zero":         strings.Replace(body, `"promised_limit":5`, `"promised_limit":05`, 1),
		"negative zero":        strings.Replace(body, `"promised_limit":5`, `"promised_limit":-0`, 1),
		"huge number":          strings.Replace(body, `"promised_limit":5`, `"promised_limit":9007199254740993`, 1),
		"index leading zero":   strings.Replace(body, `"index":7`, `"index":07`, 1),
		"negative index":       strings.Replace(body, `"index":7`, `"index":-7`, 1),
		"time without micros":  strings.Replace(body, `08:00:00.123456Z`, `08:00:00.123Z`, 1),
		"time with offset":     strings.Replace(body, `08:00:00.123456Z`, `08:00:00.123456+08:00`, 1),
		"short prev":           strings.Replace(body, `AQIDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`, `AQID`, 1),
		"unknown envelope key": strings.Replace(body, `"dept":"scjg",`, `"dept":"scjg","extra":1,`, 1),
		"version 2":            strings.Replace(body, `"v":1`, `"v":2`, 1),
		"data not object":      strings.Replace(body, `"data":{`, `"data":[{`, 1) + "]",
		"upper-case type":      strings.Replace(body, `power.published`, `Power.published`, 1),
		"raw control char":     strings.Replace(body, `scjg"`, "sc\tjg\"", 1),
		"long escape form":     strings.Replace(body, `scjg"`, `sc\u0009jg"`, 1),
		"empty":                "",
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			if b == body {
				t.Fatal("test case did not change the body")
			}
			if _, err := Decode([]byte(b)); err == nil {
				t.Fatalf("got no error for %s", b)
			}
		})
	}
}

func TestEncodeRejectsBadFields(t *testing.T) {
	for name, mutate := range map[string]func(*Entry){
		"bad type":            func(e *Entry) { e.Type = "power published" },
		"nanosecond time":     func(e *Entry) { e.Time = e.Time.Add(1) },
		"non-canonical data":  func(e *Entry) { e.Data = json.RawMessage(`{"b":1, "a":2}`) },
		"data not an object":  func(e *Entry) { e.Data = json.RawMessage(`[1]`) },
		"negative index":      func(e *Entry) { e.Index = -1 },
		"over 64 KiB of data": func(e *Entry) { e.Data = json.RawMessage(`{"x":"` + strings.Repeat("a", MaxEntrySize) + `"}`) },
	} {
		t.Run(name, func(t *testing.T) {
			e, _ := knownEntry()
			mutate(e)
			if _, err := e.Encode(); err == nil {
				t.Fatal("got no error")
			}
		})
	}
}

func TestCanonicalJSON(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{`{"b":1,"a":[true,false,null],"c":"x"}`, `{"a":[true,false,null],"b":1,"c":"x"}`},
		{`{ "s" : "tab\there \u4e2d / <&> \u2028" }`, "{\"s\":\"tab\\there 中 / <&> \u2028\"}"},
		{`{"ctl":"\u0001\u001f\b\f\n\r"}`, `{"ctl":"\u0001\u001f\b\f\n\r"}`},
		{`{"n":-12,"z":0,"big":9007199254740991}`, `{"big":9007199254740991,"n":-12,"z":0}`},
		{`{"nested":{"y":{"b":2,"a":1}}}`, `{"nested":{"y":{"a":1,"b":2}}}`},
	}
	for _, c := range cases {
		got, err := CanonicalJSON(json.RawMessage(c.in))
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if string(got) != c.want {
			t.Errorf("CanonicalJSON(%s): got %s, want %s", c.in, got, c.want)
		}
		if err := CheckCanonical(got); err != nil {
			t.Errorf("CheckCanonical(%s): %v", got, err)
		}
	}
	for _, bad := range []string{`{"f":1.5}`, `{"big":9007199254740992}`, `{"e":1e3}`} {
		if _, err := CanonicalJSON(json.RawMessage(bad)); !errors.Is(err, ErrInvalid) {
			t.Errorf("CanonicalJSON(%s): got %v, want ErrInvalid", bad, err)
		}
	}
}

// FuzzDecode: Decode never panics, and whatever it accepts re-encodes to the
// same bytes (so a decoded entry has exactly one encoding).
func FuzzDecode(f *testing.F) {
	_, body := knownEntry()
	f.Add([]byte(body))
	f.Add([]byte(`{"v":1,"index":0,"time":"2026-01-01T00:00:00.000000Z","type":"a","actor":"","dept":"","prev":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","data":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := Decode(b)
		if err != nil {
			return
		}
		again, err := e.Encode()
		if err != nil {
			t.Fatalf("decoded but cannot re-encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("re-encoded differently:\n%q\n%q", b, again)
		}
	})
}

// FuzzCanonical: CheckCanonical accepts exactly the output of CanonicalJSON.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,"x",{"b":null}]`, `"\u0000"`, `{"k":"中文","j":[true]}`, `-0`, `1.5`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if CheckCanonical(b) == nil {
			c, err := CanonicalJSON(json.RawMessage(b))
			if err != nil || !bytes.Equal(c, b) {
				t.Fatalf("accepted %q but its canonical form is %q (%v)", b, c, err)
			}
		}
		if !json.Valid(b) {
			return
		}
		if c, err := CanonicalJSON(json.RawMessage(b)); err == nil {
			if err := CheckCanonical(c); err != nil {
				t.Fatalf("CanonicalJSON(%q) = %q, which CheckCanonical rejects: %v", b, c, err)
			}
		}
	})
}

func TestParseTime(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"2026-11-26T08:00:00.123456Z", true},
		{"2024-02-29T23:59:59.999999Z", true},
		{"2026-02-29T00:00:00.000000Z", false},
		{"2026-13-01T00:00:00.000000Z", false},
		{"2026-11-26T24:00:00.000000Z", false},
		{"2026-11-26T08:60:00.000000Z", false},
		{"2026-11-26 08:00:00.123456Z", false},
		{"2026-11-26T08:00:00.12345Z", false},
		{"2026-11-26T08:00:00.123456+", false},
		{"２026-11-26T08:00:00.123456Z", false},
	} {
		got, ok := parseTime(c.in)
		if ok != c.ok {
			t.Errorf("parseTime(%q): ok %v, want %v", c.in, ok, c.ok)
		}
		if ok && got.Format(TimeFormat) != c.in {
			t.Errorf("parseTime(%q) = %s", c.in, got.Format(TimeFormat))
		}
	}
}
