package field

import "testing"

func TestErrorListsFieldsInOrder(t *testing.T) {
	err := error(Errors{"name": "error.required", "email": "error.email_invalid"})
	if got, want := err.Error(), "invalid input: email=error.email_invalid name=error.required"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
