package data

import "golang.org/x/mod/sumdb/tlog"

func storedHashIndex0(n int64) int64 { return tlog.StoredHashIndex(0, n) }
