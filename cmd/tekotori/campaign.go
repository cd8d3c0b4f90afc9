package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"

	"github.com/tekotori/tekotori/internal/campaign"
)

const campaignUsage = `usage: tekotori campaign simulate [--runs N] [--seed S] [--entries N] [--jurors N] [--per-entry K] [--winners W] [--scenario NAME]`

// campaignCmd runs the award-campaign tools. "simulate" draws campaigns
// from several generative models of a jury and reports, for each, how
// well the raw mean, per-juror standardisation and the calibration model
// find the truly best entries: the figures the default ranking method is
// chosen by.
func campaignCmd(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 || args[0] != "simulate" {
		return errors.New(campaignUsage)
	}
	def := campaign.DefaultSim()
	fs := flag.NewFlagSet("campaign simulate", flag.ContinueOnError)
	fs.SetOutput(stdout)
	runs := fs.Int("runs", 200, "how many campaigns to draw per scenario")
	seed := fs.Uint64("seed", 1, "seed of the random draws; the same seed gives the same output")
	entries := fs.Int("entries", def.Entries, "entries per campaign")
	jurors := fs.Int("jurors", def.Jurors, "jurors per campaign")
	perEntry := fs.Int("per-entry", def.PerEntry, "jurors per entry")
	winners := fs.Int("winners", def.Winners, "awards per campaign")
	only := fs.String("scenario", "", "run only this scenario")
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
	var scenarios []campaign.Scenario
	for _, sc := range campaign.Scenarios() {
		if *only == "" || sc.Name == *only {
			scenarios = append(scenarios, sc)
		}
	}
	if len(scenarios) == 0 {
		return fmt.Errorf("campaign simulate: no scenario %q", *only)
	}
	if log != nil {
		log.Debug("simulating award campaigns", "runs", *runs, "seed", *seed)
	}
	fmt.Fprintf(stdout, "%d simulated campaigns a scenario (seed %d): %d entries, %d jurors, %d jurors an entry, %d winners\n\n",
		*runs, *seed, cfg.Entries, cfg.Jurors, cfg.PerEntry, cfg.Winners)
	fmt.Fprintf(stdout, "| scenario | top-%d recall raw | standardised | model | Spearman raw | standardised | model | best recall in runs (raw / std / model) |\n", cfg.Winners)
	fmt.Fprintln(stdout, "| --- | --- | --- | --- | --- | --- | --- | --- |")
	var sums []campaign.SimSummary
	for i, sc := range scenarios {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Each scenario has its own stream, so that one can be rerun alone
		// with --scenario and give the same figures.
		rng := rand.New(rand.NewPCG(*seed, 0x7e607041+uint64(i)))
		if *only != "" {
			for j, all := range campaign.Scenarios() {
				if all.Name == sc.Name {
					rng = rand.New(rand.NewPCG(*seed, 0x7e607041+uint64(j)))
				}
			}
		}
		s := campaign.RunScenario(cfg, sc, *runs, rng)
		sums = append(sums, s)
		fmt.Fprintf(stdout, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %d / %d / %d |\n", sc.Name,
			s.Recall[campaign.MethodRaw], s.Recall[campaign.MethodStandardised], s.Recall[campaign.MethodModel],
			s.Spearman[campaign.MethodRaw], s.Spearman[campaign.MethodStandardised], s.Spearman[campaign.MethodModel],
			s.Wins[campaign.MethodRaw], s.Wins[campaign.MethodStandardised], s.Wins[campaign.MethodModel])
	}
	mean := func(m campaign.Method, spearman bool) float64 {
		var t float64
		for _, s := range sums {
			if spearman {
				t += s.Spearman[m]
			} else {
				t += s.Recall[m]
			}
		}
		return t / float64(len(sums))
	}
	fmt.Fprintf(stdout, "| **mean** | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | |\n\n",
		mean(campaign.MethodRaw, false), mean(campaign.MethodStandardised, false), mean(campaign.MethodModel, false),
		mean(campaign.MethodRaw, true), mean(campaign.MethodStandardised, true), mean(campaign.MethodModel, true))
	fmt.Fprintln(stdout, "scenarios:")
	for _, sc := range scenarios {
		fmt.Fprintf(stdout, "  %-18s %s\n", sc.Name, sc.Description)
	}
	best := campaign.BestMethod(sums)
	var parts []string
	for _, m := range campaign.Methods() {
		parts = append(parts, fmt.Sprintf("%s=%.2f", m, mean(m, false)))
	}
	fmt.Fprintf(stdout, "\nbest by mean recall: %s (the ranking's default: %s)\n", best, campaign.DefaultMethod)
	fmt.Fprintf(stdout, "top%d-recall %s\n", cfg.Winners, strings.Join(parts, " "))
	return nil
}
