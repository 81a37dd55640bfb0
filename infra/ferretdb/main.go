// Command sv-ferretdb runs FerretDB v1 (MongoDB wire protocol) with the SQLite
// backend for local development and tests. It is started by infra/infra.sh.
//
// Why a wrapper instead of `go install github.com/FerretDB/FerretDB/cmd/ferretdb`:
// that binary panics at start because build/version/version.txt is not part of
// the module zip (upstream issue #2982). The embeddable package does not need it.
// The embeddable package also keeps its state in memory and disables telemetry
// explicitly (see ferretdb.New), so nothing is reported anywhere.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "data", "directory for the SQLite database files")
	debug := flag.Bool("debug", false, "log at debug level")
	flag.Parse()

	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if err := run(*listen, *dataDir, logger); err != nil {
		logger.Error("sv-ferretdb failed", "error", err)
		os.Exit(1)
	}
}

func run(listen, dataDir string, logger *slog.Logger) error {
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		return err
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: listen},
		Logger:   logger,
		Handler:  "sqlite",
		// The SQLite handler wants a directory URI with a trailing slash:
		// one SQLite file per MongoDB database is created inside it.
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		return fmt.Errorf("ferretdb.New: %w", err)
	}

	// SIGTERM (infra.sh down) and SIGINT cancel the context; Run then closes the
	// listener, all client connections and the SQLite backend before returning.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger.Info("sv-ferretdb listening", "addr", listen, "sqlite", dir)
	if err = f.Run(ctx); err != nil {
		return err
	}
	logger.Info("sv-ferretdb stopped")
	return nil
}
