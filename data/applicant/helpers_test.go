package applicant

import "strings"

// Independent reference computations of the check characters, written
// from the standards' formulas rather than the package's weight tables.

// refResidentCheck: weight of position i (from the left, 0-based) is
// 2^(17-i) mod 11; check = (12 - sum mod 11) mod 11, 10 written X.
func refResidentCheck(base string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		w := 1
		for range 17 - i {
			w = w * 2 % 11
		}
		sum += int(base[i]-'0') * w
	}
	c := (12 - sum%11) % 11
	if c == 10 {
		return "X"
	}
	return string(rune('0' + c))
}

// refUSCCCheck: weight of position i is 3^i mod 31; check value is
// 31 - sum mod 31, with 31 written as 0.
func refUSCCCheck(base string) string {
	const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(charset, base[i]) * w
		w = w * 3 % 31
	}
	return string(charset[(31-sum%31)%31])
}

// rid completes a 17-digit base with its reference check character.
func rid(base string) string { return base + refResidentCheck(base) }

// uscc completes a 17-character base with its reference check character.
func uscc(base string) string { return base + refUSCCCheck(base) }

// wrongCheck replaces the last character of a valid number with another
// character of the same alphabet.
func wrongCheck(n string) string {
	last := n[len(n)-1]
	for _, c := range []byte("0123456789") {
		if c != last {
			return n[:len(n)-1] + string(c)
		}
	}
	panic("unreachable")
}

func natural(id string) Applicant {
	return Applicant{Type: Natural, Name: "张三", IDType: ResidentID, IDNumber: id, Phone: "13812345678"}
}

func legal(code string) Applicant {
	return Applicant{Type: Legal, Name: "福州某某有限公司", IDType: USCC, IDNumber: code, Phone: "13912345678"}
}
