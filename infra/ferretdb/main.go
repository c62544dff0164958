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
	"net/http"
	_ "net/http/pprof" // served only when FERRETDB_DEBUG_ADDR is set
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:37017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "data", "directory for the SQLite databases")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	// FerretDB's live heap is a few MB, so Go's default (collect at twice the live heap) ran a
	// collection every few requests: ~15% of its CPU under write load. Collect when the heap reaches
	// 1 GiB instead, unless GOGC or GOMEMLIMIT say otherwise.
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(1 << 30)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		log.Fatalf("bad -log-level: %v", err)
	}
	logger := slog.New(&lazyHandler{inner: slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})})

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
		// default journal is flushed every 100 ms, a similar promise). A 64 MiB page cache per
		// connection and memory-mapped reads keep the indexes of a large collection out of read calls.
		SQLiteURL: "file:" + dir + "/?_pragma=synchronous(normal)&_pragma=cache_size(-65536)&_pragma=mmap_size(1073741824)",
	})
	if err != nil {
		log.Fatal(err)
	}

	// Run returns once ctx is cancelled and all connections are closed.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	// Go's profiler for the store under load: go tool pprof http://$FERRETDB_DEBUG_ADDR/debug/pprof/profile
	if addr := os.Getenv("FERRETDB_DEBUG_ADDR"); addr != "" {
		go func() { logger.Warn("debug listener stopped", "err", http.ListenAndServe(addr, nil)) }()
	}

	go newIDIndexer(dir, logger).run(ctx, time.Second)

	logger.Warn("FerretDB listening", "addr", *listen, "data", dir)
	if err = f.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
