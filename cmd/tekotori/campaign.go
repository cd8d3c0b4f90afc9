package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"

	"github.com/tekotori/tekotori/internal/campaign"
)

const campaignUsage = `usage: tekotori campaign simulate [--runs N] [--seed S] [--entries N] [--jurors N] [--per-entry K] [--winners W]`

// campaignCmd runs the award-campaign tools. "simulate" measures how well
// the jury's raw mean and the juror-normalised score find the truly best
// entries of campaigns drawn like the 2022 gala.
func campaignCmd(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 || args[0] != "simulate" {
		return errors.New(campaignUsage)
	}
	def := campaign.DefaultSim()
	fs := flag.NewFlagSet("campaign simulate", flag.ContinueOnError)
	fs.SetOutput(stdout)
	runs := fs.Int("runs", 200, "how many campaigns to draw")
	seed := fs.Uint64("seed", 1, "seed of the random draws; the same seed gives the same output")
	entries := fs.Int("entries", def.Entries, "entries per campaign")
	jurors := fs.Int("jurors", def.Jurors, "jurors per campaign")
	perEntry := fs.Int("per-entry", def.PerEntry, "jurors per entry")
	winners := fs.Int("winners", def.Winners, "awards per campaign")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg := def
	cfg.Entries, cfg.Jurors, cfg.PerEntry, cfg.Winners = *entries, *jurors, *perEntry, *winners
	switch {
	case *runs < 1:
		return errors.New("campaign simulate: --runs must be at least 1")
	case cfg.Entries < 1 || cfg.Winners < 1 || cfg.Winners > cfg.Entries:
		return errors.New("campaign simulate: need 1 ≤ winners ≤ entries")
	case cfg.PerEntry < 1 || cfg.PerEntry > cfg.Jurors:
		return errors.New("campaign simulate: need 1 ≤ per-entry ≤ jurors")
	}
	if log != nil {
		log.Debug("simulating award campaigns", "runs", *runs, "seed", *seed)
	}
	rng := rand.New(rand.NewPCG(*seed, 0x7e607041))
	var rawSum, normSum, better, worse int
	rawMin, rawMax, normMin, normMax := cfg.Winners, 0, cfg.Winners, 0
	for i := 0; i < *runs; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		r := campaign.Simulate(cfg, rng)
		rawSum += r.Raw
		normSum += r.Normalised
		rawMin, rawMax = min(rawMin, r.Raw), max(rawMax, r.Raw)
		normMin, normMax = min(normMin, r.Normalised), max(normMax, r.Normalised)
		switch {
		case r.Normalised > r.Raw:
			better++
		case r.Normalised < r.Raw:
			worse++
		}
	}
	n := float64(*runs)
	rawMean, normMean := float64(rawSum)/n, float64(normSum)/n
	fmt.Fprintf(stdout, "%d simulated campaigns (seed %d): %d entries, %d jurors, %d jurors an entry, %d winners\n",
		*runs, *seed, cfg.Entries, cfg.Jurors, cfg.PerEntry, cfg.Winners)
	fmt.Fprintf(stdout, "true top %d picked, raw mean:   %.1f on average (%d–%d)\n", cfg.Winners, rawMean, rawMin, rawMax)
	fmt.Fprintf(stdout, "true top %d picked, normalised: %.1f on average (%d–%d)\n", cfg.Winners, normMean, normMin, normMax)
	fmt.Fprintf(stdout, "normalised picked more in %d runs, fewer in %d, as many in %d\n", better, worse, *runs-better-worse)
	fmt.Fprintf(stdout, "top%d-recall raw=%.2f normalised=%.2f\n", cfg.Winners, rawMean/float64(cfg.Winners), normMean/float64(cfg.Winners))
	return nil
}
