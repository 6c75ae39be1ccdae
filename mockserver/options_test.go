package mockserver

import (
	"net/url"
	"strings"
	"testing"
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
