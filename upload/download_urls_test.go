package upload

import (
	"errors"
	"testing"
)

func TestMultiAndSpriteDownloadURLs(t *testing.T) {
	s := newFake(t).service()
	base := "https://api.cloudinary.com/v1_1/demo/"
	cases := []struct {
		name string
		got  func() (string, error)
		want string
	}{
		{"sprite by tag", func() (string, error) {
			return s.SpriteDownloadURL(&MultiParams{Tag: "logos", Transformation: "w_100"})
		}, base + "image/sprite?api_key=key&mode=download&signature=sig&tag=logos&timestamp=1700000000&transformation=w_100"},
		{"multi by urls", func() (string, error) {
			return s.MultiDownloadURL(&MultiParams{URLs: []string{"https://x/a.jpg", "https://x/b.jpg"}, Format: "gif"})
		}, base + "image/multi?api_key=key&format=gif&mode=download&signature=sig&timestamp=1700000000&urls%5B%5D=https%3A%2F%2Fx%2Fa.jpg&urls%5B%5D=https%3A%2F%2Fx%2Fb.jpg"},
	}
	for _, tc := range cases {
		got, err := tc.got()
		if err != nil || got != tc.want {
			t.Errorf("%s:\n got %s %v\nwant %s", tc.name, got, err, tc.want)
		}
	}
	for _, bad := range []func() (string, error){
		func() (string, error) { return s.SpriteDownloadURL(nil) },
		func() (string, error) { return s.MultiDownloadURL(&MultiParams{Tag: "t", URLs: []string{"u"}}) },
		func() (string, error) { return s.MultiDownloadURL(&MultiParams{Tag: "t", ResourceType: "bogus"}) },
	} {
		if _, err := bad(); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("bad input: err = %v", err)
		}
	}
}
