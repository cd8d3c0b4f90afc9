package deed

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/user"
)

// Filter narrows a listing. Values within one field are alternatives (any
// of them); fields combine (all of them).
type Filter struct {
	Sectors      []string
	Themes       []string
	ClientGroups []string
	OrgCodes     []string
	Regions      []string
	Counties     []string
	Years        []int
	Statuses     []string
	Langs        []string
	States       []State // default: published only
	AuthorID     int64
	OrgID        int64
	// PendingEdits adds published deeds whose edit waits for a moderator.
	PendingEdits bool
	Sort         string // "newest" (default), "oldest", "title"
	Limit        int
	Offset       int
}

// Page is one page of a listing with the total it was cut from.
type Page struct {
	Total int
	Items []*Deed
}

// MaxLimit caps a page so that no request can ask for the whole bank.
const MaxLimit = 100

// List returns the deeds matching f. Only moderators see other people's
// unpublished deeds: for anyone else, states other than published and
// archived are limited to their own deeds and their organisation's.
func (s *Service) List(ctx context.Context, u *user.User, f Filter) (Page, error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	states := f.States
	if len(states) == 0 {
		states = []State{Published}
	}
	stateArgs := make([]any, len(states))
	private := false
	for i, st := range states {
		stateArgs[i] = string(st)
		if st != Published && st != Archived {
			private = true
		}
	}
	stateCond := "d.state IN (" + store.Placeholders(len(states)) + ")"
	if f.PendingEdits {
		stateCond = "(" + stateCond + " OR (d.state = 'published' AND d.pending_state = 'submitted'))"
	}
	add(stateCond, stateArgs...)
	if private && !u.IsModerator() {
		if u == nil {
			return Page{}, nil
		}
		if u.Role.AtLeast(user.RoleOrgEditor) && u.OrgID != 0 {
			add("(d.state IN ('published', 'archived') OR d.author_id = ? OR d.org_id = ?)", u.ID, u.OrgID)
		} else {
			add("(d.state IN ('published', 'archived') OR d.author_id = ?)", u.ID)
		}
	}
	if f.AuthorID != 0 {
		add("d.author_id = ?", f.AuthorID)
	}
	if f.OrgID != 0 {
		add("d.org_id = ?", f.OrgID)
	}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		a := make([]any, len(vals))
		for i, v := range vals {
			a[i] = v
		}
		add(col+" IN ("+store.Placeholders(len(vals))+")", a...)
	}
	if len(f.Sectors) > 0 {
		a := make([]any, 0, len(f.Sectors)+1)
		a = append(a, string(taxonomy.Sector))
		for _, v := range f.Sectors {
			a = append(a, v)
		}
		add("d.sector_id IN (SELECT id FROM terms WHERE kind = ? AND slug IN ("+store.Placeholders(len(f.Sectors))+"))", a...)
	}
	termFilter := func(k taxonomy.Kind, vals []string) {
		if len(vals) == 0 {
			return
		}
		a := []any{string(k)}
		for _, v := range vals {
			a = append(a, v)
		}
		add(`EXISTS (SELECT 1 FROM deed_terms dt JOIN terms t ON t.id = dt.term_id
			WHERE dt.deed_id = d.id AND t.kind = ? AND t.slug IN (`+store.Placeholders(len(vals))+`))`, a...)
	}
	termFilter(taxonomy.Theme, f.Themes)
	termFilter(taxonomy.ClientGroup, f.ClientGroups)
	in("o.code", f.OrgCodes)
	in("d.region_code", f.Regions)
	in("d.county_code", f.Counties)
	in("d.status", f.Statuses)
	in("d.lang", f.Langs)
	if len(f.Years) > 0 {
		a := make([]any, len(f.Years))
		for i, y := range f.Years {
			a[i] = y
		}
		add("d.year_started IN ("+store.Placeholders(len(a))+")", a...)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM deeds d JOIN organisations o ON o.id = d.org_id WHERE `+cond, args...).Scan(&total); err != nil {
		return Page{}, fmt.Errorf("deed: count: %w", err)
	}
	order := "COALESCE(d.published_at, d.updated_at) DESC, d.id DESC"
	switch f.Sort {
	case "oldest":
		order = "COALESCE(d.published_at, d.updated_at) ASC, d.id ASC"
	case "title":
		order = "d.title ASC, d.id ASC"
	case "updated":
		order = "d.updated_at DESC, d.id DESC"
	}
	limit, offset := f.Limit, f.Offset
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, MaxLimit)
	if offset < 0 {
		offset = 0
	}
	rows, err := s.db.Query(ctx, deedSelect+" WHERE "+cond+" ORDER BY "+order+" LIMIT ? OFFSET ?", append(args, limit, offset)...)
	if err != nil {
		return Page{}, fmt.Errorf("deed: list: %w", err)
	}
	defer rows.Close()
	var items []*Deed
	for rows.Next() {
		d, err := scanDeed(rows)
		if err != nil {
			return Page{}, fmt.Errorf("deed: list: %w", err)
		}
		items = append(items, d)
	}
	if err := rows.Err(); err != nil {
		return Page{}, fmt.Errorf("deed: list: %w", err)
	}
	if err := loadTerms(ctx, s.db, items); err != nil {
		return Page{}, err
	}
	return Page{Total: total, Items: items}, nil
}

// Count returns how many deeds are published, for the home page.
func (s *Service) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM deeds WHERE state = 'published'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("deed: count: %w", err)
	}
	return n, nil
}

// TermCount is how many published deeds carry a term.
type TermCount struct {
	Kind  taxonomy.Kind
	Slug  string
	Count int
}

// TermCounts counts published deeds per sector, theme and client group,
// for the home page's ways in.
func (s *Service) TermCounts(ctx context.Context) ([]TermCount, error) {
	rows, err := s.db.Query(ctx, `SELECT t.kind, t.slug, COUNT(*) FROM deeds d JOIN terms t ON t.id = d.sector_id
		WHERE d.state = 'published' GROUP BY t.kind, t.slug
		UNION ALL
		SELECT t.kind, t.slug, COUNT(*) FROM deed_terms dt JOIN deeds d ON d.id = dt.deed_id JOIN terms t ON t.id = dt.term_id
		WHERE d.state = 'published' GROUP BY t.kind, t.slug`)
	if err != nil {
		return nil, fmt.Errorf("deed: term counts: %w", err)
	}
	defer rows.Close()
	var out []TermCount
	for rows.Next() {
		var c TermCount
		var kind string
		if err := rows.Scan(&kind, &c.Slug, &c.Count); err != nil {
			return nil, fmt.Errorf("deed: term counts: %w", err)
		}
		c.Kind = taxonomy.Kind(kind)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Years lists the years that published deeds started in, newest first.
func (s *Service) Years(ctx context.Context) ([]int, error) {
	rows, err := s.db.Query(ctx, `SELECT DISTINCT year_started FROM deeds WHERE state = 'published' AND year_started IS NOT NULL ORDER BY year_started DESC`)
	if err != nil {
		return nil, fmt.Errorf("deed: years: %w", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, fmt.Errorf("deed: years: %w", err)
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// PublicRef is what a sitemap needs of a public deed.
type PublicRef struct {
	ID        int64
	Slug      string
	UpdatedAt time.Time
}

// PublicRefs lists public deeds (published and archived, whose pages stay
// readable) in id order from offset, at most limit, with how many there
// are in all.
func (s *Service) PublicRefs(ctx context.Context, offset, limit int) ([]PublicRef, int, error) {
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM deeds WHERE state IN ('published', 'archived')`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("deed: public refs: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT id, slug, updated_at FROM deeds WHERE state IN ('published', 'archived') ORDER BY id LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("deed: public refs: %w", err)
	}
	defer rows.Close()
	var out []PublicRef
	for rows.Next() {
		var p PublicRef
		if err := rows.Scan(&p.ID, &p.Slug, &p.UpdatedAt); err != nil {
			return nil, 0, fmt.Errorf("deed: public refs: %w", err)
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}
