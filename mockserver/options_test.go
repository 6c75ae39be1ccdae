package mockserver

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestFixedFolderMode(t *testing.T) {
	s := New(fixedClock(), WithFixedFolders())
	r := uploadFile(t, s, "image", url.Values{"folder": {"a/b"}, "public_id": {"c"}}, "c.png", pngBytes(1, 1, 40))
	mustStatus(t, r, 200)
	if r.str("public_id") != "a/b/c" || r.str("folder") != "a/b" || r.str("asset_folder") != "" {
		t.Fatalf("%s", r.body)
	}
	f := admin(t, s, "GET", "/v1_1/demo/folders/a", nil)
	if got := folderPaths(f); len(got) != 1 || got[0] != "a/b" {
		t.Fatalf("%s", f.body)
	}
	c := admin(t, s, "GET", "/v1_1/demo/config?settings=true", nil)
	if c.json["settings"].(map[string]any)["folder_mode"] != "fixed" {
		t.Fatalf("%s", c.body)
	}
}

func TestJournalSizeAndRequestIDs(t *testing.T) {
	s := New(fixedClock(), WithJournalSize(3), WithSeed(9))
	seen := map[string]bool{}
	for i := 0; i < 7; i++ {
		r := admin(t, s, "GET", "/v1_1/demo/ping", nil)
		id := r.header.Get("X-Request-Id")
		if len(id) != 32 || seen[id] {
			t.Fatalf("request id %q", id)
		}
		seen[id] = true
	}
	j := s.Journal()
	if len(j) != 3 || j[0].Seq != 5 || j[2].Seq != 7 {
		t.Fatalf("journal %+v", j)
	}
	if got := s.JournalSince(6); len(got) != 1 || got[0].Seq != 7 {
		t.Fatalf("since 6: %+v", got)
	}
	if !strings.HasPrefix(j[2].Headers["Authorization"], "Basic mock_key:") {
		t.Fatalf("authorization not summarised: %v", j[2].Headers)
	}
	s.ClearJournal()
	if len(s.Journal()) != 0 {
		t.Fatal("ClearJournal")
	}
}

func TestOpenErrors(t *testing.T) {
	for _, opts := range [][]Option{
		{WithCloud("")},
		{WithCredentials("k", "")},
		{WithStorage(Dir(""))},
	} {
		if _, err := Open(opts...); err == nil || !strings.HasPrefix(err.Error(), "mockserver: ") {
			t.Errorf("want a mockserver error, got %v", err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("New must panic where Open fails")
		}
	}()
	New(WithCloud(""))
}

func TestStartAndCloudinaryURL(t *testing.T) {
	m := Start(t, WithCloud("c9"), WithCredentials("k9", "s9"), WithCredentials("k10", "s10"))
	want := "cloudinary://k9:s9@c9?upload_prefix=" + m.URL
	if m.CloudinaryURL() != want || !strings.HasPrefix(m.URL, "http://127.0.0.1:") {
		t.Fatalf("CloudinaryURL %q, want %q", m.CloudinaryURL(), want)
	}
	if m.APIBase() != m.URL+"/v1_1/c9" || m.Cloud() != "c9" || m.APIKey() != "k9" {
		t.Fatalf("APIBase %q cloud %q key %q", m.APIBase(), m.Cloud(), m.APIKey())
	}
	if Dir("/x").String() != "dir:/x" || Memory.String() != "memory" || MetadataOnly.String() != "metadata-only" {
		t.Fatal("Storage.String")
	}
}

func TestDeleteByAssetID(t *testing.T) {
	s := New(fixedClock())
	a := uploadFile(t, s, "image", url.Values{"public_id": {"a"}}, "a.png", pngBytes(1, 1, 40))
	b := uploadFile(t, s, "image", url.Values{"public_id": {"b"}}, "b.png", pngBytes(1, 1, 40))
	r := postForm(t, s, "/v1_1/demo/asset/destroy", url.Values{"asset_id": {a.str("asset_id")}})
	mustStatus(t, r, 200)
	if r.str("result") != "ok" {
		t.Fatalf("%s", r.body)
	}
	if r := postForm(t, s, "/v1_1/demo/asset/destroy", url.Values{"asset_id": {a.str("asset_id")}}); r.str("result") != "not found" {
		t.Fatalf("%s", r.body)
	}
	d := admin(t, s, "DELETE", "/v1_1/demo/resources", map[string]any{"asset_ids": []string{b.str("asset_id"), "0123"}})
	mustStatus(t, d, 200)
	del := d.json["deleted"].(map[string]any)
	if del[b.str("asset_id")] != "deleted" || del["0123"] != "not_found" {
		t.Fatalf("%s", d.body)
	}
	res := admin(t, s, "POST", "/v1_1/demo/resources/restore", map[string]any{"asset_ids": []string{b.str("asset_id")}})
	mustStatus(t, res, 200)
	if admin(t, s, "GET", "/v1_1/demo/resources/image/upload/b", nil).status != 200 {
		t.Fatal("restore by asset ID")
	}
	if r := admin(t, s, "PATCH", "/v1_1/demo/resources/image/upload/b", nil); r.status != 404 {
		t.Fatalf("PATCH: %d", r.status)
	}
}

func TestFaultManagement(t *testing.T) {
	s := New()
	id1, err := s.AddFault(Fault{Kind: FaultDelay, Delay: 1500 * 1e6})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFault(Fault{Kind: FaultStatus, Probability: 2}); err == nil {
		t.Fatal("probability 2 accepted")
	}
	if _, err := s.AddFault(Fault{Kind: FaultDelay}); err == nil {
		t.Fatal("delay without duration accepted")
	}
	if _, err := s.AddFault(Fault{Kind: FaultReset, Route: "["}); err == nil {
		t.Fatal("bad route pattern accepted")
	}
	id2, _ := s.AddFault(Fault{Kind: FaultReset, Route: "delivery"})
	b, _ := json.Marshal(s.Faults())
	if !strings.Contains(string(b), `"delay":"1.5s"`) || !strings.Contains(string(b), `"kind":"reset"`) {
		t.Fatalf("faults JSON %s", b)
	}
	var back []Fault
	if err := json.Unmarshal(b, &back); err != nil || back[0].Delay != 1500*1e6 {
		t.Fatalf("round trip %v %+v", err, back)
	}
	if !s.RemoveFault(id1) || s.RemoveFault(id1) || len(s.Faults()) != 1 {
		t.Fatal("RemoveFault")
	}
	s.ClearFaults()
	if len(s.Faults()) != 0 || s.RemoveFault(id2) {
		t.Fatal("ClearFaults")
	}
}

func TestRemoteTimeoutKeepsDefaultForZero(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		if s := New(WithRemoteTimeout(d)); s.cfg.remoteTimeout != DefaultRemoteTimeout || s.remote.Timeout != DefaultRemoteTimeout {
			t.Errorf("WithRemoteTimeout(%v): %v, %v; want the default %v (notify would cancel at once)", d, s.cfg.remoteTimeout, s.remote.Timeout, DefaultRemoteTimeout)
		}
	}
	if s := New(WithRemoteTimeout(time.Minute)); s.cfg.remoteTimeout != time.Minute {
		t.Errorf("WithRemoteTimeout(1m): %v", s.cfg.remoteTimeout)
	}
}
