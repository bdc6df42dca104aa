package policy

import (
	"errors"
	"strings"
	"testing"
)

// testParams make hashing cheap in tests; VerifyPassword reads the
// parameters from the hash, so verification is cheap too.
func testParams() argonParams {
	return argonParams{memory: 64, time: 1, threads: 1, saltLen: 16, keyLen: 32}
}

// Known answers from the argon2 reference implementation
// (phc-winner-argon2 src/test.c, Argon2id v=0x13, password "password",
// salt "somesalt").
var knownHashes = []string{
	"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
	"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
	"$argon2id$v=19$m=65536,t=1,p=1$c29tZXNhbHQ$9qWtwbpyPd3vm1rB1GThgPzZ3/ydHL92zKL+15XZypg",
}

func TestVerifyKnownAnswers(t *testing.T) {
	for _, h := range knownHashes {
		if err := VerifyPassword(h, "password"); err != nil {
			t.Errorf("VerifyPassword(%s, password) = %v, want nil", h, err)
		}
		if err := VerifyPassword(h, "differentpassword"); !errors.Is(err, ErrPasswordMismatch) {
			t.Errorf("VerifyPassword(%s, differentpassword) = %v, want ErrPasswordMismatch", h, err)
		}
	}
}

func TestHashPasswordDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB hash")
	}
	h, err := HashPassword("qingdan-demo")
	if err != nil {
		t.Fatalf("HashPassword: %v", err)
	}
	if want := "$argon2id$v=19$m=65536,t=2,p=2$"; !strings.HasPrefix(h, want) {
		t.Errorf("HashPassword = %s, want prefix %s", h, want)
	}
	if err := VerifyPassword(h, "qingdan-demo"); err != nil {
		t.Errorf("VerifyPassword(own hash) = %v, want nil", err)
	}
	if NeedsRehash(h) {
		t.Errorf("NeedsRehash(default hash) = true, want false")
	}
}

func TestHashRoundTrip(t *testing.T) {
	passwords := []string{"correct horse battery staple", "清单之外不得实施", "", "x", strings.Repeat("a", MaxPasswordBytes)}
	for _, pw := range passwords {
		h, err := hashWith(testParams(), pw)
		if err != nil {
			t.Fatalf("hashWith(%q): %v", pw, err)
		}
		if err := VerifyPassword(h, pw); err != nil {
			t.Errorf("VerifyPassword(hash of %q) = %v, want nil", pw, err)
		}
		if err := VerifyPassword(h, pw+"!"); !errors.Is(err, ErrPasswordMismatch) {
			t.Errorf("VerifyPassword(wrong password) = %v, want ErrPasswordMismatch", err)
		}
		if !NeedsRehash(h) {
			t.Errorf("NeedsRehash(test-parameter hash) = false, want true")
		}
	}
	h1, _ := hashWith(testParams(), "same password")
	h2, _ := hashWith(testParams(), "same password")
	if h1 == h2 {
		t.Errorf("two hashes of one password are equal (%s), want different salts", h1)
	}
	if _, err := hashWith(testParams(), strings.Repeat("a", MaxPasswordBytes+1)); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("hashWith(too long) = %v, want ErrPasswordTooLong", err)
	}
}

func TestVerifyMalformed(t *testing.T) {
	const good = "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
	tests := []struct{ name, hash string }{
		{"empty", ""},
		{"plain text", "password"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", strings.Replace(good, "argon2id", "argon2i", 1)},
		{"old version", strings.Replace(good, "v=19", "v=16", 1)},
		{"no version", strings.Replace(good, "$v=19", "", 1)},
		{"leading zero", strings.Replace(good, "m=256", "m=0256", 1)},
		{"plus sign", strings.Replace(good, "t=2", "t=+2", 1)},
		{"param order", strings.Replace(good, "m=256,t=2", "t=2,m=256", 1)},
		{"extra param", strings.Replace(good, "p=1", "p=1,k=2", 1)},
		{"memory too large", strings.Replace(good, "m=256", "m=4194304", 1)},
		{"memory below 8 per lane", strings.Replace(good, "m=256,t=2,p=1", "m=8,t=2,p=2", 1)},
		{"zero passes", strings.Replace(good, "t=2", "t=0", 1)},
		{"too many passes", strings.Replace(good, "t=2", "t=1000", 1)},
		{"zero lanes", strings.Replace(good, "p=1", "p=0", 1)},
		{"padded salt", strings.Replace(good, "c29tZXNhbHQ", "c29tZXNhbHQ=", 1)},
		{"url base64", strings.Replace(good, "i/4", "i_4", 1)},
		{"short salt", strings.Replace(good, "c29tZXNhbHQ", "c29tZQ", 1)},
		{"short hash", strings.Replace(good, "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", "nf65EOgLrQMR", 1)},
		{"non-canonical last char", strings.Replace(good, "i/4", "i/5", 1)},
		{"trailing field", good + "$"},
		{"missing hash", strings.TrimSuffix(good, "$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")},
		{"leading space", " " + good},
		{"newline in hash", strings.Replace(good, "nf65", "nf\n65", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := VerifyPassword(tt.hash, "password"); !errors.Is(err, ErrMalformedHash) {
				t.Errorf("VerifyPassword(%q) = %v, want ErrMalformedHash", tt.hash, err)
			}
			if !NeedsRehash(tt.hash) {
				t.Errorf("NeedsRehash(%q) = false, want true", tt.hash)
			}
		})
	}
}

func TestCheckPasswordPolicy(t *testing.T) {
	tests := []struct {
		user, password string
		want           error
	}{
		{"clerk.scjg", "qingdan-demo", nil},
		{"li.ming", "春眠不觉晓处处闻啼鸟", nil}, // ten characters, thirty bytes
		{"li.ming", "Tr0ub4dor&3x", nil},
		{"", "a long enough passphrase", nil},
		{"li.ming", "short", ErrPasswordTooShort},
		{"li.ming", "123456789", ErrPasswordTooShort},
		{"li.ming", "春眠不觉晓处处闻啼", ErrPasswordTooShort},
		{"li.ming", strings.Repeat("好", MaxPasswordBytes/3+1), ErrPasswordTooLong},
		{"li.ming", "my-li.ming-password", ErrPasswordHasUsername},
		{"li.ming", "LI.MING2026!", ErrPasswordHasUsername},
		{"li.ming", "1234567890", ErrPasswordCommon},
		{"li.ming", "woaini1314", ErrPasswordCommon},
		{"li.ming", "WoAiNi1314", ErrPasswordCommon},
		{"li.ming", "qwertyuiop", ErrPasswordCommon},
		{"li.ming", "1qaz2wsx3edc", ErrPasswordCommon},
		{"li.ming", "password123", ErrPasswordCommon},
		{"li.ming", "5201314520", ErrPasswordCommon},
	}
	for _, tt := range tests {
		err := CheckPasswordPolicy(tt.user, tt.password)
		if !matches(err, tt.want) {
			t.Errorf("CheckPasswordPolicy(%q, %q) = %v, want %v", tt.user, tt.password, err, tt.want)
		}
		if tt.want != nil && !errors.Is(err, ErrWeakPassword) {
			t.Errorf("CheckPasswordPolicy(%q, %q) = %v, want it to match ErrWeakPassword", tt.user, tt.password, err)
		}
	}
}

func TestCommonPasswordList(t *testing.T) {
	set := commonPasswords()
	if len(set) < 300 {
		t.Errorf("common password list has %d entries, want at least 300", len(set))
	}
	for _, pw := range []string{"123456", "5201314", "woaini1314", "qwerty", "password", "a1b2c3d4", "88888888"} {
		if !isCommonPassword(pw) {
			t.Errorf("isCommonPassword(%q) = false, want true", pw)
		}
	}
	if isCommonPassword("qingdan-demo") {
		t.Errorf("isCommonPassword(qingdan-demo) = true, want false: the demo password must stay usable")
	}
	for pw := range set {
		if pw == "" || strings.HasPrefix(pw, "#") || strings.TrimSpace(pw) != pw {
			t.Errorf("common password list entry %q: want a trimmed, non-comment line", pw)
		}
	}
}

// FuzzDecodeHash: parsing never panics, and whatever it accepts is
// canonical — re-encoding gives back the same string.
func FuzzDecodeHash(f *testing.F) {
	for _, h := range knownHashes {
		f.Add(h)
	}
	f.Add("$argon2id$v=19$m=65536,t=2,p=2$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$m=,t=,p=$$")
	f.Add("$$$$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := decodeHash(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("decodeHash(%q) = %v, want ErrMalformedHash", s, err)
			}
			return
		}
		if got := encodeHash(p, salt, key); got != s {
			t.Fatalf("decodeHash accepted non-canonical %q (re-encodes as %q)", s, got)
		}
	})
}
