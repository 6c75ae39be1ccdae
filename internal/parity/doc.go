// Package parity holds no code: its test maps every public method of the
// official SDKs' Upload, Admin, Search, Analysis and Provisioning modules
// (cloudinary-go and the cloudinary npm package, lists checked in under
// testdata with the versions they were taken from) to the cldrest function,
// method or field that does the same job, and fails when a method is
// unmapped or a mapping names something that does not exist.
//
// To refresh the lists after an SDK release, point the test at the SDK
// sources and rewrite them:
//
//	go test ./internal/parity -run TestSDKLists -args -update \
//		-go-sdk $(go env GOMODCACHE)/github.com/cloudinary/cloudinary-go/v2@vX.Y.Z \
//		-node-sdk /path/to/node_modules/cloudinary
package parity
