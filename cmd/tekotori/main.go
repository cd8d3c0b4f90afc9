// Command tekotori runs the Tekotori idea bank and its maintenance tasks.
//
//	tekotori serve   [--addr A] [--db D] [--base-url U] [--demo] [--index-dir DIR]
//	tekotori migrate [--db D]
//	tekotori user add --email E --name N --role R [--org CODE] [--db D]   (password from standard input)
//	tekotori import  [--db D] [--add-terms] FILE|-
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/demo"
	"github.com/tekotori/tekotori/internal/housekeeping"
	"github.com/tekotori/tekotori/internal/user"
	"github.com/tekotori/tekotori/internal/web"
)

const usage = `Usage: tekotori <command> [flags]

Commands:
  serve     run the web server (--demo fills an empty database with demo data)
  migrate   bring the database schema up to date
  user add  create an account; the password is read from standard input
  import    load published deeds from a JSON Lines file (- for standard input)
  reindex   rebuild the search index on every node (after a change of analyser)
  thesaurus import [--db D] FILE|-  import a SKOS Turtle vocabulary into the thesaurus search expands through
  eval-search [--db-postgres URL] [--set S] [--details]  print search relevance (nDCG@10, recall@10, MRR) on the judged sets
  bench-search [--deeds 10000,100000] [--postgres URL]  measure search build speed, latency and memory
  backup --out FILE  write a consistent copy of the database (uploads included) while the site runs
  restore [--force] FILE  put a backup back; refused while nodes use the database, unless --force
  campaign simulate [--runs N]  compare raw and juror-normalised jury scores on simulated campaigns

Every command takes --db (or TEKOTORI_DB): a file path means SQLite
(default ./tekotori.db), a postgres:// URL means PostgreSQL.
Run "tekotori <command> -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(web.LogHandler(logHandler(os.Getenv("TEKOTORI_LOG_FORMAT"))))
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, log); err != nil {
		fmt.Fprintln(os.Stderr, "tekotori:", err)
		os.Exit(1)
	}
}

// logHandler writes logs as text, or as one JSON object a line with
// TEKOTORI_LOG_FORMAT=json, for a log collector.
func logHandler(format string) slog.Handler {
	opts := &slog.HandlerOptions{Level: logLevel()}
	if format == "json" {
		return slog.NewJSONHandler(os.Stderr, opts)
	}
	return slog.NewTextHandler(os.Stderr, opts)
}

func logLevel() slog.Level {
	if os.Getenv("TEKOTORI_DEBUG") != "" {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// envInt is env for a number; a value that is not one is ignored with a
// warning on standard error, and the default holds.
func envInt(name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tekotori: %s=%q is not a number; using %d\n", name, v, def)
		return def
	}
	return n
}

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", env("TEKOTORI_DB", "tekotori.db"), "database: SQLite file path or postgres:// URL (env TEKOTORI_DB)")
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, log)
	case "migrate":
		return migrate(ctx, args[1:], stdout, log)
	case "user":
		return userCmd(ctx, args[1:], stdin, stdout, log)
	case "import":
		return importCmd(ctx, args[1:], stdin, stdout, log)
	case "thesaurus":
		return thesaurusCmd(ctx, args[1:], stdin, stdout, log)
	case "reindex":
		return reindex(ctx, args[1:], stdout, log)
	case "campaign":
		return campaignCmd(ctx, args[1:], stdout, log)
	case "eval-search":
		return evalSearchCmd(ctx, args[1:], stdout, log)
	case "bench-search":
		return benchSearchCmd(ctx, args[1:], stdout, log)
	case "backup":
		return backupCmd(ctx, args[1:], stdout, log)
	case "restore":
		return restoreCmd(ctx, args[1:], stdin, log)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stdout, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// memoryHeadroom is what a server may allocate above what it holds after
// building its search index before the garbage collector works harder to
// stay within it; GOMEMLIMIT, when set, is used instead.
const memoryHeadroom = 64 << 20

func serve(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", env("TEKOTORI_ADDR", "127.0.0.1:8080"), "listen address (env TEKOTORI_ADDR)")
	db := dbFlag(fs)
	baseURL := fs.String("base-url", env("TEKOTORI_BASE_URL", ""), "public address of the site, e.g. https://tekotori.example.org (env TEKOTORI_BASE_URL; default http://ADDR)")
	withDemo := fs.Bool("demo", os.Getenv("TEKOTORI_DEMO") != "", "fill an empty database with the demo deeds and accounts (env TEKOTORI_DEMO)")
	indexDir := fs.String("index-dir", env("TEKOTORI_INDEX_DIR", ""), "directory on disk for the search index file, which is mapped into memory (env TEKOTORI_INDEX_DIR; default the temporary directory)")
	mailConfig := mailFlags(fs)
	ssoList := fs.String("sso", env("TEKOTORI_SSO", ""), "OpenID Connect providers to sign in with, e.g. entra,google; each is configured by TEKOTORI_SSO_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET and _LABEL (env TEKOTORI_SSO)")
	searchLimit := fs.Int("search-limit", envInt("TEKOTORI_SEARCH_LIMIT", 120), "searches a client address may make a minute, across nodes; 0 for no limit (env TEKOTORI_SEARCH_LIMIT)")
	metricsToken := fs.String("metrics-token", env("TEKOTORI_METRICS_TOKEN", ""), "serve Prometheus metrics at /metrics to scrapers that send this bearer token (env TEKOTORI_METRICS_TOKEN; off when empty)")
	clientIPHeader := fs.String("client-ip-header", env("TEKOTORI_CLIENT_IP_HEADER", ""), "header in which a reverse proxy gives the client's address, e.g. X-Forwarded-For (env TEKOTORI_CLIENT_IP_HEADER); empty: the connection's address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sso, err := ssoProviders(*ssoList, os.Getenv)
	if err != nil {
		return err
	}
	if *baseURL == "" {
		*baseURL = "http://" + *addr
	}
	a, err := app.Open(ctx, *db, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if *withDemo {
		res, err := demo.Fill(ctx, a)
		if err != nil {
			return err
		}
		if res.Skipped {
			log.Info("demo data not loaded: the database already has deeds")
		} else {
			log.Info("demo data loaded", "deeds", res.Report.Added, "accounts", res.Accounts, "password", demo.Password)
		}
	}
	a.Search.IndexDir = *indexDir
	if os.Getenv("GOMEMLIMIT") == "" {
		a.Search.MemoryHeadroom = memoryHeadroom
	}
	if err := a.StartSearch(ctx); err != nil {
		return err
	}
	stopMail, err := startMail(ctx, a, mailConfig(*baseURL), log)
	if err != nil {
		return err
	}
	defer stopMail()
	srv, err := web.New(a, web.Options{BaseURL: *baseURL, SecureCookies: strings.HasPrefix(*baseURL, "https://"),
		SearchPerMinute: *searchLimit, ClientIPHeader: *clientIPHeader, MetricsToken: *metricsToken, SSO: sso})
	if err != nil {
		return err
	}
	stopHeartbeat, err := housekeeping.Heartbeat(ctx, a.DB, log, housekeeping.NodeID())
	if err != nil {
		return err
	}
	defer stopHeartbeat()
	stopHousekeeping := housekeeping.New(a.DB, log, append(a.HousekeepingJobs(), srv.HousekeepingJobs()...)...).Start(ctx, time.Minute)
	defer stopHousekeeping()
	hs := &http.Server{Addr: *addr, Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 2 * time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	log.Info("tekotori is running", "url", *baseURL, "db", a.DB.Dialect)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(shutCtx)
}

func migrate(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	db := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := app.Open(ctx, *db, log)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(stdout, "database %s is up to date\n", a.DB.Dialect)
	return nil
}

func userCmd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New(`usage: tekotori user add --email E --name N --role R [--org CODE] (password from standard input)`)
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	db := dbFlag(fs)
	email := fs.String("email", "", "e-mail address (required)")
	name := fs.String("name", "", "full name (required)")
	role := fs.String("role", "member", "member, org_editor, org_admin, moderator or admin")
	orgCode := fs.String("org", "", "code of the organisation the person belongs to, e.g. kangasala")
	lang := fs.String("lang", "fi", "interface language: fi, sv or en")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	r, err := user.ParseRole(*role)
	if err != nil {
		return err
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password = strings.TrimRight(password, "\r\n")
	a, err := app.Open(ctx, *db, log)
	if err != nil {
		return err
	}
	defer a.Close()
	var orgID int64
	if *orgCode != "" {
		o, err := a.Orgs.ByCode(ctx, *orgCode)
		if err != nil {
			return fmt.Errorf("organisation %q: %w", *orgCode, err)
		}
		orgID = o.ID
	}
	// The console may give any role: whoever runs it holds the database.
	u, err := a.Users.Add(ctx, user.System(), user.NewUser{Email: *email, Name: *name, Password: password, Role: r, OrgID: orgID, Lang: *lang})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %d <%s> with role %s\n", u.ID, u.Email, u.Role)
	return nil
}

// reindex rebuilds the search index once here, to check it and report
// it, and asks every running node to rebuild theirs.
func reindex(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	db := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := app.Open(ctx, *db, log)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	if err := a.Search.Rebuild(ctx); err != nil {
		return err
	}
	if err := a.Search.RequestRebuild(ctx); err != nil {
		return err
	}
	st := a.Search.Status()
	fmt.Fprintf(stdout, "search index rebuilt: %d deeds in %s with %s; running nodes rebuild within a second\n",
		st.Deeds, time.Since(start).Round(time.Millisecond), st.Analyser)
	return nil
}

func importCmd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	db := dbFlag(fs)
	addTerms := fs.Bool("add-terms", false, "add unknown sectors, themes and client groups instead of rejecting the line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: tekotori import [--db D] [--add-terms] FILE|-")
	}
	var in io.Reader = stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	a, err := app.Open(ctx, *db, log)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.Importer.Import(ctx, in, deed.ImportOptions{AddTerms: *addTerms})
	if err != nil {
		return err
	}
	for _, e := range rep.Errors {
		ref := ""
		if e.Ref != "" {
			ref = " (" + e.Ref + ")"
		}
		fmt.Fprintf(stdout, "line %d%s: %s\n", e.Line, ref, e.Reason)
	}
	for _, o := range rep.CreatedOrgs {
		fmt.Fprintf(stdout, "created organisation: %s\n", o)
	}
	for _, t := range rep.CreatedTerms {
		fmt.Fprintf(stdout, "added term: %s\n", t)
	}
	fmt.Fprintf(stdout, "imported: %d added, %d updated, %d rejected\n", rep.Added, rep.Updated, len(rep.Errors))
	if len(rep.Errors) > 0 {
		return fmt.Errorf("%d lines rejected", len(rep.Errors))
	}
	return nil
}
