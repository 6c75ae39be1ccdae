//go:build !unix

package batch

import "os"

// tryLock is a no-op where flock is not available: concurrent runs on one
// journal are not detected there.
func tryLock(*os.File) (busy bool, err error) { return false, nil }
