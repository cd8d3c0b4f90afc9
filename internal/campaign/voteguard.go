package campaign

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/user"
)

// Keys for votes that do not count.
const (
	ErrKeyVoteUnverified = "error.vote_unverified" // an account whose e-mail address is not confirmed
	ErrKeyVoteOwn        = "error.vote_own"        // a vote for one's own deed or organisation
)

// What makes a burst of votes suspicious: at least SuspiciousVotes votes
// for one entry from one network within SuspiciousWindow, by accounts made
// less than NewAccountAge before they voted. A real office voting for its
// colleague from one address does happen, so a burst is shown to the
// programme admins to judge, not thrown away.
const (
	SuspiciousVotes  = 3
	SuspiciousWindow = 15 * time.Minute
	NewAccountAge    = 7 * 24 * time.Hour
)

// ownEntry reports whether u is behind the entry: it is u's
// organisation's, or u wrote or entered the deed.
func ownEntry(u *user.User, e *Entry) bool {
	if u.OrgID != 0 && u.OrgID == e.OrgID {
		return true
	}
	if e.EnteredBy == u.ID {
		return true
	}
	for _, d := range e.Snapshot.Deeds {
		if d.AuthorID == u.ID || (u.OrgID != 0 && d.OrgID == u.OrgID) {
			return true
		}
	}
	return false
}

// VoteNetwork is the address range a vote is filed under: the /64 of an
// IPv6 address (one home or office holds a whole /64) and the /24 of an
// IPv4 address. The address itself is not kept.
func VoteNetwork(client string) string {
	if p, err := netip.ParsePrefix(client); err == nil {
		if p.Addr().Is4() && p.Bits() > 24 {
			p, _ = p.Addr().Prefix(24)
		}
		return p.Masked().String()
	}
	a, err := netip.ParseAddr(strings.TrimSpace(client))
	if err != nil {
		return ""
	}
	a = a.Unmap()
	bits := 24
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p.String()
}

// VoteFlag is a burst of votes by new accounts from one network for one
// entry.
type VoteFlag struct {
	EntryID int64     `json:"entry_id"`
	Title   string    `json:"title"`
	Network string    `json:"network"`
	Votes   int       `json:"votes"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
}

// VoteFlags lists the suspicious bursts in a campaign's audience vote, for
// the programme admins.
func (s *Service) VoteFlags(ctx context.Context, u *user.User, campaignID int64) ([]VoteFlag, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT v.entry_id, e.title, v.client_net, v.created_at, us.created_at FROM campaign_votes v
		JOIN campaign_entries e ON e.id = v.entry_id
		JOIN users us ON us.id = v.user_id
		WHERE v.campaign_id = ? AND v.client_net <> ''`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: vote flags: %w", c.ID, err)
	}
	defer rows.Close()
	type vote struct {
		entry        int64
		title, net   string
		at, accounts time.Time
	}
	var vs []vote
	for rows.Next() {
		var v vote
		if err := rows.Scan(&v.entry, &v.title, &v.net, &v.at, &v.accounts); err != nil {
			return nil, fmt.Errorf("campaign %d: vote flags: %w", c.ID, err)
		}
		if v.at.Sub(v.accounts) < NewAccountAge {
			vs = append(vs, v)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign %d: vote flags: %w", c.ID, err)
	}
	slices.SortFunc(vs, func(a, b vote) int {
		return cmp.Or(cmp.Compare(a.entry, b.entry), cmp.Compare(a.net, b.net), a.at.Compare(b.at))
	})
	out := []VoteFlag{}
	for i := 0; i < len(vs); {
		j := i
		for j < len(vs) && vs[j].entry == vs[i].entry && vs[j].net == vs[i].net {
			j++
		}
		// The largest number of the group's votes within one window.
		var best VoteFlag
		for a, b := i, i; b < j; b++ {
			for vs[b].at.Sub(vs[a].at) > SuspiciousWindow {
				a++
			}
			if n := b - a + 1; n > best.Votes {
				best = VoteFlag{EntryID: vs[i].entry, Title: vs[i].title, Network: vs[i].net, Votes: n, From: vs[a].at.UTC(), To: vs[b].at.UTC()}
			}
		}
		if best.Votes >= SuspiciousVotes {
			out = append(out, best)
		}
		i = j
	}
	return out, nil
}
