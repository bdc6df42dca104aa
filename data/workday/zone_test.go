package workday

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// China is UTC+8 all year.
func TestChinaIsUTCPlus8(t *testing.T) {
	for _, month := range []time.Month{time.January, time.July} {
		if _, offset := time.Date(2026, month, 1, 0, 0, 0, 0, China).Zone(); offset != 8*3600 {
			t.Errorf("offset in %s: %d, want %d", month, offset, 8*3600)
		}
	}
}

// China is the one definition of China's time zone: no other source file
// of the module makes a zone of its own.
func TestChinaIsTheOnlyZone(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if path == filepath.Join(root, "data", "workday", "date.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range []string{"time.FixedZone(", "time.LoadLocation(", "Asia/Shanghai"} {
			if strings.Contains(string(b), s) {
				t.Errorf("%s has %s; use workday.China", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
