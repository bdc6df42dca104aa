package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"qingdan/data/store"
	"qingdan/ledger"
)

// The backup archive (docs/operations.md): a gzip-compressed tar holding,
// in this order, manifest.json, the SQLite database and the two signing
// keys, each file at the top level. The personal-data master key
// (pii.key) is deliberately not in it: it is a separate secret, kept
// apart, so that a backup alone opens no applicant's data.
const (
	backupFormat   = "qingdan-backup/1"
	manifestName   = "manifest.json"
	ledgerKeyName  = "ledger.key"
	seclogKeyName  = "seclog.key"
	maxBackupBytes = 1 << 40 // a file in an archive larger than this is refused
)

// manifest describes a backup: what it holds and each file's SHA-256.
type manifest struct {
	Format  string              `json:"format"`
	Created time.Time           `json:"created"`
	Origin  string              `json:"origin"`
	Entries int64               `json:"ledger_entries"` // the ledger's size in the copy
	Files   map[string]fileHash `json:"files"`
}

type fileHash struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// backupFiles are the files of an archive, in order, after the manifest.
var backupFiles = []string{store.DBFileName, ledgerKeyName, seclogKeyName}

type backupFlags struct {
	storageConfig
	out string
}

// runBackup writes a consistent online copy of the data folder's database
// and both signing keys to one archive.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := &backupFlags{}
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	f.addFlags(fs)
	fs.StringVar(&f.out, "out", "", "archive to write (must not exist); it holds the signing keys: keep it as secret as the keys")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if f.out == "" {
		return errors.New("backup: --out FILE is required")
	}
	if f.dbURL != "" {
		return errors.New("backup: --db: back up PostgreSQL with pg_dump, and copy the key files (docs/postgres.md, Backups)")
	}
	if _, err := os.Stat(f.out); !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %s already exists; a backup never overwrites a file", f.out)
	}
	if err := requireDataDir(f.dataDir); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(f.out), ".qingdan-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := store.BackupSQLite(ctx, f.dataDir, filepath.Join(tmp, store.DBFileName)); err != nil {
		return err
	}
	sources := map[string]string{store.DBFileName: filepath.Join(tmp, store.DBFileName),
		ledgerKeyName: f.keyPath(), seclogKeyName: f.secKeyPath()}
	m := manifest{Format: backupFormat, Created: time.Now().UTC(), Origin: f.origin, Files: map[string]fileHash{}}
	// Opening the copy (to read its size) rewrites its header for WAL, so
	// it comes before the hashes.
	if m.Entries, err = ledgerSize(ctx, tmp, f.origin); err != nil {
		return fmt.Errorf("backup: the copy: %w", err)
	}
	for _, name := range backupFiles {
		if m.Files[name], err = hashFile(sources[name]); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	if err := writeArchive(f.out, m, sources); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backup written to %s: %d ledger entries, database %d bytes, keys included\n",
		f.out, m.Entries, m.Files[store.DBFileName].Size)
	fmt.Fprintln(stdout, "the personal-data key (pii.key, --pii-key) is not in the backup: keep a copy of it apart, as a separate secret")
	return nil
}

// ledgerSize opens a copied database read-only and reads its ledger's
// size at the last signed checkpoint.
func ledgerSize(ctx context.Context, dir, origin string) (int64, error) {
	db, err := store.OpenSQLite(ctx, dir)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	ls, err := store.NewLedgerStore(db, store.MainLog)
	if err != nil {
		return 0, err
	}
	sc, err := ls.LatestCheckpoint(ctx)
	if errors.Is(err, ledger.ErrNotFound) {
		return 0, nil
	}
	return sc.Size, err
}

func hashFile(path string) (fileHash, error) {
	fh, err := os.Open(path)
	if err != nil {
		return fileHash{}, err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	return fileHash{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, err
}

// writeArchive creates out (never over an existing file) and removes it
// again if it cannot be written whole.
func writeArchive(out string, m manifest, sources map[string]string) (err error) {
	fh, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		fh.Close()
		if err != nil {
			os.Remove(out)
		}
	}()
	zw := gzip.NewWriter(fh)
	tw := tar.NewWriter(zw)
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: manifestName, Mode: 0o600, Size: int64(len(mb)), ModTime: m.Created}); err != nil {
		return err
	}
	if _, err := tw.Write(mb); err != nil {
		return err
	}
	for _, name := range backupFiles {
		if err := addFile(tw, name, sources[name], m.Files[name].Size, m.Created); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := fh.Sync(); err != nil {
		return err
	}
	return fh.Close()
}

func addFile(tw *tar.Writer, name, path string, size int64, mod time.Time) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: mod}); err != nil {
		return err
	}
	_, err = io.CopyN(tw, fh, size)
	return err
}

type restoreFlags struct {
	in, dataDir, origin string
}

// runRestore unpacks a backup archive into a new data folder, checking
// every file against the manifest, and opens the result to report its size.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := &restoreFlags{}
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.StringVar(&f.in, "in", "", "backup archive written by 'qingdan backup'")
	fs.StringVar(&f.dataDir, "data", "", "data folder to restore into: must not exist or be empty")
	fs.StringVar(&f.origin, "origin", ledger.DefaultOrigin, "checkpoint origin line (for the report; the archive's own is checked against it)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if f.in == "" || f.dataDir == "" {
		return errors.New("restore: --in FILE and --data DIR are required")
	}
	if err := requireEmptyDir(f.dataDir); err != nil {
		return err
	}
	n, m, err := restoreInto(ctx, f)
	if err != nil {
		// The folder was empty: a failed restore leaves it so.
		for _, name := range slices.Concat(backupFiles, []string{store.DBFileName + "-wal", store.DBFileName + "-shm"}) {
			os.Remove(filepath.Join(f.dataDir, name))
		}
		return err
	}
	fmt.Fprintf(stdout, "restored %s (backup of %s, %d ledger entries) into %s; run 'qingdan verify --data %s' before serving it\n",
		f.in, m.Created.Format(time.RFC3339), n, f.dataDir, f.dataDir)
	return nil
}

// restoreInto unpacks the archive into the empty folder, checks the
// origin, and opens the database to check its ledger's size.
func restoreInto(ctx context.Context, f *restoreFlags) (int64, *manifest, error) {
	m, err := unpack(f.in, f.dataDir)
	if err != nil {
		return 0, nil, fmt.Errorf("restore: %s: %w", f.in, err)
	}
	if m.Origin != f.origin {
		return 0, nil, fmt.Errorf("restore: the archive's origin is %q, not %q: pass --origin %q (and to serve and verify)", m.Origin, f.origin, m.Origin)
	}
	n, err := ledgerSize(ctx, f.dataDir, m.Origin)
	if err != nil {
		return 0, nil, fmt.Errorf("restore: the restored database: %w", err)
	}
	if n != m.Entries {
		return 0, nil, fmt.Errorf("restore: the restored ledger has %d entries, the manifest says %d", n, m.Entries)
	}
	return n, m, nil
}

// requireEmptyDir creates dir, or accepts it if it exists and is empty: a
// restore never overwrites data.
func requireEmptyDir(dir string) error {
	ents, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o700)
	case err != nil:
		return err
	case len(ents) > 0:
		return fmt.Errorf("restore: %s is not empty; restore into a new folder", dir)
	}
	return nil
}

// unpack reads the archive: the manifest first, then exactly the files it
// names, each checked against its size and SHA-256 before it is kept.
func unpack(in, dir string) (*manifest, error) {
	fh, err := os.Open(in)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		return nil, fmt.Errorf("not a qingdan backup (gzip): %w", err)
	}
	tr := tar.NewReader(zr)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != manifestName || hdr.Size > 1<<20 {
		return nil, errors.New("not a qingdan backup: no manifest.json first")
	}
	var m manifest
	if err := json.NewDecoder(io.LimitReader(tr, hdr.Size)).Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if m.Format != backupFormat {
		return nil, fmt.Errorf("backup format %q, this qingdan reads %q", m.Format, backupFormat)
	}
	for _, name := range backupFiles {
		hdr, err := tr.Next()
		if err != nil {
			return nil, fmt.Errorf("expected %s: %w", name, err)
		}
		want, ok := m.Files[name]
		if hdr.Name != name || !ok || hdr.Size != want.Size || hdr.Size > maxBackupBytes {
			return nil, fmt.Errorf("expected %s as the manifest describes it, found %q (%d bytes)", name, hdr.Name, hdr.Size)
		}
		if err := extract(tr, filepath.Join(dir, name), want); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if _, err := tr.Next(); err != io.EOF {
		return nil, errors.New("unexpected content after the files the manifest names")
	}
	return &m, nil
}

func extract(r io.Reader, path string, want fileHash) error {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(fh, h), io.LimitReader(r, want.Size))
	if err != nil {
		return err
	}
	if n != want.Size || hex.EncodeToString(h.Sum(nil)) != want.SHA256 {
		os.Remove(path)
		return errors.New("does not match the manifest's SHA-256 (damaged archive)")
	}
	if err := fh.Sync(); err != nil {
		return err
	}
	return fh.Close()
}
