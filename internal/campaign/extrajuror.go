package campaign

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/tekotori/tekotori/internal/user"
)

// ErrKeyNoFreeJuror: asking for an extra juror when every juror is
// already on the entry or conflicted with it.
const ErrKeyNoFreeJuror = "error.no_free_juror"

// linkPanels adds pairs until the jurors' groups are linked: while the
// entry–juror graph of have falls apart into groups that share no entry,
// an entry of a smaller group gets the least-loaded free juror of the
// largest. Calibration compares jurors only through shared entries, so
// without a link the groups' scores cannot be put on one scale.
func linkPanels(have, conflicted map[Pair]bool) []Pair {
	var added []Pair
	for {
		var js []Judgement
		for p := range have {
			js = append(js, Judgement{Entry: p.Entry, Juror: p.Juror})
		}
		for _, p := range added {
			js = append(js, Judgement{Entry: p.Entry, Juror: p.Juror})
		}
		groups := groupsOf(js)
		if len(groups) < 2 {
			return added
		}
		slices.SortFunc(groups, func(a, b group) int {
			return cmp.Or(cmp.Compare(len(b.entries)+len(b.jurors), len(a.entries)+len(a.jurors)), cmp.Compare(a.entries[0], b.entries[0]))
		})
		load := map[int64]int{}
		for _, j := range js {
			load[j.Juror]++
		}
		main, linked := groups[0], false
		for _, g := range groups[1:] {
			for _, e := range g.entries {
				cand := slices.Clone(main.jurors)
				slices.SortFunc(cand, func(a, b int64) int { return cmp.Or(cmp.Compare(load[a], load[b]), cmp.Compare(mix(e, a), mix(e, b))) })
				for _, j := range cand {
					if p := (Pair{e, j}); !conflicted[p] && !have[p] {
						added = append(added, p)
						linked = true
						break
					}
				}
				if linked {
					break
				}
			}
			if linked {
				break
			}
		}
		if !linked {
			// Conflicts leave no link to make.
			return added
		}
	}
}

type group struct{ entries, jurors []int64 }

// groupsOf splits the entry–juror graph into its linked groups, entries
// and jurors sorted.
func groupsOf(js []Judgement) []group {
	parent := map[int64]int64{}
	find := func(x int64) int64 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	add := func(x int64) int64 {
		if _, ok := parent[x]; !ok {
			parent[x] = x
		}
		return find(x)
	}
	for _, j := range js {
		// Jurors are negated so that the two kinds share one id space.
		a, b := add(j.Entry), add(-j.Juror)
		if a != b {
			parent[a] = b
		}
	}
	byRoot := map[int64]*group{}
	var roots []int64
	for x := range parent {
		r := find(x)
		g := byRoot[r]
		if g == nil {
			g = &group{}
			byRoot[r] = g
			roots = append(roots, r)
		}
		if x > 0 {
			g.entries = append(g.entries, x)
		} else {
			g.jurors = append(g.jurors, -x)
		}
	}
	var out []group
	for _, r := range roots {
		g := byRoot[r]
		slices.Sort(g.entries)
		slices.Sort(g.jurors)
		if len(g.entries) > 0 {
			out = append(out, *g)
		}
	}
	return out
}

// RequestExtraJuror puts one more juror on an entry whose place is too
// close to call: the least-loaded juror who is free of conflicts with it
// and not already on it. It returns that juror; the assignment is audited
// as any other.
func (s *Service) RequestExtraJuror(ctx context.Context, u *user.User, entryID int64) (*Juror, error) {
	e, c, err := s.managedEntry(ctx, u, entryID)
	if err != nil {
		return nil, err
	}
	subject := fmt.Sprintf("entry:%d", e.ID)
	if !c.Judging.Contains(s.now()) {
		return nil, s.refused(ctx, u, c, subject, FieldErrors{"entry": ErrKeyWindowClosed})
	}
	jurors, err := s.jurors(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	have, err := s.pairs(ctx, s.db, `SELECT entry_id, user_id FROM campaign_assignments WHERE campaign_id = ?`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: extra juror: %w", c.ID, err)
	}
	conflicted, err := s.pairs(ctx, s.db, `SELECT entry_id, user_id FROM campaign_conflicts WHERE campaign_id = ?`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: extra juror: %w", c.ID, err)
	}
	load := map[int64]int{}
	for p := range have {
		load[p.Juror]++
	}
	var best *Juror
	for i := range jurors {
		j := &jurors[i]
		if p := (Pair{e.ID, j.UserID}); have[p] || conflicted[p] {
			continue
		}
		if best == nil || load[j.UserID] < load[best.UserID] {
			best = j
		}
	}
	if best == nil {
		return nil, s.refused(ctx, u, c, subject, FieldErrors{"entry": ErrKeyNoFreeJuror})
	}
	// Assign checks conflicts found since, and audits.
	if err := s.Assign(ctx, u, e.ID, best.UserID); err != nil {
		return nil, err
	}
	return best, nil
}
