package listfile

import "errors"

// Sentinel errors. Errors returned by Read wrap one of these where it
// applies; test with errors.Is.
var (
	// ErrNoHeader: no row among the first 10 non-empty rows names at least
	// two known columns, so the file does not look like a list.
	ErrNoHeader = errors.New("listfile: no header row found")
	// ErrUnsupported: a file format Read does not handle (legacy .xls, an
	// unknown extension, …).
	ErrUnsupported = errors.New("listfile: unsupported format")
)
