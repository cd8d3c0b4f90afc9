package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/i18n"
)

// Judging criteria: the form that adds and edits one, and its removal.

type caCriterionForm struct {
	Name, Description          i18n.Text
	Weight, ScaleMin, ScaleMax string
	Position                   string
}

var criterionFieldOrder = []string{"criterion_name_fi", "criterion_name_sv", "criterion_name_en",
	"criterion_description_fi", "criterion_description_sv", "criterion_description_en",
	"criterion_weight", "criterion_scale", "criterion_scale_min", "criterion_scale_max", "criterion_position"}

func (f caCriterionForm) input() (campaign.CriterionInput, map[string]string) {
	errs := map[string]string{}
	count := func(name, raw string) int {
		n, ok := parseCount(raw)
		if !ok {
			errs[name] = "error.campaign_number"
		}
		return n
	}
	weight, ok := parseDecimal(f.Weight)
	if !ok {
		errs["criterion_weight"] = "error.campaign_decimal"
	}
	return campaign.CriterionInput{Name: f.Name, Description: f.Description, Weight: weight,
		ScaleMin: count("criterion_scale_min", f.ScaleMin), ScaleMax: count("criterion_scale_max", f.ScaleMax),
		Position: count("criterion_position", f.Position)}, errs
}

type caCriterionData struct {
	caHelp
	C    *campaign.Campaign
	Cr   *campaign.Criterion // nil for a new one
	Form caCriterionForm
}

// adminCriterion adds or edits a judging criterion.
func (s *Server) adminCriterion(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	d := caCriterionData{C: c, Form: caCriterionForm{Weight: "1", ScaleMin: "1", ScaleMax: "5", Position: strconv.Itoa(len(c.Criteria))}}
	title := "campaign_admin.criterion_new_title"
	if r.PathValue("cr") != "" {
		crID, _ := pathInt(r, "cr")
		for i := range c.Criteria {
			if c.Criteria[i].ID == crID {
				d.Cr = &c.Criteria[i]
			}
		}
		if d.Cr == nil {
			s.notFound(w, r)
			return
		}
		title = "campaign_admin.criterion_edit_title"
	}
	v := s.newView(r, title, nil)
	if d.Cr != nil {
		d.Form = caCriterionForm{Name: d.Cr.Name, Description: d.Cr.Description, Weight: formatDecimal(d.Cr.Weight, v.Lang),
			ScaleMin: strconv.Itoa(d.Cr.ScaleMin), ScaleMax: strconv.Itoa(d.Cr.ScaleMax), Position: strconv.Itoa(d.Cr.Position)}
	}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Form = caCriterionForm{Name: textInput(r, "criterion_name"), Description: textInput(r, "criterion_description"),
			Weight: r.PostFormValue("criterion_weight"), ScaleMin: r.PostFormValue("criterion_scale_min"),
			ScaleMax: r.PostFormValue("criterion_scale_max"), Position: r.PostFormValue("criterion_position")}
		in, errs := d.Form.input()
		if len(errs) == 0 {
			var err error
			if d.Cr == nil {
				_, err = s.app.Campaigns.AddCriterion(r.Context(), u, c.ID, in)
			} else {
				_, err = s.app.Campaigns.UpdateCriterion(r.Context(), u, d.Cr.ID, in)
			}
			var fe campaign.FieldErrors
			switch {
			case errors.As(err, &fe):
				errs = renamed(fe, "criterion_", map[string]string{"criterion": "criterion_name_fi"})
			case err != nil:
				s.campaignFail(w, r, err)
				return
			default:
				http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=saved#criteria"), http.StatusSeeOther)
				return
			}
		}
		v.setErrors(errs, criterionFieldOrder)
		status = http.StatusUnprocessableEntity
	}
	d.caHelp = help(v.Lang)
	v.Data = d
	s.render(w, r, status, "campaign_admin_criterion", v)
}

// adminCriterionDelete removes a criterion nobody has scored on.
func (s *Server) adminCriterionDelete(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	crID, _ := pathInt(r, "cr")
	if !slices.ContainsFunc(c.Criteria, func(cr campaign.Criterion) bool { return cr.ID == crID }) {
		s.notFound(w, r)
		return
	}
	err := s.app.Campaigns.DeleteCriterion(r.Context(), u, crID)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=campaign_criterion_in_use#criteria"), http.StatusSeeOther)
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=campaign_deleted#criteria"), http.StatusSeeOther)
	}
}
