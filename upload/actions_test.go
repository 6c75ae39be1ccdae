package upload

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cldrest/cldrest/client"
)

func TestActionsRequests(t *testing.T) {
	t.Parallel()
	ids := []string{"a", "b/c"}
	cases := []struct {
		name   string
		call   func(ctx context.Context, s *Service) error
		path   string
		params url.Values
		idem   bool
	}{
		{"explicit", func(ctx context.Context, s *Service) error {
			_, err := s.Explicit(ctx, "sample", &Params{PublicID: "ignored", Eager: []string{"w_100"}, Type: "upload"})
			return err
		}, "image/explicit", url.Values{"public_id": {"sample"}, "eager": {"w_100"}, "type": {"upload"}}, true},
		{"explicit video", func(ctx context.Context, s *Service) error {
			_, err := s.Explicit(ctx, "v", &Params{ResourceType: "video", Tags: []string{"t"}})
			return err
		}, "video/explicit", url.Values{"public_id": {"v"}, "tags": {"t"}}, true},
		{"destroy", func(ctx context.Context, s *Service) error {
			_, err := s.Destroy(ctx, "sample", &DestroyParams{ResourceType: "raw", Invalidate: true})
			return err
		}, "raw/destroy", url.Values{"public_id": {"sample"}, "invalidate": {"true"}}, true},
		{"rename", func(ctx context.Context, s *Service) error {
			_, err := s.Rename(ctx, "old", "new", &RenameParams{Overwrite: true, ToType: "private"})
			return err
		}, "image/rename", url.Values{"from_public_id": {"old"}, "to_public_id": {"new"}, "overwrite": {"true"}, "to_type": {"private"}}, true},
		{"add tags", func(ctx context.Context, s *Service) error {
			_, err := s.AddTags(ctx, []string{"t1", "t2"}, ids, nil)
			return err
		}, "image/tags", url.Values{"command": {"add"}, "tag": {"t1,t2"}, "public_ids[]": ids}, true},
		{"remove tags", func(ctx context.Context, s *Service) error {
			_, err := s.RemoveTags(ctx, []string{"t1"}, ids, &TagParams{Type: "private"})
			return err
		}, "image/tags", url.Values{"command": {"remove"}, "tag": {"t1"}, "public_ids[]": ids, "type": {"private"}}, true},
		{"replace tags", func(ctx context.Context, s *Service) error {
			_, err := s.ReplaceTags(ctx, []string{"t1"}, ids, &TagParams{ResourceType: "video"})
			return err
		}, "video/tags", url.Values{"command": {"replace"}, "tag": {"t1"}, "public_ids[]": ids}, true},
		{"remove all tags", func(ctx context.Context, s *Service) error {
			_, err := s.RemoveAllTags(ctx, ids, nil)
			return err
		}, "image/tags", url.Values{"command": {"remove_all"}, "public_ids[]": ids}, true},
		{"add context", func(ctx context.Context, s *Service) error {
			_, err := s.AddContext(ctx, Context{"k": "v=1", "gone": ""}, ids, nil)
			return err
		}, "image/context", url.Values{"command": {"add"}, "context": {`gone=|k=v\=1`}, "public_ids[]": ids}, true},
		{"remove all context", func(ctx context.Context, s *Service) error {
			_, err := s.RemoveAllContext(ctx, ids, nil)
			return err
		}, "image/context", url.Values{"command": {"remove_all"}, "public_ids[]": ids}, true},
		{"metadata", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateMetadata(ctx, Metadata{"color": []string{"red"}}, ids, &MetadataParams{ClearInvalid: true})
			return err
		}, "image/metadata", url.Values{"metadata": {`color=["red"]`}, "public_ids[]": ids, "clear_invalid": {"true"}}, true},
		{"multi by tag", func(ctx context.Context, s *Service) error {
			_, err := s.Multi(ctx, &MultiParams{Tag: "t", Format: "gif"})
			return err
		}, "image/multi", url.Values{"tag": {"t"}, "format": {"gif"}}, false},
		{"multi by urls", func(ctx context.Context, s *Service) error {
			_, err := s.Multi(ctx, &MultiParams{URLs: []string{"https://x/a.jpg", "https://x/b.jpg"}}, WithIdempotent())
			return err
		}, "image/multi", url.Values{"urls[]": {"https://x/a.jpg", "https://x/b.jpg"}, "mode": {"download"}}, true},
		{"sprite", func(ctx context.Context, s *Service) error {
			_, err := s.Sprite(ctx, &MultiParams{Tag: "logos", Transformation: "w_100"})
			return err
		}, "image/sprite", url.Values{"tag": {"logos"}, "transformation": {"w_100"}}, false},
		{"explode", func(ctx context.Context, s *Service) error {
			_, err := s.Explode(ctx, "doc", &ExplodeParams{Transformation: "pg_all", Format: "jpg"})
			return err
		}, "image/explode", url.Values{"public_id": {"doc"}, "transformation": {"pg_all"}, "format": {"jpg"}}, true},
		{"text", func(ctx context.Context, s *Service) error {
			_, err := s.Text(ctx, "Hello & bye", &TextParams{FontFamily: "Arial", FontSize: 20})
			return err
		}, "image/text", url.Values{"text": {"Hello & bye"}, "font_family": {"Arial"}, "font_size": {"20"}}, false},
		{"create archive", func(ctx context.Context, s *Service) error {
			_, err := s.CreateArchive(ctx, &ArchiveParams{ResourceType: "all", Tags: []string{"t"}, TargetFormat: "tgz", Transformations: []string{"w_100", "w_200"}})
			return err
		}, "all/generate_archive", url.Values{"mode": {"create"}, "tags[]": {"t"}, "target_format": {"tgz"}, "transformations": {"w_100|w_200"}}, false},
		{"create slideshow", func(ctx context.Context, s *Service) error {
			_, err := s.CreateSlideshow(ctx, &SlideshowParams{ManifestTransformation: "w_640", PublicID: "show", Overwrite: Bool(true)})
			return err
		}, "video/create_slideshow", url.Values{"manifest_transformation": {"w_640"}, "public_id": {"show"}, "overwrite": {"true"}}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			if err := tc.call(t.Context(), f.service()); err != nil {
				t.Fatal(err)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			r := reqs[0].req
			if r.Path != tc.path || r.API != client.UploadAPI || r.File != nil || r.Method != "POST" {
				t.Errorf("request %s %s file=%v", r.Method, r.Path, r.File)
			}
			if got, want := r.Params.Encode(), tc.params.Encode(); got != want {
				t.Errorf("params\n got %s\nwant %s", got, want)
			}
			if r.Idempotent != tc.idem {
				t.Errorf("idempotent = %v, want %v", r.Idempotent, tc.idem)
			}
		})
	}
}

func TestActionsBadInput(t *testing.T) {
	t.Parallel()
	many := make([]string, 1001)
	for i := range many {
		many[i] = "x"
	}
	cases := []struct {
		name string
		call func(ctx context.Context, s *Service) error
		kind error
	}{
		{"explicit no id", func(ctx context.Context, s *Service) error { _, err := s.Explicit(ctx, "", nil); return err }, ErrInvalidParam},
		{"explicit auto", func(ctx context.Context, s *Service) error {
			_, err := s.Explicit(ctx, "x", &Params{ResourceType: "auto"})
			return err
		}, ErrResourceType},
		{"destroy no id", func(ctx context.Context, s *Service) error { _, err := s.Destroy(ctx, " ", nil); return err }, ErrInvalidParam},
		{"destroy bad rt", func(ctx context.Context, s *Service) error {
			_, err := s.Destroy(ctx, "x", &DestroyParams{ResourceType: "images"})
			return err
		}, ErrResourceType},
		{"rename no target", func(ctx context.Context, s *Service) error { _, err := s.Rename(ctx, "a", "", nil); return err }, ErrInvalidParam},
		{"tags none", func(ctx context.Context, s *Service) error {
			_, err := s.AddTags(ctx, nil, []string{"a"}, nil)
			return err
		}, ErrInvalidParam},
		{"tags with comma", func(ctx context.Context, s *Service) error {
			_, err := s.AddTags(ctx, []string{"a,b"}, []string{"a"}, nil)
			return err
		}, ErrInvalidParam},
		{"tags bad command", func(ctx context.Context, s *Service) error {
			_, err := s.Tags(ctx, "bogus", []string{"a"}, []string{"a"}, nil)
			return err
		}, ErrInvalidParam},
		{"tags no ids", func(ctx context.Context, s *Service) error {
			_, err := s.AddTags(ctx, []string{"a"}, nil, nil)
			return err
		}, ErrInvalidParam},
		{"tags too many ids", func(ctx context.Context, s *Service) error {
			_, err := s.AddTags(ctx, []string{"a"}, many, nil)
			return err
		}, ErrInvalidParam},
		{"context empty", func(ctx context.Context, s *Service) error {
			_, err := s.AddContext(ctx, nil, []string{"a"}, nil)
			return err
		}, ErrInvalidParam},
		{"metadata empty", func(ctx context.Context, s *Service) error {
			_, err := s.UpdateMetadata(ctx, nil, []string{"a"}, nil)
			return err
		}, ErrInvalidParam},
		{"multi both", func(ctx context.Context, s *Service) error {
			_, err := s.Multi(ctx, &MultiParams{Tag: "t", URLs: []string{"u"}})
			return err
		}, ErrInvalidParam},
		{"sprite neither", func(ctx context.Context, s *Service) error { _, err := s.Sprite(ctx, nil); return err }, ErrInvalidParam},
		{"explode without pg_all", func(ctx context.Context, s *Service) error {
			_, err := s.Explode(ctx, "d", &ExplodeParams{Transformation: "w_10"})
			return err
		}, ErrInvalidParam},
		{"text empty", func(ctx context.Context, s *Service) error { _, err := s.Text(ctx, "", nil); return err }, ErrInvalidParam},
		{"archive nothing", func(ctx context.Context, s *Service) error { _, err := s.CreateArchive(ctx, nil); return err }, ErrInvalidParam},
		{"archive format", func(ctx context.Context, s *Service) error {
			_, err := s.CreateArchive(ctx, &ArchiveParams{Tags: []string{"t"}, TargetFormat: "rar"})
			return err
		}, ErrInvalidParam},
		{"slideshow no manifest", func(ctx context.Context, s *Service) error { _, err := s.CreateSlideshow(ctx, nil); return err }, ErrInvalidParam},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			err := tc.call(t.Context(), f.service())
			if !errors.Is(err, tc.kind) || !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			oneLine(t, err)
			if len(f.requests()) != 0 {
				t.Error("request sent for bad input")
			}
		})
	}
}

func TestSignedURLs(t *testing.T) {
	t.Parallel()
	s := newFake(t).service()
	base := "https://api.cloudinary.com/v1_1/demo/"
	cases := []struct {
		name string
		got  func() (string, error)
		want string
	}{
		{"private download", func() (string, error) {
			return s.PrivateDownloadURL("folder/x", "png", &DownloadParams{Type: "private", Attachment: true, ExpiresAt: time.Unix(1800000000, 0)})
		}, base + "image/download?api_key=key&attachment=true&expires_at=1800000000&format=png&public_id=folder%2Fx&signature=sig&timestamp=1700000000&type=private"},
		{"private download raw", func() (string, error) {
			return s.PrivateDownloadURL("doc.pdf", "", &DownloadParams{ResourceType: "raw"})
		}, base + "raw/download?api_key=key&public_id=doc.pdf&signature=sig&timestamp=1700000000"},
		{"archive download", func() (string, error) {
			return s.ArchiveDownloadURL(&ArchiveParams{PublicIDs: []string{"a", "b"}, FlattenFolders: true})
		}, base + "image/generate_archive?api_key=key&flatten_folders=true&mode=download&public_ids%5B%5D=a&public_ids%5B%5D=b&signature=sig&timestamp=1700000000"},
		{"zip download", func() (string, error) {
			return s.ZipDownloadURL(&ArchiveParams{ResourceType: "all", Prefixes: []string{"p/"}})
		}, base + "all/generate_archive?api_key=key&mode=download&prefixes%5B%5D=p%2F&signature=sig&target_format=zip&timestamp=1700000000"},
		{"backup", func() (string, error) {
			return s.BackupDownloadURL("4af5a0d1d4047808528b5425d166c101", "7d2cc533bee9ff39f7da7414b61fce7e")
		}, base + "download_backup?api_key=key&asset_id=4af5a0d1d4047808528b5425d166c101&signature=sig&timestamp=1700000000&version_id=7d2cc533bee9ff39f7da7414b61fce7e"},
	}
	for _, tc := range cases {
		got, err := tc.got()
		if err != nil || got != tc.want {
			t.Errorf("%s:\n got %s %v\nwant %s", tc.name, got, err, tc.want)
		}
	}
	for _, bad := range []func() (string, error){
		func() (string, error) { return s.PrivateDownloadURL("", "png", nil) },
		func() (string, error) { return s.BackupDownloadURL("a", "") },
		func() (string, error) { return s.ArchiveDownloadURL(nil) },
		func() (string, error) { return s.ZipDownloadURL(nil) },
	} {
		if _, err := bad(); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("bad input: err = %v", err)
		}
	}
	if !strings.HasPrefix(base, newFake(t).cfg.UploadPrefix) {
		t.Fatal("fake base URL changed")
	}
}

func TestResultDecoding(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.reply = func(int, *client.Request, int64) (any, error) {
		return map[string]any{
			"asset_id": "3515c6000a548515f1134043f9785c2f", "public_id": "gotjephlnz2jgiu20zni", "version": 1719307544,
			"created_at": "2024-06-25T09:25:44Z", "tags": []string{}, "context": map[string]any{"custom": map[string]any{"alt": "x"}},
			"metadata": map[string]any{"in_stock_id": 50}, "etag": "2a2df1d2d2c3b675521e866599273083",
			"eager":        []map[string]any{{"transformation": "c_pad,h_300,w_400", "width": 400}},
			"moderation":   []map[string]any{{"kind": "manual", "status": "pending", "updated_at": "2024-06-25T09:25:44+00:00"}},
			"faces":        [][]int{{1, 2, 3, 4}},
			"coordinates":  map[string]any{"faces": [][]int{{1, 2, 3, 4}}},
			"future_field": "kept in Raw",
		}, nil
	}
	res, err := f.service().Upload(t.Context(), FromBytes([]byte("x")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.CreatedAt.Unix() != 1719307544 || res.Context["alt"] != "x" || res.Eager[0].Width != 400 ||
		res.Moderation[0].UpdatedAt.Unix() != 1719307544 || res.Faces[0][2] != 3 || res.Coordinates["faces"][0][3] != 4 ||
		!strings.Contains(string(res.Response.Raw), "future_field") {
		t.Errorf("decoded %+v", res)
	}
	var cm ContextMap
	if err := cm.UnmarshalJSON([]byte(`[{"key":"a","value":"b"}]`)); err != nil || cm["a"] != "b" {
		t.Errorf("array context form: %v %v", cm, err)
	}
	var async Result
	async.Status, async.BatchID = "pending", "b1"
	if !async.Pending() || !async.finished() {
		t.Error("async answer not recognised")
	}
}
