package user

import "context"

type ctxKey struct{}

// NewContext carries the signed-in person (nil for nobody) with a request,
// so that the pages and the API mounted beside them ask the services on
// behalf of the same actor.
func NewContext(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, ctxKey{}, u)
}

// FromContext is the person NewContext put in ctx, or nil.
func FromContext(ctx context.Context) *User {
	u, _ := ctx.Value(ctxKey{}).(*User)
	return u
}
