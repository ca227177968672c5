// Package layout holds repository-wide checks in its tests: what each
// concern's root package may depend on, and that concerns stay independent
// of each other. It has no API.
package layout
