// Command qingdan is the one binary of the service: serve, verify and the
// other subcommands. It only wires packages together and exits.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes shared by every subcommand.
const (
	exitOK       = 0
	exitTampered = 1 // verification found evidence of tampering
	exitError    = 2 // could not run or could not check
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP service", runServe},
		{"verify", "verify the whole ledger and the lists offline", runVerify},
		{"import", "import a published list file (CSV, XLSX, JSON)", runImport},
		{"user", "add an account: user add --username U --name 名称 --dept D --role R < password", runUser},
		{"calendar", "record a year of holidays: calendar import FILE", runCalendar},
		{"erase-applicant", "erase an applicant's personal data: erase-applicant NUMBER", runErase},
		{"audit", "audit a live service (--url) or a bundle (--bundle) against a pinned key", runAudit},
		{"export", "write the ledger as a bundle for offline audit: export --data DIR --out FILE", runExport},
		{"receipt", "verify a receipt offline: receipt verify FILE --key VKEY", runReceipt},
		{"witness", "cosign consistent checkpoints (witness keygen | witness --url … --log-key … --key … --state …)", runWitness},
		// operations (issue 8)
		{"backup", "write a consistent online copy of the database and keys: backup --out FILE", runBackup},
		{"restore", "restore a backup into a new data folder: restore --in FILE --data DIR", runRestore},
		// issue 20: personal data at rest
		{"pii", "re-wrap the personal-data keys under a new master key: pii rotate-key [--pii-key FILE]", runPII},
	}
}

// run dispatches to a subcommand and turns its error into an exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		return exitError
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return exitCode(c.run(ctx, args[1:], stdout, stderr), stderr)
		}
	}
	fmt.Fprintf(stderr, "qingdan: unknown command %q\n", args[0])
	usage(stderr)
	return exitError
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: qingdan <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'qingdan <command> -h' for a command's flags.")
}

// errTampered marks errors that are evidence of tampering.
var errTampered = errors.New("tampering detected")

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.Is(err, errTampered):
		fmt.Fprintf(stderr, "qingdan: %v\n", err)
		return exitTampered
	}
	fmt.Fprintf(stderr, "qingdan: %v\n", err)
	return exitError
}
