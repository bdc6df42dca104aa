package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"qingdan/ledger"
	"qingdan/web"
)

// operations are serve's flags for running it in production: logs,
// metrics, self-verification and shutdown.
type operations struct {
	logLevel        string
	metricsAddr     string
	verifyInterval  time.Duration
	shutdownTimeout time.Duration
}

func (o *operations) addOperationFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.logLevel, "log-level", "info", "least severe log level written: debug (every request), info, warn or error")
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "listen address of the operator's listener serving Prometheus /metrics, e.g. 127.0.0.1:9464 (empty: off); keep it off the public network")
	fs.DurationVar(&o.verifyInterval, "verify-interval", 6*time.Hour, "how often the server verifies both logs in full in the background, first after one interval (0: never)")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 20*time.Second, "on SIGTERM, how long to wait for requests in flight before closing")
}

// newLogger is a logger at info level (for the other subcommands).
func newLogger(format string, w io.Writer) *slog.Logger {
	l, err := serveLogger(format, "info", w)
	if err != nil {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return l
}

// serveLogger writes structured logs: JSON (for production, one object a
// line) or logfmt-like text, from level up.
func serveLogger(format, level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// recordTreeSizes gives the metrics both logs' sizes before any append.
func recordTreeSizes(ctx context.Context, st *storage, m *web.Metrics) error {
	for name, l := range map[string]*ledger.Log{web.LogLedger: st.log, web.LogSecurity: st.seclog} {
		sc, err := l.Store().LatestCheckpoint(ctx)
		switch {
		case errors.Is(err, ledger.ErrNotFound):
			m.TreeSize(name, 0)
		case err != nil:
			return err
		default:
			m.TreeSize(name, sc.Size)
		}
	}
	return nil
}

// verifyEvery verifies both logs in full every interval until ctx ends:
// what 'qingdan verify' does, against the keys the server signs with. A
// failure is logged as an error and counted in the metrics; it does not
// stop the server (the operator decides).
func verifyEvery(ctx context.Context, st *storage, every time.Duration, m *web.Metrics, logger *slog.Logger) {
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			verifyOnce(ctx, st, m, logger)
		}
	}
}

func verifyOnce(ctx context.Context, st *storage, m *web.Metrics, logger *slog.Logger) {
	for _, lg := range []struct {
		name string
		log  *ledger.Log
	}{{web.LogLedger, st.log}, {web.LogSecurity, st.seclog}} {
		start := time.Now()
		rep, err := verifyAsOfNow(ctx, lg.log)
		took := time.Since(start)
		if ctx.Err() != nil {
			return // stopped by shutdown, not a verdict
		}
		m.Verified(lg.name, took, err)
		if err != nil {
			logger.Error("log verification failed", "log", lg.name, "err", err, "seconds", took.Seconds())
			continue
		}
		logger.Info("log verified", "log", lg.name, "entries", rep.Size, "seconds", took.Seconds())
	}
}

// verifyAsOfNow verifies a log that goes on growing as it was at its
// latest signed checkpoint when the verification began: entries and
// checkpoints appended meanwhile are left for the next run.
func verifyAsOfNow(ctx context.Context, l *ledger.Log) (*ledger.VerifyReport, error) {
	sc, err := l.Store().LatestCheckpoint(ctx)
	if errors.Is(err, ledger.ErrNotFound) {
		sc, err = ledger.SignedCheckpoint{}, nil
	}
	if err != nil {
		return nil, err
	}
	return ledger.Verify(ctx, asOf{Reader: l.Store(), at: sc}, l.Origin(), l.Key().Verifier, nil)
}

// asOf reads a log as it was at one signed checkpoint.
type asOf struct {
	ledger.Reader
	at ledger.SignedCheckpoint
}

func (a asOf) ReadRecords(ctx context.Context, start, end int64, fn func(ledger.Record) error) error {
	if end < 0 || end > a.at.Size {
		end = a.at.Size
	}
	if start >= end {
		return nil
	}
	return a.Reader.ReadRecords(ctx, start, end, fn)
}

func (a asOf) LatestCheckpoint(ctx context.Context) (ledger.SignedCheckpoint, error) {
	if a.at.Size == 0 {
		return ledger.SignedCheckpoint{}, ledger.ErrNotFound
	}
	return a.at, nil
}

func (a asOf) ReadCheckpoints(ctx context.Context, fn func(ledger.SignedCheckpoint) error) error {
	return a.Reader.ReadCheckpoints(ctx, func(sc ledger.SignedCheckpoint) error {
		if sc.Size > a.at.Size {
			return nil
		}
		return fn(sc)
	})
}
