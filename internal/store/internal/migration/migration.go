// Package migration reads a store driver's embedded migration files. Each
// driver keeps its own SQL in migrations/NNNN_description.sql, numbered from 1
// without gaps; how applied versions are recorded is up to the driver
// (PRAGMA user_version on SQLite, a table on PostgreSQL).
package migration

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// Migration is one schema change.
type Migration struct {
	Version int    // 1, 2, ... in order
	Name    string // file name, e.g. "0001_initial.sql"
	SQL     string
}

// Load returns the migrations in dir of fsys, ordered by version. It fails
// unless the files are named NNNN_description.sql and numbered 1..n without
// gaps or duplicates.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir) // sorted by file name
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	migrations := make([]Migration, 0, len(entries))
	for _, entry := range entries {
		name := entry.Name()
		if entry.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		prefix, _, ok := strings.Cut(name, "_")
		version, err := strconv.Atoi(prefix)
		if !ok || err != nil || version < 1 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_description.sql", name)
		}
		if want := len(migrations) + 1; version != want {
			return nil, fmt.Errorf("migration %s: version %d, want %d (versions start at 1 without gaps)", name, version, want)
		}
		sql, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		migrations = append(migrations, Migration{Version: version, Name: name, SQL: string(sql)})
	}
	if len(migrations) == 0 {
		return nil, fmt.Errorf("no migrations in %s", dir)
	}
	return migrations, nil
}
