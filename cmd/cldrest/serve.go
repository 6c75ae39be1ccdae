package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/directupload"
)

func init() { register(newServeCmd) }

type serveFlags struct {
	addr, path, policyFile                 string
	allow, force, notificationHosts, types []string
	tokens, origins                        []string
	folder, tags, idPrefix, idPattern      string
	generateIDs                            bool
	rate                                   int
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run a signature service for direct uploads from browsers",
		Long: `serve runs the signature service of package directupload: browsers POST the
parameters they want signed (JSON, the Upload Widget's {"params_to_sign": ...}, or a
form) and get back signature, timestamp, api_key, cloud_name, upload_url and the
signed params, then upload the file straight to Cloudinary.

Only what the policy allows is signed: give it with flags or --policy FILE (JSON,
the fields of directupload.Policy; flags add to it). Without any, nothing is signed.
--allow safe stands for the harmless parameters (tags, context, display_name, ...).
Forced values may use {caller}, the caller's ID (from --token TOKEN=CALLER).

When ready it prints SIGN_URL=http://HOST:PORT/PATH on stdout (and, with --mock, the
CLOUDINARY_URL of the in-process mock the uploads go to), an audit line per request
on stderr, and serves until SIGINT or SIGTERM.`,
		Example: `  # Local development against an in-process mock, callers anonymous:
  cldrest serve --mock --allow safe --folder web --tags web

  # Real cloud (CLOUDINARY_URL), bearer tokens, generated public IDs, a fixed port:
  cldrest serve --addr 127.0.0.1:8787 --token "$TOKEN=alice" --allow tags,context \
    --folder 'users/{caller}' --generate-public-ids --resource-type image --rate 30

  # The policy from a file, the page on another origin:
  cldrest serve --policy policy.json --allow-origin http://localhost:3000`,
		Args: cobra.NoArgs,
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	fl.StringVar(&f.path, "path", "/sign", "URL path of the signing endpoint")
	fl.StringVar(&f.policyFile, "policy", "", "read the policy from this JSON `FILE` (see directupload.ParsePolicy)")
	fl.StringSliceVar(&f.allow, "allow", nil, "parameters callers may set (comma-separated or repeated; safe = the harmless ones)")
	fl.StringArrayVar(&f.force, "force", nil, "force a parameter: name=value, {caller} allowed (repeatable)")
	fl.StringVar(&f.folder, "folder", "", "force the folder, e.g. 'uploads/{caller}'")
	fl.StringVar(&f.tags, "tags", "", "force these tags (comma-separated), added to the caller's")
	fl.StringVar(&f.idPrefix, "public-id-prefix", "", "public IDs must start with this prefix ({caller} allowed)")
	fl.StringVar(&f.idPattern, "public-id-pattern", "", "caller public IDs (after the prefix) must match this regular expression")
	fl.BoolVar(&f.generateIDs, "generate-public-ids", false, "the server generates every public ID")
	fl.StringSliceVar(&f.notificationHosts, "notification-host", nil, "hosts an allowed notification_url may point at (repeatable)")
	fl.StringSliceVar(&f.types, "resource-type", nil, "resource types callers may upload as, the first the default (image, video, raw, auto; default auto)")
	fl.IntVar(&f.rate, "rate", 0, "signatures per caller per minute (0: no limit)")
	fl.StringArrayVar(&f.tokens, "token", nil, "require Authorization: Bearer TOKEN; TOKEN=CALLER names the caller (repeatable; default: anyone, anonymous)")
	fl.StringSliceVar(&f.origins, "allow-origin", nil, "let pages of this origin call the endpoint (CORS), e.g. http://localhost:3000")
	mf := addMockFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return runServe(cmd, f, mf) }
	return cmd
}

// policy builds the policy from --policy and the flags.
func (f serveFlags) policy() (directupload.Policy, error) {
	var p directupload.Policy
	if f.policyFile != "" {
		file, err := os.Open(f.policyFile)
		if err != nil {
			return p, usageErr("--policy: %v", err)
		}
		defer file.Close()
		if p, err = directupload.ParsePolicy(file); err != nil {
			return p, usageErr("--policy %s: %v", f.policyFile, err)
		}
	}
	for _, a := range f.allow {
		if a = strings.TrimSpace(a); a == "safe" {
			p.Allow = append(p.Allow, directupload.SafeParams...)
		} else if a != "" {
			p.Allow = append(p.Allow, a)
		}
	}
	force := map[string]string{}
	maps.Copy(force, p.Force)
	for _, kv := range f.force {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return p, usageErr("--force %q is not name=value, e.g. --force type=upload", kv)
		}
		force[k] = v
	}
	if f.folder != "" {
		force["folder"] = f.folder
	}
	if f.tags != "" {
		force["tags"] = f.tags
	}
	if len(force) > 0 {
		p.Force = force
	}
	if f.idPrefix != "" {
		p.PublicIDs.Prefix = f.idPrefix
	}
	if f.idPattern != "" {
		p.PublicIDs.Pattern = f.idPattern
	}
	p.PublicIDs.Generate = p.PublicIDs.Generate || f.generateIDs
	p.NotificationHosts = append(p.NotificationHosts, f.notificationHosts...)
	if len(f.types) > 0 {
		p.ResourceTypes = f.types
	}
	if f.rate != 0 {
		p.RatePerMinute = f.rate
	}
	return p, nil
}

func (f serveFlags) authenticator() (directupload.Authenticator, error) {
	if len(f.tokens) == 0 {
		return directupload.Anonymous, nil
	}
	tokens := map[string]string{}
	for _, t := range f.tokens {
		token, caller, _ := strings.Cut(t, "=")
		if token == "" {
			return nil, usageErr("--token must not be empty: give TOKEN or TOKEN=CALLER")
		}
		if caller == "" {
			caller = "token"
		}
		tokens[token] = caller
	}
	return directupload.BearerTokens(tokens), nil
}

func runServe(cmd *cobra.Command, f serveFlags, mf *mockFlags) error {
	if !strings.HasPrefix(f.path, "/") {
		return usageErr("--path %q must start with /", f.path)
	}
	for _, o := range f.origins {
		if !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") || strings.Count(o, "/") != 2 {
			return usageErr("--allow-origin %q is not an origin such as http://localhost:3000", o)
		}
	}
	p, err := f.policy()
	if err != nil {
		return err
	}
	auth, err := f.authenticator()
	if err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	sess, err := mf.open(cmd)
	if err != nil {
		return err
	}
	defer sess.close()
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	h, err := directupload.NewHandler(sess.cfg, p, directupload.WithAuthenticator(auth), directupload.WithLogger(logger))
	if err != nil {
		return usageErr("%v", err)
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return usageErr("cannot listen on %s: %v (pass a free address, e.g. --addr 127.0.0.1:0)", f.addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle(f.path, withCORS(h, f.origins))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	host := ln.Addr().(*net.TCPAddr)
	shown := host.String()
	if host.IP.IsUnspecified() {
		shown = net.JoinHostPort("127.0.0.1", fmt.Sprint(host.Port))
	}
	out := cmd.OutOrStdout()
	fmt.Fprintln(out, "SIGN_URL=http://"+shown+f.path)
	if sess.mocked {
		fmt.Fprintln(out, "CLOUDINARY_URL=cloudinary://"+sess.cfg.APIKey+":"+sess.cfg.APISecret.Reveal()+"@"+sess.cfg.CloudName+"?upload_prefix="+sess.cfg.UploadPrefix)
	}
	describePolicy(stderr, p, sess.cfg.CloudName, len(f.tokens) > 0, shown)

	select {
	case err := <-errc:
		return &exitError{code: exitFailed, err: fmt.Errorf("signature service stopped: %w", err)}
	case <-cmd.Context().Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return &exitError{code: exitFailed, err: fmt.Errorf("signature service shutdown: %w", err)}
	}
	fmt.Fprintln(stderr, "cldrest serve: stopped")
	return nil
}

// describePolicy says on stderr what will be signed and for whom.
func describePolicy(w io.Writer, p directupload.Policy, cloud string, tokens bool, addr string) {
	fmt.Fprintf(w, "cldrest serve: signing uploads to cloud %s\n", cloud)
	if len(p.Allow) > 0 {
		fmt.Fprintf(w, "  callers may set: %s\n", strings.Join(p.Allow, ", "))
	}
	if len(p.Force) > 0 {
		var forced []string
		for _, k := range slices.Sorted(maps.Keys(p.Force)) {
			forced = append(forced, k+"="+p.Force[k])
		}
		fmt.Fprintf(w, "  forced: %s\n", strings.Join(forced, ", "))
	}
	switch {
	case p.PublicIDs.Generate:
		if p.PublicIDs.Prefix != "" {
			fmt.Fprintf(w, "  public IDs: generated by the server, prefix %s\n", p.PublicIDs.Prefix)
		} else {
			fmt.Fprintln(w, "  public IDs: generated by the server")
		}
	case p.PublicIDs.Prefix != "" || p.PublicIDs.Pattern != "":
		fmt.Fprintf(w, "  public IDs: prefix %q, pattern %q\n", p.PublicIDs.Prefix, p.PublicIDs.Pattern)
	}
	if len(p.Allow) == 0 && len(p.Force) == 0 && p.PublicIDs == (directupload.PublicIDs{}) {
		fmt.Fprintln(w, "  the policy allows nothing: every request is refused (pass --allow, --folder, --force or --policy)")
	}
	if !tokens {
		fmt.Fprintf(w, "  callers: anonymous, anyone who can reach %s (pass --token to require a bearer token)\n", addr)
	}
}

// withCORS lets pages of the given origins call h.
func withCORS(h http.Handler, origins []string) http.Handler {
	if len(origins) == 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); slices.Contains(origins, o) {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Add("Vary", "Origin")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				w.Header().Set("Access-Control-Allow-Methods", "POST, OPTIONS")
				w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
				w.Header().Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}
