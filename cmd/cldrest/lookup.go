package main

import (
	"context"
	"sync"

	"github.com/cldrest/cldrest/admin"
	"github.com/cldrest/cldrest/internal/batch"
)

// lookupBlock is how many files one search call covers: at most three
// assets per public ID (image, video, raw) stay within one 500-result page.
const lookupBlock = 100

// searchLookup finds the remote etags for --skip-existing=etag with one
// search call per block of files, in the order the batch engine hands them
// out, instead of one Admin call per file (the Admin API allows a few
// hundred to a few thousand calls an hour). Search is indexed shortly after
// an upload: an asset uploaded seconds ago may not be found yet and is then
// uploaded again, overwriting it, never duplicating it.
type searchLookup struct {
	svc   *admin.Service
	rt    string          // --resource-type; "" or auto: guessed per file
	files *batch.FileList // positions found with files.Find
	// kept bounds the cached blocks: workers take files in order, so only
	// the blocks of files in flight (concurrency/lookupBlock + 1) and the
	// next are still asked about; an evicted one would be fetched again.
	kept int

	mu     sync.Mutex
	blocks map[int]*etagBlock
	order  []int // cached block numbers, oldest first
}

// etagBlock holds the etags of one block, fetched once by whoever asks
// first; a failed fetch is not kept, so the next file retries it.
type etagBlock struct {
	mu    sync.Mutex
	etags map[assetRef]string // nil until fetched
}

type assetRef struct{ resourceType, publicID string }

func newSearchLookup(svc *admin.Service, resourceType string, files *batch.FileList, concurrency int) *searchLookup {
	return &searchLookup{svc: svc, rt: resourceType, files: files, kept: concurrency/lookupBlock + 2,
		blocks: map[int]*etagBlock{}}
}

func (l *searchLookup) resourceType(f batch.File) string {
	if l.rt == "" || l.rt == "auto" {
		return batch.GuessResourceType(f.Rel)
	}
	return l.rt
}

// Etag implements batch.Lookup.
func (l *searchLookup) Etag(ctx context.Context, f batch.File) (string, bool, error) {
	i, _ := l.files.Find(f.PublicID) // always found: f is one of files
	n := i / lookupBlock
	b := l.block(n)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.etags == nil {
		etags, err := l.fetch(ctx, n)
		if err != nil {
			return "", false, err
		}
		b.etags = etags
	}
	etag, found := b.etags[assetRef{l.resourceType(f), f.PublicID}]
	return etag, found, nil
}

// block returns block n, creating it (and evicting the oldest) as needed.
func (l *searchLookup) block(n int) *etagBlock {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.blocks[n]; ok {
		return b
	}
	b := &etagBlock{}
	l.blocks[n] = b
	l.order = append(l.order, n)
	if len(l.order) > l.kept {
		delete(l.blocks, l.order[0])
		l.order = l.order[1:]
	}
	return b
}

// fetch searches for the upload-type assets with the public IDs of block n.
func (l *searchLookup) fetch(ctx context.Context, n int) (map[assetRef]string, error) {
	var ids []admin.Expr
	for i := n * lookupBlock; i < min((n+1)*lookupBlock, l.files.Len()); i++ {
		ids = append(ids, admin.Field("public_id").Eq(l.files.At(i).PublicID))
	}
	q := &admin.SearchQuery{Expression: admin.And(admin.Field("type").Eq("upload"), admin.Or(ids...)).String(), MaxResults: 500}
	etags := map[assetRef]string{}
	for r, err := range l.svc.SearchAll(ctx, q) {
		if err != nil {
			return nil, err
		}
		if r.Etag != "" {
			etags[assetRef{string(r.ResourceType), r.PublicID}] = r.Etag
		}
	}
	return etags, nil
}
