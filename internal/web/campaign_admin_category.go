package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/i18n"
)

// Award categories: the form that adds and edits one, and its removal.

type caCategoryForm struct {
	Name, Description           i18n.Text
	Kind, Rule                  string
	Winners, Mentions, Position string
}

var categoryFieldOrder = []string{"category_name_fi", "category_name_sv", "category_name_en",
	"category_description_fi", "category_description_sv", "category_description_en",
	"category_kind", "category_rule", "category_winners", "category_mentions", "category_position"}

func (f caCategoryForm) input() (campaign.CategoryInput, map[string]string) {
	errs := map[string]string{}
	count := func(name, raw string) int {
		n, ok := parseCount(raw)
		if !ok {
			errs[name] = "error.campaign_number"
		}
		return n
	}
	in := campaign.CategoryInput{Name: f.Name, Description: f.Description, Kind: campaign.Kind(f.Kind),
		Winners: count("category_winners", f.Winners), Mentions: count("category_mentions", f.Mentions),
		Position: count("category_position", f.Position)}
	switch f.Rule {
	case "jury":
		in.Rule = campaign.RuleJury
	default:
		in.Rule = campaign.Rule(f.Rule)
	}
	return in, errs
}

type caCategoryData struct {
	caHelp
	C     *campaign.Campaign
	Cat   *campaign.Category // nil for a new one
	Form  caCategoryForm
	Kinds []option
	Rules []option
}

// adminCategory adds or edits an award category.
func (s *Server) adminCategory(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	d := caCategoryData{C: c, Form: caCategoryForm{Kind: string(campaign.KindDeed), Rule: "jury", Winners: "1", Mentions: "0", Position: strconv.Itoa(len(c.Categories))}}
	title := "campaign_admin.category_new_title"
	if r.PathValue("cat") != "" {
		catID, ok := pathInt(r, "cat")
		if d.Cat = c.Category(catID); !ok || d.Cat == nil {
			s.notFound(w, r)
			return
		}
		title = "campaign_admin.category_edit_title"
		d.Form = caCategoryForm{Name: d.Cat.Name, Description: d.Cat.Description, Kind: string(d.Cat.Kind), Rule: string(d.Cat.Rule),
			Winners: strconv.Itoa(d.Cat.Winners), Mentions: strconv.Itoa(d.Cat.Mentions), Position: strconv.Itoa(d.Cat.Position)}
		if d.Cat.Rule == campaign.RuleJury {
			d.Form.Rule = "jury"
		}
	}
	v := s.newView(r, title, nil)
	status := http.StatusOK
	if r.Method == http.MethodPost {
		d.Form = caCategoryForm{Name: textInput(r, "category_name"), Description: textInput(r, "category_description"),
			Kind: r.PostFormValue("category_kind"), Rule: r.PostFormValue("category_rule"),
			Winners: r.PostFormValue("category_winners"), Mentions: r.PostFormValue("category_mentions"), Position: r.PostFormValue("category_position")}
		in, errs := d.Form.input()
		if len(errs) == 0 {
			var err error
			if d.Cat == nil {
				_, err = s.app.Campaigns.AddCategory(r.Context(), u, c.ID, in)
			} else {
				_, err = s.app.Campaigns.UpdateCategory(r.Context(), u, d.Cat.ID, in)
			}
			var fe campaign.FieldErrors
			switch {
			case errors.As(err, &fe):
				errs = renamed(fe, "category_", map[string]string{"category": "category_name_fi"})
			case err != nil:
				s.campaignFail(w, r, err)
				return
			default:
				http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=saved#categories"), http.StatusSeeOther)
				return
			}
		}
		v.setErrors(errs, categoryFieldOrder)
		status = http.StatusUnprocessableEntity
	}
	d.caHelp = help(v.Lang)
	for _, k := range []campaign.Kind{campaign.KindDeed, campaign.KindOrg} {
		d.Kinds = append(d.Kinds, option{Value: string(k), Label: kindLabel(v, k), Selected: d.Form.Kind == string(k)})
	}
	for _, ru := range []string{"jury", string(campaign.RuleMostDeeds)} {
		d.Rules = append(d.Rules, option{Value: ru, Label: v.T("campaign_admin.rule_" + ru), Selected: d.Form.Rule == ru})
	}
	v.Data = d
	s.render(w, r, status, "campaign_admin_category", v)
}

// adminCategoryDelete removes a category that has no entries.
func (s *Server) adminCategoryDelete(w http.ResponseWriter, r *http.Request) {
	c, u, ok := s.managedCampaign(w, r)
	if !ok {
		return
	}
	catID, _ := pathInt(r, "cat")
	if c.Category(catID) == nil {
		s.notFound(w, r)
		return
	}
	err := s.app.Campaigns.DeleteCategory(r.Context(), u, catID)
	var fe campaign.FieldErrors
	switch {
	case errors.As(err, &fe):
		http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=campaign_category_in_use#categories"), http.StatusSeeOther)
	case err != nil:
		s.campaignFail(w, r, err)
	default:
		http.Redirect(w, r, campaignPath(c.ID, "/settings?msg=campaign_deleted#categories"), http.StatusSeeOther)
	}
}
