package campaign

import (
	"context"
	"fmt"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Award categories of a campaign.

// CategoryInput is what a programme admin gives for a category.
type CategoryInput struct {
	Name, Description i18n.Text
	Kind              Kind
	Rule              Rule
	Winners           int
	Mentions          int
	Position          int
}

func (in *CategoryInput) check() FieldErrors {
	in.Name, in.Description = cleanText(in.Name), cleanText(in.Description)
	errs := FieldErrors{}
	checkText(errs, "name", in.Name, true, MaxName)
	checkText(errs, "description", in.Description, false, MaxText)
	if in.Kind != KindDeed && in.Kind != KindOrg {
		errs["kind"] = ErrKeyChoiceInvalid
	}
	switch in.Rule {
	case RuleJury:
	case RuleMostDeeds:
		// Counting deeds ranks organisations, not single deeds.
		if in.Kind != KindOrg {
			errs["rule"] = ErrKeyChoiceInvalid
		}
	default:
		errs["rule"] = ErrKeyChoiceInvalid
	}
	if in.Winners < 0 || in.Winners > MaxWinners {
		errs["winners"] = ErrKeyCountRange
	}
	if in.Mentions < 0 || in.Mentions > MaxWinners {
		errs["mentions"] = ErrKeyCountRange
	}
	if in.Winners+in.Mentions == 0 && errs["winners"] == "" {
		errs["winners"] = ErrKeyCountRange
	}
	return errs
}

// AddCategory adds an award category to a campaign.
func (s *Service) AddCategory(ctx context.Context, u *user.User, campaignID int64, in CategoryInput) (*Category, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	errs := in.check()
	if len(c.Categories) >= MaxCategories {
		errs["name_fi"] = ErrKeyCountRange
	}
	if len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO campaign_categories (campaign_id, name_fi, name_sv, name_en, description_fi, description_sv, description_en,
			kind, rule, winners, mentions, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			campaignID, in.Name.FI, in.Name.SV, in.Name.EN, in.Description.FI, in.Description.SV, in.Description.EN,
			string(in.Kind), string(in.Rule), in.Winners, in.Mentions, in.Position)
		if err != nil {
			return fmt.Errorf("campaign %d: add category: %w", campaignID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, campaignID, AuditCategory, fmt.Sprintf("category:%d", id),
			fmt.Sprintf("%s (%s, %d+%d)", in.Name.FI, in.Kind, in.Winners, in.Mentions))
	})
	if err != nil {
		return nil, err
	}
	return s.category(ctx, id)
}

// UpdateCategory changes a category. Its kind and rule are fixed once it
// has entries, and its quotas cannot drop below the decisions already made.
func (s *Service) UpdateCategory(ctx context.Context, u *user.User, categoryID int64, in CategoryInput) (*Category, error) {
	cat, err := s.category(ctx, categoryID)
	if err != nil {
		return nil, err
	}
	c, err := s.manage(ctx, u, cat.CampaignID)
	if err != nil {
		return nil, err
	}
	errs := in.check()
	entries, err := s.countEntries(ctx, categoryID)
	if err != nil {
		return nil, err
	}
	if entries > 0 && (in.Kind != cat.Kind || in.Rule != cat.Rule) {
		errs["kind"] = ErrKeyInUse
	}
	counts, err := s.decisionCounts(ctx, s.db, categoryID)
	if err != nil {
		return nil, err
	}
	if counts[Winner] > in.Winners {
		errs["winners"] = ErrKeyInUse
	}
	if counts[Mention] > in.Mentions {
		errs["mentions"] = ErrKeyInUse
	}
	if len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE campaign_categories SET name_fi = ?, name_sv = ?, name_en = ?, description_fi = ?, description_sv = ?, description_en = ?,
			kind = ?, rule = ?, winners = ?, mentions = ?, position = ? WHERE id = ?`,
			in.Name.FI, in.Name.SV, in.Name.EN, in.Description.FI, in.Description.SV, in.Description.EN,
			string(in.Kind), string(in.Rule), in.Winners, in.Mentions, in.Position, categoryID); err != nil {
			return fmt.Errorf("campaign: update category %d: %w", categoryID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditCategory, fmt.Sprintf("category:%d", categoryID),
			fmt.Sprintf("%s (%s, %d+%d)", in.Name.FI, in.Kind, in.Winners, in.Mentions))
	})
	if err != nil {
		return nil, err
	}
	return s.category(ctx, categoryID)
}

// DeleteCategory removes a category that has no entries.
func (s *Service) DeleteCategory(ctx context.Context, u *user.User, categoryID int64) error {
	cat, err := s.category(ctx, categoryID)
	if err != nil {
		return err
	}
	c, err := s.manage(ctx, u, cat.CampaignID)
	if err != nil {
		return err
	}
	n, err := s.countEntries(ctx, categoryID)
	if err != nil {
		return err
	}
	if n > 0 {
		return FieldErrors{"category": ErrKeyInUse}
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM campaign_categories WHERE id = ?`, categoryID); err != nil {
			return fmt.Errorf("campaign: delete category %d: %w", categoryID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditCategoryDeleted, fmt.Sprintf("category:%d", categoryID), cat.Name.FI)
	})
}

func (s *Service) countEntries(ctx context.Context, categoryID int64) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_entries WHERE category_id = ?`, categoryID).Scan(&n); err != nil {
		return 0, fmt.Errorf("campaign: category %d entries: %w", categoryID, err)
	}
	return n, nil
}

const categorySelect = `SELECT id, campaign_id, name_fi, name_sv, name_en, description_fi, description_sv, description_en,
	kind, rule, winners, mentions, position FROM campaign_categories`

func (s *Service) queryCategories(ctx context.Context, where string, args ...any) ([]Category, error) {
	rows, err := s.db.Query(ctx, categorySelect+" WHERE "+where+" ORDER BY position, id", args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: categories: %w", err)
	}
	defer rows.Close()
	out := []Category{}
	for rows.Next() {
		var c Category
		var kind, rule string
		if err := rows.Scan(&c.ID, &c.CampaignID, &c.Name.FI, &c.Name.SV, &c.Name.EN, &c.Description.FI, &c.Description.SV, &c.Description.EN,
			&kind, &rule, &c.Winners, &c.Mentions, &c.Position); err != nil {
			return nil, fmt.Errorf("campaign: categories: %w", err)
		}
		c.Kind, c.Rule = Kind(kind), Rule(rule)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) categories(ctx context.Context, campaignID int64) ([]Category, error) {
	return s.queryCategories(ctx, "campaign_id = ?", campaignID)
}

func (s *Service) category(ctx context.Context, id int64) (*Category, error) {
	cs, err := s.queryCategories(ctx, "id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, ErrNotFound
	}
	return &cs[0], nil
}
