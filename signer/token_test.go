package signer

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	tokenKey  = "00112233FF99"
	tokenKey2 = "CCBB2233FF00"
)

func unix(n int64) time.Time { return time.Unix(n, 0) }

// TestAuthTokenVectors checks every auth-token vector of spec "Test
// vectors" E. E3 signs a URL with every escaped character.
func TestAuthTokenVectors(t *testing.T) {
	t.Parallel()
	const e3URL = `Encode these :~@#%^&{}[]\"';/", but not those $!()_.*`
	tests := []struct {
		name string
		tok  Token
		want string
	}{
		{"E1", Token{Key: tokenKey, Start: unix(1111111111), Duration: 300 * time.Second, ACL: []string{"/image/*"}},
			"st=1111111111~exp=1111111411~acl=%2fimage%2f*~hmac=1751370bcc6cfe9e03f30dd1a9722ba0f2cdca283fa3e6df3342a00a7528cc51"},
		{"E2", Token{Key: tokenKey, Expiration: unix(11111411), URL: "sample.jpg"},
			"exp=11111411~hmac=470d32e3ee9b872d64bd00d974c559d96892398c8542ff33ce2f2647ee1bf7a4"},
		{"E3", Token{Key: tokenKey, Start: unix(11111111), Expiration: unix(11111411), URL: e3URL},
			"st=11111111~exp=11111411~hmac=7ffc0fd1f3ee2622082689f64a65454da39d94c297bcf498b682aa65a0d2ce0a"},
		{"E4", Token{Key: tokenKey, Start: unix(11111111), Duration: 300 * time.Second, URL: "/image/authenticated/v1486020273/sample.jpg"},
			"st=11111111~exp=11111411~hmac=8db0d753ee7bbb9e2eaf8698ca3797436ba4c20e31f44527e43b6a6e995cfdb3"},
		{"E5", Token{Key: tokenKey, Start: unix(11111111), Duration: 300 * time.Second, URL: "/test123/image/authenticated/v1486020273/sample.jpg"},
			"st=11111111~exp=11111411~hmac=9bd6f41e2a5893da8343dc8eb648de8bf73771993a6d1457d49851250caf3b80"},
		{"E6", Token{Key: tokenKey, Start: unix(11111111), Duration: 300 * time.Second, URL: "/test123/image/authenticated/v1486020273/%C3%B1and%C3%BA.jpg"},
			"st=11111111~exp=11111411~hmac=e0dba2c6680a1efe6a89c4dc0302c86400d2684dcc07da32db4e9804ee284955"},
		{"E7", Token{Key: tokenKey, Start: unix(11111111), Duration: 300 * time.Second, URL: "/image/public/v1486020273/sample.jpg"},
			"st=11111111~exp=11111411~hmac=c2b77d9f81be6d89b5d0ebc67b671557e88a40bcf03dd4a6997ff4b994ceb80e"},
		{"E8", Token{Key: tokenKey2, Start: unix(222222222), Duration: 100 * time.Second, URL: "/image/authenticated/c_scale,w_300/sample.jpg"},
			"st=222222222~exp=222222322~hmac=55cfe516530461213fe3b3606014533b1eca8ff60aeab79d1bb84c9322eebc1f"},
		{"E9", Token{Key: tokenKey2, Start: unix(222222222), Duration: 100 * time.Second, URL: "/image/authenticated/s--Ok4O32K7--/c_scale,w_300/sample.jpg"},
			"st=222222222~exp=222222322~hmac=92a55aaed531b2dab074074bbd1430120119f9cb1b901656925dda2e514a63cc"},
		{"E10", Token{Key: tokenKey, Start: unix(222222222), Duration: 300 * time.Second, ACL: []string{"/*/t_foobar"}},
			"st=222222222~exp=222222522~acl=%2f*%2ft_foobar~hmac=8e39600cc18cec339b21fe2b05fcb64b98de373355f8ce732c35710d8b10259f"},
		{"E11", Token{Key: tokenKey, Start: unix(222222222), Duration: 300 * time.Second, ACL: []string{"/*/t_foobar", "t_foobar/*/"}},
			"st=222222222~exp=222222522~acl=%2f*%2ft_foobar!t_foobar%2f*%2f~hmac=45d51dd32dd26a3c2339155f454076c1d8fbd93c611965461569a0b4279bbdd5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AuthToken(tc.tok, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("AuthToken = %s\nwant          %s", got, tc.want)
			}
		})
	}
}

func TestAuthTokenDurationFromNow(t *testing.T) {
	t.Parallel()
	now := unix(1_700_000_000)
	got, err := AuthToken(Token{Key: tokenKey, Duration: time.Minute, ACL: []string{"/*"}, IP: "10.0.0.1"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "ip=10.0.0.1~exp=1700000060~acl=%2f*~hmac=") {
		t.Fatalf("token %s", got)
	}
}

func TestAuthTokenBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		tok  Token
		want string
	}{
		{"key not hex", Token{Key: "xyz", Duration: time.Minute, URL: "/a"}, "hex"},
		{"no key", Token{Duration: time.Minute, URL: "/a"}, "hex"},
		{"no expiration", Token{Key: tokenKey, URL: "/a"}, "Expiration or a positive Duration"},
		{"nothing granted", Token{Key: tokenKey, Duration: time.Minute}, "ACL or a URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := AuthToken(tc.tok, time.Now())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestVerifyAuthToken(t *testing.T) {
	t.Parallel()
	start := unix(1_700_000_000)
	mk := func(tok Token) string {
		t.Helper()
		tok.Key = tokenKey
		s, err := AuthToken(tok, start)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	acl := mk(Token{Start: start, Duration: time.Hour, ACL: []string{"/demo/image/authenticated/*", "/demo/video/*/t_hd/*"}})
	byURL := mk(Token{Duration: time.Hour, URL: "/demo/image/authenticated/v1/a b.jpg"})
	withIP := mk(Token{Duration: time.Hour, ACL: []string{"/*"}, IP: "10.1.2.3"})
	ok := start.Add(time.Minute)
	tests := []struct {
		name, token, key, path, ip string
		now                        time.Time
		want                       string // "" = valid
	}{
		{"acl match", acl, tokenKey, "/demo/image/authenticated/v1/x/y.jpg", "", ok, ""},
		{"second acl pattern", acl, tokenKey, "/demo/video/authenticated/t_hd/v1/clip.mp4", "", ok, ""},
		{"acl miss", acl, tokenKey, "/demo/image/upload/x.jpg", "", ok, "does not cover"},
		{"url match", byURL, tokenKey, "/demo/image/authenticated/v1/a b.jpg", "", ok, ""},
		{"url of another asset", byURL, tokenKey, "/demo/image/authenticated/v1/b.jpg", "", ok, "hmac does not match"},
		{"wrong key", acl, tokenKey2, "/demo/image/authenticated/v1/x.jpg", "", ok, "hmac does not match"},
		{"expired", acl, tokenKey, "/demo/image/authenticated/v1/x.jpg", "", start.Add(time.Hour), "expired"},
		{"not yet valid", acl, tokenKey, "/demo/image/authenticated/v1/x.jpg", "", start.Add(-time.Second), "not valid for another"},
		{"ip match", withIP, tokenKey, "/x", "10.1.2.3", ok, ""},
		{"other ip", withIP, tokenKey, "/x", "10.1.2.4", ok, "another IP"},
		{"tampered exp", strings.Replace(acl, "exp=", "exp=9", 1), tokenKey, "/demo/image/authenticated/v1/x.jpg", "", ok, "hmac does not match"},
		{"no hmac", "exp=1", tokenKey, "/x", "", ok, "no hmac"},
		{"no exp", "acl=%2f*~hmac=00", tokenKey, "/x", "", ok, "no exp"},
		{"unknown field", "foo=1~exp=1~hmac=00", tokenKey, "/x", "", ok, "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := VerifyAuthToken(tc.token, tc.key, tc.path, tc.ip, tc.now)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidToken) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want ErrInvalidToken mentioning %q", err, tc.want)
			}
		})
	}
}

func TestGlobMatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"/a/*", "/a/b/c", true},
		{"/a/*", "/b/c", false},
		{"*", "", true},
		{"/a*b*b", "/abb", true},
		{"/a*b*b", "/ab", false},
		{"/x", "/x", true},
		{"/x", "/xy", false},
		{"*.jpg", "/a/b.jpg", true},
		{"*.jpg", "/a/b.png", false},
	} {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}
