//go:build race

package e2e

// race is set when the tests run with -race: the programs are then built
// with it too, which reuses the packages the test build compiled and
// checks the programs for data races as they run.
const race = true
