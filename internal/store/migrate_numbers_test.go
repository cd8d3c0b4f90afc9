package store

import (
	"fmt"
	"testing"
)

// Every migration has a number of its own on each engine, and the engines
// have the same numbers.
func TestMigrationNumbersAreUnique(t *testing.T) {
	var numbers [2][]int
	for i, d := range []Dialect{SQLite, Postgres} {
		ms, err := loadMigrations(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			numbers[i] = append(numbers[i], m.version)
		}
	}
	if fmt.Sprint(numbers[0]) != fmt.Sprint(numbers[1]) {
		t.Fatalf("SQLite has migrations %v, PostgreSQL %v", numbers[0], numbers[1])
	}
}
