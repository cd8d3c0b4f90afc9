// Package mail sends the e-mails other packages leave in the mail_outbox
// table (today the campaign service's jury invitations) over SMTP.
//
// Every app node may run a Sender against the one shared database. A node
// claims a batch of due rows in one atomic statement (on PostgreSQL with
// FOR UPDATE SKIP LOCKED), so two nodes never send the same row. Delivery
// is at least once, not exactly once: a node that dies after the server
// took a mail but before recording it leaves a claim that goes stale, and
// another node sends that mail again, with the same Message-ID.
//
// A mail whose address is malformed, or that the server refuses with a
// permanent (5xx) reply, is given up at once. A temporary failure is
// counted and retried after a back-off (1 min, 5 min, 30 min, 2 h, 6 h,
// 24 h by default) until the attempts run out. A server that cannot be
// reached, or refuses the sender or the login, is not the mail's fault:
// the mails are left queued, uncounted, and tried again a minute later.
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tekotori/tekotori/internal/store"
)

// Config says where and how the mail goes. Only Addr, From and BaseURL
// have no default.
type Config struct {
	// Addr is the SMTP server as host:port. Empty means mail is not sent
	// and stays queued. Port 465 means TLS from the first byte (SMTPS);
	// any other port starts in plain text and upgrades with STARTTLS
	// whenever the server offers it.
	Addr string
	// From is the sender, "noreply@example.org" or
	// "Tekotori <noreply@example.org>"; its domain also ends Message-IDs.
	From string
	// User and Password log in with AUTH PLAIN when User is set. net/smtp
	// sends them only over TLS or to a server on loopback.
	User     string
	Password string
	// BaseURL is the site's public address, put in front of the site paths
	// in a body (see BaseURLPlaceholder).
	BaseURL string
	// HelloName is the name given in EHLO; the host name by default.
	HelloName string
	// NodeID names this node in claimed_by; a random one by default.
	NodeID string
	// Interval is how often the outbox is looked at without a Kick (2 s).
	Interval time.Duration
	// Timeout bounds the connection, each command and each message (30 s).
	Timeout time.Duration
	// Batch is how many mails one claim takes, and one connection sends (20).
	Batch int
	// Backoff is the wait after the first, second, … failed try; the last
	// one repeats (1 min, 5 min, 30 min, 2 h, 6 h, 24 h).
	Backoff []time.Duration
	// MaxAttempts is how many tries a mail gets before it is given up (7).
	MaxAttempts int
	// ClaimTTL is how long a claim holds: a node that has not finished a
	// batch by then is taken for dead and another may take its mails
	// (15 min; at least four Timeouts). A node stops sending from a batch
	// before its own claim runs out.
	ClaimTTL time.Duration
}

// Enabled reports whether an SMTP server is configured.
func (c Config) Enabled() bool { return c.Addr != "" }

// defaultBackoff is the wait after each failed try.
var defaultBackoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour}

func (c Config) withDefaults() Config {
	if c.Interval <= 0 {
		c.Interval = 2 * time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.Batch <= 0 {
		c.Batch = 20
	}
	if len(c.Backoff) == 0 {
		c.Backoff = defaultBackoff
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = len(c.Backoff) + 1
	}
	if c.ClaimTTL <= 0 {
		c.ClaimTTL = 15 * time.Minute
	}
	if c.HelloName == "" {
		if h, err := os.Hostname(); err == nil && h != "" {
			c.HelloName = h
		} else {
			c.HelloName = "localhost"
		}
	}
	if c.NodeID == "" {
		raw := make([]byte, 6)
		_, _ = rand.Read(raw)
		c.NodeID = fmt.Sprintf("%s/%d/%s", c.HelloName, os.Getpid(), hex.EncodeToString(raw))
	}
	return c
}

// Result counts what one pass over the outbox did.
type Result struct {
	Sent     int // accepted by the server
	Retried  int // failed for now, counted, to be tried again later
	Failed   int // given up: malformed address, permanent refusal, or out of attempts
	Deferred int // handed back uncounted: server unreachable, or the node stopping
}

func (r *Result) add(o Result) {
	r.Sent += o.Sent
	r.Retried += o.Retried
	r.Failed += o.Failed
	r.Deferred += o.Deferred
}

// Sender sends the outbox. Make one with New and run it with Run.
type Sender struct {
	db       *store.DB
	cfg      Config
	log      *slog.Logger
	from     *mail.Address
	host     string
	implicit bool // SMTPS: TLS from the first byte
	baseURL  string
	kick     chan struct{}
	// now is the clock for what is stored (claims, back-off, sent_at);
	// the tests move it. Deadlines on the connection use the real clock.
	now func() time.Time
	// down is set while the server cannot be reached, so that an outage
	// is logged once at Warn and its end once at Info.
	down atomic.Bool
}

// New checks cfg and returns a Sender on db. cfg.Addr must be set: a
// caller with no server configured runs no Sender.
func New(db *store.DB, cfg Config, log *slog.Logger) (*Sender, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	if !cfg.Enabled() {
		return nil, errors.New("mail: no SMTP server address")
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" || port == "" {
		return nil, fmt.Errorf("mail: SMTP address %q must be host:port", cfg.Addr)
	}
	if strings.TrimSpace(cfg.From) == "" {
		return nil, errors.New("mail: no sender address (From)")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", cfg.From, err)
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("mail: base URL %q must be an http:// or https:// address", cfg.BaseURL)
	}
	if cfg.ClaimTTL < 4*cfg.Timeout {
		return nil, fmt.Errorf("mail: claim lifetime %s must be at least four timeouts (%s)", cfg.ClaimTTL, 4*cfg.Timeout)
	}
	if cfg.Password != "" && cfg.User == "" {
		return nil, errors.New("mail: SMTP password given without a user")
	}
	return &Sender{
		db:       db,
		cfg:      cfg,
		log:      log,
		from:     from,
		host:     host,
		implicit: port == "465",
		baseURL:  strings.TrimSuffix(cfg.BaseURL, "/"),
		kick:     make(chan struct{}, 1),
		now:      store.Now,
	}, nil
}

// NodeID is the name this Sender claims mails under.
func (s *Sender) NodeID() string { return s.cfg.NodeID }

// Kick asks a running Sender to look at the outbox now rather than at the
// next tick, e.g. right after a mail was queued. It never blocks.
func (s *Sender) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run sends the outbox every Interval and on Kick until ctx is done. It
// finishes the message in hand before it returns and hands the rest of its
// batch back at once, so call it in its own goroutine and wait for it
// before closing the database.
func (s *Sender) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.Interval)
	defer t.Stop()
	for {
		if _, err := s.SendPending(ctx); err != nil && ctx.Err() == nil {
			var se *serverError
			if !errors.As(err, &se) { // an outage is logged where it is seen
				s.log.Warn("mail: sending the outbox failed", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
	}
}

// SendPending claims and sends due mails, batch after batch, until none is
// due, the server fails or ctx is done. The error is a database failure or
// the server's; failures of single mails are recorded on their rows and
// counted in the Result.
func (s *Sender) SendPending(ctx context.Context) (Result, error) {
	var res Result
	for ctx.Err() == nil {
		now := s.now()
		batch, err := claim(ctx, s.db, s.cfg.NodeID, now, now.Add(-s.cfg.ClaimTTL), s.cfg.Batch)
		if err != nil {
			if ctx.Err() != nil {
				return res, nil
			}
			return res, err
		}
		if len(batch) == 0 {
			return res, nil
		}
		r, err := s.sendBatch(ctx, batch)
		res.add(r)
		if err != nil {
			return res, err
		}
		if len(batch) < s.cfg.Batch {
			return res, nil
		}
	}
	return res, nil
}

// serverError is a failure of the server or the connection rather than of
// one mail: unreachable, TLS, login, or the sender refused.
type serverError struct{ err error }

func (e *serverError) Error() string { return "mail: SMTP server: " + e.err.Error() }
func (e *serverError) Unwrap() error { return e.err }

// stepError says which SMTP command of a delivery failed.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

type failure int

const (
	failServer    failure = iota // the sender or the session is refused: not the mail's fault
	failPermanent                // 5xx for this mail: give it up
	failTemporary                // 4xx for this mail: retry it later, the connection goes on
	failBroken                   // the connection broke during the mail: retry it later, reconnect
)

func classify(err error) failure {
	var se *stepError
	if errors.As(err, &se) && se.step == "MAIL" {
		return failServer
	}
	var te *textproto.Error
	if !errors.As(err, &te) {
		return failBroken
	}
	if te.Code >= 500 {
		return failPermanent
	}
	return failTemporary
}

// writeCtx is for recording what was done after ctx ended: a mail that
// went out must be marked sent even while the node stops.
func writeCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

func (s *Sender) sendBatch(ctx context.Context, batch []queued) (Result, error) {
	var res Result
	claimed := time.Now()
	wctx, cancel := writeCtx(ctx)
	defer cancel()
	msgs := make([]message, 0, len(batch))
	for _, q := range batch {
		to, err := parseRecipient(q.to)
		if err == nil {
			var data []byte
			data, err = buildMessage(q.id, s.from, to, q.subject, ExpandBody(q.body, s.baseURL), q.createdAt, s.now())
			if err == nil {
				msgs = append(msgs, message{id: q.id, to: to, envelope: to.Address, data: data, attempts: q.attempts})
				continue
			}
		}
		if err := markFailed(wctx, s.db, s.cfg.NodeID, q.id, s.now(), err.Error()); err != nil {
			return res, err
		}
		s.log.Warn("mail: given up, not a valid message", "id", q.id, "err", err)
		res.Failed++
	}
	if len(msgs) == 0 {
		return res, nil
	}
	c, conn, err := s.connect(ctx)
	if err != nil {
		if ctx.Err() != nil {
			res.Deferred += len(msgs)
			return res, release(wctx, s.db, s.cfg.NodeID, ids(msgs), time.Time{}, "")
		}
		return s.serverDown(wctx, res, msgs, err)
	}
	defer c.Close()
	if s.down.Swap(false) {
		s.log.Info("mail: SMTP server reachable again", "addr", s.cfg.Addr)
	}
	for i, m := range msgs {
		// Stop before the claim could run out under this node's feet, or
		// when the node stops: the rest go back to the queue at once.
		if ctx.Err() != nil || time.Since(claimed)+s.cfg.Timeout > s.cfg.ClaimTTL {
			res.Deferred += len(msgs) - i
			return res, release(wctx, s.db, s.cfg.NodeID, ids(msgs[i:]), time.Time{}, "")
		}
		_ = conn.SetDeadline(time.Now().Add(s.cfg.Timeout))
		err := s.deliver(c, m)
		if err == nil {
			if err := markSent(wctx, s.db, m.id, s.now()); err != nil {
				return res, err
			}
			s.log.Info("mail: sent", "id", m.id)
			res.Sent++
			continue
		}
		switch classify(err) {
		case failServer:
			return s.serverDown(wctx, res, msgs[i:], err)
		case failPermanent:
			if err := markFailed(wctx, s.db, s.cfg.NodeID, m.id, s.now(), err.Error()); err != nil {
				return res, err
			}
			s.log.Warn("mail: given up, refused by the server", "id", m.id, "err", err)
			res.Failed++
		default:
			gaveUp, rerr := s.retry(wctx, m, err)
			if rerr != nil {
				return res, rerr
			}
			if gaveUp {
				res.Failed++
			} else {
				res.Retried++
			}
		}
		// After a refusal the session goes on with RSET; a broken
		// connection or a failed RSET ends the batch.
		if classify(err) == failBroken || c.Reset() != nil {
			res.Deferred += len(msgs) - i - 1
			if rerr := release(wctx, s.db, s.cfg.NodeID, ids(msgs[i+1:]), time.Time{}, ""); rerr != nil {
				return res, rerr
			}
			return res, fmt.Errorf("mail: connection lost: %w", err)
		}
	}
	_ = conn.SetDeadline(time.Now().Add(s.cfg.Timeout))
	_ = c.Quit()
	return res, nil
}

// retry counts a failed try of m and schedules the next, or gives m up
// when it has had its attempts.
func (s *Sender) retry(ctx context.Context, m message, cause error) (gaveUp bool, err error) {
	attempts := m.attempts + 1
	now := s.now()
	if attempts >= s.cfg.MaxAttempts {
		if err := markFailed(ctx, s.db, s.cfg.NodeID, m.id, now, cause.Error()); err != nil {
			return false, err
		}
		s.log.Warn("mail: given up after too many attempts", "id", m.id, "attempts", attempts, "err", cause)
		return true, nil
	}
	wait := s.cfg.Backoff[min(attempts, len(s.cfg.Backoff))-1]
	if err := markRetry(ctx, s.db, s.cfg.NodeID, m.id, now.Add(wait), cause.Error()); err != nil {
		return false, err
	}
	s.log.Info("mail: failed, will retry", "id", m.id, "attempts", attempts, "retry_in", wait, "err", cause)
	return false, nil
}

// serverDown hands msgs back uncounted, to be tried again after the first
// back-off, and logs the outage once.
func (s *Sender) serverDown(ctx context.Context, res Result, msgs []message, cause error) (Result, error) {
	res.Deferred += len(msgs)
	if err := release(ctx, s.db, s.cfg.NodeID, ids(msgs), s.now().Add(s.cfg.Backoff[0]), cause.Error()); err != nil {
		return res, err
	}
	if !s.down.Swap(true) {
		s.log.Warn("mail: SMTP server failed; mails stay queued", "addr", s.cfg.Addr, "retry_in", s.cfg.Backoff[0], "err", cause)
	} else {
		s.log.Debug("mail: SMTP server still failing", "addr", s.cfg.Addr, "err", cause)
	}
	return res, &serverError{err: cause}
}

// connect opens an SMTP session ready for MAIL FROM: TLS (implicit on
// port 465, else STARTTLS when offered) and login when a user is set.
func (s *Sender) connect(ctx context.Context) (*smtp.Client, net.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	d := net.Dialer{Timeout: s.cfg.Timeout}
	conn, err := d.DialContext(dctx, "tcp", s.cfg.Addr)
	if err != nil {
		return nil, nil, fmt.Errorf("dial %s: %w", s.cfg.Addr, err)
	}
	_ = conn.SetDeadline(time.Now().Add(s.cfg.Timeout))
	tlsConf := &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	var smtpConn net.Conn = conn
	if s.implicit {
		tc := tls.Client(conn, tlsConf)
		if err := tc.HandshakeContext(dctx); err != nil {
			conn.Close()
			return nil, nil, fmt.Errorf("TLS with %s: %w", s.cfg.Addr, err)
		}
		smtpConn = tc
	}
	c, err := smtp.NewClient(smtpConn, s.host)
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("greeting from %s: %w", s.cfg.Addr, err)
	}
	fail := func(what string, err error) (*smtp.Client, net.Conn, error) {
		c.Close()
		return nil, nil, fmt.Errorf("%s with %s: %w", what, s.cfg.Addr, err)
	}
	if err := c.Hello(s.cfg.HelloName); err != nil {
		return fail("EHLO", err)
	}
	if !s.implicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConf); err != nil {
				return fail("STARTTLS", err)
			}
		}
	}
	if s.cfg.User != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fail("login", errors.New("the server offers no AUTH"))
		}
		if err := c.Auth(smtp.PlainAuth("", s.cfg.User, s.cfg.Password, s.host)); err != nil {
			return fail("login", err)
		}
	}
	return c, conn, nil
}

// deliver sends one message on an open session.
func (s *Sender) deliver(c *smtp.Client, m message) error {
	if err := c.Mail(s.from.Address); err != nil {
		return &stepError{step: "MAIL", err: err}
	}
	if err := c.Rcpt(m.envelope); err != nil {
		return &stepError{step: "RCPT", err: err}
	}
	w, err := c.Data()
	if err != nil {
		return &stepError{step: "DATA", err: err}
	}
	// On a failed write the message is not closed: closing ends DATA,
	// and the server would deliver what it got so far.
	if _, err := w.Write(m.data); err != nil {
		return &stepError{step: "DATA", err: err}
	}
	if err := w.Close(); err != nil {
		return &stepError{step: "DATA", err: err}
	}
	return nil
}

func ids(ms []message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.id
	}
	return out
}
