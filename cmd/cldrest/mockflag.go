package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/client"
	"github.com/cldrest/cldrest/internal/batch"
	"github.com/cldrest/cldrest/mockserver"
)

// errNoConfig is the one-line error of a command run with neither
// CLOUDINARY_URL nor --mock.
var errNoConfig = errors.New("no Cloudinary configuration: set CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME (see your Cloudinary console), or pass --mock to use a local mock server")

// mockFlags are the --mock and --mock-dir flags every API command has.
type mockFlags struct {
	mock bool
	dir  string
}

// addMockFlags registers --mock and --mock-dir on cmd (as persistent flags,
// so subcommands of a group inherit them).
func addMockFlags(cmd *cobra.Command) *mockFlags {
	m := &mockFlags{}
	f := cmd.PersistentFlags()
	f.BoolVar(&m.mock, "mock", false, "run against an in-process mock Cloudinary on 127.0.0.1 (ignores CLOUDINARY_URL); its state is discarded on exit")
	f.StringVar(&m.dir, "mock-dir", "", "like --mock, but keep the mock's state in this directory across runs")
	return m
}

// session is a configured client, possibly talking to an in-process mock.
type session struct {
	client *client.Client
	cfg    client.Config
	// target identifies where assets go, for the upload journal: the cloud
	// name and API host, or the mock directory.
	target string
	// mocked is set when an in-process mock serves the session; ephemeral
	// when its state dies with the process.
	mocked, ephemeral bool
	// accountURL is the mock's CLOUDINARY_ACCOUNT_URL (mock sessions only).
	accountURL string
	close      func()
}

// open resolves the configuration (the mock, or CLOUDINARY_URL and the
// CLOUDINARY_* variables) and builds a client. It returns a usage error
// (exit 2) when there is no configuration.
func (m *mockFlags) open(cmd *cobra.Command, opts ...client.Option) (*session, error) {
	if _, _, err := batch.RetryWaitFromEnv(); err != nil {
		return nil, usageErr("%v", err)
	}
	if m.mock || m.dir != "" {
		return m.openMock(cmd, opts...)
	}
	cfg, err := envConfig(cmd.ErrOrStderr())
	if err != nil {
		return nil, err
	}
	if cfg.CloudName == "" {
		return nil, &exitError{code: exitUsage, err: errNoConfig}
	}
	c, err := client.New(cfg, opts...)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	cfg = c.Config()
	return &session{client: c, cfg: cfg, target: cfg.CloudName + "@" + cfg.UploadPrefix, close: func() {}}, nil
}

func (m *mockFlags) openMock(cmd *cobra.Command, opts ...client.Option) (*session, error) {
	var mopts []mockserver.Option
	target := "mock"
	if m.dir != "" {
		abs, err := filepath.Abs(m.dir)
		if err != nil {
			return nil, usageErr("--mock-dir %s: %v", m.dir, err)
		}
		mopts = append(mopts, mockserver.WithStorage(mockserver.Dir(abs)))
		target = "mock:" + abs
	}
	srv, err := mockserver.Open(mopts...)
	if err != nil {
		return nil, usageErr("starting the mock: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = srv.Close()
		return nil, &exitError{code: exitFailed, err: fmt.Errorf("starting the mock: %w", err)}
	}
	// Shutdown waits for a connection that has not sent a request yet (the
	// client's transport dials some it never uses) as if a request were on
	// its way; when the command closes the session it sends none, so such
	// connections are closed first and only handlers still running are
	// waited for.
	var mu sync.Mutex
	unused := map[net.Conn]bool{}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second, ConnState: func(c net.Conn, s http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		if s == http.StateNew {
			unused[c] = true
		} else {
			delete(unused, c)
		}
	}}
	go func() { _ = hs.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	closeAll := func() {
		mu.Lock()
		for c := range unused {
			_ = c.Close()
		}
		mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
		_ = srv.Close()
	}
	cfg, err := client.ParseURL(srv.CloudinaryURL(base))
	if err == nil {
		var c *client.Client
		if c, err = client.New(cfg, opts...); err == nil {
			where := "state discarded on exit"
			if m.dir != "" {
				where = "state kept in " + m.dir
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "cldrest: using an in-process mock Cloudinary at %s (%s)\n", base, where)
			return &session{client: c, cfg: c.Config(), target: target, mocked: true, ephemeral: m.dir == "", accountURL: srv.AccountURL(base), close: closeAll}, nil
		}
	}
	closeAll()
	return nil, usageErr("configuring the mock client: %v", err)
}
