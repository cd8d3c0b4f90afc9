package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/tekotori/tekotori/internal/app"
)

const thesaurusUsage = "usage: tekotori thesaurus import [--db D] FILE|-"

// thesaurusCmd imports a SKOS Turtle vocabulary (YSO, or any other) into
// the thesaurus: progress and every problem, with its line, go to stdout;
// what is sound is loaded, and the command fails when anything was
// reported. Importing the same file again changes nothing.
func thesaurusCmd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 || args[0] != "import" {
		return errors.New(thesaurusUsage)
	}
	fs := flag.NewFlagSet("thesaurus import", flag.ContinueOnError)
	fs.SetOutput(stdout)
	db := dbFlag(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(thesaurusUsage)
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
	rep, err := a.Thesaurus.ImportSKOS(ctx, in, func(msg string) { fmt.Fprintln(stdout, msg) })
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, p)
	}
	fmt.Fprintf(stdout, "thesaurus: %d concepts read: %d added, %d updated, %d unchanged; %d narrower links\n",
		rep.Concepts, rep.Added, rep.Updated, rep.Unchanged, rep.Links)
	// Running nodes pick the thesaurus up when they next start.
	if len(rep.Problems) > 0 {
		return fmt.Errorf("thesaurus: %d problems reported", len(rep.Problems))
	}
	return nil
}
