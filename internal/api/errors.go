package api

import (
	"errors"
	"net/http"

	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/field"
)

// apiError is the body of every error answer: a stable code a program can
// switch on and a message in the reader's language. Fields, for bad input,
// maps each parameter to what is wrong with it.
type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// kindAnswers gives each fault kind its status and code. Bad input keeps
// the code the API has always given for it, "bad_parameter".
var kindAnswers = map[fault.Kind]struct {
	status int
	code   string
}{
	fault.NotFound:        {http.StatusNotFound, "not_found"},
	fault.Forbidden:       {http.StatusForbidden, "forbidden"},
	fault.Invalid:         {http.StatusBadRequest, "bad_parameter"},
	fault.Conflict:        {http.StatusConflict, "conflict"},
	fault.Unauthenticated: {http.StatusUnauthorized, "unauthenticated"},
	fault.Internal:        {http.StatusInternalServerError, "internal"},
}

// fail answers a domain error as JSON: the API's one mapping from fault
// kinds to answers (the pages' is web's Server.fail). Internal errors are
// logged here, with the request, and answered with a generic message.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	a.failWith(w, r, err, "")
}

// failWith is fail with a more telling message than the kind's own, e.g.
// that results are not published yet rather than just "not found".
func (a *API) failWith(w http.ResponseWriter, r *http.Request, err error, msgKey string) {
	k := fault.KindOf(err)
	if k == fault.Internal {
		a.app.Log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	ans := kindAnswers[k]
	if msgKey == "" {
		msgKey = "api.error." + k.String()
	}
	l := apiLang(r)
	var e apiError
	e.Error.Code, e.Error.Message = ans.code, a.cat.T(l, msgKey)
	var fe field.Errors
	if k == fault.Invalid && errors.As(err, &fe) {
		e.Error.Fields = map[string]string{}
		for f, key := range fe {
			e.Error.Fields[f] = a.cat.T(l, key)
		}
	}
	writeJSON(w, ans.status, e)
}

// writeError answers with a code and message of the handler's own, for
// parameter checks that are the API's and not a service's.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	var e apiError
	e.Error.Code, e.Error.Message = code, msg
	writeJSON(w, status, e)
}
