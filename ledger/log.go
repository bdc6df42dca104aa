package ledger

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Config configures a Log. The zero value of every optional field is a
// sensible default.
type Config struct {
	// Origin is the checkpoint origin line, e.g. "qingdan.local/ledger".
	Origin string
	// Key signs checkpoints. Required.
	Key *Key
	// MaxBatch bounds how many appends share one transaction (default 1024).
	MaxBatch int
	// Now returns the current time (default time.Now). Entry times never go
	// backwards: an earlier clock reading is raised to the last entry's time.
	Now func() time.Time
	// Logger receives operational messages (default slog.Default()).
	Logger *slog.Logger
	// OnBatch, if set, is told the size and duration of each committed batch
	// (for benchmarks).
	OnBatch func(entries int, took time.Duration)
	// Observer, if set, is told of every append and every committed batch
	// (for metrics; the ledger itself knows nothing of how they are kept).
	Observer Observer
}

// Observer watches a Log at work. Its methods are called from the
// appender goroutine and from callers of Append, so they must be safe for
// concurrent use and quick: they are on the write path.
type Observer interface {
	// Appended is told, once per Append call that reached the queue, how
	// long the caller waited for its answer and whether it failed.
	Appended(took time.Duration, err error)
	// Committed is told of each committed batch: how many entries it
	// held, the tree size after it, and how long its transaction took.
	Committed(entries int, treeSize int64, took time.Duration)
}

// Event is what a caller asks to append.
type Event struct {
	Type  string // e.g. "power.published"
	Actor string // username, "public" or "system"
	Dept  string // department code or ""
	Data  any    // a JSON object; marshalled with encoding/json, then canonicalised
	// Project, if set, runs inside the batch transaction after the entry's
	// index, time and prev are fixed and before it is written. It keeps
	// projections (list and application tables) in step with the log. If
	// it returns an error, its own writes are rolled back and the entry is
	// not appended; other entries of the batch are unaffected. It must not
	// start transactions of its own.
	Project func(ctx context.Context, tx Tx, e *Entry) error
	// Unguarded runs Project without the savepoint around it (two
	// statements, and on SQLite a copy of every page it changes, per
	// entry; two round trips on PostgreSQL). Such a projection may refuse
	// its entry only while nothing it ran has written or failed (a failed
	// statement aborts a PostgreSQL transaction), by returning an error made
	// with Refuse; any other error fails the whole batch, whose entries are
	// all answered with it. For the high-volume projections that can reach
	// their verdicts first and whose writes then cannot fail but for the
	// database itself.
	Unguarded bool
}

// Refuse makes err the refusal of one entry by a projection: the entry is
// not appended and its caller gets err; the rest of the batch goes on. An
// Unguarded projection must refuse only while nothing it ran has written
// or failed.
func Refuse(err error) error { return &rejection{err} }

// Receipt proves that an entry is in the log: the entry's index and leaf
// hash, a signed checkpoint, and the inclusion proof against it.
type Receipt struct {
	Index      int64       `json:"index"`
	LeafHash   tlog.Hash   `json:"leaf_hash"`
	Checkpoint string      `json:"checkpoint"`
	Inclusion  []tlog.Hash `json:"inclusion"`
}

// Appended is the result of a successful Append.
type Appended struct {
	Entry   *Entry
	Body    []byte
	Receipt *Receipt
}

// Log is a ledger over a Store. Append is safe for concurrent use; appends
// are batched by one goroutine (group commit).
type Log struct {
	store    Store
	cfg      Config
	requests chan *request
	quit     chan struct{}
	done     chan struct{}
	closeMu  sync.RWMutex
	closed   bool
	// answering counts batches whose receipts are still being computed.
	answering sync.WaitGroup
	// frontier holds, for the tree size after the last batch, the stored
	// hashes the next batch reads (the roots of the complete subtrees), so
	// the write path reads no hashes back. Appender goroutine only.
	frontier frontier
}

type frontier struct {
	size   int64
	hashes map[int64]tlog.Hash
}

// frontierIndexes returns the storage indexes of the roots of the
// complete subtrees of a tree of the given size: what tlog.TreeHash(size)
// and tlog.StoredHashes(size, …) read.
func frontierIndexes(size int64) []int64 {
	var out []int64
	for level := 0; size>>level > 0; level++ {
		if (size>>level)&1 == 1 {
			out = append(out, tlog.StoredHashIndex(level, (size>>level)-1))
		}
	}
	return out
}

// remember keeps the frontier of a committed batch.
func (l *Log) remember(b *batch) {
	f := frontier{size: b.size, hashes: make(map[int64]tlog.Hash)}
	for _, x := range frontierIndexes(b.size) {
		h, ok := b.hashes.known[x]
		if !ok {
			l.frontier = frontier{}
			return
		}
		f.hashes[x] = h
	}
	l.frontier = f
}

type request struct {
	ctx    context.Context
	ev     Event
	data   []byte
	result chan result
	// settled is set, by the appender goroutine only, once result is sent.
	settled bool
}

type result struct {
	app *Appended
	err error
}

// Open starts a Log over store. Call Close to stop it.
func Open(store Store, cfg Config) (*Log, error) {
	if cfg.Key == nil || cfg.Origin == "" {
		return nil, fmt.Errorf("%w: a log needs an origin and a key", ErrInvalid)
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 1024
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	l := &Log{store: store, cfg: cfg, requests: make(chan *request, 4*cfg.MaxBatch),
		quit: make(chan struct{}), done: make(chan struct{})}
	go l.run()
	return l, nil
}

// Queued reports how many appends wait for the appender to take them into
// a batch.
func (l *Log) Queued() int { return len(l.requests) }

// Origin returns the checkpoint origin of the log.
func (l *Log) Origin() string { return l.cfg.Origin }

// Key returns the log's signing key.
func (l *Log) Key() *Key { return l.cfg.Key }

// Store returns the log's store.
func (l *Log) Store() Store { return l.store }

// Append adds ev to the log and returns once it is durably committed with
// a signed checkpoint covering it. An error means the entry is not in the
// log: a caller whose ctx ends before its entry is given an index gets
// ctx's error, and no index is skipped. Once the entry has an index, Append
// waits for the commit (which does not depend on ctx). The one exception: a
// store that reports a commit failed which it did make (a connection lost
// as it committed) leaves the batch's entries in the log; the next batch
// reads the stored head and appends after them, and a caller that retries
// appends a second entry with the same data.
func (l *Log) Append(ctx context.Context, ev Event) (*Appended, error) {
	if !validType(ev.Type) {
		return nil, fmt.Errorf("%w: event type %q", ErrInvalid, ev.Type)
	}
	data, err := CanonicalJSON(ev.Data)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 || data[0] != '{' {
		return nil, fmt.Errorf("%w: event data must be a JSON object", ErrInvalid)
	}
	if len(data) > MaxEntrySize {
		return nil, fmt.Errorf("%w: data of %d bytes", ErrTooLarge, len(data))
	}
	start := time.Now()
	r := &request{ctx: ctx, ev: ev, data: data, result: make(chan result, 1)}
	if err := l.enqueue(ctx, r); err != nil {
		return nil, err
	}
	res := <-r.result
	if l.cfg.Observer != nil {
		l.cfg.Observer.Appended(time.Since(start), res.err)
	}
	return res.app, res.err
}

func (l *Log) enqueue(ctx context.Context, r *request) error {
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	select {
	case l.requests <- r:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting appends, commits those already queued, and waits.
func (l *Log) Close() error {
	l.closeMu.Lock()
	if l.closed {
		l.closeMu.Unlock()
		return nil
	}
	l.closed = true
	close(l.quit)
	l.closeMu.Unlock()
	<-l.done
	return nil
}

// run is the appender: it takes one request, gathers those already
// waiting, and commits them together.
func (l *Log) run() {
	defer close(l.done)
	defer l.answering.Wait()
	for {
		var first *request
		select {
		case first = <-l.requests:
		case <-l.quit:
			l.drain()
			return
		}
		l.commit(l.gather(first))
	}
}

func (l *Log) gather(first *request) []*request {
	batch := []*request{first}
	for len(batch) < l.cfg.MaxBatch {
		select {
		case r := <-l.requests:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// drain commits whatever was queued before Close.
func (l *Log) drain() {
	for {
		select {
		case r := <-l.requests:
			l.commit(l.gather(r))
		default:
			return
		}
	}
}

// commit writes one batch in one transaction and answers every request.
func (l *Log) commit(batch []*request) {
	start := time.Now()
	b, err := l.writeBatch(batch)
	if err != nil {
		l.cfg.Logger.Error("ledger batch failed", "origin", l.cfg.Origin, "entries", len(batch), "err", err)
		for _, r := range batch {
			if !r.answered() {
				r.fail(fmt.Errorf("ledger: commit: %w", err))
			}
		}
		return
	}
	if l.cfg.OnBatch != nil {
		l.cfg.OnBatch(len(b.accepted), time.Since(start))
	}
	if l.cfg.Observer != nil && len(b.accepted) > 0 {
		l.cfg.Observer.Committed(len(b.accepted), b.size, time.Since(start))
	}
	l.remember(b)
	l.answering.Add(1)
	go func() { // proofs are computed while the next batch is written
		defer l.answering.Done()
		b.answer()
	}()
}

func (r *request) answered() bool { return r.settled }

func (r *request) fail(err error) {
	r.settled = true
	r.result <- result{err: err}
}

func (r *request) succeed(app *Appended) {
	r.settled = true
	r.result <- result{app: app}
}
