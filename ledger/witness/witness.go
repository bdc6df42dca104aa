package witness

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// ErrInconsistent: a checkpoint that cannot extend the one the witness
// last cosigned (smaller, same size with another root, or a consistency
// proof that does not verify). The witness refuses to cosign it.
var ErrInconsistent = errors.New("witness: checkpoint is not consistent with the last one cosigned")

// Witness is a minimal cosigner (见证人) of one log: it cosigns a
// checkpoint only if the log signed it and it extends the last checkpoint
// this witness cosigned.
type Witness struct {
	Signer      *Signer
	Origin      string        // the log's origin line
	LogVerifier note.Verifier // the log's pinned key
}

// Cosign checks latest (a checkpoint signed by the log) against last, the
// signed checkpoint this witness cosigned before (nil the first time),
// with proof, a consistency proof from last's size to latest's. It
// returns latest with the witness's cosignature added, and the parsed
// checkpoint to remember. An inconsistent checkpoint is ErrInconsistent
// and nothing is signed.
func (w *Witness) Cosign(latest, last []byte, proof tlog.TreeProof) ([]byte, ledger.Checkpoint, error) {
	n, err := note.Open(latest, note.VerifierList(w.LogVerifier))
	if err != nil {
		return nil, ledger.Checkpoint{}, fmt.Errorf("witness: %w: %v", ledger.ErrBadSignature, err)
	}
	c, err := ledger.OpenCheckpoint(latest, w.Origin, w.LogVerifier)
	if err != nil {
		return nil, ledger.Checkpoint{}, err
	}
	if last != nil {
		prev, err := ledger.OpenCheckpoint(last, w.Origin, w.LogVerifier)
		if err != nil {
			return nil, ledger.Checkpoint{}, fmt.Errorf("witness: own state: %w", err)
		}
		if err := consistent(prev, c, proof); err != nil {
			return nil, ledger.Checkpoint{}, err
		}
	}
	n.UnverifiedSigs = nil // other witnesses' lines are not ours to repeat
	signed, err := note.Sign(n, w.Signer)
	if err != nil {
		return nil, ledger.Checkpoint{}, fmt.Errorf("witness: sign: %w", err)
	}
	return signed, c, nil
}

// consistent checks that next extends prev.
func consistent(prev, next ledger.Checkpoint, proof tlog.TreeProof) error {
	switch {
	case next.Size < prev.Size:
		return fmt.Errorf("%w: size %d is smaller than the %d already cosigned (a truncated log)", ErrInconsistent, next.Size, prev.Size)
	case next.Size == prev.Size && next.Root != prev.Root:
		return fmt.Errorf("%w: size %d with root %s, cosigned before with root %s (a fork)", ErrInconsistent, next.Size, next.Root, prev.Root)
	case next.Size == prev.Size || prev.Size == 0:
		return nil
	}
	if err := tlog.CheckTree(proof, next.Size, next.Root, prev.Size, prev.Root); err != nil {
		return fmt.Errorf("%w: no consistency proof from size %d to %d (%v)", ErrInconsistent, prev.Size, next.Size, err)
	}
	return nil
}

// Cosignature is one witness's signature line on a checkpoint, verified.
type Cosignature struct {
	Witness string    // the witness key's name
	KeyHash uint32    // with the name, identifies the key
	Time    time.Time // the cosignature's timestamp
	Line    string    // the signature line, "— name base64\n"
}

// maxFutureSkew is how far in the future a cosignature's time may be.
const maxFutureSkew = 10 * time.Minute

// Accepted is the result of Accept: the checkpoint and the valid
// cosignatures by configured witnesses.
type Accepted struct {
	Checkpoint   ledger.Checkpoint
	Cosignatures []Cosignature
}

// Accept checks a cosigned checkpoint submitted to the log: it must carry
// the log's signature (logV) over exactly the text of a checkpoint the log
// issued (issued returns the stored signed note of a size, or an error),
// and at least one valid cosignature by one of witnesses, dated no later
// than now plus a few minutes. It returns those cosignatures; lines by
// other keys are ignored, and a line by a configured key that does not
// verify refuses the whole submission.
func Accept(msg []byte, origin string, logV note.Verifier, witnesses []*Verifier,
	issued func(size int64) ([]byte, error), now time.Time) (*Accepted, error) {
	c, err := ledger.OpenCheckpoint(msg, origin, logV)
	if err != nil {
		return nil, err
	}
	stored, err := issued(c.Size)
	if err != nil {
		return nil, fmt.Errorf("%w: the log issued no checkpoint of size %d", ledger.ErrInvalid, c.Size)
	}
	if !bytes.Equal(noteText(stored), noteText(msg)) {
		return nil, fmt.Errorf("%w: the log issued another checkpoint of size %d", ledger.ErrInvalid, c.Size)
	}
	out := &Accepted{Checkpoint: c}
	for _, w := range witnesses {
		cs, err := cosignatureBy(msg, w, now)
		if err != nil {
			return nil, err
		}
		if cs != nil {
			out.Cosignatures = append(out.Cosignatures, *cs)
		}
	}
	if len(out.Cosignatures) == 0 {
		return nil, fmt.Errorf("%w: no valid cosignature by a configured witness", ledger.ErrInvalid)
	}
	return out, nil
}

// cosignatureBy returns w's cosignature on msg, nil if it has none.
func cosignatureBy(msg []byte, w *Verifier, now time.Time) (*Cosignature, error) {
	n, err := note.Open(msg, note.VerifierList(w))
	var unverified *note.UnverifiedNoteError
	if errors.As(err, &unverified) {
		return nil, nil
	}
	if err != nil || len(n.Sigs) != 1 {
		return nil, fmt.Errorf("%w: cosignature by %s does not verify", ledger.ErrBadSignature, w.Name())
	}
	line, sig := sigLine(msg, n.Sigs[0])
	t, _ := SignatureTime(sig)
	if t.After(now.Add(maxFutureSkew)) {
		return nil, fmt.Errorf("%w: cosignature by %s is dated in the future (%s)", ledger.ErrInvalid, w.Name(), t.Format(time.RFC3339))
	}
	return &Cosignature{Witness: w.Name(), KeyHash: w.KeyHash(), Time: t, Line: line}, nil
}

// sigLine returns the signature line of s as written and its signature
// bytes after the key hash.
func sigLine(msg []byte, s note.Signature) (string, []byte) {
	line := "— " + s.Name + " " + s.Base64 + "\n"
	raw, _ := decodeSig(s.Base64)
	if !bytes.Contains(msg, []byte(line)) {
		line = ""
	}
	return line, raw
}

// noteText is the text of a signed note: everything before the blank line
// that precedes the signatures.
func noteText(msg []byte) []byte {
	i := bytes.LastIndex(msg, []byte("\n\n"))
	if i < 0 {
		return msg
	}
	return msg[:i+1]
}

// AppendCosignatures adds stored signature lines to a signed note.
func AppendCosignatures(signed []byte, lines []string) []byte {
	out := append([]byte(nil), signed...)
	for _, l := range lines {
		if !strings.HasSuffix(l, "\n") {
			l += "\n"
		}
		out = append(out, l...)
	}
	return out
}
