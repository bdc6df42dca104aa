package listfile

import "strings"

// categories maps the names of power types (权力类型) to their codes.
var categories = map[string]string{
	"行政许可": "XK", "许可": "XK",
	"行政处罚": "CF", "处罚": "CF",
	"行政强制": "QZ", "行政强制措施": "QZ", "行政强制执行": "QZ", "强制": "QZ",
	"行政强制措施和行政强制执行": "QZ", "行政强制措施及行政强制执行": "QZ",
	"行政征收": "ZS", "征收": "ZS",
	"行政给付": "JF", "给付": "JF",
	"行政检查": "JC", "行政监督检查": "JC", "检查": "JC",
	"行政确认": "QR", "确认": "QR",
	"行政奖励": "JL", "奖励": "JL",
	"行政裁决": "CJ", "裁决": "CJ",
	"其他行政权力": "QT", "其他权力": "QT", "其它行政权力": "QT", "其它权力": "QT",
	"其他": "QT", "其它": "QT",
	"公共服务": "GG",
}

// categoryCodes are the codes themselves.
var categoryCodes = map[string]bool{
	"XK": true, "CF": true, "QZ": true, "ZS": true, "JF": true, "JC": true,
	"QR": true, "JL": true, "CJ": true, "QT": true, "GG": true,
}

// NormalizeCategory returns the code of a power type as written in a list:
// 行政许可 XK, 行政处罚 CF, 行政强制 (措施, 执行) QZ, 行政征收 ZS, 行政给付 JF,
// 行政检查 JC, 行政确认 QR, 行政奖励 JL, 行政裁决 CJ, 其他行政权力 (其他权力) QT,
// and 公共服务 GG for a service that is not a power. The short forms (许可,
// 处罚 …), a trailing 事项 or 类 ("行政许可事项") and the codes themselves in
// either case are accepted; spaces and markup are ignored. Anything else
// (行政备案, an empty cell …) gives ok == false.
func NormalizeCategory(s string) (code string, ok bool) {
	s = strings.Join(strings.Fields(CleanCell(s)), "")
	if up := strings.ToUpper(s); categoryCodes[up] {
		return up, true
	}
	for _, suffix := range []string{"", "事项", "类"} {
		if suffix != "" && !strings.HasSuffix(s, suffix) {
			continue
		}
		if code, ok := categories[strings.TrimSuffix(s, suffix)]; ok {
			return code, true
		}
	}
	return "", false
}
