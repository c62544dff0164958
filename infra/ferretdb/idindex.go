package main

// FerretDB 1.24's SQLite backend pushes an `{_id: <string|ObjectID>}` filter
// down as `WHERE _ferretdb_sjson->'$._id' = ?`, but indexes `_id` as
// `_ferretdb_sjson->"_id"`. SQLite matches expression indexes by their text,
// so every lookup, update and delete by `_id` scans the whole table (about
// 2 µs a row: 95 ms at 50k documents). This watcher gives each collection
// table an index on the very expression the queries use; it changes no data
// and no FerretDB metadata, and the table's own unique index still enforces
// uniqueness.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses
)

// idPathIndexSuffix names our index; FerretDB names its own `<table>_<index name>`.
const idPathIndexSuffix = "__parkops_id_path"

type fileStamp struct {
	size  int64
	mtime time.Time
}

// idIndexer adds the missing `_id` path index to every collection table of
// every database in dir, re-checking a database only when its files changed.
type idIndexer struct {
	dir    string
	logger *slog.Logger
	seen   map[string][2]fileStamp // database file → stamps of main file and WAL
}

func newIDIndexer(dir string, logger *slog.Logger) *idIndexer {
	return &idIndexer{dir: dir, logger: logger, seen: map[string][2]fileStamp{}}
}

// run checks every interval until ctx ends.
func (ix *idIndexer) run(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()

	for {
		ix.pass(ctx)

		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (ix *idIndexer) pass(ctx context.Context) {
	files, err := filepath.Glob(filepath.Join(ix.dir, "*.sqlite"))
	if err != nil {
		ix.logger.Error("listing databases", "err", err)
		return
	}

	present := make(map[string]bool, len(files))

	for _, file := range files {
		present[file] = true
		stamps := [2]fileStamp{stampOf(file), stampOf(file + "-wal")}

		if ix.seen[file] == stamps {
			continue
		}

		if err := indexDatabase(ctx, file); err != nil {
			// A database being dropped or busy: try again on the next pass.
			ix.logger.Debug("indexing _id path", "file", file, "err", err)
			continue
		}

		ix.seen[file] = stamps
	}

	for file := range ix.seen {
		if !present[file] {
			delete(ix.seen, file)
		}
	}
}

func stampOf(path string) fileStamp {
	info, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}

	return fileStamp{size: info.Size(), mtime: info.ModTime()}
}

// indexDatabase creates the missing indexes of one database file.
func indexDatabase(ctx context.Context, file string) error {
	// mode=rw: never create a database FerretDB has just dropped.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()

	missing, err := tablesWithoutIDPathIndex(ctx, db)
	if err != nil {
		return err
	}

	for _, table := range missing {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+idPathIndexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}

	return nil
}

func tablesWithoutIDPathIndex(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || ?)`,
		idPathIndexSuffix,
	)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil, nil // a database with no collection yet
		}

		return nil, err
	}
	defer rows.Close()

	var tables []string

	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			return nil, err
		}

		tables = append(tables, table)
	}

	return tables, rows.Err()
}
