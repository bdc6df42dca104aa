package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// Client reads a qingdan log over HTTP: /checkpoint, the C2SP tlog-tiles
// entry bundles and the proof API. It is a Source.
type Client struct {
	Base string // e.g. "https://qingdan.example.gov.cn"
	HTTP *http.Client
}

var _ Source = (*Client)(nil)

// NewClient returns a client of the service at base.
func NewClient(base string) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 32
	return &Client{Base: strings.TrimRight(base, "/"), HTTP: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

// maxResponse bounds what the client reads from one response: a full
// entry bundle of 256 entries of at most 64 KiB each.
const maxResponse = ledger.TileWidth * (ledger.MaxEntrySize + 2)

// Get fetches path and returns the body of a 200 answer.
func (c *Client) Get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.Base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{Path: path, Status: resp.StatusCode, Body: string(body[:min(len(body), 300)])}
	}
	if len(body) > maxResponse {
		return nil, fmt.Errorf("GET %s: answer larger than %d bytes", path, maxResponse)
	}
	return body, nil
}

// StatusError is an answer other than 200.
type StatusError struct {
	Path   string
	Status int
	Body   string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: status %d: %s", e.Path, e.Status, e.Body)
}

// Checkpoint implements Source.
func (c *Client) Checkpoint(ctx context.Context) ([]byte, error) { return c.Get(ctx, "/checkpoint") }

// Entries implements Source with the entry bundle /tile/entries/<N>[.p/<W>].
func (c *Client) Entries(ctx context.Context, n int64, w int) ([][]byte, error) {
	b, err := c.Get(ctx, "/"+ledger.TilePath(tlog.Tile{H: ledger.TileHeight, L: ledger.EntriesLevel, N: n, W: w}))
	if err != nil {
		return nil, err
	}
	return ledger.SplitEntryBundle(b, w)
}

// ConsistencyProof implements Source.
func (c *Client) ConsistencyProof(ctx context.Context, from, to int64) (tlog.TreeProof, error) {
	b, err := c.Get(ctx, fmt.Sprintf("/api/v1/ledger/proof/consistency?from=%d&to=%d", from, to))
	if err != nil {
		return nil, err
	}
	var p struct {
		Hashes []tlog.Hash `json:"hashes"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("consistency proof: %w", err)
	}
	return p.Hashes, nil
}

// CosignedCheckpoint fetches the largest checkpoint cosigned by witnesses.
func (c *Client) CosignedCheckpoint(ctx context.Context) ([]byte, error) {
	return c.Get(ctx, "/api/v1/ledger/checkpoint/cosigned")
}
