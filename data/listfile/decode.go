package listfile

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Encoding names reported in Table.Encoding.
const (
	EncUTF8    = "utf-8"
	EncUTF8BOM = "utf-8-bom"
	EncGB18030 = "gb18030"
	EncUTF16LE = "utf-16le"
	EncUTF16BE = "utf-16be"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// decodeText returns content as UTF-8 text without a byte-order mark, and
// the name of the encoding it was in. A UTF-8 or UTF-16 byte-order mark
// decides; otherwise valid UTF-8 is taken as UTF-8 and anything else as
// GB18030, which is what Excel on Chinese Windows saves (GB18030 is a
// superset of GBK and GB2312). Bytes that are not valid in the chosen
// encoding become U+FFFD.
func decodeText(content []byte) (string, string) {
	switch {
	case bytes.HasPrefix(content, bomUTF8):
		return string(bytes.ToValidUTF8(content[len(bomUTF8):], []byte("\uFFFD"))), EncUTF8BOM
	case bytes.HasPrefix(content, bomUTF16LE):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), content), EncUTF16LE
	case bytes.HasPrefix(content, bomUTF16BE):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), content), EncUTF16BE
	case utf8.Valid(content):
		return string(content), EncUTF8
	}
	return decodeWith(simplifiedchinese.GB18030, content), EncGB18030
}

// decodeWith decodes content with enc; on the (unexpected) failure of the
// decoder it falls back to the bytes with invalid sequences replaced.
func decodeWith(enc encoding.Encoding, content []byte) string {
	out, err := enc.NewDecoder().Bytes(content)
	if err != nil {
		out = bytes.ToValidUTF8(content, []byte("\uFFFD"))
	}
	return string(bytes.ToValidUTF8(out, []byte("\uFFFD")))
}
