// Command cldrest signs, uploads and manages Cloudinary assets, and runs a
// local mock of Cloudinary's APIs. Run "cldrest help" for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/client"
)

// Exit codes shared by every command.
const (
	exitOK          = 0
	exitFailed      = 1   // some work failed
	exitUsage       = 2   // usage or configuration error
	exitInterrupted = 130 // SIGINT/SIGTERM
)

// exitError carries an exit code up to main. Its message is printed as one
// line on stderr (unless empty).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// usageErr wraps err as a usage/configuration error (exit 2).
func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// commands lists the constructors of the subcommands; each command's file
// adds itself in an init function.
var commands []func() *cobra.Command

func register(newCmd func() *cobra.Command) { commands = append(commands, newCmd) }

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "cldrest",
		Short: "Sign, upload and manage Cloudinary assets; run a local Cloudinary mock",
		Long: `cldrest talks to Cloudinary's Upload and Admin REST APIs directly.

Configuration comes from CLOUDINARY_URL (cloudinary://API_KEY:API_SECRET@CLOUD_NAME)
or CLOUDINARY_CLOUD_NAME, CLOUDINARY_API_KEY and CLOUDINARY_API_SECRET.

Exit codes: 0 success, 1 some work failed, 2 usage or configuration error,
130 interrupted.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       currentVersion().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: err}
	})
	for _, newCmd := range commands {
		root.AddCommand(newCmd())
	}
	addCompletionCmd(root)
	return root
}

// run executes the CLI and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitFailed
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	} else if isCobraUsageError(err) {
		code = exitUsage
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		code = exitInterrupted
	}
	msg := err.Error()
	if errors.Is(err, client.ErrUnauthorized) {
		// Wrong credentials fail every call: a configuration error.
		code = exitUsage
		msg += "; check the API key and secret in CLOUDINARY_URL (a stale timestamp also means the clock is off)"
	}
	if msg != "" {
		fmt.Fprintln(stderr, "cldrest: "+msg)
	}
	return code
}

// isCobraUsageError recognises cobra's argument and command errors, which
// are plain errors.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires at most", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
