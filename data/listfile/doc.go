// Package listfile reads the files in which Chinese departments publish
// their power lists (权力清单) and service catalogues (政务服务事项目录) and
// turns them into a uniform table for qingdan's importer.
//
// Read accepts CSV (also .txt/.tsv, comma or tab separated), XLSX and JSON
// and copes with what real exports look like:
//
//   - encodings: UTF-8 with or without a byte-order mark, GB18030 (what
//     Excel on Chinese Windows saves) and UTF-16 with a byte-order mark
//     (Excel's "Unicode text");
//   - CRLF or LF line ends, quoted cells with embedded newlines;
//   - a title row or blank rows above the header, a 序号 column, merged
//     cells, repeated header rows;
//   - the many names the same column goes by (实施主体, 实施机关, 主管部门 …),
//     mapped to canonical field keys of the qingdan schema (see MatchHeader
//     and CanonicalKeys), and the further headers an importer names
//     (ReadWith);
//   - dirty cells: HTML entities escaped several times, <br> and other tags,
//     control characters, full-width digits and letters (see CleanCell).
//
// The package only reads: it does not decide whether an item is complete or
// valid, and it never invents a value that is not in the file. Helpers for
// the values an importer must interpret are NormalizeCategory (事项类型 →
// XK, CF …), NormalizeDeptName and DeptAliases (实施主体), and ParseLimit /
// ParseWorkingDays (办结时限).
package listfile
