// Uploads of io.Reader sources of unknown size: one reused chunk buffer.

package upload

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"

	"github.com/cldrest/cldrest/client"
)

// streamProbe is how much of an unknown-size reader is read before the
// full chunk buffer is allocated: small inputs never cost a whole chunk.
const streamProbe = 64 << 10

// stream uploads an unknown-size reader: one chunk buffer, reused; totals
// are "-1" until the reader reports EOF, and the last chunk carries the
// real total.
func (c *call) stream(ctx context.Context) (res *Result, err error) {
	defer c.settle(&res, &err)
	r := c.src.stream
	cs := c.set.chunkSize
	sum := localHash(!c.set.noChecksum)

	probe := make([]byte, min(int64(streamProbe), cs))
	n, eof, err := fill(r, probe)
	if err != nil {
		return nil, fmt.Errorf("upload: reading source: %w", err)
	}
	if n == 0 {
		return nil, inputErr(ErrEmptySource, "source", "reader yielded no bytes", "pass a reader with content")
	}
	var buf []byte
	if eof {
		buf = probe[:n]
	} else {
		buf = make([]byte, cs)
		copy(buf, probe[:n])
		probe = nil
		m, e, err := fill(r, buf[n:])
		if err != nil {
			return nil, fmt.Errorf("upload: reading source: %w", err)
		}
		buf, eof = buf[:n+m], e
	}
	// A full buffer may end exactly at EOF: peek one byte to know.
	var carry [1]byte
	hasCarry := false
	peek := func() error {
		if eof {
			return nil
		}
		k, err := io.ReadFull(r, carry[:])
		switch {
		case k == 1:
			hasCarry = true
		case err == io.EOF:
			eof = true
		default:
			return err
		}
		return nil
	}
	if err := peek(); err != nil {
		return nil, fmt.Errorf("upload: reading source: %w", err)
	}
	if eof && int64(len(buf)) <= client.MaxUploadSize {
		hashed := hashBeside(sum, buf)
		res, err := c.single(ctx, &client.File{Name: c.src.name, ReaderAt: bytes.NewReader(buf), Size: int64(len(buf))}, int64(len(buf)))
		hashed()
		if err != nil {
			return nil, err
		}
		res.LocalMD5 = hex.EncodeToString(sum.Sum(nil))
		return res, nil
	}

	id := c.set.uploadID
	if id == "" {
		id = newUploadID()
	}
	var off int64
	for i := 0; ; i++ {
		ch := chunk{index: i, off: off, n: int64(len(buf))}
		total := int64(-1)
		if eof {
			total = off + ch.n
		}
		// The chunk's bytes sit at buf[0:n] but belong at offset off. The
		// view is revoked before buf is refilled: a transport that still
		// reads a finished request body gets an error, never new bytes.
		ra := &bufferView{b: buf, base: off}
		hashed := hashBeside(sum, buf) // buf is not refilled before hashed returns
		res, err := c.sendChunk(ctx, id, ch, ra, total, eof)
		hashed()
		ra.revoke()
		if err != nil {
			return nil, &ChunkError{UploadID: id, Offset: off, Chunk: i, Range: contentRange(off, ch.n, total), Err: err}
		}
		off += ch.n
		if c.set.progress != nil {
			if eof {
				c.set.progress(off, off)
			} else {
				c.set.progress(off, -1)
			}
		}
		if eof {
			res.LocalMD5 = hex.EncodeToString(sum.Sum(nil))
			return res, nil
		}
		// Refill the same buffer: the carried byte first.
		buf = buf[:cap(buf)]
		start := 0
		if hasCarry {
			buf[0] = carry[0]
			start, hasCarry = 1, false
		}
		m, e, err := fill(r, buf[start:])
		if err == nil {
			buf, eof = buf[:start+m], e
			err = peek()
		}
		if err != nil {
			return nil, &ChunkError{UploadID: id, Offset: off, Chunk: i + 1, Err: fmt.Errorf("reading source: %w", err)}
		}
	}
}

// hashBeside writes b to h while the caller sends b: on a goroutine of its
// own when b is large (bgHashMin), so that a chunk's wall time is the
// larger of hashing and sending it. The returned function waits until b is
// hashed; it must be called before b changes.
func hashBeside(h hash.Hash, b []byte) (wait func()) {
	if _, off := h.(noHash); off || len(b) < bgHashMin {
		h.Write(b)
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.Write(b)
	}()
	return func() { <-done }
}

// fill reads into b until it is full or r reports EOF.
func fill(r io.Reader, b []byte) (n int, eof bool, err error) {
	n, err = io.ReadFull(r, b)
	switch {
	case err == nil:
		return n, false, nil
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return n, true, nil
	}
	return n, false, err
}

// bufferView presents b as the bytes at [base, base+len(b)) until revoked.
type bufferView struct {
	mu      sync.Mutex
	b       []byte
	base    int64
	revoked bool
}

func (v *bufferView) ReadAt(p []byte, off int64) (int, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.revoked {
		return 0, errors.New("upload: chunk buffer reused; request body read after the request ended")
	}
	return bytes.NewReader(v.b).ReadAt(p, off-v.base)
}

func (v *bufferView) revoke() {
	v.mu.Lock()
	v.revoked = true
	v.mu.Unlock()
}
