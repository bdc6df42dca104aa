package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
	"qingdan/ledger/audit"
	"qingdan/ledger/witness"
)

// runWitness is 'qingdan witness': "keygen" makes a cosigner key; without
// it, a minimal witness cosigns the log's latest checkpoint if it is
// consistent with the last one this witness cosigned, and refuses (exit 1,
// evidence saved) otherwise.
func runWitness(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "keygen" {
		return witnessKeygen(args[1:], stdout, stderr)
	}
	f, err := parseWitnessFlags(args, stderr)
	if err != nil {
		return err
	}
	if !f.watch {
		return witnessOnce(ctx, f, stdout)
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	for {
		err := witnessOnce(ctx, f, stdout)
		if errors.Is(err, errTampered) {
			logger.Error("WITNESS ALERT: refused an inconsistent checkpoint", "err", err)
			return err
		}
		if err != nil {
			logger.Warn("witness could not cosign this time; will retry", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(f.interval):
		}
	}
}

func witnessKeygen(args []string, stdout, stderr io.Writer) error {
	var name, out string
	fs := flag.NewFlagSet("witness keygen", flag.ContinueOnError)
	fs.StringVar(&name, "name", "", "the witness's name, e.g. audit-office.example.gov.cn/witness")
	fs.StringVar(&out, "out", "", "file to write the private key to (mode 0600)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if name == "" || out == "" {
		return errors.New("witness keygen: --name and --out are required")
	}
	skey, vkey, err := witness.GenerateKey(name)
	if err != nil {
		return err
	}
	fh, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := fh.WriteString(skey + "\n"); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "witness key written to %s\nverifier key (give it to the log and to auditors): %s\n", out, vkey)
	return nil
}

type witnessFlags struct {
	url, logKey, origin, keyFile, state, evidence string
	watch                                         bool
	interval                                      time.Duration
}

func parseWitnessFlags(args []string, stderr io.Writer) (*witnessFlags, error) {
	f := &witnessFlags{}
	fs := flag.NewFlagSet("witness", flag.ContinueOnError)
	fs.StringVar(&f.url, "url", "", "base URL of the qingdan service to witness")
	fs.StringVar(&f.logKey, "log-key", "", "the log's verifier key, pinned out of band (or a file holding it)")
	fs.StringVar(&f.origin, "origin", "", "checkpoint origin (default: the log key's name)")
	fs.StringVar(&f.keyFile, "key", "", "this witness's private key file (from 'qingdan witness keygen')")
	fs.StringVar(&f.state, "state", "", "file holding the last checkpoint this witness cosigned")
	fs.StringVar(&f.evidence, "evidence", "qingdan-evidence", "folder to save evidence into when refusing")
	fs.BoolVar(&f.watch, "watch", false, "keep polling and cosigning")
	fs.DurationVar(&f.interval, "interval", 30*time.Second, "poll interval with --watch")
	if err := parseFlags(fs, args, stderr); err != nil {
		return nil, err
	}
	if f.url == "" || f.keyFile == "" || f.state == "" {
		return nil, errors.New("witness: --url, --log-key, --key and --state are required")
	}
	return f, nil
}

// witnessState is what the witness keeps: the last checkpoint it cosigned.
type witnessState struct {
	Checkpoint string `json:"checkpoint"`
}

func witnessOnce(ctx context.Context, f *witnessFlags, stdout io.Writer) error {
	w, err := f.witness()
	if err != nil {
		return err
	}
	var st witnessState
	if b, err := os.ReadFile(f.state); err == nil {
		if err := json.Unmarshal(b, &st); err != nil {
			return fmt.Errorf("witness: state %s: %w", f.state, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	client := audit.NewClient(f.url)
	latest, err := client.Checkpoint(ctx)
	if err != nil {
		return err
	}
	var last []byte
	var proof tlog.TreeProof
	if st.Checkpoint != "" {
		last = []byte(st.Checkpoint)
		if proof, err = proofBetween(ctx, client, w, last, latest); err != nil {
			return err
		}
	}
	cosigned, c, err := w.Cosign(latest, last, proof)
	if errors.Is(err, witness.ErrInconsistent) {
		p := &audit.Problem{Index: -1, Reason: "the witness refuses to cosign: " + err.Error(),
			Files: map[string][]byte{"checkpoint-cosigned-before.txt": last, "checkpoint-refused.txt": latest}}
		return evidenceOf(p, &auditFlags{evidence: f.evidence}, stdout)
	}
	if err != nil {
		return err
	}
	if err := saveWitnessState(f.state, latest); err != nil { // remember before anyone sees the cosignature
		return err
	}
	if err := postCosignature(ctx, client, cosigned); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cosigned %s at size %d, root %s, as %s\n", w.Origin, c.Size, c.Root, w.Signer.Name())
	return nil
}

func (f *witnessFlags) witness() (*witness.Witness, error) {
	v, _, err := pinnedVerifier(f.logKey)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(f.keyFile)
	if err != nil {
		return nil, err
	}
	signer, err := witness.NewSigner(string(raw))
	if err != nil {
		return nil, err
	}
	origin := f.origin
	if origin == "" {
		origin = v.Name()
	}
	return &witness.Witness{Signer: signer, Origin: origin, LogVerifier: v}, nil
}

// proofBetween fetches the consistency proof from the last cosigned
// checkpoint to the latest, when the latest is larger.
func proofBetween(ctx context.Context, client *audit.Client, w *witness.Witness, last, latest []byte) (tlog.TreeProof, error) {
	old, err1 := ledger.OpenCheckpoint(last, w.Origin, w.LogVerifier)
	now, err2 := ledger.OpenCheckpoint(latest, w.Origin, w.LogVerifier)
	if err1 != nil || err2 != nil || now.Size <= old.Size {
		return nil, nil // Cosign reports what is wrong
	}
	return client.ConsistencyProof(ctx, old.Size, now.Size)
}

func saveWitnessState(path string, checkpoint []byte) error {
	b, _ := json.MarshalIndent(witnessState{Checkpoint: string(checkpoint)}, "", "  ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func postCosignature(ctx context.Context, client *audit.Client, cosigned []byte) error {
	req, err := http.NewRequestWithContext(ctx, "POST", client.Base+"/api/v1/ledger/cosignatures", bytes.NewReader(cosigned))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := client.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("witness: the log did not take the cosignature: status %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}

// parseWitnessKeys parses the --witness-key values of serve.
func parseWitnessKeys(keys []string) ([]*witness.Verifier, error) {
	var out []*witness.Verifier
	for _, k := range keys {
		v, err := witness.NewVerifier(k)
		if err != nil {
			return nil, fmt.Errorf("--witness-key %q: %w", k, err)
		}
		out = append(out, v)
	}
	return out, nil
}
