package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/mockserver"
)

func init() { register(newMockCmd) }

func newMockCmd() *cobra.Command {
	var (
		addr, dir, cloud, key, secret, token   string
		accountID, provKey, provSecret         string
		maxUpload, tokenKey, maxUnverified     string
		controlToken, remoteDir, seedPath      string
		controlHosts                           []string
		metadataOnly, control, offline, notify bool
		fixedFolders                           bool
		budget                                 int
		bodyTimeout                            time.Duration
	)
	cmd := &cobra.Command{
		Use:   "mock",
		Short: "Run a local Cloudinary mock server",
		Long: `Run a local Cloudinary (Upload API, Admin API, delivery URLs) on a loopback port.

When ready it prints on stdout, first
  CLOUDINARY_URL=cloudinary://KEY:SECRET@CLOUD?upload_prefix=http://HOST:PORT
then, for the Provisioning API (cldrest account, the SDKs' provisioning modules),
  CLOUDINARY_ACCOUNT_URL=account://PROVISIONING_KEY:PROVISIONING_SECRET@ACCOUNT_ID?upload_prefix=http://HOST:PORT
and serves until SIGINT or SIGTERM. Point any Cloudinary client at it with those URLs.

--addr 127.0.0.1:0 (the default) picks a free port. --dir keeps assets across restarts;
--metadata-only hashes uploaded bytes and discards them (for large benchmarks).
--max-upload-size is the largest upload without chunks (default 100MiB, as Cloudinary;
0 for no limit): a request announcing more (Content-Length) is refused before its body
is read, one sending more is cut just past the limit.
--body-timeout: a request body that brings less than 16 KiB in that time is answered
408 and its connection closed (0 for no timeout).
--max-unverified-size bounds what requests not yet authenticated make the mock hold, all
together (503 with Retry-After: 1 above it).
--seed loads JSON fixtures (a file, or every *.json of a directory) before serving:
assets, upload presets, metadata fields, folders, named transformations, upload mappings.
--fixed-folders runs the cloud in fixed folder mode (folders come from public IDs).
--control enables the /_mock/ endpoints (faults, journal, clock, reset). They refuse a
request for another Host (loopback, the --addr host and --control-host names work), with
an Origin of another site, with a body that is not JSON, and with --control-token, one
without that token in the X-Mock-Control-Token header.`,
		Example: `  # Serve in memory on a free port; copy the printed CLOUDINARY_URL:
  cldrest mock

  # In a script: start it, export the URL from its first line, use it, stop it:
  cldrest mock > mock.url & sleep 1; export "$(head -n1 mock.url)"
  cldrest upload ./images; kill $!

  # Start with fixtures (see README, "Seeding the mock"):
  cldrest mock --seed ./testdata/mock-seed

  # A fixed port, state kept across restarts, the /_mock/ control endpoints:
  cldrest mock --addr 127.0.0.1:8099 --dir ./mock-state --control`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir != "" && metadataOnly {
				return usageErr("--dir and --metadata-only cannot be combined: choose one storage")
			}
			if cloud == "" || key == "" || secret == "" {
				return usageErr("--cloud, --api-key and --api-secret must not be empty")
			}
			if accountID == "" || provKey == "" || provSecret == "" {
				return usageErr("--account-id, --provisioning-key and --provisioning-secret must not be empty")
			}
			maxSize, err := parseSize(maxUpload)
			if err != nil {
				return usageErr("--max-upload-size: %v", err)
			}
			unverified, err := parseSize(maxUnverified)
			if err != nil {
				return usageErr("--max-unverified-size: %v", err)
			}
			if bodyTimeout < 0 {
				return usageErr("--body-timeout %s: use a positive duration like 30s, or 0 for no timeout", bodyTimeout)
			}
			if (controlToken != "" || len(controlHosts) > 0) && !control {
				return usageErr("--control-token and --control-host need --control")
			}
			listenHost, _, err := net.SplitHostPort(addr)
			if err != nil {
				return usageErr("--addr %q: use HOST:PORT, e.g. 127.0.0.1:0", addr)
			}
			if ip := net.ParseIP(listenHost); listenHost != "" && (ip == nil || !ip.IsUnspecified()) {
				controlHosts = append(controlHosts, listenHost)
			}
			opts := []mockserver.Option{
				mockserver.WithCloud(cloud),
				mockserver.WithCredentials(key, secret),
				mockserver.WithProvisioning(accountID, provKey, provSecret),
				mockserver.WithAdminBudget(budget),
				mockserver.WithMaxUploadSize(maxSize),
				mockserver.WithBodyTimeout(bodyTimeout),
				mockserver.WithMaxUnverifiedBytes(unverified),
			}
			if token != "" {
				opts = append(opts, mockserver.WithOAuthToken(token))
			}
			if tokenKey != "" {
				opts = append(opts, mockserver.WithAuthTokenKey(tokenKey))
			}
			switch {
			case dir != "":
				opts = append(opts, mockserver.WithStorage(mockserver.Dir(dir)))
			case metadataOnly:
				opts = append(opts, mockserver.WithStorage(mockserver.MetadataOnly))
			}
			if control {
				opts = append(opts, mockserver.WithControl(), mockserver.WithControlHosts(controlHosts...))
			}
			if controlToken != "" {
				opts = append(opts, mockserver.WithControlToken(controlToken))
			}
			if offline {
				opts = append(opts, mockserver.WithOfflineRemoteURLs())
			}
			if remoteDir != "" {
				opts = append(opts, mockserver.WithRemoteDir(remoteDir))
			}
			if notify {
				opts = append(opts, mockserver.WithNotifications())
			}
			if fixedFolders {
				opts = append(opts, mockserver.WithFixedFolders())
			}
			srv, err := mockserver.Open(opts...)
			if err != nil {
				return usageErr("%v", err)
			}
			defer srv.Close()
			if seedPath != "" {
				if err := srv.LoadSeed(seedPath); err != nil {
					return usageErr("--seed: %v (fix the fixture; the mock did not start)", err)
				}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return usageErr("cannot listen on %s: %v (pass a free address, e.g. --addr 127.0.0.1:0)", addr, err)
			}
			host := ln.Addr().(*net.TCPAddr)
			shown := host.String()
			if host.IP.IsUnspecified() {
				shown = net.JoinHostPort("127.0.0.1", fmt.Sprint(host.Port))
			}
			hs := &http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
			errc := make(chan error, 1)
			go func() { errc <- hs.Serve(ln) }()
			// CLOUDINARY_URL stays the first line: scripts read it with head -n1.
			fmt.Fprintln(cmd.OutOrStdout(), "CLOUDINARY_URL="+srv.CloudinaryURL("http://"+shown))
			fmt.Fprintln(cmd.OutOrStdout(), "CLOUDINARY_ACCOUNT_URL="+srv.AccountURL("http://"+shown))
			ctx := cmd.Context()
			select {
			case err := <-errc:
				return &exitError{code: exitFailed, err: fmt.Errorf("mock server stopped: %w", err)}
			case <-ctx.Done():
			}
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return &exitError{code: exitFailed, err: fmt.Errorf("mock server shutdown: %w", err)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	f.StringVar(&dir, "dir", "", "keep assets in this directory (survives restarts); default in memory")
	f.BoolVar(&metadataOnly, "metadata-only", false, "hash and count uploaded bytes, keep none (benchmarks)")
	f.StringVar(&cloud, "cloud", mockserver.DefaultCloud, "cloud name")
	f.StringVar(&key, "api-key", mockserver.DefaultAPIKey, "API key")
	f.StringVar(&secret, "api-secret", mockserver.DefaultAPISecret, "API secret")
	f.StringVar(&token, "oauth-token", "", "also accept this OAuth bearer token")
	f.StringVar(&accountID, "account-id", mockserver.DefaultAccountID, "account ID of the Provisioning API")
	f.StringVar(&provKey, "provisioning-key", mockserver.DefaultProvisioningKey, "provisioning key of the Provisioning API")
	f.StringVar(&provSecret, "provisioning-secret", mockserver.DefaultProvisioningSecret, "provisioning secret of the Provisioning API")
	f.StringVar(&tokenKey, "auth-token-key", "", "hex key of token-based access: deliver authenticated assets to URLs with a valid __cld_token__")
	f.StringVar(&maxUpload, "max-upload-size", fmt.Sprint(mockserver.DefaultMaxUploadSize), "largest upload without chunks in bytes, or e.g. 100MiB (0: unlimited)")
	f.DurationVar(&bodyTimeout, "body-timeout", mockserver.DefaultBodyTimeout, "answer 408 to a request body that brings less than 16 KiB in this time (0: no timeout)")
	f.StringVar(&maxUnverified, "max-unverified-size", fmt.Sprint(mockserver.DefaultMaxUnverifiedBytes), "most bytes held for requests not yet authenticated, all together, e.g. 128MiB (0: unlimited)")
	f.IntVar(&budget, "admin-budget", mockserver.DefaultAdminBudget, "Admin API calls per hour before 420 (0: unlimited)")
	f.BoolVar(&control, "control", false, "enable the /_mock/ control endpoints (faults, journal, clock, reset)")
	f.StringVar(&controlToken, "control-token", "", "with --control: require this token in the X-Mock-Control-Token header")
	f.StringArrayVar(&controlHosts, "control-host", nil, "with --control: also accept control requests for this Host name (repeatable; loopback and the --addr host always work)")
	f.BoolVar(&offline, "offline-remote-urls", false, "store a placeholder image for remote file URLs that cannot be fetched")
	f.StringVar(&remoteDir, "remote-dir", "", "serve remote file URLs (https://host/path) from DIR/host/path or DIR/path instead of the network")
	f.BoolVar(&notify, "notifications", false, "POST signed notifications to notification_url parameters")
	f.StringVar(&seedPath, "seed", "", "load JSON fixtures from this file or directory (*.json) before serving")
	f.BoolVar(&fixedFolders, "fixed-folders", false, "run the cloud in fixed folder mode (folders from public IDs, no asset_folder)")
	return cmd
}
