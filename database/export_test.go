package database

import (
	"errors"

	"github.com/golang-migrate/migrate/v4"
)

// MigrateTo applies Gatehouse's migrations up to and including version,
// and nothing else, for tests of upgrades from an older schema.
func (db *DB) MigrateTo(version uint) error {
	m, err := db.migrator()
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Migrate(version); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return err
	}
	return nil
}
