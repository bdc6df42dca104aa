package listfile

import "testing"

var cleanCases = []struct {
	name, in, want string
}{
	{"plain", "企业投资项目备案", "企业投资项目备案"},
	{"empty", "", ""},
	{"trim and collapse spaces", "  区   经信局  ", "区 经信局"},
	{"ideographic space", "区\u3000经信局\u3000", "区 经信局"},
	{"non-breaking space", "\u00a0区经信局\u00a0\u00a0备案", "区经信局 备案"},
	{"nbsp entity", "区经信局&nbsp;&nbsp;备案", "区经信局 备案"},
	{"entity once", "A &amp; B", "A & B"},
	{"entities escaped twice", "a&amp;lt;br&amp;gt;b", "a\nb"},
	{"entities escaped three times", "&amp;amp;lt;b&amp;amp;gt;粗体&amp;amp;lt;/b&amp;amp;gt;", "粗体"},
	{"numeric entities", "&#20013;&#x6587;", "中文"},
	{"escaped numeric ampersand", "&#38;lt;br&#38;gt;x", "x"},
	{"unknown entity kept", "&foo; R&D", "&foo; R&D"},
	{"url parameters are not entities", "http://x.cn/a?b=1&region=2&notice=3&para=4", "http://x.cn/a?b=1&region=2&notice=3&para=4"},
	{"br", "第一条<br>第二条", "第一条\n第二条"},
	{"br self-closing", "第一条<br/>第二条", "第一条\n第二条"},
	{"BR upper case with space", "第一条<BR />第二条", "第一条\n第二条"},
	{"br with attribute", "第一条<br class=\"x\">第二条", "第一条\n第二条"},
	{"paragraphs", "<p>第一条</p><p>第二条</p>", "第一条\n第二条"},
	{"escaped br", "第一条&lt;br&gt;第二条", "第一条\n第二条"},
	{"other tags stripped", "<span style=\"color:red\">身份证</span><b>原件</b>", "身份证原件"},
	{"comment stripped", "身份证<!-- 旧版 -->原件", "身份证原件"},
	{"ascii book marks kept", "<<中华人民共和国行政许可法>>", "<<中华人民共和国行政许可法>>"},
	{"angle bracket in text kept", "面积<5亩 且 a < b", "面积<5亩 且 a < b"},
	{"control characters", "身份\x00证\x07原\x1b件\x7f", "身份证原件"},
	{"zero width and bom", "\ufeff身份\u200b证", "身份证"},
	{"tab is a space", "身份证\t原件", "身份证 原件"},
	{"crlf", "第一条\r\n第二条", "第一条\n第二条"},
	{"lone cr", "第一条\r第二条", "第一条\n第二条"},
	{"blank lines dropped", "第一条\n\n   \n 第二条 ", "第一条\n第二条"},
	{"full-width digits", "２０个工作日", "20个工作日"},
	{"full-width letters", "ＡＢＣａｂｃ", "ABCabc"},
	{"full-width space", "区　经信局", "区 经信局"},
	{"full-width hyphen in phone", "０８２６－２３３３１２３", "0826-2333123"},
	{"full-width slash", "市级／县级", "市级/县级"},
	{"full-width full stop in number", "１．５", "1.5"},
	{"colon between digits", "９：３０－１７：００", "9:30-17:00"},
	{"colon in text kept", "咨询电话：０８２６", "咨询电话：0826"},
	{"chinese punctuation kept", "（一）《条例》，、；：。！？", "（一）《条例》，、；：。！？"},
	{"invalid utf-8", "身份\xff证", "身份\uFFFD证"},
}

func TestCleanCell(t *testing.T) {
	for _, tc := range cleanCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanCell(tc.in); got != tc.want {
				t.Errorf("CleanCell(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCleanCellIdempotent(t *testing.T) {
	for _, tc := range cleanCases {
		t.Run(tc.name, func(t *testing.T) {
			once := CleanCell(tc.in)
			if got := CleanCell(once); got != once {
				t.Errorf("CleanCell(CleanCell(%q)) = %q, want %q", tc.in, got, once)
			}
		})
	}
}

func TestCleanCellFormulaApostrophe(t *testing.T) {
	for in, want := range map[string]string{
		"'=1+1": "=1+1", "'-3": "-3", "'@SUM(A1)": "@SUM(A1)", "'+86 10 1234": "+86 10 1234",
		"'abc": "'abc", "'": "'", "it's": "it's", " '=x": "=x",
	} {
		if got := CleanCell(in); got != want {
			t.Errorf("CleanCell(%q) = %q, want %q", in, got, want)
		}
	}
}
