package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"qingdan/data/identity"
	"qingdan/policy"
	"qingdan/web/accounts"
)

// userFlags are the flags of 'qingdan user add'.
type userFlags struct {
	storageConfig
	username, name, dept string
	roles                []string
}

// runUser implements 'qingdan user add': create an account (the password
// is read from standard input, never from the command line) and grant it
// roles as "system" — how the first administrators are made.
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: qingdan user add --data DIR --username U --name 名称 --dept D [--role R]… < password")
	}
	f := &userFlags{}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	f.addFlags(fs)
	fs.StringVar(&f.username, "username", "", "login name")
	fs.StringVar(&f.name, "name", "", "display name")
	fs.StringVar(&f.dept, "dept", "*", "department code, or * for administrators")
	fs.Func("role", "role to grant (repeatable): clerk, approver, list_editor, sysadmin, secadmin, auditor", func(r string) error {
		f.roles = append(f.roles, r)
		return nil
	})
	if err := parseFlags(fs, args[1:], stderr); err != nil {
		return err
	}
	password, err := readPassword(os.Stdin)
	if err != nil {
		return err
	}
	return addUser(ctx, f, password, stdout)
}

func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func addUser(ctx context.Context, f *userFlags, password string, stdout io.Writer) error {
	if err := policy.CheckPasswordPolicy(f.username, password); err != nil {
		return err
	}
	hash, err := policy.HashPassword(password)
	if err != nil {
		return err
	}
	st, err := openStorage(ctx, f.storageConfig, newLogger("text", io.Discard))
	if err != nil {
		return err
	}
	defer st.close()
	if _, err := genesis(ctx, st); err != nil {
		return err
	}
	enforcer, err := policy.New(st.db.Writer)
	if err != nil {
		return err
	}
	id := &accounts.Accounts{Directory: identity.NewDirectory(st.db, st.log), Enforcer: enforcer}
	if _, err := id.Directory.CreateUser(ctx, "system", identity.User{Username: f.username, DisplayName: f.name, Dept: f.dept}, hash); err != nil {
		return err
	}
	for _, role := range f.roles {
		if err := id.BootstrapGrant(ctx, f.username, role, f.dept); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "user %s created with roles %v (ledger entries written)\n", f.username, f.roles)
	return nil
}
