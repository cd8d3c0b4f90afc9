package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/user"
)

// The public campaign pages' data, in the page's language. The names start
// with pub to keep apart from the campaign admin pages in this package.

// pubWindow writes a window from its opening to its closing; days only
// when short.
func pubWindow(lang string, w campaign.Window, short bool) string {
	f := timeFormat{lang}
	if short {
		return f.Date(w.Opens) + "–" + f.Date(w.Closes)
	}
	return f.Time(w.Opens) + " – " + f.Time(w.Closes)
}

type pubListData struct {
	Programmes []pubProgramme
}

type pubProgramme struct {
	ID                int64
	Name, Description string
	Campaigns         []pubCampaignRow
}

// pubCampaignRow is a campaign as a listing shows it.
type pubCampaignRow struct {
	ID       int64
	Name     string
	Phase    string // where it stands, in words
	PhaseKey string // campaign.Campaign.Phase
	// Entry, Judging and Vote are the windows in words, days only; the
	// campaign page has them to the minute in EntryFull and so on.
	Entry, Judging, Vote             string
	EntryFull, JudgingFull, VoteFull string
	VoteOpen                         bool
	Published                        int
}

func pubRow(v *view, c *campaign.Campaign, now time.Time) pubCampaignRow {
	phase := c.Phase(now)
	row := pubCampaignRow{ID: c.ID, Name: c.Name.In(v.Lang), Phase: v.T("cpublic.phase_" + phase), PhaseKey: phase,
		Entry: pubWindow(v.Lang, c.Entry, true), Judging: pubWindow(v.Lang, c.Judging, true),
		EntryFull: pubWindow(v.Lang, c.Entry, false), JudgingFull: pubWindow(v.Lang, c.Judging, false),
		VoteOpen: c.Vote != nil && c.Vote.Contains(now), Published: c.Published}
	if c.Vote != nil {
		row.Vote, row.VoteFull = pubWindow(v.Lang, *c.Vote, true), pubWindow(v.Lang, *c.Vote, false)
	}
	return row
}

type pubCampaignData struct {
	Row        pubCampaignRow
	C          *campaign.Campaign
	Categories []pubCategory
	Criteria   []pubCriterion
	// Entries is the number of entries so far, before results are out.
	Entries int
	Results *pubResults
	Vote    *pubVote
	// VoteError is a refused vote's message; VoteErrorAnchor the id of the
	// part of the page it concerns, if shown.
	VoteError, VoteErrorAnchor string
}

// pubCategory is a category as the campaign announces it.
type pubCategory struct {
	ID                int64
	Name, Description string
	Kind              string // what it awards, in words
	Rule              string // how data decides it, in words; empty for the jury
	Winners, Mentions int
}

func pubCategoryInfo(v *view, c campaign.Category) pubCategory {
	out := pubCategory{ID: c.ID, Name: c.Name.In(v.Lang), Description: c.Description.In(v.Lang),
		Kind: v.T("cpublic.kind_" + string(c.Kind)), Winners: c.Winners, Mentions: c.Mentions}
	if c.Rule == campaign.RuleMostDeeds {
		out.Rule = v.T("cpublic.rule_most_deeds")
	}
	return out
}

// pubLive looks up the live public deeds a page links to, each once: the
// link goes to the deed's page under its current address, and the title
// is marked with the deed's language. A deed no longer public is nil.
func (s *Server) pubLive(ctx context.Context) func(id int64) *deed.Deed {
	seen := map[int64]*deed.Deed{}
	return func(id int64) *deed.Deed {
		if d, ok := seen[id]; ok {
			return d
		}
		d, err := s.app.Deeds.Get(ctx, nil, id)
		if err != nil && !errors.Is(err, deed.ErrNotFound) {
			s.log.WarnContext(ctx, "campaign page deed", "deed", id, "err", err)
		}
		seen[id] = d
		return d
	}
}

// pubLang is the language to mark a text with on a page in lang: none
// when they agree.
func pubLang(textLang, lang string) string {
	if textLang == lang {
		return ""
	}
	return textLang
}

// pubCriterion is a judging criterion as the campaign announces it.
type pubCriterion struct {
	Name, Description, Weight, Scale string
}

func pubCriterionInfo(v *view, c campaign.Criterion) pubCriterion {
	weight := strconv.FormatFloat(c.Weight, 'f', -1, 64)
	if v.Lang != "en" {
		weight = strings.ReplaceAll(weight, ".", ",")
	}
	return pubCriterion{Name: c.Name.In(v.Lang), Description: c.Description.In(v.Lang), Weight: weight,
		Scale: fmt.Sprintf("%d–%d", c.ScaleMin, c.ScaleMax)}
}

// pubResults is one published version of the results.
type pubResults struct {
	Version     int
	Old         bool // an earlier version than the latest
	LatestHref  string
	PublishedOn string // the Finnish day
	Note        string
	Changes     []string
	Headline    string
	Categories  []pubResultCategory
	CSV, JSON   string
	Versions    []pubVersion
}

type pubVersion struct {
	Version     int
	PublishedOn string
	Note        string
	Changes     []string
	Current     bool // the version on show
	Href        string
}

type pubResultCategory struct {
	ID                int64
	Name, Description string
	Entries           string // how many took part, in words
	Winners, Mentions []pubAward
}

// pubAward is an awarded deed or organisation as it was entered.
type pubAward struct {
	Title, Href string
	Lang        string // the title's language when not the page's
	Meta        string // organisation and municipality
	Rationale   string
	Deeds       string // the count behind a data-decided prize, in words
	// Certificate is the award's certificate page, on the latest
	// published version only.
	Certificate, CertificateLabel string
}

func (s *Server) pubResults(ctx context.Context, v *view, res *campaign.Results, versions []campaign.Version) (*pubResults, error) {
	base := fmt.Sprintf("/campaigns/%d", res.CampaignID)
	out := &pubResults{Version: res.Version, PublishedOn: timeFormat{v.Lang}.Date(res.PublishedAt), Note: res.Note, LatestHref: base,
		Changes: pubChanges(v, res.Changes), Headline: v.T("cpublic.headline", res.Awards, res.Entries)}
	latest := res.Version
	if len(versions) > 0 {
		latest = versions[len(versions)-1].Version
	}
	query := ""
	if out.Old = res.Version != latest; out.Old {
		query = fmt.Sprintf("?version=%d", res.Version)
	}
	out.CSV, out.JSON = base+"/results.csv"+query, base+"/results.json"+query
	for _, ver := range versions {
		pv := pubVersion{Version: ver.Version, PublishedOn: timeFormat{v.Lang}.Date(ver.PublishedAt), Note: ver.Note, Changes: pubChanges(v, ver.Changes),
			Current: ver.Version == res.Version, Href: base}
		if ver.Version != latest {
			pv.Href = fmt.Sprintf("%s?version=%d", base, ver.Version)
		}
		out.Versions = append(out.Versions, pv)
	}
	codes := map[int64]string{}
	orgHref := func(id int64) (string, error) {
		if code, ok := codes[id]; ok {
			return code, nil
		}
		o, err := s.app.Orgs.Get(ctx, id)
		if errors.Is(err, org.ErrNotFound) {
			codes[id] = ""
			return "", nil
		}
		if err != nil {
			return "", err
		}
		codes[id] = "/organisations/" + o.Code
		return codes[id], nil
	}
	live := s.pubLive(ctx)
	award := func(a campaign.Award) (pubAward, error) {
		pa := pubAward{Title: a.Title, Rationale: a.Rationale}
		if a.EntryID != 0 && len(versions) > 0 && !out.Old {
			pa.Certificate, pa.CertificateLabel = fmt.Sprintf("%s/certificates/%d", base, a.EntryID), v.T("cpublic.certificate_link")
		}
		if a.DeedID != 0 {
			if d := live(a.DeedID); d != nil {
				pa.Href, pa.Lang = fmt.Sprintf("/deeds/%d/%s", d.ID, d.Slug), pubLang(d.Lang, v.Lang)
			}
			pa.Meta = pubJoin(" · ", a.OrgName.In(v.Lang), a.Municipality.In(v.Lang))
			return pa, nil
		}
		if name := a.OrgName.In(v.Lang); name != "" {
			pa.Title = name
		}
		if a.Municipality.In(v.Lang) != pa.Title {
			pa.Meta = a.Municipality.In(v.Lang)
		}
		if a.Deeds > 0 {
			pa.Deeds = v.T("cpublic.award_deeds", a.Deeds)
		}
		var err error
		pa.Href, err = orgHref(a.OrgID)
		return pa, err
	}
	for _, rc := range res.Categories {
		prc := pubResultCategory{ID: rc.ID, Name: rc.Name.In(v.Lang), Description: rc.Description.In(v.Lang),
			Entries: v.T("cpublic.category_entries", rc.Entries)}
		if rc.Rule == campaign.RuleMostDeeds {
			prc.Entries = v.T("cpublic.category_orgs", rc.Entries)
		}
		for _, a := range rc.Winners {
			pa, err := award(a)
			if err != nil {
				return nil, err
			}
			prc.Winners = append(prc.Winners, pa)
		}
		for _, a := range rc.Mentions {
			pa, err := award(a)
			if err != nil {
				return nil, err
			}
			prc.Mentions = append(prc.Mentions, pa)
		}
		out.Categories = append(out.Categories, prc)
	}
	return out, nil
}

// pubChanges says in words what a correction changed.
func pubChanges(v *view, changes []campaign.Change) []string {
	var out []string
	for _, ch := range changes {
		cat := ch.Category.In(v.Lang)
		switch {
		case ch.Rationale:
			out = append(out, v.T("cpublic.change_rationale", cat, ch.Title))
		case ch.From == "":
			out = append(out, v.T("cpublic.change_added", cat, ch.Title, pubOutcome(v, ch.To)))
		case ch.To == "":
			out = append(out, v.T("cpublic.change_removed", cat, ch.Title, pubOutcome(v, ch.From)))
		default:
			out = append(out, v.T("cpublic.change_outcome", cat, ch.Title, pubOutcome(v, ch.From), pubOutcome(v, ch.To)))
		}
	}
	return out
}

func pubOutcome(v *view, o campaign.Outcome) string { return v.T("cpublic.outcome_" + string(o)) }

func pubJoin(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" || p == out {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}

// pubVote is the audience vote's part of a campaign page.
type pubVote struct {
	Opens, Closes          string // in Finnish time
	Open, Upcoming, Closed bool
	// ShowCounts is set once the vote has closed, and for the programme
	// admins at any time (Interim), as the service fills the counts.
	ShowCounts, Interim bool
	SignedIn            bool
	LoginHref           string
	Categories          []pubBallot
}

type pubBallot struct {
	ID                int64
	Name, Description string
	Votes             int
	Entries           []pubBallotEntry
	// Voted is the title the signed-in person voted for, if they did.
	Voted string
	// Error and Checked keep a refused vote's message and choice.
	Error   string
	Checked int64
}

type pubBallotEntry struct {
	EntryID          int64
	Title, Org, Href string
	Lang             string // the title's language when not the page's
	Votes            int
}

type pubVoteError struct {
	CategoryID, EntryID int64
	Key                 string
}

func (s *Server) pubVote(ctx context.Context, v *view, u *user.User, c *campaign.Campaign, now time.Time, voteErr *pubVoteError) (*pubVote, error) {
	w := *c.Vote
	pv := &pubVote{Opens: timeFormat{v.Lang}.Time(w.Opens), Closes: timeFormat{v.Lang}.Time(w.Closes), Open: w.Contains(now), Upcoming: now.Before(w.Opens), Closed: !now.Before(w.Closes), SignedIn: u != nil,
		LoginHref: "/login?" + url.Values{"next": {fmt.Sprintf("/campaigns/%d#vote", c.ID)}}.Encode()}
	ballot, err := s.app.Campaigns.Audience(ctx, u, c.ID)
	if err != nil {
		return nil, err
	}
	mine, err := s.app.Campaigns.MyVotes(ctx, u, c.ID)
	if err != nil {
		return nil, err
	}
	pv.ShowCounts = pv.Closed
	if !pv.Closed && u != nil {
		manage, err := s.app.Campaigns.CanManage(ctx, u, c.ID)
		if err != nil {
			return nil, err
		}
		pv.ShowCounts, pv.Interim = manage, manage
	}
	live := s.pubLive(ctx)
	for _, ac := range ballot {
		b := pubBallot{ID: ac.Category.ID, Name: ac.Category.Name.In(v.Lang), Description: ac.Category.Description.In(v.Lang), Votes: ac.Votes}
		for _, e := range ac.Entries {
			be := pubBallotEntry{EntryID: e.EntryID, Title: e.Title, Org: e.OrgName.In(v.Lang), Votes: e.Votes}
			if e.Kind == campaign.KindDeed {
				if d := live(e.DeedID); d != nil {
					be.Href, be.Lang = fmt.Sprintf("/deeds/%d/%s", d.ID, d.Slug), pubLang(d.Lang, v.Lang)
				}
			} else {
				be.Title, be.Org = e.OrgName.In(v.Lang), e.Municipality.In(v.Lang)
			}
			if mine[b.ID] == e.EntryID {
				b.Voted = be.Title
			}
			b.Entries = append(b.Entries, be)
		}
		if pv.ShowCounts {
			slices.SortStableFunc(b.Entries, func(x, y pubBallotEntry) int { return cmp.Compare(y.Votes, x.Votes) })
		}
		if voteErr != nil && voteErr.CategoryID == b.ID {
			b.Error, b.Checked = v.T(voteErr.Key), voteErr.EntryID
		}
		pv.Categories = append(pv.Categories, b)
	}
	return pv, nil
}

// pubBadge is an award on a deed's or an organisation's page.
type pubBadge struct {
	CampaignID                  int64
	Outcome, Category, Campaign string
	// DeedTitle and DeedHref name the awarded deed on an organisation's
	// page, DeedLang its language when not the page's; empty for the
	// organisation's own awards.
	DeedTitle, DeedHref, DeedLang string
}

// pubBadges words badges for a page; withDeeds names the awarded deeds,
// for an organisation's page, skipping the link of one no longer public.
func (s *Server) pubBadges(ctx context.Context, v *view, bs []campaign.Badge, withDeeds bool) []pubBadge {
	var out []pubBadge
	live := s.pubLive(ctx)
	for _, b := range bs {
		pb := pubBadge{CampaignID: b.CampaignID, Outcome: v.T("cpublic.badge_" + string(b.Outcome)),
			Category: b.Category.In(v.Lang), Campaign: b.Campaign.In(v.Lang)}
		if withDeeds && b.DeedID != 0 {
			if d := live(b.DeedID); d != nil {
				pb.DeedTitle, pb.DeedHref, pb.DeedLang = d.Title, fmt.Sprintf("/deeds/%d/%s", d.ID, d.Slug), pubLang(d.Lang, v.Lang)
			}
		}
		out = append(out, pb)
	}
	return out
}
