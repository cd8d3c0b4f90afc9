// Package fault is the one vocabulary of errors that the domain services
// share with the pages and the API: every error a service returns is of
// one Kind, and each surface turns the kind into its own answer (an HTML
// page, a JSON error, an exit code) without knowing which package failed.
//
// A package keeps its own descriptive sentinel and gives it a kind:
//
//	var ErrNotFound = fault.New(fault.NotFound, "deed: not found")
//
// errors.Is(err, deed.ErrNotFound) still tells that very error, and
// errors.Is(err, fault.NotFound) tells any error of the kind. Validation
// problems are field.Errors, which are of kind Invalid.
package fault

import "errors"

// Kind is the class of an error as a person meets it. A Kind is itself an
// error, so that it can be the target of errors.Is.
type Kind uint8

const (
	// Internal is every error of no other kind: a failure of the system,
	// not of the request. It is logged and answered with a generic message.
	Internal Kind = iota
	// NotFound: the thing does not exist, or the actor may not know that it
	// does (drafts stay private by looking absent).
	NotFound
	// Forbidden: the actor is known and may not do this.
	Forbidden
	// Invalid: the input is wrong; field.Errors says what, field by field.
	Invalid
	// Conflict: the request is well formed but clashes with the current
	// state, e.g. publishing a deed that is not waiting for it.
	Conflict
	// Unauthenticated: the request needs a signed-in person, or the
	// credentials given were wrong.
	Unauthenticated
)

var kindNames = [...]string{"internal", "not_found", "forbidden", "invalid", "conflict", "unauthenticated"}

// String is the kind's stable code, which the API gives out as error.code.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "internal"
}

func (k Kind) Error() string { return "fault: " + k.String() }

// Error is a sentinel with a kind.
type Error struct {
	kind Kind
	msg  string
}

// New returns a sentinel error of kind k; msg names the package and what
// happened, as errors.New's would.
func New(k Kind, msg string) *Error { return &Error{kind: k, msg: msg} }

func (e *Error) Error() string { return e.msg }

// Is makes the error match its kind.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.kind
}

// Kind is the error's kind.
func (e *Error) Kind() Kind { return e.kind }

// KindOf tells the kind of err and of everything it wraps; Internal when
// nothing in it has a kind (and for nil, which callers check first).
func KindOf(err error) Kind {
	if err == nil {
		return Internal
	}
	for _, k := range []Kind{NotFound, Forbidden, Invalid, Conflict, Unauthenticated} {
		if errors.Is(err, k) {
			return k
		}
	}
	return Internal
}
