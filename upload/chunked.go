// Chunked uploads of sized sources: planning, the acknowledgement tracker
// and the worker pool. planChunks, contentRange and tracker are pure and
// tested without HTTP.

package upload

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/cldrest/cldrest/client"
)

type chunk struct {
	index int
	off   int64
	n     int64
}

// planChunks cuts size bytes into chunks of chunkSize, the last one shorter.
func planChunks(size, chunkSize int64) []chunk {
	count := (size + chunkSize - 1) / chunkSize
	out := make([]chunk, 0, count)
	for i := int64(0); i < count; i++ {
		off := i * chunkSize
		out = append(out, chunk{index: int(i), off: off, n: min(chunkSize, size-off)})
	}
	return out
}

// contentRange is the Content-Range of n bytes at off of total ("-1" while
// the total is unknown).
func contentRange(off, n, total int64) string {
	t := "-1"
	if total >= 0 {
		t = fmt.Sprint(total)
	}
	return fmt.Sprintf("bytes %d-%d/%s", off, off+n-1, t)
}

func newUploadID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// sendChunk sends bytes [ch.off, ch.off+ch.n) of ra as one chunk request.
//
// Idempotency: a non-final chunk only stores a byte range in the server's
// session for this upload id; repeating it rewrites the same range and
// cannot create an asset, so it is always marked Idempotent. The final chunk
// makes the server assemble the asset: repeating it after a lost answer
// could create a second asset, so it is idempotent only when the whole
// upload is (fixed public ID with overwrite true, or WithIdempotent).
func (c *call) sendChunk(ctx context.Context, id string, ch chunk, ra io.ReaderAt, total int64, final bool) (*Result, error) {
	h := http.Header{}
	h.Set("X-Unique-Upload-Id", id)
	h.Set("Content-Range", contentRange(ch.off, ch.n, total))
	res, err := c.post(ctx, &client.File{Name: c.src.name, ReaderAt: io.NewSectionReader(ra, ch.off, ch.n), Size: ch.n}, h, !final || c.idem)
	if err != nil {
		return nil, err
	}
	if final && !res.finished() {
		return nil, ErrIncomplete
	}
	return res, nil
}

// count adds the attempts of one request (a chunk, or the only one) to
// the upload's total.
func (c *call) count(resp *client.Response, err error) {
	var a interface{ Attempts() int }
	switch {
	case errors.As(err, &a):
		c.attempts.Add(int64(a.Attempts()))
	case resp != nil:
		c.attempts.Add(int64(resp.Attempts))
	}
}

// settle stores the attempts of all chunk requests in the chunked upload's
// result or *ChunkError, once no chunk is in flight any more.
func (c *call) settle(res **Result, err *error) {
	n := int(c.attempts.Load())
	if *res != nil {
		(*res).attempts = n
	}
	if ce, ok := errors.AsType[*ChunkError](*err); ok {
		ce.attempts = n
	}
}

// sized uploads a source of known size in chunks.
func (c *call) sized(ctx context.Context) (res *Result, err error) {
	defer c.settle(&res, &err)
	id := c.set.uploadID
	if id == "" {
		id = newUploadID()
	}
	size := c.src.size
	h := newMD5At(c.src.ra, size, !c.set.noChecksum)
	defer h.close()
	chunks := planChunks(size, c.set.chunkSize)
	tr := newTracker(id, chunks, size, c.set.progress)

	send := func(ctx context.Context, ch chunk) (*Result, error) {
		final := ch.index == len(chunks)-1
		res, err := c.sendChunk(ctx, id, ch, h, size, final)
		if err != nil {
			return nil, tr.fail(ch, err)
		}
		tr.ack(ch)
		return res, nil
	}

	last := len(chunks) - 1
	var middle []chunk
	if last > 0 {
		if _, err := send(ctx, chunks[0]); err != nil {
			return nil, err
		}
		middle = chunks[1:last]
	}
	if c.set.concurrency <= 1 {
		for _, ch := range middle {
			if _, err := send(ctx, ch); err != nil {
				return nil, err
			}
		}
	} else if err := c.parallel(ctx, middle, c.set.concurrency, send); err != nil {
		if _, ok := errors.AsType[*ChunkError](err); !ok {
			// The context ended between chunks: name the first one missing.
			err = tr.fail(tr.pending(), err)
		}
		return nil, err
	}
	res, err = send(ctx, chunks[last])
	if err != nil {
		return nil, err
	}
	if res.LocalMD5, err = h.sum(); err != nil {
		return nil, err
	}
	return res, nil
}

// parallel sends chunks with up to n workers; it stops starting chunks at
// the first failure and returns that failure.
func (c *call) parallel(ctx context.Context, chunks []chunk, n int, send func(context.Context, chunk) (*Result, error)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	jobs := make(chan chunk)
	for range min(n, len(chunks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ch := range jobs {
				if ctx.Err() != nil {
					continue // select may hand out a chunk after the failure
				}
				if _, err := send(ctx, ch); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					cancel()
				}
			}
		}()
	}
feed:
	for _, ch := range chunks {
		select {
		case jobs <- ch:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		// Only the caller's context can have ended it without a failure.
		first = ctx.Err()
	}
	return first
}

// tracker records acknowledged chunks for progress and ChunkError.Offset.
type tracker struct {
	id       string
	chunks   []chunk
	total    int64
	progress ProgressFunc

	mu        sync.Mutex
	acked     []bool
	ackedSize int64
}

func newTracker(id string, chunks []chunk, total int64, progress ProgressFunc) *tracker {
	return &tracker{id: id, chunks: chunks, acked: make([]bool, len(chunks)), total: total, progress: progress}
}

func (t *tracker) ack(ch chunk) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.acked[ch.index] = true
	t.ackedSize += ch.n
	if t.progress != nil {
		t.progress(t.ackedSize, t.total)
	}
}

// prefix returns the bytes acknowledged without a gap from offset 0.
func (t *tracker) prefix() int64 {
	return t.pending().off
}

// pending returns the first chunk not acknowledged (an empty chunk at the
// end when all are).
func (t *tracker) pending() chunk {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, ok := range t.acked {
		if !ok {
			return t.chunks[i]
		}
	}
	return chunk{index: len(t.chunks), off: t.total}
}

func (t *tracker) fail(ch chunk, err error) *ChunkError {
	return &ChunkError{UploadID: t.id, Offset: t.prefix(), Chunk: ch.index, Range: contentRange(ch.off, ch.n, t.total), Err: err}
}
