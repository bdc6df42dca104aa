package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"qingdan/data/listfile"
	"qingdan/data/listimport"
	"qingdan/data/lists"
)

// importFlags are the flags of 'qingdan import'; each also reads
// QINGDAN_<NAME>.
type importFlags struct {
	storageConfig
	dryRun    bool
	basis     string
	note      string
	effective string
	major     bool
	actor     string
	kind      string
	category  string
	dept      string
	aliases   listfile.DeptAliases
	file      string
}

func parseImportFlags(args []string, stderr io.Writer) (*importFlags, error) {
	f := &importFlags{aliases: listfile.DeptAliases{}}
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	f.addFlags(fs)
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the plan and write nothing")
	fs.StringVar(&f.basis, "basis", "", "document that authorises the changes (依据文号); required unless --dry-run")
	fs.StringVar(&f.note, "note", "", "note recorded with every change (说明; default: 导入清单文件 FILE)")
	fs.StringVar(&f.effective, "effective", "", "date the changes take effect (2026-01-31; default: none)")
	fs.BoolVar(&f.major, "major", false, "record the changes as major")
	fs.StringVar(&f.actor, "actor", "import", "who the changes are recorded as")
	fs.StringVar(&f.kind, "kind", "", "make every row a power or a service (default: 公共服务 and rows naming a power are services)")
	fs.StringVar(&f.category, "category", "", "category of rows without 权力类型 (XK … QT, GG, or 行政许可 …)")
	fs.StringVar(&f.dept, "dept", "", "department (code or name) of rows without 实施主体")
	fs.Func("alias", "another name of a department, as 别名=部门名称 (repeatable)", func(s string) error {
		from, to, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
			return errors.New("want 别名=部门名称")
		}
		f.aliases[from] = to
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: qingdan import --data DIR [--dry-run] [--basis 文号] [--note 说明] [flags] FILE\n\n"+
			"Imports a list file (CSV, TSV, XLSX or JSON) into the power list and the service catalogue:\n"+
			"prints the plan (what is created, amended, unchanged or rejected, and what the file lacks),\n"+
			"then, unless --dry-run, records every change in the ledger.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return nil, err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return nil, errors.New("import: name one file to import")
	}
	f.file = fs.Arg(0)
	if f.kind != "" && f.kind != string(lists.KindPower) && f.kind != string(lists.KindService) {
		return nil, fmt.Errorf("import: --kind %q: want power or service", f.kind)
	}
	if !f.dryRun && strings.TrimSpace(f.basis) == "" {
		return nil, errors.New("import: --basis (依据文号) is required to write; use --dry-run to only see the plan")
	}
	if f.note == "" {
		f.note = "导入清单文件 " + filepath.Base(f.file)
	}
	return f, nil
}

// runImport plans the import of a list file, prints the plan and, unless
// --dry-run, applies it.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseImportFlags(args, stderr)
	if err != nil {
		return err
	}
	content, err := os.ReadFile(f.file)
	if err != nil {
		return err
	}
	table, err := listimport.ReadFile(filepath.Base(f.file), content)
	if err != nil {
		return fmt.Errorf("import: %s: %w", f.file, err)
	}
	if f.dryRun {
		// a dry run writes nothing, not even a new database
		if err := f.requireDatabase(); err != nil {
			return err
		}
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := openStorage(ctx, f.storageConfig, logger)
	if err != nil {
		return err
	}
	defer st.close()
	cat := lists.NewCatalog(st.db, st.log)
	plan, err := listimport.NewPlan(ctx, cat, table, listimport.Options{Source: f.file, DeptAliases: f.aliases,
		Kind: lists.Kind(f.kind), Category: f.category, Dept: f.dept})
	if err != nil {
		return err
	}
	if err := plan.Report(stdout); err != nil {
		return err
	}
	rejected := plan.Counts(lists.KindPower).Reject + plan.Counts(lists.KindService).Reject
	switch {
	case f.dryRun:
		fmt.Fprintln(stdout, "\ndry run: nothing written")
		return nil
	case plan.Changes() == 0:
		fmt.Fprintln(stdout, "\nnothing to change: no ledger entry written")
		return nil
	}
	if _, err := genesis(ctx, st); err != nil { // a new data folder starts with its genesis entry
		return err
	}
	meta := lists.ChangeMeta{BasisDoc: f.basis, ChangeNote: f.note, Major: f.major, EffectiveFrom: f.effective}
	res, err := listimport.Apply(ctx, cat, plan, meta, f.actor)
	if res != nil {
		fmt.Fprintln(stdout, "\n"+res.String())
		for _, e := range res.Errors {
			fmt.Fprintln(stdout, "  failed:", e)
		}
	}
	if err != nil {
		return err
	}
	if rejected > 0 {
		fmt.Fprintf(stdout, "%d rejected rows were not imported (see above)\n", rejected)
	}
	return nil
}
