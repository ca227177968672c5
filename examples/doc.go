// Package examples will hold the example programs that compose opskit's
// packages into complete provisioning, hardening, logging and
// access-management tools, each runnable on the built-in fakes.
package examples
