package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"qingdan/data/applications"
	"qingdan/data/calendar"
)

// runCalendar implements 'qingdan calendar import FILE': record one year
// of the State Council's holiday notice (holiday-cn JSON) in the ledger;
// open deadlines follow it from then on.
func runCalendar(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return errors.New("usage: qingdan calendar import --data DIR FILE")
	}
	var c storageConfig
	fs := flag.NewFlagSet("calendar import", flag.ContinueOnError)
	c.addFlags(fs)
	if err := parseFlags(fs, args[1:], stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("calendar import needs one FILE")
	}
	file, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	st, err := openStorage(ctx, c, newLogger("text", io.Discard))
	if err != nil {
		return err
	}
	defer st.close()
	cals, err := calendar.NewCalendars(ctx, st.db, st.log)
	if err != nil {
		return err
	}
	receipt, year, err := cals.Update(ctx, "system", file)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "calendar %d recorded at ledger index %d; open deadlines follow it\n", year, receipt.Index)
	return nil
}

// runErase implements 'qingdan erase-applicant --data DIR NUMBER': delete
// an applicant's personal data and salt (PIPL). The ledger still verifies
// and the application's public record remains.
func runErase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c storageConfig
	fs := flag.NewFlagSet("erase-applicant", flag.ContinueOnError)
	c.addFlags(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: qingdan erase-applicant --data DIR NUMBER")
	}
	if err := c.requireDatabase(); err != nil {
		return err
	}
	st, err := openStorage(ctx, c, newLogger("text", io.Discard))
	if err != nil {
		return err
	}
	defer st.close()
	if err := applications.NewApprovals(st.db, st.log, nil).Erase(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "personal data of %s erased; the ledger and the public record are unchanged\n", fs.Arg(0))
	return nil
}
