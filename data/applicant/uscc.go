package applicant

import "strings"

// usccCharset is the GB 32100-2015 alphabet: digits and upper-case letters
// without I, O, Z, S and V. A character's value is its index.
const usccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the GB 32100-2015 weights of the first 17 characters
// (3^i mod 31).
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccCheck returns the GB 32100-2015 check character for the first 17
// characters of a unified social credit code (统一社会信用代码), or 0 if
// base is not 17 characters of the code's alphabet.
func usccCheck(base string) byte {
	if len(base) != 17 {
		return 0
	}
	sum := 0
	for i, w := range usccWeights {
		v := strings.IndexByte(usccCharset, base[i])
		if v < 0 {
			return 0
		}
		sum += v * w
	}
	return usccCharset[(31-sum%31)%31]
}

// checkUSCC validates an 18-character unified social credit code and
// returns a message, or "" if it is valid. Only the alphabet and the check
// character are checked, not the registration authority, entity type or
// region segments.
func checkUSCC(n string) string {
	switch {
	case len(n) != 18:
		return "统一社会信用代码应为18位 (USCC must be 18 characters)"
	case strings.IndexFunc(n, notUSCC) >= 0:
		return "统一社会信用代码含有无效字符（不使用I、O、Z、S、V） (USCC contains an invalid character; I, O, Z, S, V are not used)"
	case usccCheck(n[:17]) != n[17]:
		return "统一社会信用代码校验位错误 (USCC check character is wrong)"
	}
	return ""
}

// notUSCC reports whether r is outside the USCC alphabet.
func notUSCC(r rune) bool { return !strings.ContainsRune(usccCharset, r) }
