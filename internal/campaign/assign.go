package campaign

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Pair is one juror on one entry.
type Pair struct {
	Entry int64 `json:"entry_id"`
	Juror int64 `json:"juror_id"`
}

// planAssignments tops every entry up to k jurors, keeping the pairs it
// already has. It is greedy: entries with the fewest eligible jurors to
// spare go first, so that conflicts do not leave them short, and each
// takes the least-loaded eligible jurors. Ties break on a hash of the pair
// rather than on ids, so that juror groups mix across entries (which is
// what lets normalisation compare jurors) and the plan is still the same
// every time for the same input. It returns the new pairs and the entries
// left with fewer than k jurors.
func planAssignments(entries, jurors []int64, k int, have, conflicted map[Pair]bool) (added []Pair, short []int64) {
	load := make(map[int64]int, len(jurors))
	count := make(map[int64]int, len(entries))
	for p := range have {
		load[p.Juror]++
		count[p.Entry]++
	}
	spare := make(map[int64]int, len(entries))
	for _, e := range entries {
		n := 0
		for _, j := range jurors {
			p := Pair{e, j}
			if !have[p] && !conflicted[p] {
				n++
			}
		}
		spare[e] = n - (k - count[e])
	}
	order := slices.Clone(entries)
	slices.SortFunc(order, func(a, b int64) int {
		if c := cmp.Compare(spare[a], spare[b]); c != 0 {
			return c
		}
		return cmp.Compare(mix(a, 0), mix(b, 0))
	})
	cand := make([]int64, 0, len(jurors))
	for _, e := range order {
		need := k - count[e]
		if need <= 0 {
			continue
		}
		cand = cand[:0]
		for _, j := range jurors {
			p := Pair{e, j}
			if !have[p] && !conflicted[p] {
				cand = append(cand, j)
			}
		}
		slices.SortFunc(cand, func(a, b int64) int {
			if c := cmp.Compare(load[a], load[b]); c != 0 {
				return c
			}
			return cmp.Compare(mix(e, a), mix(e, b))
		})
		if len(cand) < need {
			short = append(short, e)
			need = len(cand)
		}
		for _, j := range cand[:need] {
			added = append(added, Pair{e, j})
			load[j]++
		}
	}
	slices.Sort(short)
	return added, short
}

// mix is splitmix64 over a pair of ids: a cheap, fixed, well-spread hash.
func mix(a, b int64) uint64 {
	z := uint64(a)*0x9E3779B97F4A7C15 ^ uint64(b)
	z += 0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// AssignReport says what automatic assignment did.
type AssignReport struct {
	Added int `json:"added"`
	// Short lists the entries that could not get JurorsPerEntry jurors,
	// because too few jurors are free of conflicts with them.
	Short []int64 `json:"short"`
	// Load is how many entries each juror now has.
	Load map[int64]int `json:"load"`
	// Linked counts the pairs added beyond JurorsPerEntry to link jurors'
	// groups that would otherwise share no entry (linkPanels), when
	// JurorsPerEntry is 2 or more.
	Linked int `json:"linked"`
}

func (s *Service) pairs(ctx context.Context, q store.Querier, query string, args ...any) (map[Pair]bool, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[Pair]bool{}
	for rows.Next() {
		var p Pair
		if err := rows.Scan(&p.Entry, &p.Juror); err != nil {
			return nil, err
		}
		out[p] = true
	}
	return out, rows.Err()
}

// AssignAutomatically gives every jury-judged entry JurorsPerEntry
// jurors, balancing the jurors' loads and respecting conflicts. It keeps
// the assignments already made, so the admin's adjustments survive.
func (s *Service) AssignAutomatically(ctx context.Context, u *user.User, campaignID int64) (*AssignReport, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rep := &AssignReport{Load: map[int64]int{}}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.syncConflicts(ctx, tx, c, now, 0, 0); err != nil {
			return err
		}
		jurors, err := s.jurors(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		entries, err := s.entriesOf(ctx, tx, "campaign_id = ?", c.ID)
		if err != nil {
			return err
		}
		var eids, jids []int64
		for _, e := range entries {
			if cat := c.Category(e.CategoryID); cat != nil && cat.Rule == RuleJury {
				eids = append(eids, e.ID)
			}
		}
		for _, j := range jurors {
			jids = append(jids, j.UserID)
		}
		have, err := s.pairs(ctx, tx, `SELECT entry_id, user_id FROM campaign_assignments WHERE campaign_id = ?`, c.ID)
		if err != nil {
			return fmt.Errorf("campaign %d: assign: %w", c.ID, err)
		}
		conflicted, err := s.pairs(ctx, tx, `SELECT entry_id, user_id FROM campaign_conflicts WHERE campaign_id = ?`, c.ID)
		if err != nil {
			return fmt.Errorf("campaign %d: assign: %w", c.ID, err)
		}
		added, short := planAssignments(eids, jids, c.JurorsPerEntry, have, conflicted)
		plan := map[Pair]bool{}
		for p := range have {
			plan[p] = true
		}
		for _, p := range added {
			plan[p] = true
		}
		// With one juror an entry every juror is a panel of their own, and
		// linking them all would double the work; the ranking still warns.
		if c.JurorsPerEntry >= 2 {
			links := linkPanels(plan, conflicted)
			added = append(added, links...)
			rep.Linked = len(links)
		}
		for _, p := range added {
			if _, err := tx.Exec(ctx, `INSERT INTO campaign_assignments (entry_id, user_id, campaign_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
				p.Entry, p.Juror, c.ID, nullID(uid(u)), now); err != nil {
				return fmt.Errorf("campaign %d: assign: %w", c.ID, err)
			}
			if err := audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditAssigned, fmt.Sprintf("entry:%d user:%d", p.Entry, p.Juror), "automatic"); err != nil {
				return err
			}
			have[p] = true
		}
		for p := range have {
			rep.Load[p.Juror]++
		}
		rep.Added, rep.Short = len(added), short
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// Assign puts a juror on an entry by hand. The juror must be on the jury
// and free of conflicts with the entry.
func (s *Service) Assign(ctx context.Context, u *user.User, entryID, jurorID int64) error {
	e, c, err := s.managedEntry(ctx, u, entryID)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("entry:%d user:%d", entryID, jurorID)
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_jurors WHERE campaign_id = ? AND user_id = ?`, c.ID, jurorID).Scan(&n); err != nil {
		return fmt.Errorf("campaign: assign: %w", err)
	}
	if n == 0 {
		return s.refused(ctx, u, c, subject, FieldErrors{"juror": ErrKeyNotJuror})
	}
	if cat := c.Category(e.CategoryID); cat == nil || cat.Rule != RuleJury {
		return s.refused(ctx, u, c, subject, FieldErrors{"entry": ErrKeyRuleCategory})
	}
	now := s.now()
	if err := s.db.InTx(ctx, func(tx *store.Tx) error {
		return s.syncConflicts(ctx, tx, c, now, entryID, jurorID)
	}); err != nil {
		return err
	}
	var conflicts int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_conflicts WHERE entry_id = ? AND user_id = ?`, entryID, jurorID).Scan(&conflicts); err != nil {
		return fmt.Errorf("campaign: assign: %w", err)
	}
	if conflicts > 0 {
		return s.refused(ctx, u, c, subject, FieldErrors{"juror": ErrKeyConflicted})
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var assigned int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_assignments WHERE entry_id = ? AND user_id = ?`, entryID, jurorID).Scan(&assigned); err != nil {
			return fmt.Errorf("campaign: assign: %w", err)
		}
		if assigned > 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO campaign_assignments (entry_id, user_id, campaign_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			entryID, jurorID, c.ID, nullID(uid(u)), now); err != nil {
			return fmt.Errorf("campaign: assign: %w", err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditAssigned, subject, "by hand")
	})
}

// Unassign takes a juror off an entry. Scores the juror gave it stay
// stored but count only while the juror is assigned.
func (s *Service) Unassign(ctx context.Context, u *user.User, entryID, jurorID int64) error {
	_, c, err := s.managedEntry(ctx, u, entryID)
	if err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM campaign_assignments WHERE entry_id = ? AND user_id = ?`, entryID, jurorID)
		if err != nil {
			return fmt.Errorf("campaign: unassign: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditUnassigned, fmt.Sprintf("entry:%d user:%d", entryID, jurorID), "by hand")
	})
}

// Assignments lists a campaign's juror–entry pairs, for the programme
// admins.
func (s *Service) Assignments(ctx context.Context, u *user.User, campaignID int64) ([]Pair, error) {
	if _, err := s.manage(ctx, u, campaignID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT entry_id, user_id FROM campaign_assignments WHERE campaign_id = ? ORDER BY entry_id, user_id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: assignments: %w", campaignID, err)
	}
	defer rows.Close()
	var out []Pair
	for rows.Next() {
		var p Pair
		if err := rows.Scan(&p.Entry, &p.Juror); err != nil {
			return nil, fmt.Errorf("campaign %d: assignments: %w", campaignID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
