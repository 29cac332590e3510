// Package deptest holds the test that keeps gureum's import graph pointing
// one way (see ../shared/ARCHITECTURE.md, "Packages"): pure packages import
// no I/O, services never import each other, and only the server imports the
// concrete store drivers.
package deptest
