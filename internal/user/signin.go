package user

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tekotori/tekotori/internal/throttle"
)

// ThrottledError refuses an attempt made too soon after too many failures,
// before any password is hashed.
type ThrottledError struct{ Wait time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("user: too many attempts; wait %s", e.Wait.Round(time.Second))
}

// Sign-in failures slow down the next attempt, counted three ways so that
// neither guessing one account from many addresses nor many accounts from
// one address goes fast, while a stranger's failures delay the account's
// owner at another address only after many more of them.
var (
	signInPair    = throttle.Backoff{Free: 5, Max: 15 * time.Minute, Window: time.Hour}
	signInClient  = throttle.Backoff{Free: 20, Max: 15 * time.Minute, Window: time.Hour}
	signInAccount = throttle.Backoff{Free: 50, Max: 15 * time.Minute, Window: time.Hour}
)

// SignIn is Authenticate guarded by the abuse limits: client names where
// the attempt comes from (an address, or an IPv6 /64). A refused attempt
// is a *ThrottledError; a wrong password is ErrBadCredentials as before.
func (s *Service) SignIn(ctx context.Context, email, password, client string) (*User, error) {
	email = normalizeEmail(email)
	keys := []struct {
		name string
		b    throttle.Backoff
	}{
		{"signin:pair:" + email + "|" + client, signInPair},
		{"signin:client:" + client, signInClient},
		{"signin:account:" + email, signInAccount},
	}
	var wait time.Duration
	for _, k := range keys {
		w, err := s.limits.Blocked(ctx, k.name)
		if err != nil {
			return nil, err
		}
		wait = max(wait, w)
	}
	if wait > 0 {
		return nil, &ThrottledError{Wait: wait}
	}
	u, err := s.Authenticate(WithClient(ctx, client), email, password)
	if errors.Is(err, ErrBadCredentials) {
		for _, k := range keys {
			if _, ferr := s.limits.Fail(ctx, k.name, k.b); ferr != nil {
				return nil, ferr
			}
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if err := s.limits.Reset(ctx, keys[0].name); err != nil {
		return nil, err
	}
	if !u.Verified() {
		return u, ErrUnverified
	}
	return u, nil
}
