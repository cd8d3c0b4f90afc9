package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Programmes: the bodies that run campaigns, and their admins.

// ProgrammeInput is what a site admin gives for a programme.
type ProgrammeInput struct {
	Name        i18n.Text
	Description i18n.Text
}

func (in *ProgrammeInput) check() FieldErrors {
	in.Name, in.Description = cleanText(in.Name), cleanText(in.Description)
	errs := FieldErrors{}
	checkText(errs, "name", in.Name, true, MaxName)
	checkText(errs, "description", in.Description, false, MaxText)
	return errs
}

// CreateProgramme starts a programme; only site admins may.
func (s *Service) CreateProgramme(ctx context.Context, u *user.User, in ProgrammeInput) (*Programme, error) {
	if !Can(u, ActionCreateProgramme, Standing{}) {
		return nil, ErrForbidden
	}
	if errs := in.check(); len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	var id int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO programmes (name_fi, name_sv, name_en, description_fi, description_sv, description_en, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Name.FI, in.Name.SV, in.Name.EN,
			in.Description.FI, in.Description.SV, in.Description.EN, nullID(uid(u)), now, now)
		if err != nil {
			return fmt.Errorf("campaign: create programme: %w", err)
		}
		return audit(ctx, tx, now, u, id, 0, AuditProgramme, "", in.Name.FI)
	})
	if err != nil {
		return nil, err
	}
	return s.Programme(ctx, id)
}

// UpdateProgramme changes a programme's name and description.
func (s *Service) UpdateProgramme(ctx context.Context, u *user.User, id int64, in ProgrammeInput) (*Programme, error) {
	if err := s.mustManageProgramme(ctx, u, id); err != nil {
		return nil, err
	}
	if errs := in.check(); len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE programmes SET name_fi = ?, name_sv = ?, name_en = ?, description_fi = ?, description_sv = ?, description_en = ?, updated_at = ? WHERE id = ?`,
			in.Name.FI, in.Name.SV, in.Name.EN, in.Description.FI, in.Description.SV, in.Description.EN, now, id); err != nil {
			return fmt.Errorf("campaign: update programme %d: %w", id, err)
		}
		return audit(ctx, tx, now, u, id, 0, AuditProgramme, "", in.Name.FI)
	})
	if err != nil {
		return nil, err
	}
	return s.Programme(ctx, id)
}

// Programme returns a programme with its admins' ids.
func (s *Service) Programme(ctx context.Context, id int64) (*Programme, error) {
	ps, err := s.queryProgrammes(ctx, "WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, ErrNotFound
	}
	p := &ps[0]
	rows, err := s.db.Query(ctx, `SELECT user_id FROM programme_admins WHERE programme_id = ? ORDER BY user_id`, id)
	if err != nil {
		return nil, fmt.Errorf("campaign: programme %d admins: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid int64
		if err := rows.Scan(&uid); err != nil {
			return nil, fmt.Errorf("campaign: programme %d admins: %w", id, err)
		}
		p.AdminIDs = append(p.AdminIDs, uid)
	}
	return p, rows.Err()
}

// Programmes lists every programme, oldest first.
func (s *Service) Programmes(ctx context.Context) ([]Programme, error) {
	return s.queryProgrammes(ctx, "")
}

// ProgrammeCampaigns is a programme with its campaigns, newest first.
type ProgrammeCampaigns struct {
	Programme
	Campaigns []Campaign
}

// ManagedProgrammes lists the programmes u runs (every programme for a
// site admin), oldest first, each with its admins' ids and its campaigns.
// It takes the same few queries however many programmes there are.
func (s *Service) ManagedProgrammes(ctx context.Context, u *user.User) ([]ProgrammeCampaigns, error) {
	if u == nil || u.Disabled {
		return nil, nil
	}
	// Site admins run every programme; the others those they are listed
	// for.
	mine, args := "", []any{}
	if !Can(u, ActionManage, Standing{}) {
		mine, args = "IN (SELECT programme_id FROM programme_admins WHERE user_id = ?)", []any{u.ID}
	}
	where := ""
	if mine != "" {
		where = "WHERE id " + mine
	}
	ps, err := s.queryProgrammes(ctx, where, args...)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	where = ""
	if mine != "" {
		where = "WHERE programme_id " + mine
	}
	admins, err := s.programmeAdmins(ctx, where, args...)
	if err != nil {
		return nil, err
	}
	where = ""
	if mine != "" {
		where = "c.programme_id " + mine
	}
	cs, err := s.queryCampaigns(ctx, where, args...)
	if err != nil {
		return nil, err
	}
	out := make([]ProgrammeCampaigns, len(ps))
	for i, p := range ps {
		p.AdminIDs = admins[p.ID]
		out[i] = ProgrammeCampaigns{Programme: p, Campaigns: []Campaign{}}
		for _, c := range cs {
			if c.ProgrammeID == p.ID {
				out[i].Campaigns = append(out[i].Campaigns, c)
			}
		}
	}
	return out, nil
}

// programmeAdmins maps the programmes that where (on programme_admins)
// picks to their admins' ids.
func (s *Service) programmeAdmins(ctx context.Context, where string, args ...any) (map[int64][]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT programme_id, user_id FROM programme_admins `+where+` ORDER BY programme_id, user_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: programme admins: %w", err)
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var p, u int64
		if err := rows.Scan(&p, &u); err != nil {
			return nil, fmt.Errorf("campaign: programme admins: %w", err)
		}
		out[p] = append(out[p], u)
	}
	return out, rows.Err()
}

// ManagesAny reports whether u runs any programme or may start one, for
// a link to the admin pages.
func (s *Service) ManagesAny(ctx context.Context, u *user.User) (bool, error) {
	if Can(u, ActionCreateProgramme, Standing{}) {
		return true, nil
	}
	if u == nil {
		return false, nil
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM programme_admins WHERE user_id = ?`, u.ID).Scan(&n); err != nil {
		return false, fmt.Errorf("campaign: manages any: %w", err)
	}
	return Can(u, ActionManage, Standing{ProgrammeAdmin: n > 0}), nil
}

func (s *Service) queryProgrammes(ctx context.Context, where string, args ...any) ([]Programme, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name_fi, name_sv, name_en, description_fi, description_sv, description_en, created_at
		FROM programmes `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: programmes: %w", err)
	}
	defer rows.Close()
	var out []Programme
	for rows.Next() {
		var p Programme
		if err := rows.Scan(&p.ID, &p.Name.FI, &p.Name.SV, &p.Name.EN, &p.Description.FI, &p.Description.SV, &p.Description.EN, &p.CreatedAt); err != nil {
			return nil, fmt.Errorf("campaign: programmes: %w", err)
		}
		p.CreatedAt = p.CreatedAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddProgrammeAdmin lists the account with email as an admin of the
// programme. Site admins and the programme's admins may.
func (s *Service) AddProgrammeAdmin(ctx context.Context, u *user.User, programmeID int64, email string) error {
	if err := s.mustManageProgramme(ctx, u, programmeID); err != nil {
		return err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	var target int64
	err := s.db.QueryRow(ctx, `SELECT id FROM users WHERE LOWER(email) = ? ORDER BY id LIMIT 1`, email).Scan(&target)
	if errors.Is(err, sql.ErrNoRows) {
		return FieldErrors{"email": ErrKeyUserUnknown}
	}
	if err != nil {
		return fmt.Errorf("campaign: add programme admin: %w", err)
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM programme_admins WHERE programme_id = ? AND user_id = ?`, programmeID, target).Scan(&n); err != nil {
			return fmt.Errorf("campaign: add programme admin: %w", err)
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO programme_admins (programme_id, user_id, created_at) VALUES (?, ?, ?)`, programmeID, target, now); err != nil {
			return fmt.Errorf("campaign: add programme admin: %w", err)
		}
		return audit(ctx, tx, now, u, programmeID, 0, AuditAdminAdded, fmt.Sprintf("user:%d", target), email)
	})
}

// RemoveProgrammeAdmin takes a user off the programme's admins.
func (s *Service) RemoveProgrammeAdmin(ctx context.Context, u *user.User, programmeID, userID int64) error {
	if err := s.mustManageProgramme(ctx, u, programmeID); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM programme_admins WHERE programme_id = ? AND user_id = ?`, programmeID, userID); err != nil {
			return fmt.Errorf("campaign: remove programme admin: %w", err)
		}
		return audit(ctx, tx, now, u, programmeID, 0, AuditAdminRemoved, fmt.Sprintf("user:%d", userID), "")
	})
}
