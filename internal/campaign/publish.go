package campaign

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Results are one published version of a campaign's results, as the
// public sees them and as the API sends them. A version never changes: a
// correction is the next version, with a note and the list of changes.
type Results struct {
	CampaignID  int64     `json:"campaign_id"`
	Campaign    i18n.Text `json:"campaign"`
	Programme   i18n.Text `json:"programme"`
	Version     int       `json:"version"`
	PublishedAt time.Time `json:"published_at"`
	// Note says why a correction was made; empty on the first version.
	Note    string   `json:"note,omitempty"`
	Changes []Change `json:"changes,omitempty"`
	// Entries and Awards make the headline: "50 awards from 183 entries".
	// Awards counts winners and honourable mentions.
	Entries    int               `json:"entries"`
	Awards     int               `json:"awards"`
	Categories []ResultsCategory `json:"categories"`
}

// ResultsCategory is one category in published results.
type ResultsCategory struct {
	ID          int64     `json:"id"`
	Name        i18n.Text `json:"name"`
	Description i18n.Text `json:"description"`
	Kind        Kind      `json:"kind"`
	Rule        Rule      `json:"rule,omitempty"`
	Entries     int       `json:"entries"`
	Winners     []Award   `json:"winners"`
	Mentions    []Award   `json:"mentions"`
}

// Award is an awarded deed or organisation as of the entry.
type Award struct {
	EntryID      int64     `json:"entry_id,omitempty"`
	Outcome      Outcome   `json:"outcome"`
	DeedID       int64     `json:"deed_id,omitempty"`
	DeedRef      string    `json:"deed_ref,omitempty"`
	OrgID        int64     `json:"org_id,omitempty"`
	Title        string    `json:"title"`
	OrgName      i18n.Text `json:"org_name"`
	Municipality i18n.Text `json:"municipality"`
	Rationale    string    `json:"rationale,omitempty"`
	// Deeds is the count behind a data-driven prize.
	Deeds int `json:"deeds,omitempty"`
}

// Change is one difference of a correction from the version before.
type Change struct {
	CategoryID int64     `json:"category_id"`
	Category   i18n.Text `json:"category"`
	Title      string    `json:"title"`
	// From and To are the outcomes before and after; empty means none.
	From Outcome `json:"from,omitempty"`
	To   Outcome `json:"to,omitempty"`
	// Rationale is set when only the rationale changed.
	Rationale bool `json:"rationale,omitempty"`
}

// Version describes one published version.
type Version struct {
	Version     int       `json:"version"`
	Note        string    `json:"note,omitempty"`
	Changes     []Change  `json:"changes,omitempty"`
	PublishedAt time.Time `json:"published_at"`
}

// build makes results from the decisions (jury categories) and the data
// (data-driven categories).
func (s *Service) build(ctx context.Context, c *Campaign) (*Results, error) {
	entries, err := s.entriesOf(ctx, s.db, "campaign_id = ?", c.ID)
	if err != nil {
		return nil, err
	}
	decisions, err := s.decisions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	r := &Results{CampaignID: c.ID, Campaign: c.Name, Programme: c.Programme, Entries: len(entries), Categories: []ResultsCategory{}}
	for _, cat := range c.Categories {
		rc := ResultsCategory{ID: cat.ID, Name: cat.Name, Description: cat.Description, Kind: cat.Kind, Rule: cat.Rule,
			Winners: []Award{}, Mentions: []Award{}}
		if cat.Rule == RuleMostDeeds {
			counts, err := s.MostDeeds(ctx, c.ID)
			if err != nil {
				return nil, err
			}
			rc.Entries = len(counts)
			for i, oc := range counts {
				if i >= cat.Winners+cat.Mentions {
					break
				}
				a := Award{Outcome: Winner, OrgID: oc.OrgID, Title: oc.Name.FI, OrgName: oc.Name, Deeds: oc.Deeds}
				if i >= cat.Winners {
					a.Outcome = Mention
					rc.Mentions = append(rc.Mentions, a)
				} else {
					rc.Winners = append(rc.Winners, a)
				}
			}
		} else {
			for _, e := range entries {
				if e.CategoryID != cat.ID {
					continue
				}
				rc.Entries++
				d, ok := decisions[e.ID]
				if !ok || (d.Outcome != Winner && d.Outcome != Mention) {
					continue
				}
				a := Award{EntryID: e.ID, Outcome: d.Outcome, OrgID: e.OrgID, Title: e.Title, OrgName: e.OrgName,
					Municipality: e.Municipality, Rationale: d.Rationale}
				if e.Kind == KindDeed {
					a.DeedID = e.DeedID
					if len(e.Snapshot.Deeds) > 0 {
						a.DeedRef = e.Snapshot.Deeds[0].Ref
					}
				}
				if d.Outcome == Winner {
					rc.Winners = append(rc.Winners, a)
				} else {
					rc.Mentions = append(rc.Mentions, a)
				}
			}
		}
		r.Awards += len(rc.Winners) + len(rc.Mentions)
		r.Categories = append(r.Categories, rc)
	}
	return r, nil
}

type awardKey struct {
	category int64
	entry    int64
	org      int64
	title    string
}

func awardsOf(r *Results) map[awardKey]Award {
	out := map[awardKey]Award{}
	for _, rc := range r.Categories {
		for _, a := range slices.Concat(rc.Winners, rc.Mentions) {
			k := awardKey{rc.ID, a.EntryID, 0, a.Title}
			if a.EntryID == 0 {
				k.org = a.OrgID
			}
			out[k] = a
		}
	}
	return out
}

// diff lists what changed from prev to next, in category order.
func diff(prev, next *Results) []Change {
	before, after := awardsOf(prev), awardsOf(next)
	names := map[int64]i18n.Text{}
	order := map[int64]int{}
	for i, rc := range next.Categories {
		names[rc.ID], order[rc.ID] = rc.Name, i
	}
	for _, rc := range prev.Categories {
		if _, ok := names[rc.ID]; !ok {
			names[rc.ID], order[rc.ID] = rc.Name, len(order)
		}
	}
	var out []Change
	for k, a := range after {
		b, ok := before[k]
		switch {
		case !ok:
			out = append(out, Change{CategoryID: k.category, Category: names[k.category], Title: a.Title, To: a.Outcome})
		case b.Outcome != a.Outcome:
			out = append(out, Change{CategoryID: k.category, Category: names[k.category], Title: a.Title, From: b.Outcome, To: a.Outcome})
		case b.Rationale != a.Rationale:
			out = append(out, Change{CategoryID: k.category, Category: names[k.category], Title: a.Title, From: b.Outcome, To: a.Outcome, Rationale: true})
		}
	}
	for k, b := range before {
		if _, ok := after[k]; !ok {
			out = append(out, Change{CategoryID: k.category, Category: names[k.category], Title: b.Title, From: b.Outcome})
		}
	}
	slices.SortFunc(out, func(x, y Change) int {
		if order[x.CategoryID] != order[y.CategoryID] {
			return order[x.CategoryID] - order[y.CategoryID]
		}
		if x.Title < y.Title {
			return -1
		}
		if x.Title > y.Title {
			return 1
		}
		return 0
	})
	return out
}

// Publish generates the results from the decisions and publishes them as
// the next version, once judging and the audience vote are over (see
// CloseJudging for ending them early). A correction (every version after the first) needs a
// note saying what was corrected, and must change something; older
// versions stay readable as they were.
func (s *Service) Publish(ctx context.Context, u *user.User, campaignID int64, note string) (*Results, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	subject := fmt.Sprintf("campaign:%d", c.ID)
	r, errs, err := s.prepare(ctx, c, note, now)
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, s.refused(ctx, u, c, subject, errs)
	}
	var prev *Results
	if c.Published > 0 {
		if prev, err = s.Published(ctx, c.ID, c.Published); err != nil {
			return nil, err
		}
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: publish: %w", c.ID, err)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		rid, err := store.InsertID(ctx, tx, `INSERT INTO campaign_results (campaign_id, version, note, body, published_by, published_at) VALUES (?, ?, ?, ?, ?, ?)`,
			c.ID, r.Version, r.Note, string(body), nullID(uid(u)), now)
		if store.IsUniqueViolation(err) {
			// Another admin published the same version a moment ago.
			return FieldErrors{"campaign": ErrKeyNothingChanged}
		}
		if err != nil {
			return fmt.Errorf("campaign %d: publish: %w", c.ID, err)
		}
		for _, rc := range r.Categories {
			for _, a := range slices.Concat(rc.Winners, rc.Mentions) {
				if _, err := tx.Exec(ctx, `INSERT INTO campaign_awards (result_id, campaign_id, category_id, entry_id, deed_id, org_id, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					rid, c.ID, rc.ID, nullID(a.EntryID), nullID(a.DeedID), nullID(a.OrgID), string(a.Outcome)); err != nil {
					return fmt.Errorf("campaign %d: publish award: %w", c.ID, err)
				}
			}
		}
		mails, err := s.queueResultMails(ctx, tx, c, r, prev, now)
		if err != nil {
			return err
		}
		detail := fmt.Sprintf("version %d: %d awards from %d entries; %d result mails", r.Version, r.Awards, r.Entries, mails)
		if r.Note != "" {
			detail += "; " + r.Note
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditPublished, subject, detail)
	})
	if err != nil {
		return nil, s.refused(ctx, u, c, subject, err)
	}
	if s.OnPublish != nil {
		s.OnPublish(ctx)
	}
	return r, nil
}

// prepare builds the results Publish would make public at now, with the
// version, note and changes, and says why publishing them would be
// refused, if it would.
func (s *Service) prepare(ctx context.Context, c *Campaign, note string, now time.Time) (*Results, FieldErrors, error) {
	note = clean(note)
	errs := FieldErrors{}
	notPublishable(c, now, errs)
	if utf8.RuneCountInString(note) > MaxText {
		errs["note"] = fmt.Sprintf("%s|%d", ErrKeyTooLong, MaxText)
	}
	if c.Published > 0 && note == "" {
		errs["note"] = ErrKeyCorrectionNote
	}
	r, err := s.build(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	r.Version, r.PublishedAt, r.Note = c.Published+1, now, note
	if c.Published > 0 {
		prev, err := s.Published(ctx, c.ID, c.Published)
		if err != nil {
			return nil, nil, err
		}
		r.Changes = diff(prev, r)
		if len(r.Changes) == 0 && len(errs) == 0 {
			errs["campaign"] = ErrKeyNothingChanged
		}
	}
	return r, errs, nil
}

// Published returns a published version of the results; version 0 means
// the latest. Published results are public.
func (s *Service) Published(ctx context.Context, campaignID int64, version int) (*Results, error) {
	q, args := `SELECT body FROM campaign_results WHERE campaign_id = ? ORDER BY version DESC LIMIT 1`, []any{campaignID}
	if version > 0 {
		q, args = `SELECT body FROM campaign_results WHERE campaign_id = ? AND version = ?`, []any{campaignID, version}
	}
	var body string
	err := s.db.QueryRow(ctx, q, args...).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("campaign %d: results: %w", campaignID, err)
	}
	var r Results
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return nil, fmt.Errorf("campaign %d: results: %w", campaignID, err)
	}
	return &r, nil
}

// Versions lists the published versions of a campaign's results, oldest
// first, each with its note and changes.
func (s *Service) Versions(ctx context.Context, campaignID int64) ([]Version, error) {
	rows, err := s.db.Query(ctx, `SELECT body FROM campaign_results WHERE campaign_id = ? ORDER BY version`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: versions: %w", campaignID, err)
	}
	defer rows.Close()
	out := []Version{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("campaign %d: versions: %w", campaignID, err)
		}
		var r Results
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return nil, fmt.Errorf("campaign %d: versions: %w", campaignID, err)
		}
		out = append(out, Version{Version: r.Version, Note: r.Note, Changes: r.Changes, PublishedAt: r.PublishedAt})
	}
	return out, rows.Err()
}

// ---- badges and facets ----

// Badge is an award shown on a deed's or an organisation's page, from the
// latest published version of each campaign.
type Badge struct {
	CampaignID int64     `json:"campaign_id"`
	Campaign   i18n.Text `json:"campaign"`
	Programme  i18n.Text `json:"programme"`
	CategoryID int64     `json:"category_id"`
	Category   i18n.Text `json:"category"`
	Outcome    Outcome   `json:"outcome"`
	DeedID     int64     `json:"deed_id,omitempty"`
	OrgID      int64     `json:"org_id,omitempty"`
	Version    int       `json:"version"`
}

// Key names the badge for a search facet: campaign, category and outcome.
func (b Badge) Key() string {
	return fmt.Sprintf("%d-%d-%s", b.CampaignID, b.CategoryID, b.Outcome)
}

// latestAwards is every award of the latest version of each campaign.
const latestAwards = `SELECT a.campaign_id, c.name_fi, c.name_sv, c.name_en, p.name_fi, p.name_sv, p.name_en,
	a.category_id, k.name_fi, k.name_sv, k.name_en, a.outcome, COALESCE(a.deed_id, 0), COALESCE(a.org_id, 0), r.version
FROM campaign_awards a
JOIN campaign_results r ON r.id = a.result_id
JOIN campaigns c ON c.id = a.campaign_id
JOIN programmes p ON p.id = c.programme_id
JOIN campaign_categories k ON k.id = a.category_id
WHERE r.version = (SELECT MAX(r2.version) FROM campaign_results r2 WHERE r2.campaign_id = r.campaign_id)`

func (s *Service) badges(ctx context.Context, where string, args ...any) ([]Badge, error) {
	rows, err := s.db.Query(ctx, latestAwards+where+` ORDER BY c.judging_opens DESC, a.campaign_id DESC, k.position, a.category_id, a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: awards: %w", err)
	}
	defer rows.Close()
	out := []Badge{}
	for rows.Next() {
		var b Badge
		var o string
		if err := rows.Scan(&b.CampaignID, &b.Campaign.FI, &b.Campaign.SV, &b.Campaign.EN, &b.Programme.FI, &b.Programme.SV, &b.Programme.EN,
			&b.CategoryID, &b.Category.FI, &b.Category.SV, &b.Category.EN, &o, &b.DeedID, &b.OrgID, &b.Version); err != nil {
			return nil, fmt.Errorf("campaign: awards: %w", err)
		}
		b.Outcome = Outcome(o)
		out = append(out, b)
	}
	return out, rows.Err()
}

// AwardsForDeed lists the awards a deed has won, for its page.
func (s *Service) AwardsForDeed(ctx context.Context, deedID int64) ([]Badge, error) {
	return s.badges(ctx, ` AND a.deed_id = ?`, deedID)
}

// AwardsForOrg lists the awards an organisation has won itself and those
// its deeds have won (DeedID set), for its page.
func (s *Service) AwardsForOrg(ctx context.Context, orgID int64) ([]Badge, error) {
	return s.badges(ctx, ` AND a.org_id = ?`, orgID)
}

// AwardLabel names one award of a deed for the search facet.
type AwardLabel struct {
	Key      string    `json:"key"`
	Campaign i18n.Text `json:"campaign"`
	Category i18n.Text `json:"category"`
	Outcome  Outcome   `json:"outcome"`
}

// AwardedDeedIDs maps every awarded deed to its awards, for the search
// index's award facet.
func (s *Service) AwardedDeedIDs(ctx context.Context) (map[int64][]AwardLabel, error) {
	bs, err := s.badges(ctx, ` AND a.deed_id IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	out := map[int64][]AwardLabel{}
	for _, b := range bs {
		out[b.DeedID] = append(out[b.DeedID], AwardLabel{Key: b.Key(), Campaign: b.Campaign, Category: b.Category, Outcome: b.Outcome})
	}
	return out, nil
}

// ---- downloads ----

// WriteResultsJSON writes published results as indented JSON.
func WriteResultsJSON(w io.Writer, r *Results) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("campaign: results json: %w", err)
	}
	return nil
}

// WriteResultsCSV writes published results as CSV, one award a line, with
// names in lang.
func WriteResultsCSV(w io.Writer, r *Results, lang string) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"campaign", "version", "published_at", "category", "outcome", "deed_id", "deed_ref", "org_id",
		"title", "organisation", "municipality", "rationale", "deeds"})
	for _, rc := range r.Categories {
		for _, a := range slices.Concat(rc.Winners, rc.Mentions) {
			_ = cw.Write([]string{csvSafe(r.Campaign.In(lang)), strconv.Itoa(r.Version), r.PublishedAt.Format(time.RFC3339),
				csvSafe(rc.Name.In(lang)), string(a.Outcome), idText(a.DeedID), csvSafe(a.DeedRef), idText(a.OrgID),
				csvSafe(a.Title), csvSafe(a.OrgName.In(lang)), csvSafe(a.Municipality.In(lang)), csvSafe(a.Rationale), idText(int64(a.Deeds))})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("campaign: results csv: %w", err)
	}
	return nil
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// Certificate is one award of the latest published results, for its
// printable certificate and badge.
type Certificate struct {
	CampaignID  int64
	Campaign    i18n.Text
	Programme   i18n.Text
	Category    i18n.Text
	Version     int
	PublishedAt time.Time
	Award       Award
}

// CertificateOf finds an entry's award in the latest published version of
// a campaign's results; ErrNotFound when it has none there.
func (s *Service) CertificateOf(ctx context.Context, campaignID, entryID int64) (*Certificate, error) {
	r, err := s.Published(ctx, campaignID, 0)
	if err != nil {
		return nil, err
	}
	for _, rc := range r.Categories {
		for _, a := range slices.Concat(rc.Winners, rc.Mentions) {
			if a.EntryID == entryID && entryID != 0 {
				return &Certificate{CampaignID: r.CampaignID, Campaign: r.Campaign, Programme: r.Programme, Category: rc.Name,
					Version: r.Version, PublishedAt: r.PublishedAt, Award: a}, nil
			}
		}
	}
	return nil, ErrNotFound
}
