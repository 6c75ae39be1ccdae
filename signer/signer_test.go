package signer

import (
	"errors"
	"math/rand/v2"
	"net/url"
	"strconv"
	"testing"
	"time"
)

const sdkSecret = "hdcixPpR2iKERPwqvH6sHdK9cyac"

// TestStringVectors checks every published string-to-sign vector of spec
// "Test vectors" A: the exact string plus secret hashes to the expected hex.
func TestStringVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, toSign, secret string
		alg                  Algorithm
		want                 string
	}{
		{"A1", "eager=w_400,h_300,c_pad|w_260,h_200,c_crop&public_id=sample_image&timestamp=1315060510", "abcd", SHA1, "bfd09f95f331f558cbd1320e67aa8d488770583e"},
		{"A2", "eager=w_400,h_300,c_pad|w_260,h_200,c_crop&public_id=sample_image&timestamp=1315060510", "abcd", SHA256, "cc927e1290f9e3ae4c1a741eda21a4630b4ce80f9ce0bc0296337d25cf40f91e"},
		{"A3", "cloud_name=dn6ot3ged&timestamp=1568810420&username=user@cloudinary.com", sdkSecret, SHA1, "14c00ba6d0dfdedbc86b316847d95b9e6cd46d94"},
		{"A4", "cloud_name=dn6ot3ged&timestamp=1568810420&username=user@cloudinary.com", sdkSecret, SHA256, "45ddaa4fa01f0c2826f32f669d2e4514faf275fe6df053f1a150e7beae58a3bd"},
		{"A5", "cloud_name=dn6ot3ged&notification_url=https://fake.com/callback?a=1%26tags=hello,world&timestamp=1568810420", sdkSecret, SHA1, "4fdf465dd89451cc1ed8ec5b3e314e8a51695704"},
		{"A6", "cloud_name=dn6ot3ged&notification_url=https://fake.com/callback?a=1&tags=hello,world&timestamp=1568810420", sdkSecret, SHA1, "7b4e3a539ff1fa6e6700c41b3a2ee77586a025f9"},
		{"A7", "public_id=folder/file&version=1234", "b", SHA1, "7a3349cbb373e4812118d625047ede50b90e7b67"},
		{"A8", "timestamp=123456789", "secret", SHA256, "06dbb2b05a8fdce468026e104596e6b8009dee3d08a6a62956ee7fef9aef8c74"},
		{"A15", `access_control=[{"access_type":"anonymous","start":"2024-01-01T00:00:00Z"}]&allowed_formats=jpg,png&context=alt=x&eager=c_pad,h_300,w_400|c_crop,h_200,w_260/jpg&face_coordinates=10,20,150,130|213,345,82,61&metadata=color_id=["green","red"]|in_stock_id=50&overwrite=0&public_id=sample&tags=a,b&timestamp=1315060510`, "abcd", SHA1, "e3de29f9cb02c91f5705b3c08d3eea2858601572"},
		{"A16", `access_control=[{"access_type":"anonymous","start":"2024-01-01T00:00:00Z"}]&allowed_formats=jpg,png&context=alt=x&eager=c_pad,h_300,w_400|c_crop,h_200,w_260/jpg&face_coordinates=10,20,150,130|213,345,82,61&metadata=color_id=["green","red"]|in_stock_id=50&overwrite=0&public_id=sample&tags=a,b&timestamp=1315060510`, "abcd", SHA256, "f8178903050239aebf99063e162623f5db6763f23aa58c1d2af56c3a526c7738"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SignString(tt.toSign, tt.secret, tt.alg); got != tt.want {
				t.Errorf("SignString = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestParamVectors builds each vector from parameters, the way a client
// would, and checks both the string to sign and the signature.
func TestParamVectors(t *testing.T) {
	t.Parallel()
	smuggle := url.Values{"cloud_name": {"dn6ot3ged"}, "timestamp": {"1568810420"}, "notification_url": {"https://fake.com/callback?a=1&tags=hello,world"}}
	tests := []struct {
		name       string
		params     url.Values
		secret     string
		alg        Algorithm
		version    int
		wantString string
		want       string
	}{
		{"A1", url.Values{"eager": {"w_400,h_300,c_pad|w_260,h_200,c_crop"}, "public_id": {"sample_image"}, "timestamp": {"1315060510"}, "file": {"x.jpg"}, "api_key": {"k"}},
			"abcd", SHA1, 1, "eager=w_400,h_300,c_pad|w_260,h_200,c_crop&public_id=sample_image&timestamp=1315060510", "bfd09f95f331f558cbd1320e67aa8d488770583e"},
		{"A1v2", url.Values{"eager": {"w_400,h_300,c_pad|w_260,h_200,c_crop"}, "public_id": {"sample_image"}, "timestamp": {"1315060510"}},
			"abcd", SHA1, 2, "eager=w_400,h_300,c_pad|w_260,h_200,c_crop&public_id=sample_image&timestamp=1315060510", "bfd09f95f331f558cbd1320e67aa8d488770583e"},
		{"A6 is A5 signed v1", smuggle, sdkSecret, SHA1, 1,
			"notification_url=https://fake.com/callback?a=1&tags=hello,world&timestamp=1568810420", ""},
		{"A8", url.Values{"timestamp": {"123456789"}, "file": {"data:image/gif;base64,R0lGODlh"}, "api_key": {"key"}}, "secret", SHA256, 2, "timestamp=123456789", "06dbb2b05a8fdce468026e104596e6b8009dee3d08a6a62956ee7fef9aef8c74"},
		{"A9", url.Values{"public_id": {"tests/logo&version=2"}, "version": {"123456"}}, "testsecret", SHA1, 1, "public_id=tests/logo&version=2&version=123456", "01f10bad45c6706ef87adfe676d010e580be8e6a"},
		{"A10", url.Values{"public_id": {"tests/logo&version=2"}, "version": {"123456"}}, "testsecret", SHA1, 2, "public_id=tests/logo%26version=2&version=123456", "653ba3ad8d5ef558ec9f209caa4926a247d5ad4b"},
		{"A11", url.Values{"public_id": {"tests/logo&version=2"}, "version": {"1"}}, sdkSecret, SHA1, 1, "public_id=tests/logo&version=2&version=1", "020c49b15104adcd268bcc04aa4e963dc136de08"},
		{"A12", url.Values{"public_id": {"tests/logo&version=2"}, "version": {"1"}}, sdkSecret, SHA1, 2, "public_id=tests/logo%26version=2&version=1", "6b55f07c885b87feeacb470d82b133841ce1f0b8"},
		{"A13", url.Values{"public_id": {"test&image"}, "notification_url": {"https://example.com/callback?param=value&other=data"}}, sdkSecret, SHA1, 1,
			"notification_url=https://example.com/callback?param=value&other=data&public_id=test&image", "7ee4f86a816633907a711f579bfb0393628b32bd"},
		{"A14", url.Values{"public_id": {"test&image"}, "notification_url": {"https://example.com/callback?param=value&other=data"}}, sdkSecret, SHA1, 2,
			"notification_url=https://example.com/callback?param=value%26other=data&public_id=test%26image", "ca5dad39465d5833d71148b67fa8d7622698b9a5"},
		{"A15 from arrays", url.Values{
			"access_control":      {`[{"access_type":"anonymous","start":"2024-01-01T00:00:00Z"}]`},
			"allowed_formats[]":   {"jpg", "png"},
			"context":             {"alt=x"},
			"eager":               {"c_pad,h_300,w_400|c_crop,h_200,w_260/jpg"},
			"face_coordinates":    {"10,20,150,130|213,345,82,61"},
			"metadata":            {`color_id=["green","red"]|in_stock_id=50`},
			"overwrite":           {"0"},
			"public_id":           {"sample"},
			"tags[1]":             {"b"},
			"tags[0]":             {"a"},
			"timestamp":           {"1315060510"},
			"resource_type":       {"image"},
			"notification_url":    {""},
			"unique_display_name": {},
		}, "abcd", SHA1, 2,
			`access_control=[{"access_type":"anonymous","start":"2024-01-01T00:00:00Z"}]&allowed_formats=jpg,png&context=alt=x&eager=c_pad,h_300,w_400|c_crop,h_200,w_260/jpg&face_coordinates=10,20,150,130|213,345,82,61&metadata=color_id=["green","red"]|in_stock_id=50&overwrite=0&public_id=sample&tags=a,b&timestamp=1315060510`,
			"e3de29f9cb02c91f5705b3c08d3eea2858601572"},
		{"A17", url.Values{
			"context": {"alt=hi"}, "eager": {"w_400,h_300,c_pad|w_260,h_200,c_crop"}, "file": {"https://example.com/a.jpg"},
			"notification_url": {"https://n.example.com/cb?a=1&b=2"}, "overwrite": {"false"}, "public_id": {"folder/sample"},
			"resource_type": {"video"}, "tags": {"t1,t2"}, "timestamp": {"1700000000"}, "api_key": {"key"},
		}, "secret", SHA1, 2,
			"context=alt=hi&eager=w_400,h_300,c_pad|w_260,h_200,c_crop&notification_url=https://n.example.com/cb?a=1%26b=2&overwrite=false&public_id=folder/sample&tags=t1,t2&timestamp=1700000000",
			"dafbc7e5d05daa1fed32a0588f8f50b14df5cf31"},
		{"A18 indexed arrays", url.Values{"command": {"add"}, "public_ids[0]": {"a"}, "public_ids[1]": {"b"}, "tag": {"t1"}, "timestamp": {"1795710421"}},
			"secret", SHA1, 2, "command=add&public_ids=a,b&tag=t1&timestamp=1795710421", "e8c44ef066ec5e77b55ebad3b4851c5cdea5d546"},
		{"A18 bracket arrays", url.Values{"command": {"add"}, "public_ids[]": {"a", "b"}, "tag": {"t1"}, "timestamp": {"1795710421"}},
			"secret", SHA1, 2, "command=add&public_ids=a,b&tag=t1&timestamp=1795710421", "e8c44ef066ec5e77b55ebad3b4851c5cdea5d546"},
		{"A19", url.Values{"invalidate": {"true"}, "public_id": {"sample"}, "timestamp": {"1795710421"}}, "secret", SHA1, 2,
			"invalidate=true&public_id=sample&timestamp=1795710421", "7f262750659ee55de723a4fd4753d94f895a7f3d"},
		{"A20", url.Values{"public_id": {"big"}, "timestamp": {"1700000000"}}, "secret", SHA1, 2, "public_id=big&timestamp=1700000000", "9790aa25150b2b86240332f2f547f58345f47a6f"},
		{"A21", url.Values{"public_id": {"small"}, "timestamp": {"1700000000"}, "signature": {"stale"}}, "secret", SHA1, 2, "public_id=small&timestamp=1700000000", "c7ed7c3456743ddec217b346850cc112d08d13a3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StringToSign(tt.params, tt.version); got != tt.wantString {
				t.Fatalf("StringToSign =\n %s\nwant\n %s", got, tt.wantString)
			}
			got, err := Sign(tt.params, tt.secret, tt.alg, tt.version)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != "" && got != tt.want {
				t.Errorf("Sign = %s, want %s", got, tt.want)
			}
			if !Verify(tt.params, tt.secret, got) {
				t.Errorf("Verify rejected its own signature %s", got)
			}
		})
	}
}

// A5/A6 with cloud_name, which real upload signatures exclude, rendered by
// prefixing it: the rendering of the remaining parameters must match.
func TestSmugglingVectorsRendering(t *testing.T) {
	t.Parallel()
	params := url.Values{"timestamp": {"1568810420"}, "notification_url": {"https://fake.com/callback?a=1&tags=hello,world"}}
	v2 := "cloud_name=dn6ot3ged&" + StringToSign(params, 2)
	if got := SignString(v2, sdkSecret, SHA1); got != "4fdf465dd89451cc1ed8ec5b3e314e8a51695704" {
		t.Errorf("A5 v2 = %s", got)
	}
	v1 := "cloud_name=dn6ot3ged&" + StringToSign(params, 1)
	if got := SignString(v1, sdkSecret, SHA1); got != "7b4e3a539ff1fa6e6700c41b3a2ee77586a025f9" {
		t.Errorf("A5 v1 (= A6) = %s", got)
	}
}

func TestSignRejectsBadInput(t *testing.T) {
	t.Parallel()
	p := url.Values{"timestamp": {"1"}}
	if _, err := Sign(p, "s", "md5", 2); !errors.Is(err, ErrUnknownAlgorithm) {
		t.Errorf("md5: err = %v, want ErrUnknownAlgorithm", err)
	}
	for _, v := range []int{0, 3, -1} {
		if _, err := Sign(p, "s", SHA1, v); !errors.Is(err, ErrUnknownVersion) {
			t.Errorf("version %d: err = %v, want ErrUnknownVersion", v, err)
		}
	}
	for _, s := range []string{"SHA1", "sha1", ""} {
		if a, err := ParseAlgorithm(s); err != nil || a != SHA1 {
			t.Errorf("ParseAlgorithm(%q) = %v, %v", s, a, err)
		}
	}
	if a, err := ParseAlgorithm("SHA256"); err != nil || a != SHA256 {
		t.Errorf("ParseAlgorithm(SHA256) = %v, %v", a, err)
	}
	if _, err := ParseAlgorithm("sha512"); !errors.Is(err, ErrUnknownAlgorithm) {
		t.Errorf("sha512 accepted")
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	p := url.Values{"public_id": {"a&b"}, "timestamp": {"1700000000"}}
	for _, alg := range []Algorithm{SHA1, SHA256} {
		for _, v := range []int{1, 2} {
			sig, _ := Sign(p, "secret", alg, v)
			gotAlg, gotV, ok := VerifyDetail(p, "secret", sig)
			if !ok || gotAlg != alg || gotV != v {
				t.Errorf("%s v%d: VerifyDetail = %s, %d, %v", alg, v, gotAlg, gotV, ok)
			}
			if !Verify(p, "secret", upper(sig)) {
				t.Errorf("%s v%d: uppercase signature rejected", alg, v)
			}
			if Verify(p, "other", sig) {
				t.Errorf("%s v%d: wrong secret accepted", alg, v)
			}
			changed := url.Values{"public_id": {"a&c"}, "timestamp": {"1700000000"}}
			if Verify(changed, "secret", sig) {
				t.Errorf("%s v%d: changed params accepted", alg, v)
			}
		}
	}
	if Verify(p, "secret", "abc") || Verify(p, "secret", "") {
		t.Error("signature of bad length accepted")
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

// Property: the string to sign does not depend on the order in which
// parameters were added (url.Values iteration order is random anyway; this
// also shuffles array element keys' insertion).
func TestPropertyOrderIndependent(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	keys := []string{"public_id", "folder", "tags", "context", "eager", "overwrite", "timestamp", "notification_url", "a", "b_c", "z"}
	for i := 0; i < 300; i++ {
		pairs := make([][2]string, 0, len(keys))
		for _, k := range keys {
			if r.IntN(3) > 0 {
				pairs = append(pairs, [2]string{k, randValue(r)})
			}
		}
		want := ""
		for attempt := 0; attempt < 5; attempt++ {
			r.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
			p := url.Values{}
			for _, kv := range pairs {
				p.Set(kv[0], kv[1])
			}
			got := StringToSign(p, 2)
			if attempt == 0 {
				want = got
			} else if got != want {
				t.Fatalf("order changed the string: %q vs %q", got, want)
			}
		}
	}
}

func randValue(r *rand.Rand) string {
	const alphabet = "ab&=,|/ ?%é"
	runes := []rune(alphabet)
	n := r.IntN(8)
	out := make([]rune, n)
	for i := range out {
		out[i] = runes[r.IntN(len(runes))]
	}
	return string(out)
}

// Property: with v2, a value containing "&" never signs like the same text
// split into two parameters; with v1 it does (the smuggling attack).
func TestPropertyV2PreventsSmuggling(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 300; i++ {
		a, b := "x"+randWord(r), randWord(r)
		joined := url.Values{"notification_url": {"https://h/cb?" + a + "&tags=" + b}, "timestamp": {"1"}}
		split := url.Values{"notification_url": {"https://h/cb?" + a}, "tags": {b}, "timestamp": {"1"}}
		if StringToSign(joined, 2) == StringToSign(split, 2) {
			t.Fatalf("v2 collision for %q / %q", a, b)
		}
		s1, _ := Sign(joined, "k", SHA1, 2)
		s2, _ := Sign(split, "k", SHA1, 2)
		if s1 == s2 {
			t.Fatalf("v2 signature collision")
		}
		if b != "" && StringToSign(joined, 1) != StringToSign(split, 1) {
			t.Fatalf("expected the v1 collision the attack relies on: %q vs %q", StringToSign(joined, 1), StringToSign(split, 1))
		}
	}
}

func randWord(r *rand.Rand) string {
	const letters = "abcdefghij"
	n := 1 + r.IntN(6)
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[r.IntN(len(letters))]
	}
	return string(b)
}

// Property: excluded keys and empty values never change the signature.
func TestPropertyExclusionsAndEmpties(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 300; i++ {
		base := url.Values{"public_id": {randWord(r)}, "timestamp": {"1700000000"}, "tags": {randWord(r)}}
		want, _ := Sign(base, "s", SHA256, 2)
		noisy := url.Values{}
		for k, v := range base {
			noisy[k] = v
		}
		for _, k := range []string{"file", "cloud_name", "resource_type", "api_key", "signature"} {
			if r.IntN(2) == 0 {
				noisy.Set(k, randValue(r))
			}
		}
		for _, k := range []string{"folder", "context", "eager[]", "x[0]"} {
			if r.IntN(2) == 0 {
				noisy.Set(k, "")
			}
		}
		if got, _ := Sign(noisy, "s", SHA256, 2); got != want {
			t.Fatalf("noise changed the signature: %v", noisy)
		}
	}
}

func TestArrayCollapsing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		params url.Values
		want   string
	}{
		{"indexed in numeric order", url.Values{"ids[10]": {"k"}, "ids[2]": {"c"}, "ids[0]": {"a"}, "ids[1]": {"b"}}, "ids=a,b,c,k"},
		{"brackets keep order", url.Values{"ids[]": {"z", "a"}}, "ids=z,a"},
		{"repeated plain key", url.Values{"ids": {"z", "a"}}, "ids=z,a"},
		{"prefix of another key", url.Values{"public_id": {"x"}, "public_ids[]": {"a"}}, "public_id=x&public_ids=a"},
		{"excluded array", url.Values{"file[]": {"a"}, "t": {"1"}}, "t=1"},
		{"two empty elements still sent", url.Values{"ids[]": {"", ""}}, "ids=,"},
		{"non-numeric bracket is a plain key", url.Values{"a[b]": {"1"}}, "a[b]=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StringToSign(tt.params, 2); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResponseSignatureVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, publicID string
		version        int64
		secret         string
		alg            Algorithm
		want           string
	}{
		{"B1", "b8sjhoslj8cq8ovoa0ma", 1555337587, sdkSecret, SHA1, "3e974ccf50d4d1b195d2046c95994fe50ff81267"},
		{"B2", "b8sjhoslj8cq8ovoa0ma", 1555337587, sdkSecret, SHA256, "80f837513994d089160b01dd3ee04e6b86f127f75fab820dca5c15057deddc48"},
		{"B3", "callback?a=1&tags=hello,world", 1568810420, sdkSecret, SHA1, "8bda7afdf8ccf991581ddb4782598cf2fc915b8f"},
		{"B4", "tests/logo.png", 1, "X7qLTrsES31MzxxkxPPA-pAGGfU", SHA1, "08d3107a5b2ad82e7d82c0b972218fbf20b5b1e0"},
		{"B5", "tests/logo.png", 1, "X7qLTrsES31MzxxkxPPA-pAGGfU", SHA256, "cc69ae4ed73303fbf4a55f2ae5fc7e34ad3a5c387724bfcde447a2957cacdfea"},
		{"B6", "hello", 1234, "1234", SHA1, "2aa73bf69fb50816e5509e32275b8c417dcb880d"},
		{"B7", "tests/logo.png", 1234, "testsecret", SHA1, "d3fba163f99754e8eeb9fab1c9bd77c80c8167b2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ResponseSignature(tt.publicID, tt.version, tt.secret, tt.alg); got != tt.want {
				t.Errorf("ResponseSignature = %s, want %s", got, tt.want)
			}
			if !VerifyResponse(tt.publicID, tt.version, tt.secret, tt.want) {
				t.Error("VerifyResponse rejected the vector")
			}
			if VerifyResponse(tt.publicID, tt.version+1, tt.secret, tt.want) {
				t.Error("VerifyResponse accepted another version")
			}
		})
	}
}

func TestNotificationVectors(t *testing.T) {
	t.Parallel()
	c2 := `{"notification_type":"eager","eager":[{"transformation":"sp_full_hd/mp4","bytes":1055,"url":"http://res.cloudinary.com/demo/video/upload/sp_full_hd/v1533125278/dog.mp4","secure_url":"https://res.cloudinary.com/demo/video/upload/sp_full_hd/v1533125278/dog.mp4"}],"public_id":"dog","batch_id":"9b11fa058c61fa577f4ec516bf6ee756ac2aefef095af99aef1302142cc1694a"}`
	tests := []struct {
		name, body, timestamp, secret string
		alg                           Algorithm
		want                          string
		now                           int64
	}{
		{"C1", `{"public_id":"117e5550-7bfa-11e4-80d7-f962166bd3be","version":1417727468}`, "1417727468", "shhh", SHA1, "bac927006d3ce039ef7632e2c03189348d02924a", 1417727468},
		{"C2", c2, "1549533514", "X7qLTrsES31MzxxkxPPA-pAGGfU", SHA1, "dfe82de1d9083fe0b7ea68070649f9a15b8874da", 1549533574},
		{"C3", `{}`, "0", "someApiSecret", SHA256, "d5497e1a206ad0ba29ad09a7c0c5f22e939682d15009c15ab3199f62fefbd14b", 0},
		{"C4", `{"public_id":"b8sjhoslj8cq8ovoa0ma","version":"1555337587","width":1000,"height":800}`, "7952342400000", "hardcoded", SHA256, "6c5a29fd8815772fbac2f10ae741e093d0859313947ef8fadeb29126ded6649c", 7952342400000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NotificationSignature([]byte(tt.body), tt.timestamp, tt.secret, tt.alg); got != tt.want {
				t.Fatalf("NotificationSignature = %s, want %s", got, tt.want)
			}
			clock := WithClock(func() time.Time { return time.Unix(tt.now, 0) })
			if err := VerifyNotification([]byte(tt.body), tt.timestamp, tt.secret, tt.want, clock); err != nil {
				t.Errorf("VerifyNotification: %v", err)
			}
			if err := VerifyNotification([]byte(tt.body+" "), tt.timestamp, tt.secret, tt.want, clock); !errors.Is(err, ErrBadSignature) {
				t.Errorf("changed body: err = %v, want ErrBadSignature", err)
			}
		})
	}
}

func TestNotificationWindow(t *testing.T) {
	t.Parallel()
	body := []byte(`{"public_id":"dog"}`)
	now := time.Unix(1_700_000_000, 0)
	clock := WithClock(func() time.Time { return now })
	sign := func(ts int64) (string, string) {
		tsStr := strconv.FormatInt(ts, 10)
		return tsStr, NotificationSignature(body, tsStr, "secret", SHA1)
	}
	tests := []struct {
		name    string
		offset  time.Duration
		opts    []NotificationOption
		wantErr error
	}{
		{"now", 0, nil, nil},
		{"just inside 2h", -2*time.Hour + time.Second, nil, nil},
		{"exactly 2h old is stale", -2 * time.Hour, nil, ErrStaleTimestamp},
		{"4 min ahead", 4 * time.Minute, nil, nil},
		{"6 min ahead", 6 * time.Minute, nil, ErrFutureTimestamp},
		{"60s old is stale with a 60s window (boundary excluded)", -60 * time.Second, []NotificationOption{WithWindow(60*time.Second, 0)}, ErrStaleTimestamp},
		{"59s old valid with 60s window", -59 * time.Second, []NotificationOption{WithWindow(60*time.Second, 0)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, sig := sign(now.Add(tt.offset).Unix())
			err := VerifyNotification(body, ts, "secret", sig, append([]NotificationOption{clock}, tt.opts...)...)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
	if err := VerifyNotification(body, "12x", "secret", "ab", clock); !errors.Is(err, ErrInvalidTimestamp) {
		t.Errorf("bad timestamp: %v", err)
	}
}

func TestURLSignatureVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, toSign, secret string
		alg                  Algorithm
		length               URLSignatureLength
		want                 string
	}{
		{"D1", "c_crop,h_20,w_10/image.jpg", "b", SHA1, ShortURLSignature, "s--Ai4Znfl3--"},
		{"D2", "image.jpg", "b", SHA1, ShortURLSignature, "s----SjmNDA--"},
		{"D3", "sample.jpg", "b", SHA1, ShortURLSignature, "s--v2fTPYTu--"},
		{"D4", "sample.jpg", "b", SHA1, LongURLSignature, "s--2hbrSMPOjj5BJ4xV7SgFbRDevFaQNUFf--"},
		{"D5", "sample.jpg", "b", SHA256, ShortURLSignature, "s--2hbrSMPO--"},
		{"D6", "http://google.com/path/to/image.png", "b", SHA1, ShortURLSignature, "s--hH_YcbiS--"},
		{"D7", "co_red,l_text:Times_70_bold:Cool%25F0%259F%2598%258D/image.jpg", "b", SHA1, ShortURLSignature, "s--Uqk1a-5W--"},
		{"D8", "l_text:Helvetica_50:test+text/some_public_id.jpg", "AbcdEfghIjklmnopq1234567890", SHA1, ShortURLSignature, "s--j5Z1ILxd--"},
		{"D9", "w_100/e_sepia/sample", "secret", SHA1, ShortURLSignature, "s--15JMHXkE--"},
		{"D10", "c_scale,w_300/sample.jpg", "b", SHA1, ShortURLSignature, "s--Ok4O32K7--"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := URLSignature(tt.toSign, tt.secret, tt.alg, tt.length); got != tt.want {
				t.Errorf("URLSignature = %s, want %s", got, tt.want)
			}
			if !VerifyURLSignature(tt.toSign, tt.secret, tt.want) {
				t.Error("VerifyURLSignature rejected the vector")
			}
			if VerifyURLSignature(tt.toSign+"x", tt.secret, tt.want) {
				t.Error("VerifyURLSignature accepted another path")
			}
		})
	}
	for _, bad := range []string{"", "s--", "s--abc--", "Ai4Znfl3", "s--Ai4Znfl3"} {
		if VerifyURLSignature("c_crop,h_20,w_10/image.jpg", "b", bad) {
			t.Errorf("accepted malformed component %q", bad)
		}
	}
}

func TestMiscVectors(t *testing.T) {
	t.Parallel()
	// G: plain SHA-1 of a string (SignString with an empty secret).
	if got := SignString("https://cloudinary.com/images/old_logo.png", "", SHA1); got != "4de279c82056603e91aab3930a593b8b887d9e48" {
		t.Errorf("plain sha1 = %s", got)
	}
	// F: cached search URL signature, SHA-256 of ttl + base64 query + secret.
	const q = "eyJleHByZXNzaW9uIjoicmVzb3VyY2VfdHlwZTppbWFnZSBBTkQgdGFncz1raXR0ZW4gQU5EIHVwbG9hZGVkX2F0PjFkIEFORCBieXRlcz4xbSIsIm1heF9yZXN1bHRzIjozMCwic29ydF9ieSI6W3sicHVibGljX2lkIjoiZGVzYyJ9XX0="
	if got := SignString("300"+q, "secret", SHA256); got != "431454b74cefa342e2f03e2d589b2e901babb8db6e6b149abf25bc0dd7ab20b7" {
		t.Errorf("search ttl 300 = %s", got)
	}
	if got := SignString("1000"+q, "secret", SHA256); got != "25b91426a37d4f633a9b34383c63889ff8952e7ffecef29a17d600eeb3db0db7" {
		t.Errorf("search ttl 1000 = %s", got)
	}
}
