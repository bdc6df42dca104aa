package web

import (
	"bytes"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qingdan/data/listimport"
	"qingdan/data/lists"
	"qingdan/data/store"
)

// exportKinds are the lists that can be downloaded.
var exportKinds = map[string]lists.Kind{
	"powers": lists.KindPower, "responsibilities": lists.KindResponsibility, "services": lists.KindService,
}

// export serves GET /api/v1/export/{powers|responsibilities|services}.{csv|json}.
func (s *Server) export(c *fiber.Ctx) error {
	name, format, _ := strings.Cut(c.Params("file"), ".")
	kind, ok := exportKinds[name]
	if !ok || (format != listimport.FormatCSV && format != listimport.FormatJSON) {
		return fiber.NewError(fiber.StatusNotFound, "exports are powers, responsibilities or services, as .csv or .json")
	}
	var buf bytes.Buffer
	if err := listimport.ExportAll(c.UserContext(), s.cfg.Catalog, kind, format, &buf); err != nil {
		return err
	}
	ctype := "application/json"
	if format == listimport.FormatCSV {
		ctype = "text/csv; charset=utf-8"
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+"."+format+`"`)
	return c.Send(buf.Bytes())
}

// importList serves POST /api/v1/import?name=FILE[&dry_run=1]&basis_doc=…&change_note=…:
// the body is the file as published (CSV, XLSX or JSON). It answers the
// plan and, unless a dry run, what was written.
func (s *Server) importList(c *fiber.Ctx) error {
	name := c.Query("name")
	if name == "" {
		return badRequestf("query parameter \"name\" (the file name, e.g. list.csv) is required")
	}
	table, err := listimport.ReadFile(name, c.Body())
	if err != nil {
		return badRequestf("%v", err)
	}
	ctx := c.UserContext()
	plan, err := listimport.NewPlan(ctx, s.cfg.Catalog, table, listimport.Options{Source: name})
	if err != nil {
		return err
	}
	var report strings.Builder
	plan.Report(&report)
	out := fiber.Map{"summary": plan.Summary(), "report": report.String()}
	if c.Query("dry_run") == "1" {
		return c.JSON(out)
	}
	meta := lists.ChangeMeta{BasisDoc: c.Query("basis_doc"), ChangeNote: c.Query("change_note"),
		Major: c.Query("major") == "1", EffectiveFrom: c.Query("effective_from")}
	if meta.BasisDoc == "" || meta.ChangeNote == "" {
		return &store.ValidationError{Fields: map[string]string{"basis_doc": "an import needs its basis document and a note (change_note)"}}
	}
	res, err := listimport.Apply(ctx, s.cfg.Catalog, plan, meta, actorOf(c))
	if res != nil {
		out["result"] = res.String()
	}
	if err != nil && res == nil {
		return err
	}
	return c.JSON(out)
}
