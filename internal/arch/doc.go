// Package arch holds the test that keeps the import graph the README's
// ARCHITECTURE table draws: each package imports only the packages of ours
// its "Imports (of ours)" column names. It has no code.
package arch
