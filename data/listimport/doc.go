// Package listimport turns a list file read by listfile into list changes
// (NewPlan), writes them as ledger events (Apply), and exports the lists
// in a form that imports back unchanged (WriteCSV, WriteJSON, ExportAll).
//
// # What a row becomes
//
// Every row is one power item (权力类型 行政许可 … 其他行政权力) or one service
// item (公共服务, or any row with a 对应权力事项编码), of the department the
// row names (实施主体). Only what the file has is set: a column the file
// lacks, and an empty cell, leave the field as it is on a listed item and
// empty (0 for a time limit) on a new one; the plan lists the missing
// columns and the empty cells. Nothing is invented, with one exception the
// model forces: a service must say whom it serves, so when the file has no
// 服务对象 the audience of a new service is guessed from its name
// (企业, 公司, 单位 … → legal_person, else individual) and noted.
//
// A file with both 主项名称 and 事项名称 (and no 子项名称 column), like the
// provincial service catalogues, gives a power the 主项 as its name and the
// 事项 as its sub-item (子项); a 主项 of 未分类 (or empty, or the same as the
// 事项) gives the 事项 as the name and no sub-item. Services have no
// sub-item: their name is the 事项名称.
//
// # Departments
//
// 实施主体 is matched against the listed departments by
// listfile.NormalizeDeptName (so stray spaces and ASCII parentheses do not
// matter), after Options.DeptAliases, and then as a department code (as
// JSON exports write it). An unknown department is planned for creation
// with the code "d" + the first 8 hex digits of the SHA-256 of its
// normalised name (more digits if that code is taken).
//
// # Item codes
//
// A code of at most 36 ASCII letters, digits, '.', '_' or '-' is used as it
// is. A longer one, such as the implementation codes (实施编码) of the
// provincial catalogues,
//
//	511Z07001006-511602000000-000-11511301008778183N-1-00
//
// becomes its basic code (the segments before the 12-digit administrative
// division; the first segment if there is none; at most 23 characters),
// "-", and the first 12 hex digits of the SHA-256 of the whole code:
//
//	511Z07001006-<12 hex>
//
// The plan's report lists every code so shortened with the original (see
// ShortenCode). A row without a code gets category-deptcode-<10 hex of the
// SHA-256 of name "\x1f" subitem>. The same code twice in one file: the
// second row is rejected.
//
// # Cell formats (export writes them, import reads them)
//
// List-valued fields hold one element per line (CSV cells may hold line
// breaks; a JSON array of strings is read the same way):
//
//   - 实施依据 (basis): one basis per line, 《law》（doc_no）article：text,
//     e.g. 《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度。
//     Reading also splits 《A》《B》 on one line into two;
//   - 申请材料 (materials): one per line, required unless it ends with
//     （非必要）; a leading "1." or "（1）" is dropped;
//   - 办理流程 (steps): one per line, name（N个工作日）;
//   - 收费 (fee): 不收费, or 收费 followed by a line 依据：… and one line per
//     fee item;
//   - 联办机构 (joint): one department name per line;
//   - 行使层级, 服务对象, 廉政风险点: one value per line (服务对象 as 自然人,
//     法人, 其他组织; 个人/法人 for services);
//   - 时限: N个工作日, 即办 for 0; 办件类型 即办件/承诺件; 热点事项 是/否.
//
// A field of an item that has none of these places of its own (one added
// to the item struct with its label tag and nothing else) has a generic
// place when it is simple (lists.Field.Simple): export writes it after the
// other columns under its Chinese label, and import reads a column of that
// header (or, in JSON, its key; ReadFile passes them to listfile) by the
// field's type: text as it is; a whole number in decimal; 是 or 否 (read
// also as true/false, 1/0); a list of texts one per line (read also split
// at ；). A cell that is not of the type is a problem of its row.
//
// When a value cannot be written that way and read back the same (a
// basis text with a line break, a material called "1.…"), the cell holds
// the field's JSON instead, which import reads as it is. Import compares
// values after listfile.CleanCell, so text that cleaning changes (double
// spaces, full-width digits) does not count as a change.
package listimport
