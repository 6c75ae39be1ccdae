// Command browser-upload serves a page that uploads a file straight from
// the browser to Cloudinary, signed by the server's directupload policy, and
// shows the delivered thumbnail.
//
// Against a real cloud:
//
//	CLOUDINARY_URL=cloudinary://KEY:SECRET@CLOUD go run ./examples/browser-upload
//
// Against the local mock, in one command from the repository root:
//
//	go run ./cmd/cldrest mock | { read -r url; export "$url"; go run ./examples/browser-upload; }
//
// Then open http://127.0.0.1:8080.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cldrest/cldrest/client"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*addr, logger); err != nil {
		fmt.Fprintln(os.Stderr, "browser-upload:", err)
		os.Exit(1)
	}
}

func run(addr string, logger *slog.Logger) error {
	cfg, err := client.ConfigFromEnv()
	if err != nil {
		return err
	}
	app, err := newApp(cfg, logger)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("browser-upload: open the page", "url", "http://"+ln.Addr().String(), "cloud", cfg.CloudName, "api", cfg.UploadPrefix)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
