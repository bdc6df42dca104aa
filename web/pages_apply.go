package web

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qingdan/data/applicant"
	"qingdan/data/applications"
	"qingdan/data/lists"
	"qingdan/data/store"
)

// applyForm is what the application form shows again after a refusal:
// never the ID number or phone, which the applicant types again.
type applyForm struct {
	Type, Name, IDType, Address, Summary string
}

// applyPage serves GET /apply/:service: the online application form.
func (s *Server) applyPage(c *fiber.Ctx) error {
	sv, err := s.applicableService(c)
	if err != nil {
		return err
	}
	return s.render(c, "apply", "apply_title", fiber.Map{"S": sv, "Form": applyForm{Type: applicant.Natural, IDType: applicant.ResidentID}, "Errors": map[string]string{}})
}

// applicableService is the service named by :service, if it takes online
// applications (lists.TakesApplications, the rule Submit applies too).
func (s *Server) applicableService(c *fiber.Ctx) (*lists.ServiceItem, error) {
	it, err := s.cfg.Catalog.Get(c.UserContext(), lists.KindService, c.Params("service"))
	if err != nil {
		return nil, err
	}
	var sv lists.ServiceItem
	json.Unmarshal(it.Raw, &sv)
	if lists.TakesApplications(it.Code, it.Status, sv.PowerCode) != nil {
		return nil, fiber.NewError(fiber.StatusNotFound, "this service takes no online applications")
	}
	return &sv, nil
}

// applySubmit serves POST /apply/:service: the server checks everything
// again; a refusal shows the form with each problem beside its field; a
// success shows the receipt with the number and the query code.
func (s *Server) applySubmit(c *fiber.Ctx) error {
	secretAnswer(c) // the receipt shows the query code
	sv, err := s.applicableService(c)
	if err != nil {
		return err
	}
	form := applyForm{Type: c.FormValue("type"), Name: c.FormValue("name"), IDType: c.FormValue("id_type"),
		Address: c.FormValue("address"), Summary: c.FormValue("summary")}
	req := applications.SubmitRequest{ServiceCode: sv.Code, Summary: strings.TrimSpace(form.Summary), Applicant: applicant.Applicant{
		Type: form.Type, Name: form.Name, IDType: form.IDType, IDNumber: c.FormValue("id_number"),
		Phone: c.FormValue("phone"), Address: form.Address}}
	sub, err := s.cfg.Approvals.Submit(c.UserContext(), req)
	var ve *store.ValidationError
	if errors.As(err, &ve) {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "apply", "apply_title", fiber.Map{"S": sv, "Form": form, "Errors": ve.Fields})
	}
	if err != nil {
		return err
	}
	view, err := s.cfg.Approvals.Get(c.UserContext(), sub.Number)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return s.render(c, "receipt", "receipt_title", fiber.Map{"S": sv, "Sub": sub, "V": view})
}

// progressPage serves GET /progress: the form for number and query code.
func (s *Server) progressPage(c *fiber.Ctx) error {
	return s.render(c, "progress", "progress", fiber.Map{"Number": c.Query("number")})
}

// progressSubmit serves POST /progress: the timeline, deadlines with their
// explanation and the clock. A wrong code reads like an unknown number.
// The code travels in the body, not in a URL that logs would keep.
func (s *Server) progressSubmit(c *fiber.Ctx) error {
	secretAnswer(c)
	number, code := strings.TrimSpace(c.FormValue("number")), strings.TrimSpace(c.FormValue("query_code"))
	v, err := s.cfg.Approvals.Progress(c.UserContext(), number, code)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrInvalid) {
			return err
		}
		c.Status(fiber.StatusNotFound)
		return s.render(c, "progress", "progress", fiber.Map{"Number": number, "NotFound": true})
	}
	return s.render(c, "progress", "progress", fiber.Map{"Number": number, "V": v})
}
