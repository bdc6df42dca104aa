package web

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"qingdan/data/lists"
	"qingdan/data/store"

	"github.com/gofiber/fiber/v2"
)

// listQuery reads the common list parameters.
func listQuery(c *fiber.Ctx, kind lists.Kind) (lists.ListQuery, error) {
	page, err := queryInt(c, "page", 1, 1, 1<<31)
	if err != nil {
		return lists.ListQuery{}, err
	}
	perPage, err := queryInt(c, "per_page", 20, 1, lists.MaxPerPage)
	if err != nil {
		return lists.ListQuery{}, err
	}
	hot := c.Query("hot")
	if hot != "" && hot != "0" && hot != "1" && hot != "true" && hot != "false" {
		return lists.ListQuery{}, badRequestf("query parameter \"hot\" must be 1 or 0, got %q", hot)
	}
	q := lists.ListQuery{Kind: kind, Dept: c.Query("dept"), Category: c.Query("category"),
		Status: c.Query("status"), Audience: c.Query("audience"), Theme: c.Query("theme"),
		Hot: hot == "1" || hot == "true", Q: strings.TrimSpace(c.Query("q")), Page: int(page), PerPage: int(perPage)}
	if q.Status != "" && q.Status != lists.StatusInForce && q.Status != lists.StatusRepealed {
		return q, badRequestf("status must be in_force or repealed, got %q", q.Status)
	}
	if len([]rune(q.Q)) > 100 {
		return q, badRequestf("search text is longer than 100 characters")
	}
	return q, nil
}

// listHandler serves GET /api/v1/<list>.
func (s *Server) listHandler(kind lists.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		q, err := listQuery(c, kind)
		if err != nil {
			return err
		}
		page, err := s.cfg.Catalog.List(c.UserContext(), q)
		if err != nil {
			return err
		}
		return c.JSON(page)
	}
}

// itemHandler serves GET /api/v1/<list>/:code.
func (s *Server) itemHandler(kind lists.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		item, err := s.cfg.Catalog.Get(c.UserContext(), kind, c.Params("code"))
		if err != nil {
			return err
		}
		history, err := s.cfg.Catalog.History(c.UserContext(), kind, item.Code)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"item": item, "history": history})
	}
}

// powerDetail serves GET /api/v1/powers/:code: the item with its
// responsibilities (stage duties), services and version history.
func (s *Server) powerDetail(c *fiber.Ctx) error {
	rec, err := s.cfg.Catalog.PowerRecord(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	out := map[string]any{}
	raw, _ := json.Marshal(rec.Power)
	json.Unmarshal(raw, &out)
	out["responsibilities"], out["services"], out["history"] = rec.Responsibilities, rec.Services, rec.History
	return c.JSON(out)
}

// jsonBody is the write body's members, decoded once a request: the
// route's guard reads the department from it (deptNamedInBody) and the
// handler the item, so both read the same "dept". Members whose names
// differ only in case are refused: encoding/json matches an item's fields
// without regard to case, so {"dept": "a", "DEPT": "b"} could otherwise be
// authorised as one department and saved as the other. Callers must not
// change the map.
func jsonBody(c *fiber.Ctx) (map[string]json.RawMessage, error) {
	const key = "json-body"
	if body, ok := c.Locals(key).(map[string]json.RawMessage); ok {
		return body, nil
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(c.Body(), &body); err != nil || body == nil {
		return nil, badRequestf("the body must be a JSON object")
	}
	seen := make(map[string]string, len(body))
	for k := range body {
		if other, dup := seen[strings.ToLower(k)]; dup {
			a, b := min(k, other), max(k, other)
			return nil, &store.ValidationError{Fields: map[string]string{b: fmt.Sprintf("given twice, as %q and %q", a, b)}}
		}
		seen[strings.ToLower(k)] = k
	}
	c.Locals(key, body)
	return body, nil
}

// metaKeys are the members of a write body that describe the change, not
// the item.
var metaKeys = []string{"basis_doc", "change_note", "major", "effective_from"}

// splitBody separates a flat write body into the item's fields and the
// change's metadata (依据文号, note, major, effective date). effective_from
// stays among the fields too, for items that carry it.
func splitBody(c *fiber.Ctx) (map[string]json.RawMessage, lists.ChangeMeta, error) {
	read, err := jsonBody(c)
	if err != nil {
		return nil, lists.ChangeMeta{}, err
	}
	body := maps.Clone(read)
	var meta lists.ChangeMeta
	metaJSON, _ := json.Marshal(pick(body, metaKeys))
	if err := json.Unmarshal(metaJSON, &meta); err != nil {
		return nil, meta, badRequestf("basis_doc, change_note and effective_from are strings, major is true or false")
	}
	for _, k := range metaKeys[:3] {
		delete(body, k)
	}
	return body, meta, nil
}

func pick(m map[string]json.RawMessage, keys []string) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

// publishHandler serves POST /api/v1/<list>.
func (s *Server) publishHandler(kind lists.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		fields, meta, err := splitBody(c)
		if err != nil {
			return err
		}
		if kind == lists.KindService || kind == lists.KindResponsibility || kind == lists.KindDepartment {
			delete(fields, "effective_from")
		}
		item, _ := json.Marshal(fields)
		w, err := s.cfg.Catalog.Publish(c.UserContext(), actorOf(c), kind, item, meta)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"item": w.Item, "receipt": w.Receipt})
	}
}

// amendHandler serves PUT /api/v1/<list>/:code with only the fields to
// change.
func (s *Server) amendHandler(kind lists.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		fields, meta, err := splitBody(c)
		if err != nil {
			return err
		}
		if kind != lists.KindPower {
			delete(fields, "effective_from")
		}
		w, err := s.cfg.Catalog.Amend(c.UserContext(), actorOf(c), kind, c.Params("code"), fields, meta)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"item": w.Item, "receipt": w.Receipt})
	}
}

// repealHandler serves POST /api/v1/<list>/:code/repeal.
func (s *Server) repealHandler(kind lists.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, meta, err := splitBody(c)
		if err != nil {
			return err
		}
		w, err := s.cfg.Catalog.Repeal(c.UserContext(), actorOf(c), kind, c.Params("code"), meta)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"item": w.Item, "receipt": w.Receipt})
	}
}
