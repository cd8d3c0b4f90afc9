package mail

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
)

const testBaseURL = "https://tekotori.example.org/" // the trailing slash must not double

// pickyHandler is an aiosmtpd handler that stores mail like the stock
// Mailbox but answers RCPT for busy@ with a temporary and for nobody@
// with a permanent refusal, as real servers do.
const pickyHandler = `from aiosmtpd.handlers import Mailbox


class Picky(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("busy@"):
            return "451 4.3.0 Mailbox busy, try again later"
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"
`

// smtpServer is a real SMTP server (aiosmtpd) that writes what it accepts
// into a Maildir.
type smtpServer struct {
	addr    string
	maildir string
}

// aiosmtpdCommand finds the server: Debian's python3-aiosmtpd installs
// /usr/bin/aiosmtpd; a python3 that can import the module also does.
func aiosmtpdCommand() ([]string, error) {
	if p, err := exec.LookPath("aiosmtpd"); err == nil {
		return []string{p}, nil
	}
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if p, err := exec.LookPath(py); err == nil && exec.Command(p, "-c", "import aiosmtpd").Run() == nil {
			return []string{p, "-m", "aiosmtpd"}, nil
		}
	}
	return nil, errors.New("aiosmtpd not found: install Debian's python3-aiosmtpd (scripts/setup does)")
}

// startSMTP starts aiosmtpd with handler ("aiosmtpd.handlers.Mailbox" or
// "picky.Picky") on a free loopback port, waits for its greeting, and
// stops it when the test ends. Without aiosmtpd the test is skipped, or
// fails under CI.
func startSMTP(t *testing.T, handler string) *smtpServer {
	t.Helper()
	argv, err := aiosmtpdCommand()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("a real SMTP server is required under CI: %v", err)
		}
		t.Skipf("no SMTP server to test against: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "picky.py"), []byte(pickyHandler), 0o644); err != nil {
		t.Fatal(err)
	}
	maildir := filepath.Join(dir, "maildir")
	var lastErr error
	// The free port is found by listening and closing, so another process
	// may take it meanwhile: try a few.
	for try := 0; try < 3; try++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		args := slices.Concat(argv[1:], []string{"-n", "-l", addr, "-c", handler, maildir})
		cmd := exec.Command(argv[0], args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PYTHONPATH="+dir, "PYTHONDONTWRITEBYTECODE=1")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatalf("start aiosmtpd: %v", err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		stop := func() {
			_ = cmd.Process.Kill()
			<-exited
		}
		if lastErr = waitGreeting(addr, exited); lastErr == nil {
			t.Cleanup(stop)
			return &smtpServer{addr: addr, maildir: maildir}
		}
		stop()
		lastErr = fmt.Errorf("%w; output: %s", lastErr, out.String())
	}
	t.Fatalf("aiosmtpd did not start: %v", lastErr)
	return nil
}

// waitGreeting waits until addr answers with an SMTP 220 greeting.
func waitGreeting(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-exited:
			return errors.New("aiosmtpd exited")
		default:
		}
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			line, rerr := bufio.NewReader(conn).ReadString('\n')
			_, _ = conn.Write([]byte("QUIT\r\n"))
			conn.Close()
			if rerr == nil && strings.HasPrefix(line, "220") {
				return nil
			}
			err = fmt.Errorf("greeting %q: %v", line, rerr)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no SMTP greeting on %s: %w", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// received is one message as the server stored it.
type received struct {
	raw []byte
	msg *mail.Message
}

// messages reads the Maildir: what the server accepted, in no set order.
func (s *smtpServer) messages(t *testing.T) []received {
	t.Helper()
	var out []received
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(s.maildir, sub))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			raw, err := os.ReadFile(filepath.Join(s.maildir, sub, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			m, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("maildir %s: %v", e.Name(), err)
			}
			out = append(out, received{raw: raw, msg: m})
		}
	}
	return out
}

// clock is a settable clock for the stored times.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func newSender(t *testing.T, db *store.DB, addr string, clk *clock, edit func(*Config)) *Sender {
	t.Helper()
	cfg := Config{Addr: addr, From: "Tekotori Ääni <noreply@tekotori.example.org>", BaseURL: testBaseURL, Timeout: 10 * time.Second}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(db, cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if clk != nil {
		s.now = clk.now
	}
	return s
}

func queue(t *testing.T, db *store.DB, to, subject, body string) int64 {
	t.Helper()
	id, err := store.InsertID(context.Background(), db, `INSERT INTO mail_outbox (to_addr, subject, body, created_at) VALUES (?, ?, ?, ?)`,
		to, subject, body, store.Now())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// row is the sending state of one outbox row.
type row struct {
	sent, failed, claimed bool
	attempts              int
	lastError             string
	next                  sql.NullTime
}

func state(t *testing.T, db *store.DB, id int64) row {
	t.Helper()
	var r row
	var sent, failed, claimed sql.NullTime
	err := db.QueryRow(context.Background(), `SELECT sent_at, failed_at, claimed_at, attempts, last_error, next_attempt_at FROM mail_outbox WHERE id = ?`, id).
		Scan(&sent, &failed, &claimed, &r.attempts, &r.lastError, &r.next)
	if err != nil {
		t.Fatal(err)
	}
	r.sent, r.failed, r.claimed = sent.Valid, failed.Valid, claimed.Valid
	return r
}

func decodeBody(t *testing.T, m *mail.Message) string {
	t.Helper()
	if got := m.Header.Get("Content-Transfer-Encoding"); got != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding = %q", got)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

var messageIDRe = regexp.MustCompile(`^<tekotori\.(\d+)\.[0-9a-z]+@tekotori\.example\.org>$`)

func outboxID(t *testing.T, m *mail.Message) int64 {
	t.Helper()
	sub := messageIDRe.FindStringSubmatch(m.Header.Get("Message-ID"))
	if sub == nil {
		t.Fatalf("Message-ID %q", m.Header.Get("Message-ID"))
	}
	id, _ := strconv.ParseInt(sub[1], 10, 64)
	return id
}

// TestSendOutbox sends an invitation with Finnish letters through a real
// SMTP server and gives up a malformed address for good.
func TestSendOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startSMTP(t, "aiosmtpd.handlers.Mailbox")
		ctx := context.Background()
		subject := "Kutsu tuomaristoon / Invitation to the jury: Hyvinvointiä öljyttä – Åland"
		token := "0123456789abcdef0123456789abcdef0123456789abcdef"
		body := "Hei,\n\nsinut on kutsuttu kampanjan \"Vuoden teko\" tuomaristoon. Hyväksy kutsu avaamalla osoite:\n" +
			campaign.InvitationPath + token + "\n\nTerveisin, Tekotori – hyvää syksyä ja öisiä öitä\n"
		good := queue(t, db, "juror@example.org", subject, body)
		bad := queue(t, db, "not an address", "Kutsu", "Hei\n")

		clk := &clock{t: store.Now()}
		s := newSender(t, db, srv.addr, clk, nil)
		res, err := s.SendPending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res != (Result{Sent: 1, Failed: 1}) {
			t.Fatalf("result = %+v, want 1 sent and 1 failed", res)
		}

		got := srv.messages(t)
		if len(got) != 1 {
			t.Fatalf("server received %d messages, want 1", len(got))
		}
		m := got[0].msg
		for i, c := range got[0].raw {
			if c >= 0x80 {
				t.Fatalf("stored message is not 7-bit clean at byte %d", i)
			}
		}
		dec := new(mime.WordDecoder)
		if s, err := dec.DecodeHeader(m.Header.Get("Subject")); err != nil || s != subject {
			t.Errorf("Subject decodes to %q (%v), want %q", s, err, subject)
		}
		if to, err := mail.ParseAddress(m.Header.Get("To")); err != nil || to.Address != "juror@example.org" {
			t.Errorf("To = %q (%v)", m.Header.Get("To"), err)
		}
		if rcpt := m.Header.Get("X-RcptTo"); rcpt != "juror@example.org" {
			t.Errorf("envelope recipient = %q", rcpt)
		}
		from, err := (&mail.AddressParser{WordDecoder: dec}).Parse(m.Header.Get("From"))
		if err != nil || from.Name != "Tekotori Ääni" || from.Address != "noreply@tekotori.example.org" {
			t.Errorf("From = %q: %+v (%v)", m.Header.Get("From"), from, err)
		}
		if mf := m.Header.Get("X-MailFrom"); mf != "noreply@tekotori.example.org" {
			t.Errorf("envelope sender = %q", mf)
		}
		if d, err := m.Header.Date(); err != nil || !d.Equal(clk.now().Truncate(time.Second)) {
			t.Errorf("Date = %q (%v)", m.Header.Get("Date"), err)
		}
		if id := outboxID(t, m); id != good {
			t.Errorf("Message-ID names outbox row %d, want %d", id, good)
		}
		if ct := m.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if v := m.Header.Get("MIME-Version"); v != "1.0" {
			t.Errorf("MIME-Version = %q", v)
		}
		text := decodeBody(t, m)
		wantLink := "https://tekotori.example.org/jury/accept?token=" + token
		if !slices.Contains(strings.Split(text, "\n"), wantLink) {
			t.Errorf("body has no line %q:\n%s", wantLink, text)
		}
		if want := ExpandBody(body, testBaseURL); text != want {
			t.Errorf("body = %q, want %q", text, want)
		}

		if r := state(t, db, good); !r.sent || r.failed || r.claimed || r.attempts != 0 {
			t.Errorf("sent row: %+v", r)
		}
		r := state(t, db, bad)
		if r.sent || !r.failed || r.attempts != 1 || !strings.Contains(r.lastError, "invalid address") {
			t.Errorf("malformed row: %+v", r)
		}

		// Long after any back-off, nothing is sent again.
		clk.add(72 * time.Hour)
		if res, err := s.SendPending(ctx); err != nil || res != (Result{}) {
			t.Fatalf("second pass: %+v, %v; want nothing done", res, err)
		}
		if n := len(srv.messages(t)); n != 1 {
			t.Errorf("after a second pass the server has %d messages, want 1", n)
		}
		if r := state(t, db, bad); r.attempts != 1 {
			t.Errorf("malformed row was tried again: %+v", r)
		}
	})
}

// TestTwoNodesSendEachMailOnce runs two senders, each on its own database
// pool as two app nodes would be, at once on one outbox.
func TestTwoNodesSendEachMailOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startSMTP(t, "aiosmtpd.handlers.Mailbox")
		ctx := context.Background()
		other, err := store.Open(ctx, db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })

		want := map[int64]string{}
		for i := range 10 {
			to := fmt.Sprintf("juror%d@example.org", i)
			want[queue(t, db, to, fmt.Sprintf("Kutsu %d", i), "Hei\n/jury/accept?token=x\n")] = to
		}
		small := func(c *Config) { c.Batch = 2 }
		nodes := []*Sender{newSender(t, db, srv.addr, nil, small), newSender(t, other, srv.addr, nil, small)}
		results := make([]Result, len(nodes))
		errs := make([]error, len(nodes))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, s := range nodes {
			wg.Go(func() {
				<-start
				results[i], errs[i] = s.SendPending(ctx)
			})
		}
		close(start)
		wg.Wait()
		for i := range nodes {
			if errs[i] != nil {
				t.Fatalf("node %d: %v", i, errs[i])
			}
		}
		t.Logf("node a sent %d, node b sent %d", results[0].Sent, results[1].Sent)
		if total := results[0].Sent + results[1].Sent; total != 10 {
			t.Errorf("nodes report %d sent, want 10 (%+v)", total, results)
		}

		got := srv.messages(t)
		if len(got) != 10 {
			t.Fatalf("server received %d messages, want exactly 10", len(got))
		}
		seen := map[int64]bool{}
		for _, r := range got {
			id := outboxID(t, r.msg)
			if seen[id] {
				t.Errorf("outbox row %d arrived twice", id)
			}
			seen[id] = true
			if rcpt := r.msg.Header.Get("X-RcptTo"); rcpt != want[id] {
				t.Errorf("row %d went to %q, want %q", id, rcpt, want[id])
			}
		}
		for id := range want {
			if r := state(t, db, id); !r.sent {
				t.Errorf("row %d not marked sent: %+v", id, r)
			}
		}
	})
}

// TestClaimIsExclusive has many claimers on two pools race for the rows:
// each row is claimed exactly once, and no claim takes more than its limit.
func TestClaimIsExclusive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		other, err := store.Open(ctx, db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		const rows = 120
		for i := range rows {
			queue(t, db, fmt.Sprintf("p%d@example.org", i), "s", "b")
		}
		var mu sync.Mutex
		claimed := map[int64]int{}
		var wg sync.WaitGroup
		errc := make(chan error, 8)
		for g := range 8 {
			pool := db
			if g%2 == 1 {
				pool = other
			}
			wg.Go(func() {
				node := fmt.Sprintf("node-%d", g)
				for {
					now := store.Now()
					batch, err := claim(ctx, pool, node, now, now.Add(-15*time.Minute), 3)
					if err != nil {
						errc <- err
						return
					}
					if len(batch) == 0 {
						return
					}
					if len(batch) > 3 {
						errc <- fmt.Errorf("a claim with limit 3 took %d rows", len(batch))
						return
					}
					mu.Lock()
					for _, q := range batch {
						claimed[q.id]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
		if len(claimed) != rows {
			t.Errorf("%d rows claimed, want %d", len(claimed), rows)
		}
		for id, n := range claimed {
			if n != 1 {
				t.Errorf("row %d claimed %d times", id, n)
			}
		}
	})
}

// TestStaleClaimIsTakenOver: a node that died holding a claim does not
// keep its mails from going out.
func TestStaleClaimIsTakenOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := queue(t, db, "a@example.org", "s", "b")
		ttl := 15 * time.Minute
		t0 := store.Now()
		if got, err := claim(ctx, db, "dead", t0, t0.Add(-ttl), 20); err != nil || len(got) != 1 || got[0].id != id {
			t.Fatalf("first claim: %+v, %v", got, err)
		}
		t1 := t0.Add(time.Minute)
		if got, err := claim(ctx, db, "alive", t1, t1.Add(-ttl), 20); err != nil || len(got) != 0 {
			t.Fatalf("claim while the first holds: %+v, %v", got, err)
		}
		t2 := t0.Add(ttl + time.Second)
		if got, err := claim(ctx, db, "alive", t2, t2.Add(-ttl), 20); err != nil || len(got) != 1 {
			t.Fatalf("claim after the first went stale: %+v, %v", got, err)
		}
		var by string
		if err := db.QueryRow(ctx, `SELECT claimed_by FROM mail_outbox WHERE id = ?`, id).Scan(&by); err != nil || by != "alive" {
			t.Fatalf("claimed_by = %q, %v", by, err)
		}
	})
}

// TestRefusalsAndRetries: a temporary refusal (451) is retried on the
// back-off schedule and given up after MaxAttempts, a permanent one (550)
// at once, and the session goes on to send the next mail.
func TestRefusalsAndRetries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startSMTP(t, "picky.Picky")
		ctx := context.Background()
		busy := queue(t, db, "busy@example.org", "s", "b")
		nobody := queue(t, db, "nobody@example.org", "s", "b")
		ok := queue(t, db, "ok@example.org", "s", "b")
		clk := &clock{t: store.Now()}
		s := newSender(t, db, srv.addr, clk, func(c *Config) {
			c.Backoff = []time.Duration{time.Minute, 5 * time.Minute}
			c.MaxAttempts = 3
		})
		pass := func(want Result) {
			t.Helper()
			res, err := s.SendPending(ctx)
			if err != nil || res != want {
				t.Fatalf("at %s: %+v, %v; want %+v", clk.now().Format(time.TimeOnly), res, err, want)
			}
		}
		t0 := clk.now()
		pass(Result{Sent: 1, Retried: 1, Failed: 1})
		if r := state(t, db, ok); !r.sent {
			t.Errorf("ok@ not sent after the refusals before it: %+v", r)
		}
		if r := state(t, db, nobody); !r.failed || r.attempts != 1 || !strings.Contains(r.lastError, "550") {
			t.Errorf("nobody@ after 550: %+v", r)
		}
		r := state(t, db, busy)
		if r.failed || r.sent || r.attempts != 1 || !strings.Contains(r.lastError, "451") || !r.next.Time.Equal(t0.Add(time.Minute)) {
			t.Errorf("busy@ after the first 451: %+v", r)
		}

		clk.add(30 * time.Second)
		pass(Result{}) // not due yet
		clk.add(31 * time.Second)
		pass(Result{Retried: 1})
		if r := state(t, db, busy); r.attempts != 2 || !r.next.Time.Equal(clk.now().Add(5*time.Minute)) {
			t.Errorf("busy@ after the second 451: %+v", r)
		}
		clk.add(5*time.Minute + time.Second)
		pass(Result{Failed: 1}) // third attempt: given up
		if r := state(t, db, busy); !r.failed || r.attempts != 3 {
			t.Errorf("busy@ after its last attempt: %+v", r)
		}
		clk.add(72 * time.Hour)
		pass(Result{})
		if got := srv.messages(t); len(got) != 1 || got[0].msg.Header.Get("X-RcptTo") != "ok@example.org" {
			t.Errorf("server received %d messages, want only ok@'s", len(got))
		}
	})
}

// TestServerDownKeepsMailQueued: an unreachable server costs the mail no
// attempt; it waits a minute, so nodes do not hammer, and then goes out.
func TestServerDownKeepsMailQueued(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		deadAddr := ln.Addr().String()
		ln.Close()
		id := queue(t, db, "a@example.org", "s", "b")
		clk := &clock{t: store.Now()}
		t0 := clk.now()
		down := newSender(t, db, deadAddr, clk, func(c *Config) { c.Timeout = 2 * time.Second })
		res, err := down.SendPending(ctx)
		var se *serverError
		if !errors.As(err, &se) || res != (Result{Deferred: 1}) {
			t.Fatalf("with the server down: %+v, %v", res, err)
		}
		r := state(t, db, id)
		if r.sent || r.failed || r.claimed || r.attempts != 0 || !strings.Contains(r.lastError, "dial") || !r.next.Time.Equal(t0.Add(time.Minute)) {
			t.Fatalf("row after the failed connection: %+v", r)
		}
		clk.add(30 * time.Second)
		if res, err := down.SendPending(ctx); err != nil || res != (Result{}) {
			t.Fatalf("before the wait is over: %+v, %v; want nothing tried", res, err)
		}

		srv := startSMTP(t, "aiosmtpd.handlers.Mailbox")
		clk.add(31 * time.Second)
		up := newSender(t, db, srv.addr, clk, nil)
		if res, err := up.SendPending(ctx); err != nil || res != (Result{Sent: 1}) {
			t.Fatalf("with the server back: %+v, %v", res, err)
		}
		if n := len(srv.messages(t)); n != 1 {
			t.Errorf("server received %d messages, want 1", n)
		}
	})
}

// TestRunAndKick: Run sends what is queued when it starts, a Kick makes it
// look again at once, and it returns when its context ends.
func TestRunAndKick(t *testing.T) {
	db := storetest.Open(t, storetest.SQLite)
	srv := startSMTP(t, "aiosmtpd.handlers.Mailbox")
	queue(t, db, "first@example.org", "s", "b")
	s := newSender(t, db, srv.addr, nil, func(c *Config) { c.Interval = time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	waitMessages := func(n int) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for len(srv.messages(t)) < n {
			if time.Now().After(deadline) {
				t.Fatalf("server has %d messages, want %d", len(srv.messages(t)), n)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitMessages(1)
	queue(t, db, "second@example.org", "s", "b")
	s.Kick() // the ticker is an hour away: only the kick can send this
	waitMessages(2)
	cancel()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func TestExpandBody(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"Avaa:\n/jury/accept?token=abc\n", "Avaa:\nhttps://x.example/jury/accept?token=abc\n"},
		{"Avaa:\r\n/a\r\nja /b ei\r\n", "Avaa:\nhttps://x.example/a\nja /b ei\n"},
		{"//not/a/site/path\n", "//not/a/site/path\n"},
		{"Link: {{base_url}}/jury/accept?token=abc\n/left/alone\n", "Link: https://x.example/jury/accept?token=abc\n/left/alone\n"},
	} {
		if got := ExpandBody(c.body, "https://x.example/"); got != c.want {
			t.Errorf("ExpandBody(%q) = %q, want %q", c.body, got, c.want)
		}
	}
}

func TestBuildMessage(t *testing.T) {
	from := &mail.Address{Name: "Tekotori", Address: "noreply@tekotori.example.org"}
	to := &mail.Address{Address: "juror@example.org"}
	subject := "Kutsu tuomaristoon / Inbjudan till juryn / Invitation to the jury: Hyvinvointiä ja öljyä kunnissa 2026\r\nBcc: victim@example.org"
	body := strings.Repeat("Pitkä rivi ääkkösiä ja öitä. ", 10) + "\n.\nloppu\n"
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	data, err := buildMessage(42, from, to, subject, body, now, now)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare line break: %q", i, line)
		}
		if len(line) > maxLine+10 {
			t.Errorf("line %d is %d long: %q", i, len(line), line)
		}
	}
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Get("Bcc") != "" {
		t.Error("a line break in the subject made a header of its own")
	}
	got, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if want := oneLine(subject); err != nil || got != want {
		t.Errorf("Subject decodes to %q (%v), want %q", got, err, want)
	}
	if text := decodeBody(t, m); text != body {
		t.Errorf("body = %q, want %q", text, body)
	}
	if id := m.Header.Get("Message-ID"); !strings.HasPrefix(id, "<tekotori.42.") {
		t.Errorf("Message-ID = %q", id)
	}
	if m.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Error("no Auto-Submitted header")
	}
}

func TestNewChecksConfig(t *testing.T) {
	db := storetest.Open(t, storetest.SQLite)
	ok := Config{Addr: "smtp.example.org:587", From: "noreply@example.org", BaseURL: "https://example.org"}
	if _, err := New(db, ok, nil); err != nil {
		t.Fatalf("good config: %v", err)
	}
	for name, edit := range map[string]func(*Config){
		"no address":       func(c *Config) { c.Addr = "" },
		"no port":          func(c *Config) { c.Addr = "smtp.example.org" },
		"no sender":        func(c *Config) { c.From = "" },
		"bad sender":       func(c *Config) { c.From = "not an address" },
		"no base URL":      func(c *Config) { c.BaseURL = "" },
		"relative base":    func(c *Config) { c.BaseURL = "/tekotori" },
		"password no user": func(c *Config) { c.Password = "x" },
		"short claim":      func(c *Config) { c.ClaimTTL = time.Minute },
	} {
		c := ok
		edit(&c)
		if _, err := New(db, c, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
