package deed

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/taxonomy"
)

// deedSelect reads a deed with the names of its organisation, unit and
// places, so that one query serves a page.
const deedSelect = `SELECT d.id, d.ref, d.slug, d.state, COALESCE(d.author_id, 0), d.org_id, COALESCE(d.unit_id, 0),
	COALESCE(d.municipality_code, ''), d.lang, d.title, d.summary, COALESCE(s.slug, ''), d.status, COALESCE(d.year_started, 0),
	d.need, d.solution, d.results, d.lessons, d.adoption, d.partners, d.funding,
	d.contact_name, d.contact_title, d.contact_email, d.contact_phone, d.contact_public, d.links, d.media,
	d.return_reason, d.pending, d.pending_state, COALESCE(d.pending_by, 0), d.pending_at,
	d.created_at, d.updated_at, d.submitted_at, d.published_at, d.archived_at,
	o.code, o.kind, o.name_fi, o.name_sv, o.name_en, COALESCE(un.name, ''),
	COALESCE(m.name_fi, ''), COALESCE(m.name_sv, ''), COALESCE(m.language, ''),
	COALESCE(d.region_code, ''), COALESCE(r.name_fi, ''), COALESCE(r.name_sv, ''), COALESCE(r.name_en, ''),
	COALESCE(d.county_code, ''), COALESCE(c.name_fi, ''), COALESCE(c.name_sv, ''), COALESCE(c.name_en, ''),
	COALESCE(au.name, '')
FROM deeds d
JOIN organisations o ON o.id = d.org_id
LEFT JOIN org_units un ON un.id = d.unit_id
LEFT JOIN terms s ON s.id = d.sector_id
LEFT JOIN municipalities m ON m.code = d.municipality_code
LEFT JOIN regions r ON r.code = d.region_code
LEFT JOIN counties c ON c.code = d.county_code
LEFT JOIN users au ON au.id = d.author_id`

type mediaColumn struct {
	Images      []MediaRef `json:"images"`
	Attachments []MediaRef `json:"attachments"`
}

func scanDeed(sc interface{ Scan(...any) error }) (*Deed, error) {
	var d Deed
	var state, status, links, media, orgKind string
	var pending sql.NullString
	var mName, mNameSV, mLang, rName, rNameSV, rNameEN, cName, cNameSV, cNameEN, regionCode, countyCode string
	var pendingAt, submittedAt, publishedAt, archivedAt sql.NullTime
	err := sc.Scan(&d.ID, &d.Ref, &d.Slug, &state, &d.AuthorID, &d.OrgID, &d.UnitID,
		&d.Content.Municipality, &d.Lang, &d.Title, &d.Summary, &d.Sector, &status, &d.Year,
		&d.Need, &d.Solution, &d.Results, &d.Lessons, &d.Adoption, &d.Partners, &d.Funding,
		&d.Contact.Name, &d.Contact.Title, &d.Contact.Email, &d.Contact.Phone, &d.Contact.Public, &links, &media,
		&d.ReturnReason, &pending, &d.PendingState, &d.PendingBy, &pendingAt,
		&d.CreatedAt, &d.UpdatedAt, &submittedAt, &publishedAt, &archivedAt,
		&d.OrgCode, &orgKind, &d.OrgName.FI, &d.OrgName.SV, &d.OrgName.EN, &d.UnitName,
		&mName, &mNameSV, &mLang,
		&regionCode, &rName, &rNameSV, &rNameEN,
		&countyCode, &cName, &cNameSV, &cNameEN,
		&d.AuthorName)
	if err != nil {
		return nil, err
	}
	d.State, d.Status, d.OrgKind = State(state), Status(status), orgKind
	if err := json.Unmarshal([]byte(links), &d.Links); err != nil {
		return nil, fmt.Errorf("deed %d: links: %w", d.ID, err)
	}
	var mc mediaColumn
	if err := json.Unmarshal([]byte(media), &mc); err != nil {
		return nil, fmt.Errorf("deed %d: media: %w", d.ID, err)
	}
	d.Images, d.Attachments = mc.Images, mc.Attachments
	if pending.Valid && pending.String != "" {
		var p Content
		if err := json.Unmarshal([]byte(pending.String), &p); err != nil {
			return nil, fmt.Errorf("deed %d: pending: %w", d.ID, err)
		}
		d.Pending = &p
	}
	d.PendingAt = timePtr(pendingAt)
	d.SubmittedAt = timePtr(submittedAt)
	d.PublishedAt = timePtr(publishedAt)
	d.ArchivedAt = timePtr(archivedAt)
	if d.Content.Municipality != "" {
		en := mName
		if strings.HasPrefix(mLang, "sv") {
			en = mNameSV
		}
		d.Municipality = &Place{Code: d.Content.Municipality, Name: i18n.Text{FI: mName, SV: mNameSV, EN: en}}
	}
	if regionCode != "" {
		d.Region = &Place{Code: regionCode, Name: i18n.Text{FI: rName, SV: rNameSV, EN: rNameEN}}
	}
	if countyCode != "" {
		d.County = &Place{Code: countyCode, Name: i18n.Text{FI: cName, SV: cNameSV, EN: cNameEN}}
	}
	d.Themes, d.ClientGroups = []string{}, []string{}
	return &d, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

// loadTerms fills the themes and client groups of the given deeds.
func loadTerms(ctx context.Context, q store.Querier, deeds []*Deed) error {
	if len(deeds) == 0 {
		return nil
	}
	byID := make(map[int64]*Deed, len(deeds))
	args := make([]any, 0, len(deeds))
	for _, d := range deeds {
		byID[d.ID] = d
		args = append(args, d.ID)
	}
	rows, err := q.Query(ctx, `SELECT dt.deed_id, t.kind, t.slug FROM deed_terms dt JOIN terms t ON t.id = dt.term_id
		WHERE dt.deed_id IN (`+store.Placeholders(len(args))+`) ORDER BY t.position, t.id`, args...)
	if err != nil {
		return fmt.Errorf("deed: load terms: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind, slug string
		if err := rows.Scan(&id, &kind, &slug); err != nil {
			return fmt.Errorf("deed: load terms: %w", err)
		}
		d := byID[id]
		switch taxonomy.Kind(kind) {
		case taxonomy.Theme:
			d.Themes = append(d.Themes, slug)
		case taxonomy.ClientGroup:
			d.ClientGroups = append(d.ClientGroups, slug)
		}
	}
	return rows.Err()
}

func getDeed(ctx context.Context, q store.Querier, where string, args ...any) (*Deed, error) {
	d, err := scanDeed(q.QueryRow(ctx, deedSelect+" WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("deed: get: %w", err)
	}
	if err := loadTerms(ctx, q, []*Deed{d}); err != nil {
		return nil, err
	}
	return d, nil
}

// places holds the place codes a deed is filed under, derived from its
// organisation and, when given, the municipality where the work was done.
type places struct {
	municipality, county, region sql.NullString
}

func derivePlaces(ctx context.Context, q store.Querier, orgID int64, municipality string) (places, error) {
	var p places
	if municipality != "" {
		err := q.QueryRow(ctx, `SELECT code, county_code, region_code FROM municipalities WHERE code = ?`, municipality).
			Scan(&p.municipality, &p.county, &p.region)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return p, fmt.Errorf("deed: municipality: %w", err)
		}
	}
	err := q.QueryRow(ctx, `SELECT municipality_code, county_code, region_code FROM organisations WHERE id = ?`, orgID).
		Scan(&p.municipality, &p.county, &p.region)
	if err != nil {
		return p, fmt.Errorf("deed: organisation %d: %w", orgID, err)
	}
	return p, nil
}

// writeContent stores c as the live content of deed id.
func writeContent(ctx context.Context, tx *store.Tx, vocab *taxonomy.Vocabulary, id int64, c *Content, now time.Time) error {
	p, err := derivePlaces(ctx, tx, c.OrgID, c.Municipality)
	if err != nil {
		return err
	}
	var sector sql.NullInt64
	if t, ok := vocab.BySlug(taxonomy.Sector, c.Sector); ok {
		sector = sql.NullInt64{Int64: t.ID, Valid: true}
	}
	var unit sql.NullInt64
	if c.UnitID != 0 {
		unit = sql.NullInt64{Int64: c.UnitID, Valid: true}
	}
	var year sql.NullInt64
	if c.Year != 0 {
		year = sql.NullInt64{Int64: int64(c.Year), Valid: true}
	}
	links, err := json.Marshal(nonNilLinks(c.Links))
	if err != nil {
		return fmt.Errorf("deed: links: %w", err)
	}
	media, err := json.Marshal(mediaColumn{Images: nonNilMedia(c.Images), Attachments: nonNilMedia(c.Attachments)})
	if err != nil {
		return fmt.Errorf("deed: media: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE deeds SET slug = ?, org_id = ?, unit_id = ?, municipality_code = ?, county_code = ?, region_code = ?,
		lang = ?, title = ?, summary = ?, sector_id = ?, status = ?, year_started = ?,
		need = ?, solution = ?, results = ?, lessons = ?, adoption = ?, partners = ?, funding = ?,
		contact_name = ?, contact_title = ?, contact_email = ?, contact_phone = ?, contact_public = ?,
		links = ?, media = ?, updated_at = ? WHERE id = ?`,
		Slugify(c.Title), c.OrgID, unit, p.municipality, p.county, p.region,
		c.Lang, c.Title, c.Summary, sector, string(c.Status), year,
		c.Need, c.Solution, c.Results, c.Lessons, c.Adoption, c.Partners, c.Funding,
		c.Contact.Name, c.Contact.Title, c.Contact.Email, c.Contact.Phone, c.Contact.Public,
		string(links), string(media), now, id)
	if err != nil {
		return fmt.Errorf("deed %d: write: %w", id, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM deed_terms WHERE deed_id = ?`, id); err != nil {
		return fmt.Errorf("deed %d: terms: %w", id, err)
	}
	for _, set := range []struct {
		kind  taxonomy.Kind
		slugs []string
	}{{taxonomy.Theme, c.Themes}, {taxonomy.ClientGroup, c.ClientGroups}} {
		for _, slug := range set.slugs {
			t, ok := vocab.BySlug(set.kind, slug)
			if !ok {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO deed_terms (deed_id, term_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, t.ID); err != nil {
				return fmt.Errorf("deed %d: terms: %w", id, err)
			}
		}
	}
	// Media referenced by the content now belong to the deed.
	for _, m := range append(append([]MediaRef{}, c.Images...), c.Attachments...) {
		if _, err := tx.Exec(ctx, `UPDATE media SET deed_id = ? WHERE id = ? AND deed_id IS NULL`, id, m.ID); err != nil {
			return fmt.Errorf("deed %d: media: %w", id, err)
		}
	}
	return nil
}

func nonNilLinks(l []Link) []Link {
	if l == nil {
		return []Link{}
	}
	return l
}

func nonNilMedia(m []MediaRef) []MediaRef {
	if m == nil {
		return []MediaRef{}
	}
	return m
}

// addRevision records one change with a full copy of the content. Every
// write of a deed ends here, so it also moves the deed to the head of the
// change sequence that search indexes on every node follow.
func addRevision(ctx context.Context, tx *store.Tx, deedID, userID int64, action string, state State, note string, c *Content, now time.Time) error {
	var seq int64
	if err := tx.QueryRow(ctx, `UPDATE counters SET n = n + 1 WHERE name = 'deeds' RETURNING n`).Scan(&seq); err != nil {
		return fmt.Errorf("deed %d: change sequence: %w", deedID, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE deeds SET seq = ? WHERE id = ?`, seq, deedID); err != nil {
		return fmt.Errorf("deed %d: change sequence: %w", deedID, err)
	}
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("deed %d: revision: %w", deedID, err)
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(number), 0) FROM deed_revisions WHERE deed_id = ?`, deedID).Scan(&n); err != nil {
		return fmt.Errorf("deed %d: revision: %w", deedID, err)
	}
	var uid sql.NullInt64
	if userID != 0 {
		uid = sql.NullInt64{Int64: userID, Valid: true}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO deed_revisions (deed_id, number, user_id, action, state, note, content, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, deedID, n+1, uid, action, string(state), note, string(body), now); err != nil {
		return fmt.Errorf("deed %d: revision: %w", deedID, err)
	}
	return nil
}
