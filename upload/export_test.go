package upload

// RandomBytes is randomBytes for the external tests.
var RandomBytes = randomBytes
