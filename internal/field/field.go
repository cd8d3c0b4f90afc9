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
)

// Errors maps a field name to the translation key of its problem. A key
// may carry one argument after a "|", e.g. "error.too_long|300".
type Errors map[string]string

func (e Errors) Error() string {
	var b strings.Builder
	b.WriteString("invalid input:")
	for _, f := range slices.Sorted(maps.Keys(e)) {
		fmt.Fprintf(&b, " %s=%s", f, e[f])
	}
	return b.String()
}
