package campaign

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// The results reach the entrants: on publication every entry's people get
// a mail in their language with the entry's result and the approved
// feedback. An entry's people are who entered it, the deed's contact
// person and the organisation's editors. A correction mails only the
// entries whose result it changed.

// resultRecipient is one address and the language to write to it in.
type resultRecipient struct{ email, lang string }

// queueResultMails puts the result mails of a publication in the outbox,
// inside the publication's transaction; prev is the version before, nil
// for the first.
func (s *Service) queueResultMails(ctx context.Context, tx *store.Tx, c *Campaign, r, prev *Results, now time.Time) (int, error) {
	entries, err := s.entriesOf(ctx, tx, "campaign_id = ?", c.ID)
	if err != nil {
		return 0, err
	}
	outcome := func(res *Results) map[int64]Outcome {
		out := map[int64]Outcome{}
		if res == nil {
			return out
		}
		for _, rc := range res.Categories {
			for _, a := range append(append([]Award{}, rc.Winners...), rc.Mentions...) {
				if a.EntryID != 0 {
					out[a.EntryID] = a.Outcome
				}
			}
		}
		return out
	}
	now0, before := outcome(r), outcome(prev)
	feedback := map[int64]string{}
	rows, err := tx.Query(ctx, `SELECT entry_id, body FROM campaign_feedback WHERE campaign_id = ?`, c.ID)
	if err != nil {
		return 0, fmt.Errorf("campaign %d: result mails: %w", c.ID, err)
	}
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			rows.Close()
			return 0, fmt.Errorf("campaign %d: result mails: %w", c.ID, err)
		}
		feedback[id] = body
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("campaign %d: result mails: %w", c.ID, err)
	}
	sent := 0
	for _, e := range entries {
		cat := c.Category(e.CategoryID)
		if cat == nil || cat.Rule != RuleJury {
			continue
		}
		if prev != nil && now0[e.ID] == before[e.ID] {
			continue
		}
		to, err := s.resultRecipients(ctx, tx, c.ProgrammeID, &e)
		if err != nil {
			return 0, err
		}
		for _, rcpt := range to {
			subject, body := resultMail(rcpt.lang, c, cat, &e, now0[e.ID], feedback[e.ID], r.Version)
			if _, err := tx.Exec(ctx, `INSERT INTO mail_outbox (to_addr, subject, body, created_at) VALUES (?, ?, ?, ?)`, rcpt.email, subject, body, now); err != nil {
				return 0, fmt.Errorf("campaign %d: result mail: %w", c.ID, err)
			}
			sent++
		}
	}
	return sent, nil
}

// resultRecipients lists an entry's people once each: who entered it (not
// a programme admin enrolling it), the deed's author and contact person
// (written to in the deed's language) and the editors of its organisation.
func (s *Service) resultRecipients(ctx context.Context, q store.Querier, programmeID int64, e *Entry) ([]resultRecipient, error) {
	var out []resultRecipient
	seen := map[string]bool{}
	add := func(email, lang string) {
		email = strings.ToLower(strings.TrimSpace(email))
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || seen[email] {
			return
		}
		seen[email] = true
		if lang != "sv" && lang != "en" {
			lang = "fi"
		}
		out = append(out, resultRecipient{email, lang})
	}
	// Who entered it, unless a programme admin enrolled it; the deed's
	// author; the organisation's editors.
	var author int64
	if e.Kind == KindDeed && len(e.Snapshot.Deeds) > 0 {
		author = e.Snapshot.Deeds[0].AuthorID
	}
	rows, err := q.Query(ctx, `SELECT email, lang FROM users WHERE disabled = FALSE AND (id = ? OR (org_id = ? AND role = ?)
		OR (id = ? AND role <> ? AND id NOT IN (SELECT user_id FROM programme_admins WHERE programme_id = ?))) ORDER BY id`,
		author, e.OrgID, string(user.RoleOrgEditor), e.EnteredBy, string(user.RoleAdmin), programmeID)
	if err != nil {
		return nil, fmt.Errorf("campaign: result recipients: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var email, lang string
		if err := rows.Scan(&email, &lang); err != nil {
			return nil, fmt.Errorf("campaign: result recipients: %w", err)
		}
		add(email, lang)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: result recipients: %w", err)
	}
	if e.Kind == KindDeed {
		for _, d := range e.Snapshot.Deeds {
			add(d.Content.Contact.Email, d.Content.Lang)
		}
	}
	return out, nil
}

// resultWords are the result mail's sentences in one language.
type resultWords struct {
	subject, hello, published, entry, result, feedback, noFeedback, link, correction string
	outcomes                                                                         map[Outcome]string
}

var resultText = map[string]resultWords{
	"fi": {"Tulokset: %s", "Hei,", "kilpailun %s (%s) tulokset on julkaistu.", "Osallistuja: %s\nSarja: %s",
		"Tulos: %s", "Tuomariston palaute:", "Tuomariston palautetta ei ole kirjattu.", "Tulokset:", "Tulokset on korjattu (versio %d); tulos on muuttunut.",
		map[Outcome]string{Winner: "palkittu", Mention: "kunniamaininta", "": "ei palkintoa tällä kertaa"}},
	"sv": {"Resultat: %s", "Hej,", "resultaten i tävlingen %s (%s) har publicerats.", "Deltagare: %s\nSerie: %s",
		"Resultat: %s", "Juryns respons:", "Ingen respons från juryn har skrivits.", "Resultaten:", "Resultaten har korrigerats (version %d); resultatet har ändrats.",
		map[Outcome]string{Winner: "prisbelönt", Mention: "hedersomnämnande", "": "inget pris denna gång"}},
	"en": {"Results: %s", "Hello,", "the results of %s (%s) have been published.", "Entry: %s\nCategory: %s",
		"Result: %s", "The jury's feedback:", "The jury wrote no feedback.", "The results:", "The results have been corrected (version %d); the result has changed.",
		map[Outcome]string{Winner: "awarded", Mention: "honourable mention", "": "no award this time"}},
}

// resultMail writes one entry's result mail in lang.
func resultMail(lang string, c *Campaign, cat *Category, e *Entry, o Outcome, feedback string, version int) (subject, body string) {
	w := resultText[lang]
	subject = fmt.Sprintf(w.subject, c.Name.In(lang))
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s\n", w.hello, fmt.Sprintf(w.published, c.Name.In(lang), c.Programme.In(lang)))
	if version > 1 {
		fmt.Fprintf(&b, "%s\n", fmt.Sprintf(w.correction, version))
	}
	fmt.Fprintf(&b, "\n%s\n%s\n\n", fmt.Sprintf(w.entry, e.Title, cat.Name.In(lang)), fmt.Sprintf(w.result, w.outcomes[o]))
	if feedback = strings.TrimSpace(feedback); feedback != "" {
		fmt.Fprintf(&b, "%s\n%s\n\n", w.feedback, feedback)
	} else {
		fmt.Fprintf(&b, "%s\n\n", w.noFeedback)
	}
	// A body line that starts with / is a site path the sender completes.
	fmt.Fprintf(&b, "%s\n/campaigns/%d\n", w.link, c.ID)
	return subject, b.String()
}

// DeedFeedback is the approved feedback on one entry of a deed, with its
// campaign and category, for the deed's page.
type DeedFeedback struct {
	CampaignID int64
	Campaign   Campaign
	Category   Category
	Outcome    Outcome
	Body       string
}

// FeedbackForDeed lists the approved feedback u may read on the entries of
// a deed, in campaigns whose results are published: what the deed's
// authors, entrants and organisation's editors see on its page.
func (s *Service) FeedbackForDeed(ctx context.Context, u *user.User, deedID int64) ([]DeedFeedback, error) {
	mine, err := s.EntriesOf(ctx, u, deedID)
	if err != nil {
		return nil, err
	}
	var out []DeedFeedback
	for _, e := range mine {
		c, err := s.Campaign(ctx, e.CampaignID)
		if err != nil {
			return nil, err
		}
		if c.Published == 0 {
			continue
		}
		f, err := s.Feedback(ctx, u, e.ID)
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrForbidden) {
			continue
		}
		if err != nil {
			return nil, err
		}
		df := DeedFeedback{CampaignID: c.ID, Campaign: *c, Body: f.Body}
		if cat := c.Category(e.CategoryID); cat != nil {
			df.Category = *cat
		}
		if r, err := s.Published(ctx, c.ID, 0); err == nil {
			for _, rc := range r.Categories {
				for _, a := range append(append([]Award{}, rc.Winners...), rc.Mentions...) {
					if a.EntryID == e.ID {
						df.Outcome = a.Outcome
					}
				}
			}
		}
		out = append(out, df)
	}
	return out, nil
}
