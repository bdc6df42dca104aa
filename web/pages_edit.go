package web

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/policy"
	"qingdan/web/editform"
	"qingdan/web/i18n"
)

// editList is one list the editor pages handle.
type editList struct {
	seg  string     // the path segment: /edit/<seg>/…
	kind lists.Kind // the list
	obj  string     // its Casbin object
}

// editLists are the lists the editor pages handle, by path segment.
var editLists = map[string]editList{
	"powers":           {"powers", lists.KindPower, policy.ObjPower},
	"services":         {"services", lists.KindService, policy.ObjService},
	"responsibilities": {"responsibilities", lists.KindResponsibility, policy.ObjResponsibility},
}

// publicPath is where the public see an item (a responsibility is shown
// on its power's page).
func (l editList) publicPath(code string) string {
	if l.kind == lists.KindResponsibility {
		return "/powers/" + code
	}
	return "/" + l.seg + "/" + code
}

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

// deptInForm: the "dept" field of the item form posted by the editor.
func deptInForm(s *Server, c *fiber.Ctx) (string, error) {
	dept, _ := deptNamedInForm(s, c)
	if dept == "" {
		return "", badRequestf("the form must name the item's dept")
	}
	return dept, nil
}

// deptNamedInForm: the posted form's "dept" field, "" if it has none —
// the very value the item is saved with (editform.Dept of postedForm), never
// one from the query string.
func deptNamedInForm(_ *Server, c *fiber.Ctx) (string, error) {
	return editform.Dept(postedForm(c)), nil
}

// editPage serves /edit: the items the editor may change.
func (s *Server) editPage(c *fiber.Ctx) error {
	dept, err := editorDept(s, c)
	if err != nil {
		return err
	}
	seg := c.Query("kind", "powers")
	l, ok := editLists[seg]
	if !ok {
		return badRequestf("kind must be powers, responsibilities or services")
	}
	q, err := listQuery(c, l.kind)
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
	names, err := s.itemNames(c.UserContext(), l.kind, pg.Items)
	if err != nil {
		return err
	}
	type row struct{ Code, Name, Dept, Status string }
	rows := make([]row, 0, len(pg.Items))
	for _, it := range pg.Items {
		rows = append(rows, row{it.Code, names[it.Code], it.Dept, it.Status})
	}
	return s.render(c, "edit", "edit", fiber.Map{"Rows": rows, "Kind": seg, "Q": q, "Pager": newPager(c, pg), "EditorDept": dept})
}

// itemNames are the names of listed items by code; a responsibility is
// named by its power (read for the whole page at once).
func (s *Server) itemNames(ctx context.Context, kind lists.Kind, items []*lists.Item) (map[string]string, error) {
	codes := make([]string, len(items))
	for i, it := range items {
		codes[i] = it.Code
	}
	if kind == lists.KindResponsibility {
		return s.cfg.Catalog.Names(ctx, lists.KindPower, codes)
	}
	names := map[string]string{}
	for _, it := range items {
		var n struct{ Name string }
		json.Unmarshal(it.Raw, &n)
		names[it.Code] = n.Name
	}
	return names, nil
}

// editForm is the change's metadata the editor posted.
type editForm struct {
	BasisDoc   string
	ChangeNote string
	Major      bool
}

func readEditForm(c *fiber.Ctx) editForm {
	v := postedForm(c)
	return editForm{BasisDoc: strings.TrimSpace(v.Get("basis_doc")),
		ChangeNote: strings.TrimSpace(v.Get("change_note")), Major: v.Get("major") == "on"}
}

// missing lists the change's required metadata left empty.
func (f editForm) missing(msgs map[string]string) map[string]string {
	errs := map[string]string{}
	if f.BasisDoc == "" {
		errs["basis_doc"] = msgs["ef_err_required"]
	}
	if f.ChangeNote == "" {
		errs["change_note"] = msgs["ef_err_required"]
	}
	return errs
}

func (f editForm) meta() lists.ChangeMeta {
	return lists.ChangeMeta{BasisDoc: f.BasisDoc, ChangeNote: f.ChangeNote, Major: f.Major}
}

// notItemFields are the posted names that belong to the page, not the
// item: they are not carried from the preview to the save step as item
// values.
var notItemFields = []string{"csrf_token", "step", "add_row", "back", "basis_doc", "change_note", "major"}

// postedForm is the posted form, read from the request body only (never
// the query string, which c.FormValue reads first) and once a request:
// the route's guard authorises the department in it, and the handler
// makes the item from it. Callers must not change it (postedValues gives
// a copy to change).
func postedForm(c *fiber.Ctx) url.Values {
	const key = "posted-form"
	if v, ok := c.Locals(key).(url.Values); ok {
		return v
	}
	v := readPosted(c)
	c.Locals(key, v)
	return v
}

// postedValues is a copy of the posted form that the caller may change.
func postedValues(c *fiber.Ctx) url.Values { return maps.Clone(postedForm(c)) }

// readPosted copies the posted body's form values (Fiber reuses its
// memory): a multipart form's, else the URL-encoded body's.
func readPosted(c *fiber.Ctx) url.Values {
	v := url.Values{}
	if mf, err := c.MultipartForm(); err == nil {
		for k, vs := range mf.Value {
			v[k] = slices.Clone(vs)
		}
		return v
	}
	c.Request().PostArgs().VisitAll(func(k, val []byte) { v.Add(string(k), string(val)) })
	return v
}

// newItemForm builds the form of list l with the values v for this
// editor and language; what it offers to choose from is added only when
// it is shown (offerChoices).
func (s *Server) newItemForm(c *fiber.Ctx, l editList, v url.Values, errs map[string]string) *editform.Form {
	lg := lang(c)
	return &editform.Form{Seg: l.seg, V: v, Errors: errs, L: i18n.Messages(lg), Lang: lg, Themes: editform.ServiceThemes}
}

// offerChoices adds what a shown form offers: every department, those
// this editor may edit, and the powers in force of the chosen one.
func (s *Server) offerChoices(c *fiber.Ctx, f *editform.Form) {
	l := editLists[f.Seg]
	f.All = s.departments(c)
	for _, d := range f.All {
		if ok, err := s.cfg.Accounts.Enforcer.Allowed(actorOf(c), d.Code, l.obj, policy.ActPublish); err == nil && ok {
			f.Depts = append(f.Depts, d)
		}
	}
	dept := f.V.Get("dept")
	if dept == "" && len(f.Depts) == 1 {
		dept = f.Depts[0].Code
	}
	if l.kind != lists.KindPower && dept != "" {
		pg, err := s.cfg.Catalog.List(c.UserContext(), lists.ListQuery{Kind: lists.KindPower, Dept: dept, Status: lists.StatusInForce, PerPage: lists.MaxPerPage})
		if err == nil {
			for _, it := range pg.Items {
				f.Powers = append(f.Powers, it.Code)
			}
		}
	}
}

// itemPage is what the new-item and amend templates show.
type itemPage struct {
	Kind    string
	Item    *lists.Item // nil for a new item
	F       *editform.Form
	Form    editForm
	Errors  map[string]string
	Problem string
	Resp    string // an amended power's responsibility item, if listed
	Version int    // the version the editor started from
	// the repeal form's metadata and errors, when a repeal was refused
	Repeal       editForm
	RepealErrors map[string]string
}

// showItemForm renders the form of a new item (it nil) or of a listed one.
func (s *Server) showItemForm(c *fiber.Ctx, status int, it *lists.Item, f *editform.Form, meta editForm, problem string) error {
	return s.showItemPage(c, status, itemPage{Item: it, F: f, Form: meta, Problem: problem})
}

// showItemPage fills in what every item page derives from its form and
// item (the choices offered, the version edited, an amended power's
// responsibility) and renders it.
func (s *Server) showItemPage(c *fiber.Ctx, status int, p itemPage) error {
	c.Status(status)
	s.offerChoices(c, p.F)
	p.Kind, p.Errors = p.F.Seg, p.F.Errors
	it := p.Item
	if it == nil {
		return s.render(c, "edit_new", "publish_new", p)
	}
	p.Version = it.Version
	if v, err := strconv.Atoi(p.F.V.Get("base_version")); err == nil {
		p.Version = v
	}
	if it.Kind == lists.KindPower {
		if _, err := s.cfg.Catalog.Get(c.UserContext(), lists.KindResponsibility, it.Code); err == nil {
			p.Resp = it.Code
		}
	}
	return s.render(c, "edit_item", "edit", p)
}

// newItemDefaults are the values a new item's form starts with.
func newItemDefaults(l editList, c *fiber.Ctx) url.Values {
	switch l.kind {
	case lists.KindPower:
		return url.Values{"category": {"XK"}, "nature": {"法定"}, "levels": {"县"}, "case_kind": {"promised"}}
	case lists.KindService:
		return url.Values{"audience": {"individual"}, "category": {"XK"}, "online_depth": {"3"}}
	}
	return url.Values{"power_code": {strings.TrimSpace(c.Query("power_code"))}}
}

// editNewPage serves GET /edit/<kind>/new: the form to publish an item.
func (s *Server) editNewPage(seg string) fiber.Handler {
	l := editLists[seg]
	return func(c *fiber.Ctx) error {
		v := newItemDefaults(l, c)
		if code := v.Get("power_code"); code != "" {
			if p, err := s.cfg.Catalog.Get(c.UserContext(), lists.KindPower, code); err == nil {
				v.Set("dept", p.Dept)
			}
		}
		f := s.newItemForm(c, l, v, nil)
		f.Blank = true
		return s.showItemForm(c, fiber.StatusOK, nil, f, editForm{}, "")
	}
}

// editItemPage serves GET /edit/<kind>/:code: the amend and repeal forms.
func (s *Server) editItemPage(seg string) fiber.Handler {
	l := editLists[seg]
	return func(c *fiber.Ctx) error {
		it, err := s.itemOf(c, l.kind)
		if err != nil {
			return err
		}
		f, err := s.amendForm(c, l, it)
		if err != nil {
			return err
		}
		return s.showItemForm(c, fiber.StatusOK, it, f, editForm{}, "")
	}
}

// amendForm is the form of a listed item as it stands.
func (s *Server) amendForm(c *fiber.Ctx, l editList, it *lists.Item) (*editform.Form, error) {
	v, err := editform.ToForm(l.kind, it.Raw)
	if err != nil {
		return nil, err
	}
	f := s.newItemForm(c, l, v, nil)
	f.Amend, f.Blank = true, true
	return f, nil
}

// postedItem reads a posted item form: its values, the item they make
// and the field errors of both the reading and data's validation, with
// the change's metadata checked too.
func (s *Server) postedItem(c *fiber.Ctx, l editList) (*editform.Form, any, editForm) {
	v := postedValues(c)
	for _, k := range notItemFields {
		delete(v, k)
	}
	msgs := i18n.Messages(lang(c))
	item, errs := editform.FromForm(l.kind, v, msgs["ef_err_int"])
	if err := item.(interface{ Validate() error }).Validate(); err != nil {
		mergeErrors(errs, formErrors(err))
	}
	meta := readEditForm(c)
	for k, m := range meta.missing(msgs) {
		errs[k] = m
	}
	f := s.newItemForm(c, l, v, errs)
	f.AddRow = postedForm(c).Get("add_row")
	return f, item, meta
}

// mergeErrors adds the errors of more that errs does not have yet.
func mergeErrors(errs, more map[string]string) {
	for k, m := range more {
		if _, ok := errs[k]; !ok {
			errs[k] = m
		}
	}
}

// formAgain reports whether the editor asked for the form again (one more
// row, or back from the preview) rather than to go on.
func formAgain(c *fiber.Ctx) bool {
	v := postedForm(c)
	return v.Get("add_row") != "" || v.Get("back") != ""
}

// saving reports whether the posted form is the save step (else it is a
// preview).
func saving(c *fiber.Ctx) bool { return postedForm(c).Get("step") == "save" }

// editNewSubmit serves POST /edit/<kind>/new: step=preview shows the new
// item's fields; step=save publishes it.
func (s *Server) editNewSubmit(seg string) fiber.Handler {
	l := editLists[seg]
	return func(c *fiber.Ctx) error {
		f, item, meta := s.postedItem(c, l)
		if formAgain(c) {
			f.Errors = nil
			return s.showItemForm(c, fiber.StatusOK, nil, f, meta, "")
		}
		code := f.V.Get(editform.CodeField(l.seg))
		if _, err := s.cfg.Catalog.Get(c.UserContext(), l.kind, strings.TrimSpace(code)); err == nil {
			f.Errors[editform.CodeField(l.seg)] = f.L["ef_err_exists"]
		}
		if len(f.Errors) > 0 {
			return s.showItemForm(c, fiber.StatusUnprocessableEntity, nil, f, meta, "")
		}
		if !saving(c) {
			diff := editform.Diff(nil, editform.Fields(item))
			return s.preview(c, f, diff, meta, "/edit/"+seg+"/new", "publish", code)
		}
		raw, _ := json.Marshal(item)
		m := meta.meta()
		if p, ok := item.(*lists.PowerItem); ok {
			m.EffectiveFrom = p.EffectiveFrom
		}
		w, err := s.cfg.Catalog.Publish(c.UserContext(), actorOf(c), l.kind, raw, m)
		return s.editResult(c, l, nil, f, meta, w, err)
	}
}

// editItemSubmit serves POST /edit/<kind>/:code: step=preview shows the
// fields that differ from the listed item; step=save amends those.
func (s *Server) editItemSubmit(seg string) fiber.Handler {
	l := editLists[seg]
	return func(c *fiber.Ctx) error {
		it, err := s.itemOf(c, l.kind)
		if err != nil {
			return err
		}
		f, item, meta := s.postedItem(c, l)
		f.Amend = true
		if formAgain(c) {
			f.Errors = nil
			return s.showItemForm(c, fiber.StatusOK, it, f, meta, "")
		}
		if base := f.V.Get("base_version"); base != "" && base != strconv.Itoa(it.Version) {
			return s.showItemForm(c, fiber.StatusConflict, it, f, meta, f.L["ef_err_changed"])
		}
		if len(f.Errors) > 0 {
			return s.showItemForm(c, fiber.StatusUnprocessableEntity, it, f, meta, "")
		}
		changes, err := editform.Changes(l.kind, it.Raw, item)
		if err != nil {
			return err
		}
		if !saving(c) {
			return s.preview(c, f, changes, meta, "/edit/"+seg+"/"+it.Code, "amend", it.Code)
		}
		fields := map[string]json.RawMessage{}
		m := meta.meta()
		m.BaseVersion, _ = strconv.Atoi(f.V.Get("base_version")) // checked again where the change is made
		for _, ch := range changes {
			fields[ch.Field] = ch.After
			if ch.Field == "effective_from" {
				m.EffectiveFrom = rawText(ch.After)
			}
		}
		w, err := s.cfg.Catalog.Amend(c.UserContext(), actorOf(c), l.kind, it.Code, fields, m)
		return s.editResult(c, l, it, f, meta, w, err)
	}
}

// diffRow is one changed field in the preview.
type diffRow struct {
	Field, Label  string
	Before, After json.RawMessage
}

// hiddenField carries a form value from the preview to the save step.
type hiddenField struct{ Name, Value string }

// preview shows the difference and the form that saves it, carrying every
// value of the item form so the save step reads the same form again.
func (s *Server) preview(c *fiber.Ctx, f *editform.Form, diff []lists.FieldChange, meta editForm, action, op, code string) error {
	rows := make([]diffRow, len(diff))
	for i, d := range diff {
		rows[i] = diffRow{d.Field, editform.Label(f.Seg, d.Field, f.L), d.Before, d.After}
	}
	return s.render(c, "edit_preview", "preview", fiber.Map{"Kind": f.Seg, "Code": code, "Diff": rows, "Form": meta,
		"Hidden": hiddenFields(f.V), "Action": action, "Op": op})
}

func hiddenFields(v url.Values) []hiddenField {
	var out []hiddenField
	for _, k := range slices.Sorted(maps.Keys(v)) {
		for _, x := range v[k] {
			out = append(out, hiddenField{k, x})
		}
	}
	return out
}

// editResult shows the receipt of a saved change, or the form again with
// what the catalog refused: field errors beside their fields, anything
// else above the form.
func (s *Server) editResult(c *fiber.Ctx, l editList, it *lists.Item, f *editform.Form, meta editForm, w *lists.Written, err error) error {
	if err != nil {
		status, show := statusOf(err)
		if !show {
			return err
		}
		var ve *store.ValidationError
		if errors.As(err, &ve) {
			mergeErrors(f.Errors, ve.Fields)
			return s.showItemForm(c, status, it, f, meta, "")
		}
		return s.showItemForm(c, status, it, f, meta, err.Error())
	}
	return s.render(c, "edit_done", "action_done", fiber.Map{"Kind": l.seg, "Item": w.Item, "Receipt": w.Receipt,
		"Public": l.publicPath(w.Item.Code)})
}

// editRepeal serves POST /edit/<kind>/:code/repeal (preview, then save).
func (s *Server) editRepeal(seg string) fiber.Handler {
	l := editLists[seg]
	return func(c *fiber.Ctx) error {
		it, err := s.itemOf(c, l.kind)
		if err != nil {
			return err
		}
		meta := readEditForm(c)
		msgs := i18n.Messages(lang(c))
		errs := meta.missing(msgs)
		if len(errs) == 0 && !saving(c) {
			diff := []diffRow{{Field: "status", Label: msgs["status"],
				Before: json.RawMessage(`"` + it.Status + `"`), After: json.RawMessage(`"repealed"`)}}
			return s.render(c, "edit_preview", "preview", fiber.Map{"Kind": seg, "Code": it.Code, "Diff": diff, "Form": meta,
				"Action": "/edit/" + seg + "/" + it.Code + "/repeal", "Op": "repeal"})
		}
		status, problem := fiber.StatusUnprocessableEntity, ""
		if len(errs) == 0 {
			w, err := s.cfg.Catalog.Repeal(c.UserContext(), actorOf(c), l.kind, it.Code, meta.meta())
			if err == nil {
				return s.editResult(c, l, it, nil, meta, w, nil)
			}
			var show bool
			if status, show = statusOf(err); !show {
				return err
			}
			errs, problem = formErrors(err), err.Error()
		}
		return s.showRepealRefused(c, l, it, meta, status, errs, problem)
	}
}

// showRepealRefused shows the item's page again with why the repeal was
// refused beside the repeal form.
func (s *Server) showRepealRefused(c *fiber.Ctx, l editList, it *lists.Item, meta editForm, status int, errs map[string]string, problem string) error {
	f, err := s.amendForm(c, l, it)
	if err != nil {
		return err
	}
	return s.showItemPage(c, status, itemPage{Item: it, F: f, Problem: problem, Repeal: meta, RepealErrors: errs})
}
