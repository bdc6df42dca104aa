package store

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestDatabaseFilesArePrivate (issue 20, finding 14): the SQLite file and
// its -wal and -shm files are created 0600 whatever the umask, and an
// older database found 0644 is tightened when opened.
func TestDatabaseFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	db, err := OpenSQLite(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Writer.Exec(`CREATE TABLE mode_probe (x INTEGER)`).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Writer.Exec(`INSERT INTO mode_probe VALUES (1)`).Error; err != nil {
		t.Fatal(err)
	}
	checkModes(t, dir, DBFileName, DBFileName+"-wal", DBFileName+"-shm")
	db.Close()

	os.Chmod(filepath.Join(dir, DBFileName), 0o644)
	db, err = OpenSQLite(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkModes(t, dir, DBFileName)
}

func checkModes(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %o, want 600", name, got)
		}
	}
}
