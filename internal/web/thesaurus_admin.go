package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/tekotori/tekotori/internal/field"
	"github.com/tekotori/tekotori/internal/thesaurus"
)

// thesaurusRoutes registers the admin page of the thesaurus's synonym
// rings, which search expands queries through.
func (s *Server) thesaurusRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/thesaurus", s.adminThesaurus)
	mux.HandleFunc("POST /admin/thesaurus", s.adminThesaurus)
	mux.HandleFunc("GET /admin/thesaurus/{id}", s.adminRing)
	mux.HandleFunc("POST /admin/thesaurus/{id}", s.adminRing)
	mux.HandleFunc("POST /admin/thesaurus/{id}/delete", s.adminRingDelete)
}

// ringForm is a ring as the form shows it: each language's labels
// separated by commas.
type ringForm struct {
	ID     int64
	Source string
	FI     string
	SV     string
	EN     string
}

func ringFormOf(r thesaurus.Ring) ringForm {
	return ringForm{ID: r.ID, Source: r.Source, FI: strings.Join(r.Labels["fi"], ", "), SV: strings.Join(r.Labels["sv"], ", "), EN: strings.Join(r.Labels["en"], ", ")}
}

func ringInput(r *http.Request) (ringForm, thesaurus.Ring) {
	f := ringForm{FI: r.PostFormValue("labels_fi"), SV: r.PostFormValue("labels_sv"), EN: r.PostFormValue("labels_en")}
	ring := thesaurus.Ring{Labels: map[string][]string{}}
	for lang, v := range map[string]string{"fi": f.FI, "sv": f.SV, "en": f.EN} {
		if strings.TrimSpace(v) != "" {
			ring.Labels[lang] = []string{v}
		}
	}
	return f, ring
}

var ringFieldOrder = []string{"labels", "labels_fi", "labels_sv", "labels_en"}

type thesaurusData struct {
	Rings []ringForm
	Form  ringForm
}

func (s *Server) adminThesaurus(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := s.newView(r, "admin.thesaurus_title", nil)
	var d thesaurusData
	status := http.StatusOK
	if r.Method == http.MethodPost {
		form, ring := ringInput(r)
		d.Form = form
		_, err := s.app.Thesaurus.Save(ctx, u, ring)
		var fe field.Errors
		switch {
		case errors.As(err, &fe):
			v.setErrors(fe, ringFieldOrder)
			status = http.StatusUnprocessableEntity
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			s.reloadThesaurus(r)
			http.Redirect(w, r, "/admin/thesaurus?msg=saved", http.StatusSeeOther)
			return
		}
	}
	rings, err := s.app.Thesaurus.List(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, ring := range rings {
		d.Rings = append(d.Rings, ringFormOf(ring))
	}
	v.Data = d
	s.render(w, r, status, "admin_thesaurus", v)
}

func (s *Server) adminRing(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	ring, err := s.app.Thesaurus.Get(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "admin.thesaurus_ring", nil)
	d := thesaurusData{Form: ringFormOf(*ring)}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		form, in := ringInput(r)
		form.ID, form.Source, in.ID = id, ring.Source, id
		d.Form = form
		_, err := s.app.Thesaurus.Save(ctx, u, in)
		var fe field.Errors
		switch {
		case errors.As(err, &fe):
			v.setErrors(fe, ringFieldOrder)
			status = http.StatusUnprocessableEntity
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			s.reloadThesaurus(r)
			http.Redirect(w, r, "/admin/thesaurus?msg=saved", http.StatusSeeOther)
			return
		}
	}
	v.Data = d
	s.render(w, r, status, "admin_thesaurus_ring", v)
}

func (s *Server) adminRingDelete(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireAdmin(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.app.Thesaurus.Delete(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.reloadThesaurus(r)
	http.Redirect(w, r, "/admin/thesaurus?msg=saved", http.StatusSeeOther)
}

// reloadThesaurus hands searches the changed thesaurus; the change is
// saved, so a failure here only delays it until the next start.
func (s *Server) reloadThesaurus(r *http.Request) {
	if err := s.app.LoadThesaurus(r.Context()); err != nil {
		s.app.Log.Error("reload thesaurus", "err", err)
	}
}

type ringFieldsView struct {
	V    *view
	Form ringForm
}
