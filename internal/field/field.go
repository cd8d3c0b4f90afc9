// Package field carries validation problems from the domain services to
// the forms and the API: each problem is tied to the field it concerns and
// named by a translation key, so every surface can show it in the reader's
// language next to the right input.
package field

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tekotori/tekotori/internal/fault"
)

// Errors maps a field name to the translation key of its problem. A key
// may carry one argument after a "|", e.g. "error.too_long|300".
type Errors map[string]string

// Is makes every Errors of kind fault.Invalid, so that the pages and the
// API answer it as bad input whichever service returned it.
func (e Errors) Is(target error) bool { return target == fault.Invalid }

func (e Errors) Error() string {
	var b strings.Builder
	b.WriteString("invalid input:")
	for _, f := range slices.Sorted(maps.Keys(e)) {
		fmt.Fprintf(&b, " %s=%s", f, e[f])
	}
	return b.String()
}
