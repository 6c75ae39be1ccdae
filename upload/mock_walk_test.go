package upload_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/cldrest/cldrest/internal/apitest"
	"github.com/cldrest/cldrest/mockserver"
	"github.com/cldrest/cldrest/upload"
)

// walkStep is one row of TestMockWalk: a call of one exported Service
// method with arguments that are valid against the walk's seeded state.
// Methods that only build a URL are walked by fetching the URL.
type walkStep = apitest.Step[*upload.Service]

// walkAllowed are the Upload API methods the mock does not emulate, each
// with the reason. The walk checks that each still fails with the mock's
// "not emulated" answer, so an entry must go when the mock learns the call.
var walkAllowed = map[string]string{}

// getURL returns a function that fetches a URL a Service method built
// (taking the method's two results) and fails on a non-200 answer, with
// the mock's message in the error.
func getURL(ctx context.Context) func(u string, err error) ([]byte, error) {
	return func(u string, err error) ([]byte, error) { return fetchBuilt(ctx, u, err) }
}

func fetchBuilt(ctx context.Context, u string, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return b, nil
}

func pngOf(w, h int) []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)))
	return b.Bytes()
}

func gifOf(frames int) []byte {
	anim := &gif.GIF{}
	for range frames {
		anim.Image = append(anim.Image, image.NewPaletted(image.Rect(0, 0, 8, 6), []color.Color{color.White, color.Black}))
		anim.Delay = append(anim.Delay, 5)
	}
	var b bytes.Buffer
	_ = gif.EncodeAll(&b, anim)
	return b.Bytes()
}

// TestMockWalk calls every exported method of upload.Service against the
// mock and fails on any error, above all on a "not emulated" answer. A
// method without a row fails the test: the mock answers every call the
// client can make, in the same change that adds the call.
func TestMockWalk(t *testing.T) {
	e := startMock(t, nil)
	if err := e.m.PutPreset(mockserver.Preset{Name: "walk-open", Unsigned: true}); err != nil {
		t.Fatal(err)
	}
	if err := e.m.PutMetadataField([]byte(`{"type":"string","external_id":"note","label":"Note"}`)); err != nil {
		t.Fatal(err)
	}
	var up *upload.Result // the asset Upload creates, for BackupDownloadURL
	steps := []walkStep{
		{Method: "Upload", Call: func(ctx context.Context, s *upload.Service) error {
			r, err := s.Upload(ctx, upload.FromBytes(pngOf(40, 30)), &upload.Params{PublicID: "walk/a", Tags: []string{"walk"},
				Eager: []string{"c_fill,h_10,w_20"}, Colors: true})
			if err == nil && (len(r.Eager) != 1 || r.Eager[0].Width != 20 || r.Eager[0].Height != 10) {
				return fmt.Errorf("eager %+v, want one 20x10", r.Eager)
			}
			up = r
			return err
		}},
		{Method: "UploadUnsigned", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.UploadUnsigned(ctx, upload.FromBytes(pngOf(20, 10)), "walk-open", &upload.Params{PublicID: "walk/b", Tags: []string{"walk"}})
			return err
		}},
		{Method: "Explicit", Call: func(ctx context.Context, s *upload.Service) error {
			r, err := s.Explicit(ctx, "walk/a", &upload.Params{Type: "upload", Eager: []string{"c_scale,w_10"}, Context: upload.Context{"alt": "A"}})
			if err == nil && (len(r.Eager) != 1 || r.Eager[0].Width != 10) {
				return fmt.Errorf("eager %+v, want one 10 wide", r.Eager)
			}
			return err
		}},
		{Method: "Tags", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.Tags(ctx, upload.TagAdd, []string{"t0"}, []string{"walk/a"}, nil)
			return err
		}},
		{Method: "TagsAll", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.TagsAll(ctx, upload.TagAdd, []string{"t1"}, []string{"walk/a", "walk/b"}, nil)
			return err
		}},
		{Method: "AddTags", Call: func(ctx context.Context, s *upload.Service) error {
			r, err := s.AddTags(ctx, []string{"t2"}, []string{"walk/a"}, nil)
			if err == nil && !slices.Equal(r.PublicIDs, []string{"walk/a"}) {
				return fmt.Errorf("public_ids %v", r.PublicIDs)
			}
			return err
		}},
		{Method: "RemoveTags", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.RemoveTags(ctx, []string{"t2"}, []string{"walk/a"}, nil)
			return err
		}},
		{Method: "ReplaceTags", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.ReplaceTags(ctx, []string{"walk", "t3"}, []string{"walk/b"}, nil)
			return err
		}},
		{Method: "AddContext", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.AddContext(ctx, upload.Context{"k": "v"}, []string{"walk/a"}, nil)
			return err
		}},
		{Method: "RemoveAllContext", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.RemoveAllContext(ctx, []string{"walk/b"}, nil)
			return err
		}},
		{Method: "UpdateMetadata", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.UpdateMetadata(ctx, upload.Metadata{"note": "hello"}, []string{"walk/a"}, nil)
			return err
		}},
		{Method: "Rename", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.Rename(ctx, "walk/b", "walk/b2", nil)
			return err
		}},
		{Method: "Sprite", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.Sprite(ctx, &upload.MultiParams{Tag: "walk"})
			return err
		}},
		{Method: "SpriteDownloadURL", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := getURL(ctx)(s.SpriteDownloadURL(&upload.MultiParams{Tag: "walk"}))
			return err
		}},
		{Method: "Multi", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.Multi(ctx, &upload.MultiParams{Tag: "walk"})
			return err
		}},
		{Method: "MultiDownloadURL", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := getURL(ctx)(s.MultiDownloadURL(&upload.MultiParams{Tag: "walk"}))
			return err
		}},
		{Method: "Explode", Call: func(ctx context.Context, s *upload.Service) error {
			if _, err := s.Upload(ctx, upload.FromBytes(gifOf(2)), &upload.Params{PublicID: "walk/anim"}); err != nil {
				return err
			}
			_, err := s.Explode(ctx, "walk/anim", &upload.ExplodeParams{Transformation: "pg_all"})
			return err
		}},
		{Method: "Text", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.Text(ctx, "walk", &upload.TextParams{FontFamily: "Arial", FontSize: 14})
			return err
		}},
		{Method: "CreateArchive", Call: func(ctx context.Context, s *upload.Service) error {
			r, err := s.CreateArchive(ctx, &upload.ArchiveParams{Tags: []string{"walk"}, TargetPublicID: "walk.zip"})
			if err == nil && r.FileCount != 2 {
				return fmt.Errorf("file_count %d, want 2", r.FileCount)
			}
			return err
		}},
		{Method: "ArchiveDownloadURL", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := getURL(ctx)(s.ArchiveDownloadURL(&upload.ArchiveParams{PublicIDs: []string{"walk/a"}}))
			return err
		}},
		{Method: "ZipDownloadURL", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := getURL(ctx)(s.ZipDownloadURL(&upload.ArchiveParams{PublicIDs: []string{"walk/a"}}))
			return err
		}},
		{Method: "PrivateDownloadURL", Call: func(ctx context.Context, s *upload.Service) error {
			b, err := getURL(ctx)(s.PrivateDownloadURL("walk/a", "", nil))
			if err == nil && !bytes.Equal(b, pngOf(40, 30)) {
				return errors.New("download served other bytes than uploaded")
			}
			return err
		}},
		{Method: "BackupDownloadURL", Call: func(ctx context.Context, s *upload.Service) error {
			if up == nil {
				return errors.New("no upload to back up")
			}
			b, err := getURL(ctx)(s.BackupDownloadURL(up.AssetID, up.VersionID))
			if err == nil && !bytes.Equal(b, pngOf(40, 30)) {
				return errors.New("backup download served other bytes than uploaded")
			}
			return err
		}},
		{Method: "CreateSlideshow", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.CreateSlideshow(ctx, &upload.SlideshowParams{ManifestTransformation: "w_640", PublicID: "walk/show"})
			return err
		}},
		{Method: "RemoveAllTags", Call: func(ctx context.Context, s *upload.Service) error {
			_, err := s.RemoveAllTags(ctx, []string{"walk/b2"}, nil)
			return err
		}},
		{Method: "Destroy", Call: func(ctx context.Context, s *upload.Service) error {
			r, err := s.Destroy(ctx, "walk/b2", nil)
			if err == nil && r.Result != "ok" {
				return fmt.Errorf("result %q, want ok", r.Result)
			}
			return err
		}},
	}

	apitest.Walk(t, e.svc, steps, walkAllowed)
}
