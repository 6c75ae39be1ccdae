// Command discard serves bench/internal/discard on loopback: Cloudinary-shaped
// upload answers with a correct etag, the uploaded bytes thrown away. When
// ready it prints one line, like `cldrest mock`:
//
//	CLOUDINARY_URL=cloudinary://bench:bench@bench?upload_prefix=http://127.0.0.1:PORT
//
// and serves until SIGINT or SIGTERM. benchrun starts it as the server that
// removes the mock's cost from a client's figures.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cldrest/cldrest/bench/internal/discard"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback only is sensible)")
	zeros := flag.String("zero-etags", "", "comma-separated byte counts whose all-zero etag to compute before serving (the sizes of the sparse-file and zero-reader uploads)")
	flag.Parse()
	h := discard.New()
	for _, f := range strings.Split(*zeros, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil || n < 0 {
			fmt.Fprintf(os.Stderr, "discard: -zero-etags: %q is not a byte count\n", f)
			os.Exit(2)
		}
		h.Precompute(n)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "discard:", err)
		os.Exit(2)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	fmt.Printf("CLOUDINARY_URL=cloudinary://bench:bench@bench?upload_prefix=http://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "discard:", err)
		os.Exit(1)
	}
}
