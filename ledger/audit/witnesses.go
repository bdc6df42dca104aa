package audit

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
	"qingdan/ledger/witness"
)

// ErrTooFewWitnesses: fewer valid cosignatures than required. The log may
// be fine; the auditor cannot rule out a split view.
var ErrTooFewWitnesses = fmt.Errorf("audit: too few witness cosignatures")

// CheckWitnessed checks a cosigned checkpoint against an audited state:
// it is signed by the log, at least k of witnesses cosigned it, and it is
// consistent with the audited checkpoint (so the witnesses saw the same
// log as this auditor). It returns the names of the witnesses that
// cosigned. Inconsistency is a *Problem (a split view).
func (a *Auditor) CheckWitnessed(ctx context.Context, src Source, cosigned []byte, st *State, witnesses []*witness.Verifier, k int) ([]string, error) {
	c, err := a.open(cosigned)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, w := range witnesses {
		if _, err := note.Open(cosigned, note.VerifierList(w)); err == nil {
			names = append(names, w.Name())
		}
	}
	if len(names) < k {
		return names, fmt.Errorf("%w: %d of the %d required (the checkpoint of size %d)", ErrTooFewWitnesses, len(names), k, c.Size)
	}
	audited, err := ledger.OpenCheckpoint([]byte(st.Checkpoint), a.Origin, a.Verifier)
	if err != nil {
		return names, err
	}
	small, large := c, audited
	if small.Size > large.Size {
		small, large = large, small
	}
	var proof tlog.TreeProof
	if small.Size < large.Size {
		if proof, err = src.ConsistencyProof(ctx, small.Size, large.Size); err != nil {
			return names, fmt.Errorf("audit: fetch consistency proof %d→%d: %w", small.Size, large.Size, err)
		}
	}
	if err := consistentViews(small, large, proof); err != nil {
		return names, &Problem{Index: -1, Reason: "split view: the checkpoint the witnesses cosigned is not consistent with the one audited: " + err.Error(),
			Files: map[string][]byte{"checkpoint-cosigned.txt": cosigned, "checkpoint-audited.txt": []byte(st.Checkpoint)}}
	}
	return names, nil
}

// consistentViews checks that small is a prefix of large by proof.
func consistentViews(small, large ledger.Checkpoint, proof tlog.TreeProof) error {
	if small.Size == large.Size {
		if small.Root != large.Root {
			return fmt.Errorf("two roots at size %d", small.Size)
		}
		return nil
	}
	return tlog.CheckTree(proof, large.Size, large.Root, small.Size, small.Root)
}
