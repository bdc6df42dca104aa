package applicant

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"qingdan/data/safetext"
)

// Applicant kinds (Applicant.Type).
const (
	Natural = "natural" // 自然人
	Legal   = "legal"   // 法人或其他组织
)

// Identity document types (Applicant.IDType).
const (
	ResidentID = "resident_id" // 居民身份证
	USCC       = "uscc"        // 统一社会信用代码
	Passport   = "passport"    // 护照
)

// Length limits, in runes.
const (
	MaxName    = 100
	MaxAddress = 200
)

// Applicant is the personal data of one applicant. It never enters the
// ledger; see Commit and MaskName.
type Applicant struct {
	Type     string `json:"type"`    // Natural or Legal
	Name     string `json:"name"`    // person's name or registered name
	IDType   string `json:"id_type"` // ResidentID, USCC or Passport
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"` // mainland mobile, 11 digits
	Address  string `json:"address,omitempty"`
}

// Normalize cleans user input in place: it trims every field, lower-cases
// Type and IDType, converts full-width letters and digits in IDNumber and
// Phone to ASCII, removes spaces and hyphens from them, upper-cases
// IDNumber (the X check character of resident IDs, USCC letters, passport
// letters) and strips a +86, 0086 or 86 country prefix from an otherwise
// 11-digit phone number. Call it before Validate, storage and Commit.
func (a *Applicant) Normalize() {
	a.Type = strings.ToLower(strings.TrimSpace(a.Type))
	a.Name = strings.TrimSpace(a.Name)
	a.IDType = strings.ToLower(strings.TrimSpace(a.IDType))
	a.IDNumber = strings.ToUpper(compact(a.IDNumber))
	a.Phone = stripCountryCode(compact(a.Phone))
	a.Address = strings.TrimSpace(a.Address)
}

// compact maps full-width ASCII variants (U+FF01–U+FF5E) to ASCII and drops
// white space (including the ideographic space U+3000) and hyphens.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, s)
}

// stripCountryCode removes the mainland country code from a 13- or
// 14-character number whose remainder is 11 characters long.
func stripCountryCode(p string) string {
	for _, prefix := range []string{"+86", "0086", "86"} {
		if rest, ok := strings.CutPrefix(p, prefix); ok && len(rest) == 11 {
			return rest
		}
	}
	return p
}

// Validate checks a normalised Applicant and returns field (JSON name) →
// message, Chinese first with English in parentheses. An empty result
// means the applicant is valid. Validate does not normalise; call
// Normalize first.
func (a *Applicant) Validate() map[string]string {
	return a.validateAt(today())
}

func (a *Applicant) validateAt(today string) map[string]string {
	errs := map[string]string{}
	if a == nil {
		errs["applicant"] = "缺少申请人信息 (applicant is missing)"
		return errs
	}
	checkType(errs, a.Type)
	checkText(errs, "name", "名称", a.Name, MaxName, true)
	if _, bad := safetext.Unsafe(a.Name); bad && errs["name"] == "" {
		errs["name"] = "名称含有控制字符或双向控制字符 (name holds a control or bidirectional character)"
	}
	checkID(errs, a.Type, a.IDType, a.IDNumber, today)
	checkPhone(errs, a.Phone)
	checkText(errs, "address", "地址", a.Address, MaxAddress, false)
	return errs
}

func checkType(errs map[string]string, kind string) {
	if kind != Natural && kind != Legal {
		errs["type"] = "申请人类型应为 natural 或 legal (type must be natural or legal)"
	}
}

// checkText checks a free-text field for presence, UTF-8 and length.
func checkText(errs map[string]string, field, label, s string, max int, required bool) {
	switch {
	case s == "" && required:
		errs[field] = label + "不能为空 (" + field + " is required)"
	case !utf8.ValidString(s):
		errs[field] = label + "含有无效字符 (" + field + " is not valid UTF-8)"
	case utf8.RuneCountInString(s) > max:
		errs[field] = label + "过长 (" + field + " is too long)"
	}
}

// checkID checks that the document type fits the applicant kind and that
// the number is valid for the document type.
func checkID(errs map[string]string, kind, idType, number, today string) {
	allowed := map[string]bool{ResidentID: kind != Legal, Passport: kind != Legal, USCC: kind != Natural}
	ok, known := allowed[idType]
	switch {
	case !known:
		errs["id_type"] = "证件类型应为 resident_id、uscc 或 passport (id_type must be resident_id, uscc or passport)"
	case !ok && kind == Natural:
		errs["id_type"] = "自然人应使用居民身份证或护照 (natural persons use resident_id or passport)"
	case !ok:
		errs["id_type"] = "法人应使用统一社会信用代码 (legal persons use uscc)"
	}
	if number == "" {
		errs["id_number"] = "证件号码不能为空 (id_number is required)"
		return
	}
	var msg string
	switch idType {
	case ResidentID:
		msg = checkResidentID(number, today)
	case USCC:
		msg = checkUSCC(number)
	case Passport:
		msg = checkPassport(number)
	}
	if msg != "" {
		errs["id_number"] = msg
	}
}

// checkPassport accepts 5-20 ASCII letters and digits.
func checkPassport(n string) string {
	if len(n) < 5 || len(n) > 20 || !isAlnum(n) {
		return "护照号码应为5至20位字母或数字 (passport number must be 5-20 letters or digits)"
	}
	return ""
}

// checkPhone requires a mainland mobile number: 1[3-9] and nine digits.
func checkPhone(errs map[string]string, p string) {
	switch {
	case p == "":
		errs["phone"] = "手机号码不能为空 (phone is required)"
	case !isMobile(p):
		errs["phone"] = "手机号码应为11位大陆手机号 (phone must be an 11-digit mainland mobile number)"
	}
}

func isMobile(p string) bool {
	return len(p) == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9' && isDigits(p)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}
