package main

import (
	"context"
	"flag"
	"log/slog"
	"os"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/mail"
)

// mailFlags registers serve's mail flags on fs. The function it returns,
// called after fs.Parse, gives the mail configuration for the site at
// baseURL. The password has no flag default taken from the environment,
// so that -h never prints it.
func mailFlags(fs *flag.FlagSet) func(baseURL string) mail.Config {
	addr := fs.String("smtp-addr", env("TEKOTORI_SMTP_ADDR", ""), "SMTP server for outgoing mail as host:port; port 465 is TLS from the start, others use STARTTLS when offered; empty keeps mail queued (env TEKOTORI_SMTP_ADDR)")
	from := fs.String("smtp-from", env("TEKOTORI_SMTP_FROM", ""), "sender of outgoing mail, e.g. 'Tekotori <noreply@example.org>'; required with --smtp-addr (env TEKOTORI_SMTP_FROM)")
	user := fs.String("smtp-user", env("TEKOTORI_SMTP_USER", ""), "SMTP login (AUTH PLAIN, only over TLS or to loopback); empty sends without logging in (env TEKOTORI_SMTP_USER)")
	password := fs.String("smtp-password", "", "SMTP password; better given as env TEKOTORI_SMTP_PASSWORD, which the process list does not show")
	return func(baseURL string) mail.Config {
		pw := *password
		if pw == "" {
			pw = os.Getenv("TEKOTORI_SMTP_PASSWORD")
		}
		return mail.Config{Addr: *addr, From: *from, User: *user, Password: pw, BaseURL: baseURL}
	}
}

// startMail starts sending the mail outbox in the background when an SMTP
// server is configured, and otherwise says once that mail stays queued.
// The returned stop ends the sender and waits for it (at most about one
// SMTP timeout, to finish the message in hand); call it before the
// database closes. An error means the configuration is wrong.
func startMail(ctx context.Context, a *app.App, cfg mail.Config, log *slog.Logger) (stop func(), err error) {
	if !cfg.Enabled() {
		log.Info("mail is not configured (--smtp-addr): e-mails stay queued in the outbox")
		return func() {}, nil
	}
	s, err := mail.New(a.DB, cfg, log)
	if err != nil {
		return nil, err
	}
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(mctx)
	}()
	log.Info("mail sender running", "smtp", cfg.Addr, "node", s.NodeID())
	return func() {
		cancel()
		<-done
	}, nil
}
