package fault_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/field"
)

func TestKinds(t *testing.T) {
	notFound := fault.New(fault.NotFound, "thing: not found")
	wrapped := fmt.Errorf("load 7: %w", notFound)
	cases := []struct {
		err  error
		want fault.Kind
	}{
		{notFound, fault.NotFound},
		{wrapped, fault.NotFound},
		{fault.New(fault.Forbidden, "thing: not allowed"), fault.Forbidden},
		{fmt.Errorf("save: %w", field.Errors{"name": "error.required"}), fault.Invalid},
		{fault.New(fault.Conflict, "thing: wrong state"), fault.Conflict},
		{fault.New(fault.Unauthenticated, "thing: who are you"), fault.Unauthenticated},
		{errors.New("disk on fire"), fault.Internal},
		{nil, fault.Internal},
	}
	for _, c := range cases {
		if got := fault.KindOf(c.err); got != c.want {
			t.Errorf("KindOf(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	if !errors.Is(wrapped, notFound) || !errors.Is(wrapped, fault.NotFound) || errors.Is(wrapped, fault.Forbidden) {
		t.Error("a wrapped sentinel must match itself and its kind only")
	}
	if other := fault.New(fault.NotFound, "other: not found"); errors.Is(wrapped, other) {
		t.Error("two sentinels of one kind must stay apart")
	}
	var fe field.Errors
	if err := fmt.Errorf("x: %w", field.Errors{"a": "b"}); !errors.As(err, &fe) || fe["a"] != "b" {
		t.Error("field errors must still be reachable with errors.As")
	}
	if fault.Conflict.String() != "conflict" || fault.Kind(99).String() != "internal" {
		t.Error("codes")
	}
}
