package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"qingdan/data/listaudit"
	"qingdan/ledger/audit"
	"qingdan/ledger/witness"
)

// auditFlags are the flags of 'qingdan audit'.
type auditFlags struct {
	url, bundle   string
	key, origin   string
	state         string
	watch         bool
	interval      time.Duration
	witnesses     keyList
	minWitnesses  int
	evidence      string
	parallel      int
	verifier      note.Verifier
	witnessKeys   []*witness.Verifier
	verifierKeyTx string
	token         string // an auditor's API token, to read the role grants
}

// keyList is a repeatable flag of keys; one value may hold several,
// separated by commas (for the environment variable).
type keyList []string

func (k *keyList) String() string { return strings.Join(*k, ",") }

func (k *keyList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*k = append(*k, s)
		}
	}
	return nil
}

func parseAuditFlags(args []string, stderr io.Writer) (*auditFlags, error) {
	f := &auditFlags{}
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.StringVar(&f.url, "url", "", "base URL of the qingdan service to audit")
	fs.StringVar(&f.bundle, "bundle", "", "audit an exported bundle file instead, with no network")
	fs.StringVar(&f.key, "key", "", "the log's verifier key (name+id+base64), pinned out of band, or a file holding it")
	fs.StringVar(&f.origin, "origin", "", "checkpoint origin (default: the key's name)")
	fs.StringVar(&f.state, "state", "", "state file kept between audits (the lists replay is kept in FILE.replay/)")
	fs.BoolVar(&f.watch, "watch", false, "keep polling and auditing incrementally; exit on the first inconsistency")
	fs.DurationVar(&f.interval, "interval", 30*time.Second, "poll interval with --watch")
	fs.Var(&f.witnesses, "witness", "a witness's cosignature/v1 verifier key (repeatable)")
	fs.IntVar(&f.minWitnesses, "min-witnesses", 0, "how many of the --witness keys must have cosigned (default: all given)")
	fs.StringVar(&f.evidence, "evidence", "qingdan-evidence", "folder to save evidence of tampering into")
	fs.IntVar(&f.parallel, "parallel", 8, "entry bundles fetched at once")
	fs.StringVar(&f.token, "token", "", "an auditor's API token (Bearer) to read and compare the role grants in force; without it they are not compared")
	if err := parseFlags(fs, args, stderr); err != nil {
		return nil, err
	}
	return f, f.check()
}

func (f *auditFlags) check() error {
	if (f.url == "") == (f.bundle == "") {
		return errors.New("audit: give exactly one of --url and --bundle")
	}
	v, text, err := pinnedVerifier(f.key)
	if err != nil {
		return err
	}
	f.verifier, f.verifierKeyTx = v, text
	if f.origin == "" {
		f.origin = v.Name()
	}
	for _, k := range f.witnesses {
		w, err := witness.NewVerifier(k)
		if err != nil {
			return fmt.Errorf("--witness %q: %w", k, err)
		}
		f.witnessKeys = append(f.witnessKeys, w)
	}
	if f.minWitnesses == 0 {
		f.minWitnesses = len(f.witnessKeys)
	}
	if f.minWitnesses > len(f.witnessKeys) {
		return fmt.Errorf("--min-witnesses %d but only %d --witness keys", f.minWitnesses, len(f.witnessKeys))
	}
	return nil
}

// pinnedVerifier reads a note verifier key given as text or as a file.
func pinnedVerifier(key string) (note.Verifier, string, error) {
	if key == "" {
		return nil, "", errors.New("--key: the log's verifier key is required (pin it out of band; never take it from the server)")
	}
	if !strings.Contains(key, "+") {
		b, err := os.ReadFile(key)
		if err != nil {
			return nil, "", fmt.Errorf("--key: neither a key nor a readable file: %w", err)
		}
		key = strings.TrimSpace(string(b))
	}
	v, err := note.NewVerifier(key)
	if err != nil {
		return nil, "", fmt.Errorf("--key: %w", err)
	}
	return v, key, nil
}

// runAudit audits a live service or a bundle: exit 0 intact, 1 evidence
// of tampering or a fork (saved under --evidence), 2 could not check.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseAuditFlags(args, stderr)
	if err != nil {
		return err
	}
	if !f.watch {
		return auditOnce(ctx, f, stdout)
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	for {
		err := auditOnce(ctx, f, stdout)
		if errors.Is(err, errTampered) {
			logger.Error("AUDIT ALERT: the log is not what it was", "err", err)
			return err
		}
		if err != nil {
			logger.Warn("audit could not check this time; will retry", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(f.interval):
		}
	}
}

// auditSession is one audit's open resources.
type auditSession struct {
	src    audit.Source
	client *audit.Client
	bundle *audit.Bundle
	replay *listaudit.Replay
	tmp    string
}

func (s *auditSession) close() {
	if s.replay != nil {
		s.replay.Close()
	}
	if s.bundle != nil {
		s.bundle.Close()
	}
	if s.tmp != "" {
		os.RemoveAll(s.tmp)
	}
}

func openAuditSession(ctx context.Context, f *auditFlags, fresh bool) (*auditSession, error) {
	s := &auditSession{}
	if f.url != "" {
		s.client = audit.NewClient(f.url)
		s.src = s.client
	} else {
		b, err := audit.OpenBundle(f.bundle)
		if err != nil {
			return nil, err
		}
		s.bundle, s.src = b, b
	}
	dir := f.state + ".replay"
	if f.state == "" {
		tmp, err := os.MkdirTemp("", "qingdan-audit-")
		if err != nil {
			s.close()
			return nil, err
		}
		s.tmp, dir = tmp, tmp
	} else if fresh {
		os.RemoveAll(dir) // a replay without its state cannot be trusted to match
	}
	r, err := listaudit.Open(ctx, dir)
	if err != nil {
		s.close()
		return nil, err
	}
	s.replay = r
	return s, nil
}

func auditOnce(ctx context.Context, f *auditFlags, stdout io.Writer) error {
	st := &audit.State{}
	fresh := true
	if f.state != "" {
		var err error
		if st, err = audit.LoadState(f.state); err != nil {
			return err
		}
		fresh = st.Checkpoint == "" && st.Partial == nil
	}
	s, err := openAuditSession(ctx, f, fresh)
	if err != nil {
		return err
	}
	defer s.close()
	a := &audit.Auditor{Origin: f.origin, Verifier: f.verifier, VerifierKey: f.verifierKeyTx, Parallel: f.parallel}
	if f.state != "" {
		a.Save = func(p *audit.State) error { return p.Save(f.state) }
	}
	if s.bundle != nil {
		a.Checkpoints = s.bundle.Checkpoints
	}
	next, rep, err := a.Run(ctx, s.src, st, s.replay)
	if err != nil {
		return evidenceOf(err, f, stdout)
	}
	fmt.Fprintf(stdout, "ledger intact: %d entries (%d new, verified and replayed %d) up to root %s, signed by %s; in %s\n",
		rep.Size, rep.Fetched, rep.Followed, rep.Root, f.verifier.Name(), rep.Took.Round(time.Millisecond))
	if f.state != "" {
		if err := next.Save(f.state); err != nil {
			return err
		}
	}
	if err := compareLists(ctx, s, next, f, stdout); err != nil {
		return err
	}
	return checkWitnesses(ctx, a, s, next, f, stdout)
}

// compareLists compares the lists and role grants the service serves with
// the replay of the ledger.
func compareLists(ctx context.Context, s *auditSession, st *audit.State, f *auditFlags, stdout io.Writer) error {
	if s.client == nil {
		n, _ := s.replay.Size(ctx)
		fmt.Fprintf(stdout, "lists and roles rebuilt from the bundle's %d entries (nothing served to compare offline)\n", n)
		return nil
	}
	diffs, counts, err := s.replay.Compare(ctx, listaudit.HTTPServed{Get: s.client.Get, GetGrants: grantsGetter(s.client, f.token)})
	if err != nil {
		return err
	}
	if counts.Grants < 0 {
		fmt.Fprintln(stdout, "role grants NOT compared: GET /api/v1/roles needs an auditor's token (--token or QINGDAN_TOKEN)")
	}
	if len(diffs) == 0 {
		fmt.Fprintf(stdout, "lists match the ledger: %d departments, %d powers, %d responsibilities and %d services served exactly as replayed",
			counts.Items["department"], counts.Items["power"], counts.Items["responsibility"], counts.Items["service"])
		if counts.Grants >= 0 {
			fmt.Fprintf(stdout, ", and %d role grants", counts.Grants)
		}
		fmt.Fprintln(stdout)
		return nil
	}
	var b strings.Builder
	for _, d := range diffs {
		fmt.Fprintln(stdout, "served but not supported by the ledger:", d)
		fmt.Fprintln(&b, d)
	}
	p := &audit.Problem{Index: -1, Reason: fmt.Sprintf("%d served list items or role grants differ from the replay of the ledger (first: %s)", len(diffs), diffs[0]),
		Files: map[string][]byte{"checkpoint.txt": []byte(st.Checkpoint), "differences.txt": []byte(b.String())}}
	return evidenceOf(p, f, stdout)
}

// checkWitnesses requires --min-witnesses cosignatures on a checkpoint
// consistent with the audited one.
func checkWitnesses(ctx context.Context, a *audit.Auditor, s *auditSession, st *audit.State, f *auditFlags, stdout io.Writer) error {
	if len(f.witnessKeys) == 0 {
		return nil
	}
	var names []string
	var err error
	if s.client != nil {
		var cosigned []byte
		if cosigned, err = s.client.CosignedCheckpoint(ctx); err != nil {
			return fmt.Errorf("audit: fetch the cosigned checkpoint: %w", err)
		}
		names, err = a.CheckWitnessed(ctx, s.src, cosigned, st, f.witnessKeys, f.minWitnesses)
	} else {
		names, err = bundleWitnessed(a, s.bundle, f)
	}
	if err != nil {
		return evidenceOf(err, f, stdout)
	}
	fmt.Fprintf(stdout, "witnessed: %d of %d required witnesses cosigned a consistent checkpoint (%s)\n", len(names), f.minWitnesses, strings.Join(names, ", "))
	return nil
}

// bundleWitnessed finds the largest checkpoint of a bundle that enough
// witnesses cosigned; the audit already checked its root against the tree.
func bundleWitnessed(a *audit.Auditor, b *audit.Bundle, f *auditFlags) ([]string, error) {
	var err error
	for i := len(b.Checkpoints) - 1; i >= 0; i-- {
		var names []string
		if names, _, err = a.Witnessed(b.Checkpoints[i], f.witnessKeys, f.minWitnesses); err == nil {
			return names, nil
		}
	}
	return nil, fmt.Errorf("audit: no checkpoint in the bundle carries the cosignatures required (%v)", err)
}

// evidenceOf saves a Problem's files under --evidence and marks it as
// tampering; other errors pass through (could not check).
func evidenceOf(err error, f *auditFlags, stdout io.Writer) error {
	var p *audit.Problem
	if !errors.As(err, &p) {
		return err
	}
	dir, saveErr := saveEvidence(f.evidence, p)
	if saveErr != nil {
		return fmt.Errorf("%w: %v (and the evidence could not be saved: %v)", errTampered, p, saveErr)
	}
	fmt.Fprintf(stdout, "TAMPERING OR FORK: %v\nevidence saved in %s\n", p, dir)
	return fmt.Errorf("%w: %v (evidence in %s)", errTampered, p, dir)
}

func saveEvidence(root string, p *audit.Problem) (string, error) {
	dir := filepath.Join(root, time.Now().UTC().Format("20060102T150405.000000000Z"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	names := make([]string, 0, len(p.Files))
	for name := range p.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	report := fmt.Sprintf("%s\n\nfiles:\n", p.Error())
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), p.Files[name], 0o644); err != nil {
			return "", err
		}
		report += "  " + name + "\n"
	}
	return dir, os.WriteFile(filepath.Join(dir, "REPORT.txt"), []byte(report), 0o644)
}

// grantsGetter reads with c as the holder of token (Authorization:
// Bearer), or is nil without a token.
func grantsGetter(c *audit.Client, token string) listaudit.Getter {
	if token == "" {
		return nil
	}
	authed := *c
	authed.HTTP = &http.Client{Timeout: c.HTTP.Timeout, Transport: bearer{token: token, next: c.HTTP.Transport}}
	return authed.Get
}

// bearer adds an Authorization header to every request.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}
