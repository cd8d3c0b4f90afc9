package mail

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tekotori/tekotori/internal/store"
)

// queued is one outbox row claimed for sending.
type queued struct {
	id        int64
	to        string
	subject   string
	body      string
	createdAt time.Time
	attempts  int
}

// dueWhere selects the rows a node may claim at now: neither sent nor given
// up, past their back-off, and not claimed by a node, or claimed so long
// ago that the node is taken for dead. Its arguments are now and the
// oldest claim still in force.
const dueWhere = `sent_at IS NULL AND failed_at IS NULL
	AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
	AND (claimed_at IS NULL OR claimed_at < ?)`

// dueWhereM is dueWhere for the table under the alias m.
const dueWhereM = `m.sent_at IS NULL AND m.failed_at IS NULL
	AND (m.next_attempt_at IS NULL OR m.next_attempt_at <= ?)
	AND (m.claimed_at IS NULL OR m.claimed_at < ?)`

// claim marks up to limit due rows, oldest first, as this node's and gives
// them back. It is one statement, so it is atomic on both engines.
//
// On PostgreSQL the rows are picked once, in a materialised CTE that locks
// them and skips rows another node's claim holds locked. (Written as
// "id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)" PostgreSQL may rescan
// the subquery for every outer row, each rescan locking new rows, so one
// claim took the whole queue whatever the limit.) The UPDATE repeats the
// conditions, which PostgreSQL checks again on the newest row version, so
// a row is never claimed twice. On SQLite the statement holds the
// database's one write lock and the subquery runs once.
func claim(ctx context.Context, db *store.DB, node string, now, staleBefore time.Time, limit int) ([]queued, error) {
	var q string
	var args []any
	if db.Dialect == store.Postgres {
		q = `WITH picked AS MATERIALIZED (
			SELECT id FROM mail_outbox WHERE ` + dueWhere + ` ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
		UPDATE mail_outbox m SET claimed_at = ?, claimed_by = ?
		FROM picked WHERE m.id = picked.id AND ` + dueWhereM + `
		RETURNING m.id, m.to_addr, m.subject, m.body, m.created_at, m.attempts`
		args = []any{now, staleBefore, limit, now, node, now, staleBefore}
	} else {
		q = `UPDATE mail_outbox SET claimed_at = ?, claimed_by = ?
		WHERE id IN (SELECT id FROM mail_outbox WHERE ` + dueWhere + ` ORDER BY id LIMIT ?)
		AND ` + dueWhere + `
		RETURNING id, to_addr, subject, body, created_at, attempts`
		args = []any{now, node, now, staleBefore, limit, now, staleBefore}
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("mail: claim: %w", err)
	}
	defer rows.Close()
	var out []queued
	for rows.Next() {
		var m queued
		if err := rows.Scan(&m.id, &m.to, &m.subject, &m.body, &m.createdAt, &m.attempts); err != nil {
			return nil, fmt.Errorf("mail: claim: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mail: claim: %w", err)
	}
	// RETURNING gives no order: send oldest first.
	slices.SortFunc(out, func(a, b queued) int { return cmp.Compare(a.id, b.id) })
	return out, nil
}

// markSent records a delivered mail. It does not ask whose claim the row
// is under: the mail went out, whatever else happened meanwhile.
func markSent(ctx context.Context, db *store.DB, id int64, now time.Time) error {
	if _, err := db.Exec(ctx, `UPDATE mail_outbox SET sent_at = ?, claimed_at = NULL, last_error = '' WHERE id = ?`, now, id); err != nil {
		return fmt.Errorf("mail: mark %d sent: %w", id, err)
	}
	return nil
}

// markFailed gives a mail up for good after a try that failed.
func markFailed(ctx context.Context, db *store.DB, node string, id int64, now time.Time, reason string) error {
	_, err := db.Exec(ctx, `UPDATE mail_outbox SET failed_at = ?, attempts = attempts + 1, last_error = ?, claimed_at = NULL
		WHERE id = ? AND claimed_by = ? AND sent_at IS NULL`, now, truncate(reason), id, node)
	if err != nil {
		return fmt.Errorf("mail: mark %d failed: %w", id, err)
	}
	return nil
}

// markRetry counts a failed try and lets the mail be claimed again at next.
func markRetry(ctx context.Context, db *store.DB, node string, id int64, next time.Time, reason string) error {
	_, err := db.Exec(ctx, `UPDATE mail_outbox SET next_attempt_at = ?, attempts = attempts + 1, last_error = ?, claimed_at = NULL
		WHERE id = ? AND claimed_by = ? AND sent_at IS NULL`, next, truncate(reason), id, node)
	if err != nil {
		return fmt.Errorf("mail: mark %d for retry: %w", id, err)
	}
	return nil
}

// release hands claimed mails back without counting a try: the server
// could not be reached, or the node is stopping. With a reason the mails
// wait until next, so that nodes do not hammer a server that is down;
// without one they are free at once.
func release(ctx context.Context, db *store.DB, node string, ids []int64, next time.Time, reason string) error {
	for _, id := range ids {
		var err error
		if reason == "" {
			_, err = db.Exec(ctx, `UPDATE mail_outbox SET claimed_at = NULL WHERE id = ? AND claimed_by = ? AND sent_at IS NULL`, id, node)
		} else {
			_, err = db.Exec(ctx, `UPDATE mail_outbox SET claimed_at = NULL, next_attempt_at = ?, last_error = ?
				WHERE id = ? AND claimed_by = ? AND sent_at IS NULL`, next, truncate(reason), id, node)
		}
		if err != nil {
			return fmt.Errorf("mail: release %d: %w", id, err)
		}
	}
	return nil
}

// truncate keeps last_error to a readable size.
func truncate(s string) string {
	const limit = 1000
	if len(s) <= limit {
		return s
	}
	// Cut on a rune boundary.
	for i := limit; i > 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return s[:i]
		}
	}
	return ""
}
