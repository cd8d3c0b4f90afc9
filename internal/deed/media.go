package deed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/media"
	"github.com/tekotori/tekotori/internal/user"
)

// Media is a stored upload.
type Media struct {
	ID          int64
	DeedID      int64
	OwnerID     int64
	Kind        string
	ContentType string
	Filename    string
	Size        int64
	Width       int
	Height      int
	Data        []byte
	Thumb       []byte
	ThumbType   string
	CreatedAt   time.Time
}

// StoreUpload keeps a validated upload for u. It belongs to nobody's deed
// until a saved deed refers to it, so a form that fails validation can
// come back with its files still there. With u nil (a form posted after
// its session expired) it waits for ClaimUploads.
func (s *Service) StoreUpload(ctx context.Context, u *user.User, f *media.File, filename string) (int64, error) {
	var owner sql.NullInt64
	if u != nil {
		owner = sql.NullInt64{Int64: u.ID, Valid: true}
	}
	name := clean(filepath.Base(strings.ReplaceAll(filename, "\\", "/")))
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	if len([]rune(name)) > MaxShortText {
		name = string([]rune(name)[:MaxShortText])
	}
	var thumb any
	if len(f.Thumb) > 0 {
		thumb = f.Thumb
	}
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO media (owner_id, kind, content_type, filename, size, width, height, data, thumb, thumb_type, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		owner, string(f.Kind), f.ContentType, name, len(f.Data), f.Width, f.Height, f.Data, thumb, f.ThumbType, s.now()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("deed: store upload: %w", err)
	}
	return id, nil
}

// Media returns an upload if u may see it: anyone may see what a public
// deed shows; the uploader and the deed's writers may see the rest.
func (s *Service) Media(ctx context.Context, u *user.User, id int64) (*Media, error) {
	var m Media
	var deedID, ownerID sql.NullInt64
	err := s.db.QueryRow(ctx, `SELECT id, deed_id, owner_id, kind, content_type, filename, size, width, height, data, thumb, thumb_type, created_at
		FROM media WHERE id = ?`, id).Scan(&m.ID, &deedID, &ownerID, &m.Kind, &m.ContentType, &m.Filename, &m.Size,
		&m.Width, &m.Height, &m.Data, &m.Thumb, &m.ThumbType, &m.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("deed: media %d: %w", id, err)
	}
	m.DeedID, m.OwnerID = deedID.Int64, ownerID.Int64
	if u != nil && m.OwnerID == u.ID {
		return &m, nil
	}
	if m.DeedID == 0 {
		return nil, ErrNotFound
	}
	d, err := getDeed(ctx, s.db, "d.id = ?", m.DeedID)
	if err != nil {
		return nil, err
	}
	if Can(u, ActionViewPrivate, d) {
		return &m, nil
	}
	if d.IsPublic() && (slices.ContainsFunc(d.Images, func(r MediaRef) bool { return r.ID == id }) ||
		slices.ContainsFunc(d.Attachments, func(r MediaRef) bool { return r.ID == id })) {
		return &m, nil
	}
	return nil, ErrNotFound
}

// MediaInfo returns the names and sizes of uploads without their bytes,
// for forms that list what is attached. Only uploads the form may show are
// described: those of deed deedID (0 for a new deed), u's own not yet
// attached to a deed, and kept, the unowned uploads of a form this browser
// kept over an expired session. Any other id is left out, so a form never
// names someone else's private file.
func (s *Service) MediaInfo(ctx context.Context, u *user.User, deedID int64, ids, kept []int64) (map[int64]Media, error) {
	out := map[int64]Media{}
	if u == nil {
		return out, nil
	}
	for _, id := range ids {
		var m Media
		var mDeed, owner sql.NullInt64
		err := s.db.QueryRow(ctx, `SELECT id, deed_id, owner_id, kind, content_type, filename, size, width, height FROM media WHERE id = ?`, id).
			Scan(&m.ID, &mDeed, &owner, &m.Kind, &m.ContentType, &m.Filename, &m.Size, &m.Width, &m.Height)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("deed: media info %d: %w", id, err)
		}
		mine := (deedID != 0 && mDeed.Valid && mDeed.Int64 == deedID) ||
			(!mDeed.Valid && owner.Valid && owner.Int64 == u.ID) ||
			(!mDeed.Valid && !owner.Valid && slices.Contains(kept, id))
		if mine {
			out[id] = m
		}
	}
	return out, nil
}

// ClaimUploads gives uploads kept without an owner to u, who has signed in
// to finish the form they came with.
func (s *Service) ClaimUploads(ctx context.Context, u *user.User, ids []int64) error {
	if u == nil {
		return ErrForbidden
	}
	for _, id := range ids {
		if _, err := s.db.Exec(ctx, `UPDATE media SET owner_id = ? WHERE id = ? AND owner_id IS NULL AND deed_id IS NULL`, u.ID, id); err != nil {
			return fmt.Errorf("deed: claim upload %d: %w", id, err)
		}
	}
	return nil
}

// Uploads that never became part of a deed are kept only so long: those of
// a form kept over an expired session a little longer than the form itself
// waits, and a signed-in person's for two days after a form that failed.
const (
	unclaimedUploadLifetime = 25 * time.Hour
	unusedUploadLifetime    = 48 * time.Hour
)

// PurgeUnusedUploads deletes uploads that no deed refers to and nobody can
// still claim, and reports how many went.
func (s *Service) PurgeUnusedUploads(ctx context.Context) (int64, error) {
	now := s.now()
	res, err := s.db.Exec(ctx, `DELETE FROM media WHERE deed_id IS NULL AND
		((owner_id IS NULL AND created_at < ?) OR (owner_id IS NOT NULL AND created_at < ?))`,
		now.Add(-unclaimedUploadLifetime), now.Add(-unusedUploadLifetime))
	if err != nil {
		return 0, fmt.Errorf("deed: purge uploads: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("deed: purge uploads: %w", err)
	}
	return n, nil
}
