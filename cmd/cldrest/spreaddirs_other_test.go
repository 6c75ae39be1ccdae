//go:build !linux

package main

// spreadDirs is a no-op outside Linux (see spreaddirs_linux_test.go).
func spreadDirs(string) {}
