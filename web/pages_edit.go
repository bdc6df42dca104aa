package web

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qingdan/data"
	"qingdan/policy"
)

// editKinds are the lists the editor pages handle, by their path segment.
var editKinds = map[string]data.Kind{"powers": data.KindPower, "services": data.KindService}

// editorDept: the department of the user's first list_editor grant ("*"
// for the 编办).
func editorDept(s *Server, c *fiber.Ctx) (string, error) {
	for _, g := range s.grantsOf(c, actorOf(c)) {
		if g.Role == policy.RoleListEditor {
			return g.Dept, nil
		}
	}
	return "", fiber.NewError(fiber.StatusForbidden, "you hold no list_editor role")
}

// deptInForm: the "dept" of the item JSON posted in the editor's form.
func deptInForm(_ *Server, c *fiber.Ctx) (string, error) {
	var it struct{ Dept string }
	if err := json.Unmarshal([]byte(c.FormValue("item")), &it); err != nil || it.Dept == "" {
		return "", badRequestf("the item must be a JSON object naming its dept")
	}
	return it.Dept, nil
}

// editPage serves /edit: the items the editor may change.
func (s *Server) editPage(c *fiber.Ctx) error {
	dept, err := editorDept(s, c)
	if err != nil {
		return err
	}
	seg := c.Query("kind", "powers")
	kind, ok := editKinds[seg]
	if !ok {
		return badRequestf("kind must be powers or services")
	}
	q, err := listQuery(c, kind)
	if err != nil {
		return err
	}
	if dept != policy.AllDepartments {
		q.Dept = dept
	}
	pg, err := s.cfg.Catalog.List(c.UserContext(), q)
	if err != nil {
		return err
	}
	type row struct{ Code, Name, Dept, Status string }
	rows := make([]row, 0, len(pg.Items))
	for _, it := range pg.Items {
		var n struct{ Name string }
		json.Unmarshal(it.Raw, &n)
		rows = append(rows, row{it.Code, n.Name, it.Dept, it.Status})
	}
	return s.render(c, "edit", "edit", fiber.Map{"Rows": rows, "Kind": seg, "Q": q, "Pager": newPager(c, pg), "EditorDept": dept})
}

// editForm is what the editor posted: the item's JSON and the change's
// metadata.
type editForm struct {
	Item       string
	BasisDoc   string
	ChangeNote string
	Major      bool
}

func readEditForm(c *fiber.Ctx) editForm {
	return editForm{Item: c.FormValue("item"), BasisDoc: strings.TrimSpace(c.FormValue("basis_doc")),
		ChangeNote: strings.TrimSpace(c.FormValue("change_note")), Major: c.FormValue("major") == "on"}
}

func (f editForm) meta() data.ChangeMeta {
	return data.ChangeMeta{BasisDoc: f.BasisDoc, ChangeNote: f.ChangeNote, Major: f.Major}
}

// editItemPage serves GET /edit/<kind>/:code: the amend and repeal forms.
func (s *Server) editItemPage(seg string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		it, err := s.cfg.Catalog.Get(c.UserContext(), editKinds[seg], c.Params("code"))
		if err != nil {
			return err
		}
		var pretty bytes.Buffer
		json.Indent(&pretty, it.Raw, "", "  ")
		return s.render(c, "edit_item", "edit", fiber.Map{"Kind": seg, "Item": it, "Form": editForm{Item: pretty.String()}})
	}
}

// fieldDiff lists the top-level fields that differ between two items.
func fieldDiff(before, after map[string]json.RawMessage) []data.FieldChange {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []data.FieldChange
	for k := range keys {
		if !bytes.Equal(compactJSON(before[k]), compactJSON(after[k])) {
			out = append(out, data.FieldChange{Field: k, Before: before[k], After: after[k]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func compactJSON(v json.RawMessage) []byte {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return v
	}
	return b.Bytes()
}

// editItemSubmit serves POST /edit/<kind>/:code: step=preview shows the
// difference; step=save amends the item with the changed fields.
func (s *Server) editItemSubmit(seg string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		kind := editKinds[seg]
		it, err := s.cfg.Catalog.Get(c.UserContext(), kind, c.Params("code"))
		if err != nil {
			return err
		}
		form := readEditForm(c)
		var before, after map[string]json.RawMessage
		json.Unmarshal(it.Raw, &before)
		if err := json.Unmarshal([]byte(form.Item), &after); err != nil || after == nil {
			return s.editProblem(c, seg, it, form, "the item is not a JSON object: "+errText(err))
		}
		changes := fieldDiff(before, after)
		if c.FormValue("step") != "save" {
			return s.render(c, "edit_preview", "preview", fiber.Map{"Kind": seg, "Code": it.Code, "Diff": changes, "Form": form,
				"Action": "/edit/" + seg + "/" + it.Code, "Op": "amend"})
		}
		fields := map[string]json.RawMessage{}
		for _, ch := range changes {
			fields[ch.Field] = ch.After
		}
		w, err := s.cfg.Catalog.Amend(c.UserContext(), actorOf(c), kind, it.Code, fields, form.meta())
		return s.editResult(c, seg, it, form, w, err)
	}
}

func errText(err error) string {
	if err == nil {
		return "null"
	}
	return err.Error()
}

// editProblem shows the item's form again with what was wrong.
func (s *Server) editProblem(c *fiber.Ctx, seg string, it *data.Item, form editForm, problem string) error {
	c.Status(fiber.StatusUnprocessableEntity)
	return s.render(c, "edit_item", "edit", fiber.Map{"Kind": seg, "Item": it, "Form": form, "Problem": problem})
}

func (s *Server) editResult(c *fiber.Ctx, seg string, it *data.Item, form editForm, w *data.Written, err error) error {
	if err != nil {
		status, show := statusOf(err)
		if !show {
			return err
		}
		if it == nil {
			c.Status(status)
			return s.render(c, "edit_new", "edit", fiber.Map{"Kind": seg, "Form": form, "Problem": err.Error()})
		}
		return s.editProblem(c, seg, it, form, err.Error())
	}
	return s.render(c, "edit_done", "action_done", fiber.Map{"Kind": seg, "Item": w.Item, "Receipt": w.Receipt})
}

// editRepeal serves POST /edit/<kind>/:code/repeal (preview, then save).
func (s *Server) editRepeal(seg string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		kind := editKinds[seg]
		it, err := s.cfg.Catalog.Get(c.UserContext(), kind, c.Params("code"))
		if err != nil {
			return err
		}
		form := readEditForm(c)
		if c.FormValue("step") != "save" {
			diff := []data.FieldChange{{Field: "status", Before: json.RawMessage(`"` + it.Status + `"`), After: json.RawMessage(`"repealed"`)}}
			return s.render(c, "edit_preview", "preview", fiber.Map{"Kind": seg, "Code": it.Code, "Diff": diff, "Form": form,
				"Action": "/edit/" + seg + "/" + it.Code + "/repeal", "Op": "repeal"})
		}
		w, err := s.cfg.Catalog.Repeal(c.UserContext(), actorOf(c), kind, it.Code, form.meta())
		return s.editResult(c, seg, it, form, w, err)
	}
}

// editNewPage serves GET /edit/<kind>/new: the form to publish an item.
func (s *Server) editNewPage(seg string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		dept, _ := editorDept(s, c)
		if dept == policy.AllDepartments {
			dept = ""
		}
		example := map[string]string{
			"powers":   `{"code": "", "name": "", "category": "XK", "dept": "` + dept + `", "basis": [{"law": "", "article": ""}], "legal_limit": 20, "promised_limit": 10, "consult_phone": "", "complaint_phone": ""}`,
			"services": `{"code": "", "name": "", "audience": "individual", "theme": "", "dept": "` + dept + `", "power_code": "", "category": "XK", "legal_limit": 20, "promised_limit": 10}`,
		}[seg]
		var pretty bytes.Buffer
		json.Indent(&pretty, []byte(example), "", "  ")
		return s.render(c, "edit_new", "edit", fiber.Map{"Kind": seg, "Form": editForm{Item: pretty.String()}})
	}
}

// editNewSubmit serves POST /edit/<kind>/new (preview, then publish).
func (s *Server) editNewSubmit(seg string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		form := readEditForm(c)
		var after map[string]json.RawMessage
		if err := json.Unmarshal([]byte(form.Item), &after); err != nil || after == nil {
			c.Status(fiber.StatusUnprocessableEntity)
			return s.render(c, "edit_new", "edit", fiber.Map{"Kind": seg, "Form": form, "Problem": "the item is not a JSON object: " + errText(err)})
		}
		if c.FormValue("step") != "save" {
			return s.render(c, "edit_preview", "preview", fiber.Map{"Kind": seg, "Code": rawText(after["code"]), "Diff": fieldDiff(nil, after),
				"Form": form, "Action": "/edit/" + seg + "/new", "Op": "publish"})
		}
		w, err := s.cfg.Catalog.Publish(c.UserContext(), actorOf(c), editKinds[seg], json.RawMessage(form.Item), form.meta())
		return s.editResult(c, seg, nil, form, w, err)
	}
}
