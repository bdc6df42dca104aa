package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
)

var errHelp = errors.New("help shown")

// parseFlags parses args into fs; a flag not given on the command line is
// taken from the environment variable QINGDAN_<NAME> (dashes become
// underscores), e.g. --rate-limit from QINGDAN_RATE_LIMIT.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v, ok := os.LookupEnv(envName(f.Name)); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, e)
			}
		}
	})
	return err
}

func envName(flagName string) string {
	return "QINGDAN_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// proxyList is a repeatable flag of proxy addresses or CIDR ranges; one
// value may hold several, comma-separated.
type proxyList []string

func (p *proxyList) String() string { return strings.Join(*p, ",") }

func (p *proxyList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if _, err := netip.ParsePrefix(s); err != nil {
			if _, err := netip.ParseAddr(s); err != nil {
				return fmt.Errorf("%q is neither an IP address nor a CIDR range", s)
			}
		}
		*p = append(*p, s)
	}
	return nil
}
