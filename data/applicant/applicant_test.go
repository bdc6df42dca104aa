package applicant

import (
	"maps"
	"strings"
	"testing"
)

// fixedToday is the "today" used by validateAt in these tests.
const fixedToday = "20260115"

func TestReferenceChecks(t *testing.T) {
	// The standards' own examples.
	if got, want := rid("11010519491231002"), "11010519491231002X"; got != want {
		t.Errorf("rid = %q, want %q", got, want)
	}
	if got, want := uscc("91350100M000100Y4"), "91350100M000100Y43"; got != want {
		t.Errorf("uscc = %q, want %q", got, want)
	}
	// The package's tables agree with the reference formulas.
	for _, base := range []string{"11010519491231002", "44030019900307123", "00000000000000000", "99999999999999999"} {
		if got, want := string(residentCheck(base)), refResidentCheck(base); got != want {
			t.Errorf("residentCheck(%q) = %q, want %q", base, got, want)
		}
	}
	for _, base := range []string{"91350100M000100Y4", "91110108MA01C2K7X", "00000000000000000", "YYYYYYYYYYYYYYYYY"} {
		if got, want := string(usccCheck(base)), refUSCCCheck(base); got != want {
			t.Errorf("usccCheck(%q) = %q, want %q", base, got, want)
		}
	}
}

func TestResidentID(t *testing.T) {
	const (
		errCheck  = "身份证号码校验位错误 (resident ID check digit is wrong)"
		errDate   = "身份证号码出生日期无效 (resident ID birth date is invalid)"
		errFuture = "身份证号码出生日期晚于今天 (resident ID birth date is in the future)"
		errRegion = "身份证号码地区代码无效 (resident ID region code is invalid)"
		errLen    = "身份证号码应为18位 (resident ID must be 18 characters)"
		errFormat = "身份证号码应为17位数字加1位数字或X (resident ID must be 17 digits and a digit or X)"
	)
	tests := []struct {
		name, id, want string // want "" means valid
	}{
		{"standard example", "11010519491231002X", ""},
		{"Shenzhen", rid("44030019900307123"), ""},
		{"leap day", rid("32010220000229456"), ""},
		{"born today", rid("310101" + fixedToday + "001"), ""},
		{"born 1900", rid("11010519000101001"), ""},
		{"Hong Kong 81", rid("81000019800101001"), ""},
		{"Taiwan 71", rid("71000019800101001"), ""},
		{"wrong check digit", wrongCheck("11010519491231002X"), errCheck},
		{"check X expected 0", "11010519491231002" + "0", errCheck},
		{"Feb 30", rid("11010519490230002"), errDate},
		{"Feb 29 non-leap", rid("11010519490229002"), errDate},
		{"month 13", rid("11010519491331002"), errDate},
		{"year 1899", rid("11010518991231002"), errDate},
		{"tomorrow", rid("310101" + "20260116" + "001"), errFuture},
		{"future year", rid("11010520990101002"), errFuture},
		{"region 00", rid("00010519491231002"), errRegion},
		{"region 16", rid("16010519491231002"), errRegion},
		{"region 83", rid("83010519491231002"), errRegion},
		{"region 99", rid("99010519491231002"), errRegion},
		{"17 characters", "11010519491231002", errLen},
		{"19 characters", "11010519491231002X1", errLen},
		{"15-digit old ID", "110105491231002", errLen},
		{"lower-case x", "11010519491231002x", errFormat},
		{"letter in body", "1101051949123100AX", errFormat},
		{"check Y", "11010519491231002Y", errFormat},
	}
	for _, tt := range tests {
		a := natural(tt.id)
		got := a.validateAt(fixedToday)["id_number"]
		if got != tt.want {
			t.Errorf("%s: id_number error for %q = %q, want %q", tt.name, tt.id, got, tt.want)
		}
	}
}

func TestResidentIDNormalized(t *testing.T) {
	for _, in := range []string{"11010519491231002x", " 110105 1949 1231 002x ", "１１０１０５１９４９１２３１００２ｘ", "110105-19491231-002X"} {
		a := natural(in)
		a.Normalize()
		if got, want := a.IDNumber, "11010519491231002X"; got != want {
			t.Errorf("Normalize(%q).IDNumber = %q, want %q", in, got, want)
		}
		if errs := a.Validate(); len(errs) != 0 {
			t.Errorf("Validate(%q) = %v, want no errors", in, errs)
		}
	}
}

func TestUSCC(t *testing.T) {
	const (
		errCheck   = "统一社会信用代码校验位错误 (USCC check character is wrong)"
		errCharset = "统一社会信用代码含有无效字符（不使用I、O、Z、S、V） (USCC contains an invalid character; I, O, Z, S, V are not used)"
		errLen     = "统一社会信用代码应为18位 (USCC must be 18 characters)"
	)
	tests := []struct {
		name, code, want string
	}{
		{"well-known example", "91350100M000100Y43", ""},
		{"computed", uscc("91110108MA01C2K7X"), ""},
		{"check 0", checkZeroUSCC(t), ""},
		{"wrong check", wrongCheck("91350100M000100Y43"), errCheck},
		{"lower-case unnormalised", "91350100m000100y43", errCharset},
		{"17 characters", "91350100M000100Y4", errLen},
		{"19 characters", "91350100M000100Y430", errLen},
		{"multi-byte", "91350100M000100Y4三", errLen},
	}
	for _, c := range "IOZSV" {
		code := "91350100" + string(c) + "000100Y43"
		tests = append(tests, struct{ name, code, want string }{"forbidden " + string(c), code, errCharset})
		code = "91350100M000100Y4" + string(c) // in the check position
		tests = append(tests, struct{ name, code, want string }{"forbidden check " + string(c), code, errCharset})
	}
	for _, tt := range tests {
		a := legal(tt.code)
		got := a.validateAt(fixedToday)["id_number"]
		if got != tt.want {
			t.Errorf("%s: id_number error for %q = %q, want %q", tt.name, tt.code, got, tt.want)
		}
	}
}

// checkZeroUSCC finds a valid code whose check character is '0' (the
// 31 → 0 case) by varying the last base character.
func checkZeroUSCC(t *testing.T) string {
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if code := uscc("91110108MA01C2K7" + string(c)); code[17] == '0' {
			return code
		}
	}
	t.Fatal("no base with check character 0")
	return ""
}

func TestUSCCNormalized(t *testing.T) {
	a := legal(" 91350100m000100y43\u3000")
	a.Normalize()
	if got, want := a.IDNumber, "91350100M000100Y43"; got != want {
		t.Errorf("IDNumber = %q, want %q", got, want)
	}
	if errs := a.Validate(); len(errs) != 0 {
		t.Errorf("Validate = %v, want no errors", errs)
	}
}

func TestPhoneNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "13812345678"},
		{" 13812345678 ", "13812345678"},
		{"+8613812345678", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"0086-138-1234-5678", "13812345678"},
		{"１３８１２３４５６７８", "13812345678"},
		{"＋８６　１３８１２３４５６７８", "13812345678"},
		{"138\t1234\u30005678", "13812345678"},
		{"86123456789", "86123456789"}, // 11 characters: no prefix to strip
		{"+85261234567", "+85261234567"},
	}
	for _, tt := range tests {
		a := Applicant{Phone: tt.in}
		a.Normalize()
		if a.Phone != tt.want {
			t.Errorf("Normalize phone %q = %q, want %q", tt.in, a.Phone, tt.want)
		}
	}
}

func TestPhoneValidate(t *testing.T) {
	const errFormat = "手机号码应为11位大陆手机号 (phone must be an 11-digit mainland mobile number)"
	tests := []struct{ phone, want string }{
		{"13812345678", ""},
		{"19912345678", ""},
		{"", "手机号码不能为空 (phone is required)"},
		{"12812345678", errFormat},
		{"23812345678", errFormat},
		{"1381234567", errFormat},
		{"138123456789", errFormat},
		{"1381234567a", errFormat},
		{"+8613812345678", errFormat}, // not normalised
		{"010-12345678", errFormat},
	}
	for _, tt := range tests {
		a := natural("11010519491231002X")
		a.Phone = tt.phone
		if got := a.validateAt(fixedToday)["phone"]; got != tt.want {
			t.Errorf("phone %q: error = %q, want %q", tt.phone, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	in := Applicant{
		Type: " Natural ", Name: " 张三\n", IDType: " RESIDENT_ID",
		IDNumber: "１１０１０５１９４９１２３１００２ｘ", Phone: "+86 138-1234-5678", Address: "  北京市朝阳区  ",
	}
	want := Applicant{
		Type: Natural, Name: "张三", IDType: ResidentID,
		IDNumber: "11010519491231002X", Phone: "13812345678", Address: "北京市朝阳区",
	}
	got := in
	got.Normalize()
	if got != want {
		t.Errorf("Normalize = %+v, want %+v", got, want)
	}
	again := got
	again.Normalize()
	if again != got {
		t.Errorf("Normalize twice = %+v, want %+v", again, got)
	}
}

func TestValidateFields(t *testing.T) {
	valid := natural("11010519491231002X")
	tests := []struct {
		name   string
		modify func(*Applicant)
		want   map[string]string
	}{
		{"valid natural", func(*Applicant) {}, map[string]string{}},
		{"valid legal", func(a *Applicant) { *a = legal("91350100M000100Y43") }, map[string]string{}},
		{"valid passport", func(a *Applicant) { a.IDType, a.IDNumber = Passport, "E12345678" }, map[string]string{}},
		{"valid address", func(a *Applicant) { a.Address = strings.Repeat("路", MaxAddress) }, map[string]string{}},
		{"name at limit", func(a *Applicant) { a.Name = strings.Repeat("名", MaxName) }, map[string]string{}},
		{"bad type", func(a *Applicant) { a.Type = "person" }, map[string]string{
			"type": "申请人类型应为 natural 或 legal (type must be natural or legal)"}},
		{"empty name", func(a *Applicant) { a.Name = "" }, map[string]string{
			"name": "名称不能为空 (name is required)"}},
		{"long name", func(a *Applicant) { a.Name = strings.Repeat("名", MaxName+1) }, map[string]string{
			"name": "名称过长 (name is too long)"}},
		{"invalid UTF-8 name", func(a *Applicant) { a.Name = "张\xff" }, map[string]string{
			"name": "名称含有无效字符 (name is not valid UTF-8)"}},
		{"long address", func(a *Applicant) { a.Address = strings.Repeat("路", MaxAddress+1) }, map[string]string{
			"address": "地址过长 (address is too long)"}},
		{"natural with USCC", func(a *Applicant) { a.IDType, a.IDNumber = USCC, "91350100M000100Y43" }, map[string]string{
			"id_type": "自然人应使用居民身份证或护照 (natural persons use resident_id or passport)"}},
		{"legal with resident ID", func(a *Applicant) { a.Type = Legal }, map[string]string{
			"id_type": "法人应使用统一社会信用代码 (legal persons use uscc)"}},
		{"unknown id type", func(a *Applicant) { a.IDType = "driving_licence" }, map[string]string{
			"id_type": "证件类型应为 resident_id、uscc 或 passport (id_type must be resident_id, uscc or passport)"}},
		{"empty id number", func(a *Applicant) { a.IDNumber = "" }, map[string]string{
			"id_number": "证件号码不能为空 (id_number is required)"}},
		{"short passport", func(a *Applicant) { a.IDType, a.IDNumber = Passport, "E123" }, map[string]string{
			"id_number": "护照号码应为5至20位字母或数字 (passport number must be 5-20 letters or digits)"}},
		{"long passport", func(a *Applicant) { a.IDType, a.IDNumber = Passport, strings.Repeat("A", 21) }, map[string]string{
			"id_number": "护照号码应为5至20位字母或数字 (passport number must be 5-20 letters or digits)"}},
		{"passport punctuation", func(a *Applicant) { a.IDType, a.IDNumber = Passport, "E1234.567" }, map[string]string{
			"id_number": "护照号码应为5至20位字母或数字 (passport number must be 5-20 letters or digits)"}},
		{"everything wrong", func(a *Applicant) { *a = Applicant{Address: "\xff"} }, map[string]string{
			"type":      "申请人类型应为 natural 或 legal (type must be natural or legal)",
			"name":      "名称不能为空 (name is required)",
			"id_type":   "证件类型应为 resident_id、uscc 或 passport (id_type must be resident_id, uscc or passport)",
			"id_number": "证件号码不能为空 (id_number is required)",
			"phone":     "手机号码不能为空 (phone is required)",
			"address":   "地址含有无效字符 (address is not valid UTF-8)",
		}},
	}
	for _, tt := range tests {
		a := valid
		tt.modify(&a)
		if got := a.validateAt(fixedToday); !maps.Equal(got, tt.want) {
			t.Errorf("%s: validate = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidateNil(t *testing.T) {
	var a *Applicant
	if got := a.Validate(); len(got) != 1 || got["applicant"] == "" {
		t.Errorf("nil Validate = %v, want one applicant error", got)
	}
}

func TestValidateUsesToday(t *testing.T) {
	a := natural("11010519491231002X")
	if got := a.Validate(); len(got) != 0 {
		t.Errorf("Validate = %v, want no errors", got)
	}
	a.IDNumber = rid("11010520991231002")
	if got, want := a.Validate()["id_number"], "身份证号码出生日期晚于今天 (resident ID birth date is in the future)"; got != want {
		t.Errorf("Validate future = %q, want %q", got, want)
	}
}
