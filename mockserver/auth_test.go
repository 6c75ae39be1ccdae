package mockserver

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/signer"
)

// failingTransport refuses every outgoing request: tests never use the network.
type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("network disabled in tests")
}

func offlineClient() Option { return WithHTTPClient(&http.Client{Transport: failingTransport{}}) }

// TestSpecSignatureVectors sends the spec's published request-signature
// vectors (Test vectors A) as real requests: each is accepted, and changing
// any one signed parameter makes the mock answer 401 Invalid Signature.
func TestSpecSignatureVectors(t *testing.T) {
	type vector struct {
		name, path, secret, sig, toSign string
		params                          url.Values
		file                            bool // send a PNG file part (multipart)
		metadataFields                  []string
	}
	eager := "w_400,h_300,c_pad|w_260,h_200,c_crop"
	a15 := url.Values{
		"access_control":   {`[{"access_type":"anonymous","start":"2024-01-01T00:00:00Z"}]`},
		"allowed_formats":  {"jpg,png"},
		"context":          {"alt=x"},
		"eager":            {"c_pad,h_300,w_400|c_crop,h_200,w_260/jpg"},
		"face_coordinates": {"10,20,150,130|213,345,82,61"},
		"metadata":         {`color_id=["green","red"]|in_stock_id=50`},
		"overwrite":        {"0"},
		"public_id":        {"sample"},
		"tags":             {"a,b"},
		"timestamp":        {"1315060510"},
	}
	vectors := []vector{
		{name: "A1 sha1", path: "image/upload", secret: "abcd", sig: "bfd09f95f331f558cbd1320e67aa8d488770583e",
			params: url.Values{"eager": {eager}, "public_id": {"sample_image"}, "timestamp": {"1315060510"}}, file: true,
			toSign: "eager=" + eager + "&public_id=sample_image&timestamp=1315060510"},
		{name: "A2 sha256", path: "image/upload", secret: "abcd", sig: "cc927e1290f9e3ae4c1a741eda21a4630b4ce80f9ce0bc0296337d25cf40f91e",
			params: url.Values{"eager": {eager}, "public_id": {"sample_image"}, "timestamp": {"1315060510"}}, file: true},
		{name: "A8 sha256 timestamp only", path: "image/upload", secret: "secret", sig: "06dbb2b05a8fdce468026e104596e6b8009dee3d08a6a62956ee7fef9aef8c74",
			params: url.Values{"timestamp": {"123456789"}}, file: true, toSign: "timestamp=123456789"},
		{name: "A15 structured params sha1", path: "image/upload", secret: "abcd", sig: "e3de29f9cb02c91f5705b3c08d3eea2858601572",
			params: a15, file: true, metadataFields: []string{"color_id", "in_stock_id"}},
		{name: "A16 structured params sha256", path: "image/upload", secret: "abcd", sig: "f8178903050239aebf99063e162623f5db6763f23aa58c1d2af56c3a526c7738",
			params: a15, file: true, metadataFields: []string{"color_id", "in_stock_id"}},
		{name: "A17 Go URL upload, no Content-Type", path: "auto/upload", secret: "secret", sig: "dafbc7e5d05daa1fed32a0588f8f50b14df5cf31",
			params: url.Values{"context": {"alt=hi"}, "eager": {eager}, "notification_url": {"https://n.example.com/cb?a=1&b=2"},
				"overwrite": {"false"}, "public_id": {"folder/sample"}, "tags": {"t1,t2"}, "timestamp": {"1700000000"},
				"file": {"https://example.com/a.jpg"}, "resource_type": {"video"}},
			toSign: "context=alt=hi&eager=" + eager + "&notification_url=https://n.example.com/cb?a=1%26b=2&overwrite=false&public_id=folder/sample&tags=t1,t2&timestamp=1700000000"},
		{name: "A18 tags", path: "image/tags", secret: "secret", sig: "e8c44ef066ec5e77b55ebad3b4851c5cdea5d546",
			params: url.Values{"command": {"add"}, "public_ids[0]": {"a"}, "public_ids[1]": {"b"}, "tag": {"t1"}, "timestamp": {"1795710421"}},
			toSign: "command=add&public_ids=a,b&tag=t1&timestamp=1795710421"},
		{name: "A19 destroy", path: "video/destroy", secret: "secret", sig: "7f262750659ee55de723a4fd4753d94f895a7f3d",
			params: url.Values{"invalidate": {"true"}, "public_id": {"sample"}, "timestamp": {"1795710421"}}},
		{name: "A20 chunk params", path: "auto/upload", secret: "secret", sig: "9790aa25150b2b86240332f2f547f58345f47a6f",
			params: url.Values{"public_id": {"big"}, "timestamp": {"1700000000"}}, file: true},
		{name: "A21 multipart", path: "auto/upload", secret: "secret", sig: "c7ed7c3456743ddec217b346850cc112d08d13a3",
			params: url.Values{"public_id": {"small"}, "timestamp": {"1700000000"}}, file: true},
	}
	send := func(t *testing.T, s *Server, v vector, params url.Values, sig string) result {
		p := url.Values{}
		for k, vs := range params {
			p[k] = vs
		}
		p.Set("api_key", "key")
		p.Set("signature", sig)
		if v.file {
			body, ct := multipartBody(t, p, "logo.png", pngBytes(10, 10, 200))
			return serve(t, s, newReq("POST", "/v1_1/test123/"+v.path, body, ct))
		}
		return serve(t, s, newReq("POST", "/v1_1/test123/"+v.path, strings.NewReader(p.Encode()), ""))
	}
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			ts, _ := strconv.ParseInt(v.params.Get("timestamp"), 10, 64)
			s := New(WithCloud("test123"), WithCredentials("key", v.secret), WithClock(func() time.Time { return time.Unix(ts+60, 0) }),
				WithOfflineRemoteURLs(), offlineClient())
			for _, f := range v.metadataFields {
				s.st.cfg.MetadataFields[f] = []byte(`{"type":"string"}`)
			}
			r := send(t, s, v, v.params, v.sig)
			if r.status == http.StatusUnauthorized {
				t.Fatalf("published vector rejected: %s", r.body)
			}
			mustStatus(t, r, 200)
			if v.toSign != "" {
				if got := signer.StringToSign(v.params, 2); got != v.toSign {
					t.Fatalf("string to sign %q, want %q", got, v.toSign)
				}
			}
			// Change each signed parameter in turn: always 401 with the server's string to sign.
			for k := range v.params {
				base, _, _ := strings.Cut(k, "[")
				if base == "file" || base == "resource_type" {
					continue
				}
				changed := url.Values{}
				for kk, vs := range v.params {
					changed[kk] = append([]string(nil), vs...)
				}
				if base == "timestamp" {
					changed.Set(k, strconv.FormatInt(ts+1, 10))
				} else {
					changed[k] = []string{changed[k][0] + "x"}
				}
				r := send(t, s, v, changed, v.sig)
				if r.status != http.StatusUnauthorized {
					t.Fatalf("changing %s: status %d, want 401: %s", k, r.status, r.body)
				}
				want := "Invalid Signature " + v.sig + ". String to sign - '" + signer.StringToSign(changed, 2) + "'."
				if r.msg() != want {
					t.Fatalf("changing %s: message %q, want %q", k, r.msg(), want)
				}
			}
			// A resource_type in the body is not signed (cloudinary-go#25): adding one keeps the signature valid.
			if v.file {
				extra := url.Values{"resource_type": {"image"}}
				for k, vs := range v.params {
					extra[k] = vs
				}
				if r := send(t, s, v, extra, v.sig); r.status == http.StatusUnauthorized {
					t.Fatalf("resource_type must not be signed: %s", r.body)
				}
			}
		})
	}
}

// TestAuthModes is a table of every authentication mode and error path,
// asserting status and message.
func TestAuthModes(t *testing.T) {
	const key2, secret2, token = "second_key", "second_secret", "MTQ0NjJkZmQ5OTM2NDE1ZTZjNGZmZjI4"
	s := New(fixedClock(), WithCredentials(DefaultAPIKey, DefaultAPISecret), WithCredentials(key2, secret2), WithOAuthToken(token))
	s.st.cfg.Presets["unsigned_p"] = &preset{Name: "unsigned_p", Unsigned: true, Settings: map[string]string{"tags": "from_preset"}}
	s.st.cfg.Presets["signed_p"] = &preset{Name: "signed_p", Settings: map[string]string{}}
	s.st.cfg.Presets["strict_p"] = &preset{Name: "strict_p", Unsigned: true, DisallowPublicID: true, Settings: map[string]string{}}
	s.st.cfg.Presets["wide_p"] = &preset{Name: "wide_p", Unsigned: true, ParameterWhitelist: []string{"moderation"}, Settings: map[string]string{}}
	png := pngBytes(2, 2, 64)
	basic := func(k, sec string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(k+":"+sec)) }
	signWith := func(p url.Values, k, sec string, alg signer.Algorithm, version int, ts time.Time) url.Values {
		out := url.Values{}
		for kk, v := range p {
			out[kk] = v
		}
		out.Set("timestamp", strconv.FormatInt(ts.Unix(), 10))
		sig, err := signer.Sign(out, sec, alg, version)
		if err != nil {
			t.Fatal(err)
		}
		out.Set("signature", sig)
		out.Set("api_key", k)
		return out
	}
	pid := func(id string) url.Values { return url.Values{"public_id": {id}} }
	tests := []struct {
		name     string
		path     string // under /v1_1/demo/
		method   string
		params   url.Values
		auth     string
		file     bool
		inQuery  bool // auth params in the query string, others in the body (AMJS)
		status   int
		msg      string // exact, or prefix when ending in "*"
		wantAuth string
	}{
		{name: "signed sha1 v2", path: "image/upload", params: signWith(pid("s1"), DefaultAPIKey, DefaultAPISecret, signer.SHA1, 2, testNow), file: true, status: 200, wantAuth: "signed:sha1:v2"},
		{name: "signed sha256 v2", path: "image/upload", params: signWith(pid("s2"), DefaultAPIKey, DefaultAPISecret, signer.SHA256, 2, testNow), file: true, status: 200, wantAuth: "signed:sha256:v2"},
		{name: "signed sha1 v1 with &", path: "image/upload", params: signWith(url.Values{"public_id": {"s3"}, "notification_url": {"https://x/?a=1&b=2"}}, DefaultAPIKey, DefaultAPISecret, signer.SHA1, 1, testNow), file: true, status: 200, wantAuth: "signed:sha1:v1"},
		{name: "signed uppercase hex", path: "image/upload", params: func() url.Values {
			p := signWith(pid("s4"), DefaultAPIKey, DefaultAPISecret, signer.SHA1, 2, testNow)
			p.Set("signature", strings.ToUpper(p.Get("signature")))
			return p
		}(), file: true, status: 200},
		{name: "signed second key", path: "image/upload", params: signWith(pid("s5"), key2, secret2, signer.SHA1, 2, testNow), file: true, status: 200},
		{name: "signed params in query string", path: "image/upload", params: signWith(pid("s6"), DefaultAPIKey, DefaultAPISecret, signer.SHA256, 2, testNow), file: true, inQuery: true, status: 200},
		{name: "wrong secret", path: "image/upload", params: signWith(pid("x"), DefaultAPIKey, "nope", signer.SHA1, 2, testNow), file: true, status: 401,
			msg: "Invalid Signature *"},
		{name: "signature of other key", path: "image/upload", params: func() url.Values {
			p := signWith(pid("x"), key2, secret2, signer.SHA1, 2, testNow)
			p.Set("api_key", DefaultAPIKey)
			return p
		}(), file: true, status: 401, msg: "Invalid Signature *"},
		{name: "bad signature length", path: "image/upload", params: func() url.Values {
			p := signWith(pid("x"), DefaultAPIKey, DefaultAPISecret, signer.SHA1, 2, testNow)
			p.Set("signature", "abc")
			return p
		}(), file: true, status: 401, msg: "Invalid Signature abc. String to sign - 'public_id=x&timestamp=" + strconv.FormatInt(testNow.Unix(), 10) + "'."},
		{name: "unknown api key", path: "image/upload", params: signWith(pid("x"), "who", "x", signer.SHA1, 2, testNow), file: true, status: 401, msg: "Invalid api_key who"},
		{name: "signature without api_key", path: "image/upload", params: func() url.Values {
			p := signWith(pid("x"), DefaultAPIKey, DefaultAPISecret, signer.SHA1, 2, testNow)
			p.Del("api_key")
			return p
		}(), file: true, status: 401, msg: "Must supply api_key"},
		{name: "signature without timestamp", path: "image/upload", params: url.Values{"api_key": {DefaultAPIKey}, "signature": {strings.Repeat("a", 40)}}, file: true, status: 400, msg: "Missing required parameter - timestamp"},
		{name: "stale timestamp", path: "image/upload", params: signWith(pid("x"), DefaultAPIKey, DefaultAPISecret, signer.SHA1, 2, testNow.Add(-time.Hour-time.Second)), file: true, status: 400,
			msg: "Stale request - reported time is " + strconv.FormatInt(testNow.Add(-time.Hour-time.Second).Unix(), 10) + " which is more than 1 hour ago"},
		{name: "59 minutes old is fine", path: "image/upload", params: signWith(pid("s7"), DefaultAPIKey, DefaultAPISecret, signer.SHA1, 2, testNow.Add(-59*time.Minute)), file: true, status: 200},
		{name: "far future timestamp", path: "image/upload", params: signWith(pid("x"), DefaultAPIKey, DefaultAPISecret, signer.SHA1, 2, testNow.Add(2*time.Hour)), file: true, status: 400, msg: "Invalid timestamp - *"},
		{name: "basic std base64", path: "image/upload", params: pid("b1"), auth: basic(DefaultAPIKey, DefaultAPISecret), file: true, status: 200, wantAuth: "basic"},
		{name: "basic url-safe base64", path: "image/upload", params: pid("b2"), auth: "Basic " + base64.URLEncoding.EncodeToString([]byte(key2+":"+secret2)), file: true, status: 200},
		{name: "basic wrong secret", path: "image/upload", params: pid("x"), auth: basic(DefaultAPIKey, "bad"), file: true, status: 401, msg: "api_secret mismatch"},
		{name: "basic unknown key", path: "image/upload", params: pid("x"), auth: basic("ghost", "bad"), file: true, status: 401, msg: "Invalid api_key ghost"},
		{name: "basic garbage", path: "image/upload", params: pid("x"), auth: "Basic !!!", file: true, status: 401, msg: "Invalid Authorization header*"},
		{name: "bearer", path: "image/upload", params: pid("o1"), auth: "Bearer " + token, file: true, status: 200, wantAuth: "bearer"},
		{name: "bearer wrong", path: "image/upload", params: pid("x"), auth: "Bearer nope", file: true, status: 401, msg: "Invalid token"},
		{name: "unknown scheme", path: "image/upload", params: pid("x"), auth: "Digest x", file: true, status: 401, msg: "Unsupported Authorization scheme*"},
		{name: "unsigned preset", path: "image/upload", params: url.Values{"upload_preset": {"unsigned_p"}, "public_id": {"u1"}, "unsigned": {"true"}}, file: true, status: 200, wantAuth: "unsigned:unsigned_p"},
		{name: "unsigned without preset", path: "image/upload", params: pid("x"), file: true, status: 400, msg: "Upload preset must be specified when using unsigned upload"},
		{name: "unsigned unknown preset", path: "image/upload", params: url.Values{"upload_preset": {"nope"}}, file: true, status: 400, msg: "Upload preset not found: nope"},
		{name: "unsigned with signed-only preset", path: "image/upload", params: url.Values{"upload_preset": {"signed_p"}}, file: true, status: 400, msg: "Upload preset must be whitelisted for unsigned uploads"},
		{name: "unsigned restricted param", path: "image/upload", params: url.Values{"upload_preset": {"unsigned_p"}, "moderation": {"manual"}}, file: true, status: 403, msg: "moderation parameter is not allowed when using unsigned upload"},
		{name: "unsigned whitelisted param", path: "image/upload", params: url.Values{"upload_preset": {"wide_p"}, "moderation": {"manual"}}, file: true, status: 200},
		{name: "unsigned overwrite=true", path: "image/upload", params: url.Values{"upload_preset": {"unsigned_p"}, "overwrite": {"true"}}, file: true, status: 403, msg: "overwrite parameter is not allowed when using unsigned upload"},
		{name: "unsigned disallow_public_id", path: "image/upload", params: url.Values{"upload_preset": {"strict_p"}, "public_id": {"mine"}}, file: true, status: 403, msg: "public_id parameter is not allowed*"},
		{name: "destroy unsigned", path: "image/destroy", params: pid("x"), status: 401, msg: "Must supply api_key"},
		{name: "destroy api_key without signature", path: "image/destroy", params: url.Values{"public_id": {"x"}, "api_key": {DefaultAPIKey}}, status: 401, msg: "Missing required parameter - signature"},
		{name: "admin basic", path: "ping", method: "GET", auth: basic(DefaultAPIKey, DefaultAPISecret), status: 200, wantAuth: "basic"},
		{name: "admin bearer", path: "ping", method: "GET", auth: "Bearer " + token, status: 200},
		{name: "admin no auth", path: "ping", method: "GET", status: 401, msg: "Must supply api_key"},
		{name: "admin signed params are not enough", path: "ping", method: "GET", params: signWith(nil, DefaultAPIKey, DefaultAPISecret, signer.SHA1, 2, testNow), inQuery: true, status: 401, msg: "Must supply api_key"},
		{name: "admin wrong secret", path: "resources/image", method: "GET", auth: basic(DefaultAPIKey, "x"), status: 401, msg: "api_secret mismatch"},
		{name: "wrong cloud", path: "../other/image/upload", params: pid("x"), auth: basic(DefaultAPIKey, DefaultAPISecret), status: 401, msg: "Invalid cloud_name other"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := "/v1_1/demo/" + tc.path
			if strings.HasPrefix(tc.path, "../") {
				target = "/v1_1/" + strings.TrimPrefix(tc.path, "../")
			}
			method := firstNonEmpty(tc.method, "POST")
			var req *http.Request
			body := tc.params
			if tc.inQuery {
				q := url.Values{}
				rest := url.Values{}
				for k, v := range tc.params {
					if k == "signature" || k == "api_key" || k == "timestamp" {
						q[k] = v
					} else {
						rest[k] = v
					}
				}
				target += "?" + q.Encode()
				body = rest
			}
			switch {
			case tc.file:
				b, ct := multipartBody(t, body, "f.png", png)
				req = newReq(method, target, b, ct)
			case method == "GET":
				req = newReq(method, target, nil, "")
			default:
				req = newReq(method, target, strings.NewReader(body.Encode()), "application/x-www-form-urlencoded")
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			r := serve(t, s, req)
			mustStatus(t, r, tc.status)
			if tc.msg != "" {
				if p, ok := strings.CutSuffix(tc.msg, "*"); ok {
					if !strings.HasPrefix(r.msg(), p) {
						t.Fatalf("message %q, want prefix %q", r.msg(), p)
					}
				} else if r.msg() != tc.msg {
					t.Fatalf("message %q, want %q", r.msg(), tc.msg)
				}
			}
			if tc.wantAuth != "" {
				j := s.Journal()
				if got := j[len(j)-1].Auth; got != tc.wantAuth {
					t.Fatalf("journal auth %q, want %q", got, tc.wantAuth)
				}
			}
			if strings.Contains(string(r.body), DefaultAPISecret) || strings.Contains(string(r.body), secret2) {
				t.Fatalf("response leaks a secret: %s", r.body)
			}
		})
	}
	// The unsigned upload got the preset's tags.
	r := admin(t, s, "GET", "/v1_1/demo/resources/image/upload/u1", nil)
	mustStatus(t, r, 200)
	if tags, _ := r.json["tags"].([]any); len(tags) != 1 || tags[0] != "from_preset" {
		t.Fatalf("preset tags not applied: %v", r.json["tags"])
	}
}
