// Command ferretdb runs FerretDB 1.24 (MongoDB wire protocol on SQLite) for
// local development without Docker. It embeds the upstream ferretdb package:
// `go install .../cmd/ferretdb@v1.24.2` builds but panics at start because its
// version file is generated from git. It also adds the `_id` index FerretDB's
// SQLite queries can use (idindex.go). Started and stopped by scripts/infra.
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:37017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "data", "directory for the SQLite databases")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		log.Fatalf("bad -log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		log.Fatal(err)
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  "sqlite",
		// The trailing slash: FerretDB wants a directory. synchronous=normal: with SQLite's write-ahead
		// log a commit survives a FerretDB crash; an OS crash may lose the last ones (MongoDB's
		// default journal is flushed every 100 ms, a similar promise).
		SQLiteURL: "file:" + dir + "/?_pragma=synchronous(normal)",
	})
	if err != nil {
		log.Fatal(err)
	}

	// Run returns once ctx is cancelled and all connections are closed.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	go newIDIndexer(dir, logger).run(ctx, 250*time.Millisecond)

	logger.Warn("FerretDB listening", "addr", *listen, "data", dir)
	if err = f.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
