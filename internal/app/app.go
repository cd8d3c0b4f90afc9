// Package app wires Tekotori's services onto one database, so that the
// server, the command line and the tests start the platform the same way.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/tekotori/tekotori/internal/analysis"
	"github.com/tekotori/tekotori/internal/audit"
	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/finland"
	"github.com/tekotori/tekotori/internal/housekeeping"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/thesaurus"
	"github.com/tekotori/tekotori/internal/throttle"
	"github.com/tekotori/tekotori/internal/user"
)

// App holds the services of one running platform.
type App struct {
	DB     *store.DB
	Log    *slog.Logger
	Places *finland.Registry
	Orgs   *org.Service
	Terms  *taxonomy.Service
	Users  *user.Service
	// Audit reads the log of site administration, which the services
	// write.
	Audit    *audit.Service
	Deeds    *deed.Service
	Importer *deed.Importer
	// Campaigns runs award campaigns.
	Campaigns *campaign.Service
	Search    *search.Service
	Thesaurus *thesaurus.Service
	// Limits keeps the abuse counters, shared by every node.
	Limits *throttle.Limiter

	stopSearch context.CancelFunc
	labels     labelCache
}

// Open connects to dsn, migrates, brings the place registry and the
// default vocabularies into the database, and builds the services.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*App, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	a, err := New(ctx, db, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

// New builds the platform on an open database.
func New(ctx context.Context, db *store.DB, log *slog.Logger) (*App, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := db.Migrate(ctx, log); err != nil {
		return nil, err
	}
	reg, err := finland.Load()
	if err != nil {
		return nil, err
	}
	a := &App{DB: db, Log: log, Places: reg}
	a.Orgs = org.NewService(db, reg)
	if err := a.Orgs.Sync(ctx); err != nil {
		return nil, fmt.Errorf("app: sync places: %w", err)
	}
	a.Terms = taxonomy.NewService(db)
	if err := a.Terms.Seed(ctx); err != nil {
		return nil, fmt.Errorf("app: seed vocabularies: %w", err)
	}
	a.Limits = throttle.New(db)
	a.Users = user.NewService(db)
	a.Users.UseLimits(a.Limits)
	a.Audit = audit.NewService(db)
	a.Deeds = deed.NewService(db, a.Terms)
	a.Importer = deed.NewImporter(a.Deeds, a.Orgs, a.Terms)
	a.Campaigns = campaign.NewService(db, a.Deeds)
	a.Search = search.NewService(db, analysis.New(log), log)
	a.Thesaurus = thesaurus.NewService(db)
	if err := a.Thesaurus.Seed(ctx); err != nil {
		return nil, fmt.Errorf("app: seed thesaurus: %w", err)
	}
	return a, nil
}

// lookAlikesShown is how many look-alike deeds stop a submission.
const lookAlikesShown = 3

// StartSearch builds the search index and keeps it current: at once for
// changes this node makes, by polling for those of other nodes. Commands
// that only write (import, migrate) do without it.
func (a *App) StartSearch(ctx context.Context) error {
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	a.Search.Awards = a.AwardLabels
	if err := a.LoadThesaurus(ctx); err != nil {
		cancel()
		return err
	}
	if err := a.Search.Start(sctx); err != nil {
		cancel()
		return err
	}
	a.stopSearch = cancel
	// A rename shows at once on this node; other nodes read the names
	// again within the cache's lifetime.
	a.Orgs.OnChange = a.ForgetFacetLabels
	a.Terms.OnChange = a.ForgetFacetLabels
	a.Deeds.LookAlikes = func(ctx context.Context, deedID int64, c deed.Content) []int64 {
		src := &search.Source{DeedID: deedID, Lang: c.Lang, Title: c.Title, Summary: c.Summary, Body: []string{c.Need, c.Solution, c.Results}}
		var ids []int64
		for _, sim := range a.Search.Duplicates(src, lookAlikesShown) {
			ids = append(ids, sim.DeedID)
		}
		return ids
	}
	a.Deeds.OnChange = func(ctx context.Context) {
		if err := a.Search.CatchUp(ctx); err != nil {
			a.Log.Warn("search catch-up after a change failed", "err", err)
		}
	}
	// Publishing results changes no deed, so the deeds' change sequence
	// does not carry it: every node rebuilds instead (a few times a
	// year), in the background, this one starting at once.
	a.Campaigns.OnPublish = func(ctx context.Context) {
		a.ForgetFacetLabels()
		if err := a.Search.RequestRebuild(ctx); err != nil {
			a.Log.Warn("search rebuild request after publishing results failed", "err", err)
			return
		}
		if err := a.Search.CatchUp(ctx); err != nil {
			a.Log.Warn("search catch-up after publishing results failed", "err", err)
		}
	}
	return nil
}

// Close stops the search follower and closes the database.
func (a *App) Close() error {
	if a.stopSearch != nil {
		a.stopSearch()
	}
	a.Search.Analyzer().Close()
	return a.DB.Close()
}

// HousekeepingJobs are the domain's periodic clean-ups, for a
// housekeeping.Runner.
func (a *App) HousekeepingJobs() []housekeeping.Job {
	count := func(n int64, err error) (string, error) { return strconv.FormatInt(n, 10), err }
	return []housekeeping.Job{
		{Name: "expired-sessions", Every: time.Hour, Run: func(ctx context.Context) (string, error) {
			return count(a.Users.PurgeExpiredSessions(ctx))
		}},
		{Name: "spent-links", Every: time.Hour, Run: func(ctx context.Context) (string, error) {
			return count(a.Users.PurgeSpentLinks(ctx))
		}},
		{Name: "unused-uploads", Every: time.Hour, Run: func(ctx context.Context) (string, error) {
			return count(a.Deeds.PurgeUnusedUploads(ctx))
		}},
		{Name: "spent-limits", Every: time.Hour, Run: func(ctx context.Context) (string, error) {
			return count(a.Limits.Purge(ctx, 24*time.Hour))
		}},
	}
}

// LoadThesaurus hands the search the thesaurus as it is in the database;
// it runs at start and after every change of a ring on this node.
func (a *App) LoadThesaurus(ctx context.Context) error {
	v, err := a.Thesaurus.Vocabulary(ctx, a.Search.Analyzer())
	if err != nil {
		return err
	}
	a.Search.SetVocabulary(v)
	return nil
}
