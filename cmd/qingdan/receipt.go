package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// runReceipt is 'qingdan receipt verify FILE --key VKEY': it checks,
// offline, that a receipt proves its entry is in the log signed by the
// pinned key. Exit 0 when it does, 1 when it does not, 2 when the file
// cannot be read.
func runReceipt(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: qingdan receipt verify FILE --key VKEY [--body ENTRY-FILE]")
	}
	var key, origin, bodyFile string
	fs := flag.NewFlagSet("receipt verify", flag.ContinueOnError)
	fs.StringVar(&key, "key", "", "the log's verifier key (name+id+base64), or a file holding it")
	fs.StringVar(&origin, "origin", "", "checkpoint origin (default: the key's name)")
	fs.StringVar(&bodyFile, "body", "", "the entry's exact bytes, to check they hash to the receipt's leaf hash")
	files, err := parseInterleaved(fs, args[1:], stderr)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return errors.New("receipt verify: give one receipt file")
	}
	v, _, err := pinnedVerifier(key)
	if err != nil {
		return err
	}
	if origin == "" {
		origin = v.Name()
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		return err
	}
	r, body, err := parseAnyReceipt(raw)
	if err != nil {
		return err
	}
	if bodyFile != "" {
		if body, err = os.ReadFile(bodyFile); err != nil {
			return err
		}
	}
	if r.LeafHash == (tlog.Hash{}) {
		if body == nil {
			return errors.New("receipt verify: a tlog-proof without the entry as extra data needs --body")
		}
		r.LeafHash = ledger.LeafHash(body)
	}
	c, err := ledger.VerifyReceipt(r, body, origin, v)
	if errors.Is(err, ledger.ErrBadSignature) || errors.Is(err, ledger.ErrBadProof) || errors.Is(err, ledger.ErrInvalid) {
		return fmt.Errorf("%w: the receipt does not prove entry %d is in the log: %v", errTampered, r.Index, err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "receipt verifies: entry %d (leaf hash %s) is in the log %s of %d entries, root %s\n",
		r.Index, r.LeafHash, origin, c.Size, c.Root)
	if body != nil {
		if e, err := ledger.Decode(body); err == nil {
			fmt.Fprintf(stdout, "entry: %s by %s at %s\n", e.Type, e.Actor, e.Time.Format(ledger.TimeFormat))
		}
	} else {
		fmt.Fprintln(stdout, "(the entry's body was not given: only its leaf hash is proven)")
	}
	return nil
}

// parseInterleaved parses flags that may come after positional arguments.
func parseInterleaved(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	var positional []string
	for {
		if err := parseFlags(fs, args, stderr); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseAnyReceipt reads a receipt in one of the forms docs/audit.md lists:
// the DESIGN §5 JSON receipt, an API answer holding one under "receipt"
// (with the entry's "body" when the answer has it), or a C2SP tlog-proof
// whose extra data is the entry's body.
func parseAnyReceipt(raw []byte) (*ledger.Receipt, []byte, error) {
	trimmed := bytes.TrimSpace(raw)
	if bytes.HasPrefix(trimmed, []byte(tlogProofHeader)) {
		return parseTlogProof(raw)
	}
	var wrapper struct {
		Receipt json.RawMessage `json:"receipt"`
		Body    []byte          `json:"body"`
	}
	if err := json.Unmarshal(trimmed, &wrapper); err == nil && wrapper.Receipt != nil {
		r, err := ledger.ParseReceipt(wrapper.Receipt)
		return r, wrapper.Body, err
	}
	r, err := ledger.ParseReceipt(trimmed)
	return r, nil, err
}

const tlogProofHeader = "c2sp.org/tlog-proof@v1"

// parseTlogProof reads a C2SP tlog-proof: header, optional "extra" (here
// the entry's body, from which the leaf hash is computed), "index", the
// inclusion proof hashes, a blank line and the checkpoint.
func parseTlogProof(raw []byte) (*ledger.Receipt, []byte, error) {
	head, checkpoint, ok := strings.Cut(string(raw), "\n\n")
	lines := strings.Split(head, "\n")
	if !ok || len(lines) < 2 || lines[0] != tlogProofHeader {
		return nil, nil, fmt.Errorf("%w: tlog-proof: malformed", ledger.ErrInvalid)
	}
	lines = lines[1:]
	var body []byte
	if extra, ok := strings.CutPrefix(lines[0], "extra "); ok {
		b, err := base64.StdEncoding.DecodeString(extra)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: tlog-proof: extra: %v", ledger.ErrInvalid, err)
		}
		body, lines = b, lines[1:]
	}
	idx, ok := strings.CutPrefix(lines[0], "index ")
	index, err := strconv.ParseInt(idx, 10, 64)
	if !ok || err != nil || index < 0 || strconv.FormatInt(index, 10) != idx || len(lines)-1 > 64 {
		return nil, nil, fmt.Errorf("%w: tlog-proof: index line", ledger.ErrInvalid)
	}
	r := &ledger.Receipt{Index: index, Checkpoint: checkpoint}
	for _, l := range lines[1:] {
		h, err := tlog.ParseHash(l)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: tlog-proof: proof hash %q", ledger.ErrInvalid, l)
		}
		r.Inclusion = append(r.Inclusion, h)
	}
	if body != nil {
		r.LeafHash = ledger.LeafHash(body)
	}
	return r, body, nil
}
