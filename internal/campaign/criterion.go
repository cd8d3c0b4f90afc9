package campaign

import (
	"context"
	"fmt"
	"math"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Judging criteria of a campaign.

// CriterionInput is what a programme admin gives for a criterion.
type CriterionInput struct {
	Name, Description i18n.Text
	Weight            float64
	ScaleMin          int
	ScaleMax          int
	Position          int
}

func (in *CriterionInput) check() FieldErrors {
	in.Name, in.Description = cleanText(in.Name), cleanText(in.Description)
	errs := FieldErrors{}
	checkText(errs, "name", in.Name, true, MaxName)
	checkText(errs, "description", in.Description, false, MaxText)
	if math.IsNaN(in.Weight) || in.Weight <= 0 || in.Weight > 100 {
		errs["weight"] = ErrKeyWeightRange
	}
	if in.ScaleMax <= in.ScaleMin || in.ScaleMax-in.ScaleMin > MaxScaleSteps {
		errs["scale"] = ErrKeyScaleInvalid
	}
	return errs
}

// AddCriterion adds a judging criterion to a campaign.
func (s *Service) AddCriterion(ctx context.Context, u *user.User, campaignID int64, in CriterionInput) (*Criterion, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	if errs := in.check(); len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO campaign_criteria (campaign_id, name_fi, name_sv, name_en, description_fi, description_sv, description_en,
			weight, scale_min, scale_max, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			campaignID, in.Name.FI, in.Name.SV, in.Name.EN, in.Description.FI, in.Description.SV, in.Description.EN,
			in.Weight, in.ScaleMin, in.ScaleMax, in.Position)
		if err != nil {
			return fmt.Errorf("campaign %d: add criterion: %w", campaignID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, campaignID, AuditCriterion, fmt.Sprintf("criterion:%d", id),
			fmt.Sprintf("%s (weight %g, %d–%d)", in.Name.FI, in.Weight, in.ScaleMin, in.ScaleMax))
	})
	if err != nil {
		return nil, err
	}
	return s.criterion(ctx, id)
}

// UpdateCriterion changes a criterion. Its scale is fixed once jurors
// have scored on it, or their scores would change meaning.
func (s *Service) UpdateCriterion(ctx context.Context, u *user.User, criterionID int64, in CriterionInput) (*Criterion, error) {
	cr, err := s.criterion(ctx, criterionID)
	if err != nil {
		return nil, err
	}
	c, err := s.manage(ctx, u, cr.CampaignID)
	if err != nil {
		return nil, err
	}
	errs := in.check()
	n, err := s.countScores(ctx, criterionID)
	if err != nil {
		return nil, err
	}
	if n > 0 && (in.ScaleMin != cr.ScaleMin || in.ScaleMax != cr.ScaleMax) {
		errs["scale"] = ErrKeyInUse
	}
	if len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE campaign_criteria SET name_fi = ?, name_sv = ?, name_en = ?, description_fi = ?, description_sv = ?, description_en = ?,
			weight = ?, scale_min = ?, scale_max = ?, position = ? WHERE id = ?`,
			in.Name.FI, in.Name.SV, in.Name.EN, in.Description.FI, in.Description.SV, in.Description.EN,
			in.Weight, in.ScaleMin, in.ScaleMax, in.Position, criterionID); err != nil {
			return fmt.Errorf("campaign: update criterion %d: %w", criterionID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditCriterion, fmt.Sprintf("criterion:%d", criterionID),
			fmt.Sprintf("%s (weight %g, %d–%d)", in.Name.FI, in.Weight, in.ScaleMin, in.ScaleMax))
	})
	if err != nil {
		return nil, err
	}
	return s.criterion(ctx, criterionID)
}

// DeleteCriterion removes a criterion nobody has scored on.
func (s *Service) DeleteCriterion(ctx context.Context, u *user.User, criterionID int64) error {
	cr, err := s.criterion(ctx, criterionID)
	if err != nil {
		return err
	}
	c, err := s.manage(ctx, u, cr.CampaignID)
	if err != nil {
		return err
	}
	n, err := s.countScores(ctx, criterionID)
	if err != nil {
		return err
	}
	if n > 0 {
		return FieldErrors{"criterion": ErrKeyInUse}
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM campaign_criteria WHERE id = ?`, criterionID); err != nil {
			return fmt.Errorf("campaign: delete criterion %d: %w", criterionID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditCriterionDeleted, fmt.Sprintf("criterion:%d", criterionID), cr.Name.FI)
	})
}

func (s *Service) countScores(ctx context.Context, criterionID int64) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_scores WHERE criterion_id = ?`, criterionID).Scan(&n); err != nil {
		return 0, fmt.Errorf("campaign: criterion %d scores: %w", criterionID, err)
	}
	return n, nil
}

const criterionSelect = `SELECT id, campaign_id, name_fi, name_sv, name_en, description_fi, description_sv, description_en,
	weight, scale_min, scale_max, position FROM campaign_criteria`

func (s *Service) queryCriteria(ctx context.Context, where string, args ...any) ([]Criterion, error) {
	rows, err := s.db.Query(ctx, criterionSelect+" WHERE "+where+" ORDER BY position, id", args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: criteria: %w", err)
	}
	defer rows.Close()
	out := []Criterion{}
	for rows.Next() {
		var c Criterion
		if err := rows.Scan(&c.ID, &c.CampaignID, &c.Name.FI, &c.Name.SV, &c.Name.EN, &c.Description.FI, &c.Description.SV, &c.Description.EN,
			&c.Weight, &c.ScaleMin, &c.ScaleMax, &c.Position); err != nil {
			return nil, fmt.Errorf("campaign: criteria: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) criteria(ctx context.Context, campaignID int64) ([]Criterion, error) {
	return s.queryCriteria(ctx, "campaign_id = ?", campaignID)
}

func (s *Service) criterion(ctx context.Context, id int64) (*Criterion, error) {
	cs, err := s.queryCriteria(ctx, "id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, ErrNotFound
	}
	return &cs[0], nil
}
