package mockserver

import (
	"net/url"
	"testing"
)

func TestSmokeUpload(t *testing.T) {
	s := New(fixedClock())
	r := uploadFile(t, s, "image", url.Values{"public_id": {"a/b"}}, "x.png", pngBytes(3, 4, 100))
	mustStatus(t, r, 200)
	t.Logf("%s", r.body)
}
