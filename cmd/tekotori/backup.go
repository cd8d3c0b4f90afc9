package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/tekotori/tekotori/internal/backup"
	"github.com/tekotori/tekotori/internal/store"
)

// backupCmd writes a consistent copy of the database, uploads included,
// while the site runs.
func backupCmd(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	db := dbFlag(fs)
	out := fs.String("out", "", "file to write the backup to (- for standard output; required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("backup: --out FILE is required")
	}
	d, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	w, closeOut, err := openOut(*out, stdout)
	if err != nil {
		return err
	}
	m, err := backup.Create(ctx, d, w)
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		if *out != "-" {
			os.Remove(*out) // half a backup must not pass for one
		}
		return err
	}
	log.Info("backup written", "file", *out, "engine", m.Engine, "schema", m.Schema, "bytes", m.Bytes, "sha256", m.SHA256)
	return nil
}

// restoreCmd puts a backup back in place of the database.
func restoreCmd(ctx context.Context, args []string, stdin io.Reader, log *slog.Logger) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	db := dbFlag(fs)
	force := fs.Bool("force", false, "restore even though nodes were seen using the database in the last 90 seconds")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: tekotori restore [--db D] [--force] FILE|-")
	}
	var r io.Reader = stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		defer f.Close()
		r = f
	}
	m, err := backup.Restore(ctx, *db, r, backup.RestoreOptions{Force: *force})
	if err != nil {
		return err
	}
	log.Info("backup restored", "engine", m.Engine, "schema", m.Schema, "made", m.CreatedAt)
	return nil
}

func openOut(name string, stdout io.Writer) (io.Writer, func() error, error) {
	if name == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("backup: %w", err)
	}
	return f, func() error {
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}, nil
}
