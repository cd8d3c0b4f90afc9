package deed

import (
	"context"
	"fmt"

	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/user"
)

// LookAlikeFinder names published deeds that are probably the same work as
// content c of deed deedID (0 for a new one). The app wires the search
// index in; without it nothing is looked for.
type LookAlikeFinder func(ctx context.Context, deedID int64, c Content) []int64

// LookAlikesError stops a submission that looks like published deeds,
// until the author confirms it is other work. Nothing was saved.
type LookAlikesError struct {
	IDs []int64
}

func (e *LookAlikesError) Error() string {
	return fmt.Sprintf("deed: looks like published deeds %v", e.IDs)
}

// Is makes it a conflict: the request is sound, the bank's state stops it.
func (e *LookAlikesError) Is(target error) bool { return target == fault.Conflict }

// SubmitOptions qualify a submission from the form or the API.
type SubmitOptions struct {
	// NotLookAlike is the author's word that the deed is not one of the
	// published deeds it looks like.
	NotLookAlike bool
}

// Send is the whole submission a person makes from the form or the API:
// a new deed (id 0) or an existing one, with content c, checked for
// completeness first and then against the published deeds it may repeat.
// Any refusal (field errors, look-alikes) leaves nothing saved; otherwise
// the deed is created if new and sent to moderation.
func (s *Service) Send(ctx context.Context, u *user.User, id int64, c Content, opt SubmitOptions) (*Deed, error) {
	if u == nil {
		return nil, ErrForbidden
	}
	if id != 0 {
		if _, err := s.submittable(ctx, u, id, c); err != nil {
			return nil, err
		}
	}
	// check also refuses an organisation u may not write a new deed for.
	check := c
	if _, err := s.check(ctx, u, &check, ModeSubmit, id); err != nil {
		return nil, err
	}
	if !opt.NotLookAlike && s.LookAlikes != nil {
		if ids := s.LookAlikes(ctx, id, check); len(ids) > 0 {
			return nil, &LookAlikesError{IDs: ids}
		}
	}
	if id == 0 {
		d, err := s.Create(ctx, u, c)
		if err != nil {
			return nil, err
		}
		id = d.ID
	}
	return s.Submit(ctx, u, id, c)
}
