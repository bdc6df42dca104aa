package listaudit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"qingdan/data/identity"
	"qingdan/data/lists"
)

// Getter fetches a path of the service and returns a 200 answer's body.
type Getter func(ctx context.Context, path string) ([]byte, error)

// HTTPServed reads the lists from the public API and the role grants
// with GetGrants, a Getter that authenticates as an auditor (GET
// /api/v1/roles is not public: it names every official). Without
// GetGrants, Grants returns ErrGrantsNotServed.
type HTTPServed struct{ Get, GetGrants Getter }

// ErrGrantsNotServed: the role grants were not read (no credentials to
// read them with); Replay.Compare then leaves them uncompared.
var ErrGrantsNotServed = errors.New("listaudit: role grants not read (no auditor token)")

var _ Served = HTTPServed{}

// listPaths are the API paths of the lists.
var listPaths = map[lists.Kind]string{lists.KindDepartment: "departments", lists.KindPower: "powers",
	lists.KindResponsibility: "responsibilities", lists.KindService: "services"}

// List implements Served with GET /api/v1/<list>?page=&per_page=.
func (h HTTPServed) List(ctx context.Context, kind lists.Kind, page, perPage int) ([]json.RawMessage, int64, error) {
	b, err := h.Get(ctx, fmt.Sprintf("/api/v1/%s?page=%d&per_page=%d", listPaths[kind], page, perPage))
	if err != nil {
		return nil, 0, err
	}
	var p struct {
		Items []json.RawMessage `json:"items"`
		Total int64             `json:"total"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, 0, fmt.Errorf("%s list: %w", kind, err)
	}
	return p.Items, p.Total, nil
}

// Grants implements Served with GET /api/v1/roles through GetGrants.
func (h HTTPServed) Grants(ctx context.Context) ([]identity.RoleGrant, error) {
	if h.GetGrants == nil {
		return nil, ErrGrantsNotServed
	}
	b, err := h.GetGrants(ctx, "/api/v1/roles")
	if err != nil {
		return nil, err
	}
	var p struct {
		Items []identity.RoleGrant `json:"items"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("role grants: %w", err)
	}
	return p.Items, nil
}
