package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cldrest/cldrest/account"
	"github.com/cldrest/cldrest/client"
)

func init() { register(newAccountCmd) }

// errNoAccountConfig is the one-line error of an account command run with
// neither CLOUDINARY_ACCOUNT_URL nor --mock.
var errNoAccountConfig = errors.New("no provisioning configuration: set " + account.EnvAccountURL +
	"=account://PROVISIONING_KEY:PROVISIONING_SECRET@ACCOUNT_ID (Console > Settings > Account > Provisioning API Access), or pass --mock to use a local mock server")

// provisioningCmd carries the flags of the account commands.
type provisioningCmd struct {
	json bool
	mock *mockFlags
}

// run resolves the Provisioning API configuration (the mock, or
// CLOUDINARY_ACCOUNT_URL) and calls fn, mapping errors to exit codes.
func (a *provisioningCmd) run(cmd *cobra.Command, fn func(ctx context.Context, svc *account.Service) error) error {
	var cfg account.Config
	var err error
	if a.mock.mock || a.mock.dir != "" {
		sess, err := a.mock.open(cmd)
		if err != nil {
			return err
		}
		defer sess.close()
		if cfg, err = account.ParseURL(sess.accountURL); err != nil {
			return usageErr("configuring the mock's provisioning client: %v", err)
		}
	} else if strings.TrimSpace(os.Getenv(account.EnvAccountURL)) == "" {
		return &exitError{code: exitUsage, err: errNoAccountConfig}
	} else if cfg, err = account.ConfigFromEnv(); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	svc, err := account.New(cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	err = fn(cmd.Context(), svc)
	var ee *exitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee), errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, account.ErrInvalidInput):
		return &exitError{code: exitUsage, err: err}
	case errors.Is(err, client.ErrUnauthorized):
		// %v, not %w: main's hint about CLOUDINARY_URL does not apply here.
		return &exitError{code: exitUsage, err: fmt.Errorf("%v; check the provisioning key and secret in %s", err, account.EnvAccountURL)}
	}
	return &exitError{code: exitFailed, err: err}
}

func newAccountCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "account sub-accounts|users|access-keys",
		Short: "Manage the account: sub-accounts, users and access keys (Provisioning API)",
		Long: `Manage an Enterprise account through the Provisioning API: list and create
sub-accounts (product environments), users and the access keys of a sub-account.

Configuration comes from CLOUDINARY_ACCOUNT_URL
(account://PROVISIONING_KEY:PROVISIONING_SECRET@ACCOUNT_ID, in the Console under
Settings > Account > Provisioning API Access), or --mock for a local mock.

Secrets of access keys are shown as [REDACTED] unless --show-secret is given to
a create command.`,
		Example: `  cldrest account sub-accounts ls
  cldrest account sub-accounts create "Shop EU" --cloud-name shop_eu
  cldrest account users ls --json
  cldrest account access-keys create SUB_ACCOUNT_ID --name ci --show-secret`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErr("missing subcommand: use account sub-accounts, account users or account access-keys")
		},
	}
	a := &provisioningCmd{mock: addMockFlags(cmd)}
	cmd.PersistentFlags().BoolVar(&a.json, "json", false, "print JSON instead of text")
	cmd.AddCommand(newSubAccountsCmd(a), newUsersCmd(a), newAccessKeysCmd(a))
	return cmd
}

// printTable prints every item of seq: one JSON object a line with asJSON,
// else a table under header (tab-separated columns, one row from row) and
// a count line ("3 users", "1 user").
func printTable[T any](out io.Writer, asJSON bool, header string, seq iter.Seq2[T, error], row func(T) string, one, many string) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	if !asJSON {
		fmt.Fprintln(tw, header)
	}
	n := 0
	for v, err := range seq {
		if err != nil {
			return err
		}
		n++
		if asJSON {
			if err := printJSON(out, v, nil); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintln(tw, row(v))
	}
	if asJSON {
		return nil
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out, plural(n, one, many))
	return nil
}

// group is a noun command whose verbs are its subcommands.
func group(use, short, example, missing string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use: use, Short: short, Example: example, Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return usageErr("missing subcommand: %s", missing) },
	}
	c.AddCommand(subs...)
	return c
}

// optionalBool parses an optional true/false flag value.
func optionalBool(name, v string) (*bool, error) {
	switch v {
	case "":
		return nil, nil
	case "true":
		b := true
		return &b, nil
	case "false":
		b := false
		return &b, nil
	}
	return nil, usageErr("--%s %q: use true or false", name, v)
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.DateOnly)
}

func newSubAccountsCmd(a *provisioningCmd) *cobra.Command {
	var enabled, prefix string
	var ids []string
	ls := &cobra.Command{
		Use:   "ls",
		Short: "List the sub-accounts (product environments)",
		Example: `  cldrest account sub-accounts ls
  cldrest account sub-accounts ls --enabled false --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			en, err := optionalBool("enabled", enabled)
			if err != nil {
				return err
			}
			return a.run(cmd, func(ctx context.Context, svc *account.Service) error {
				return printTable(cmd.OutOrStdout(), a.json, "ID\tCLOUD NAME\tNAME\tENABLED\tKEYS\tCREATED", svc.SubAccountsAll(ctx, &account.SubAccountsOptions{Enabled: en, Prefix: prefix, IDs: splitList(ids...)}),
					func(sa account.SubAccount) string {
						return fmt.Sprintf("%s\t%s\t%s\t%t\t%d\t%s", sa.ID, sa.CloudName, sa.Name, sa.Enabled, len(sa.APIAccessKeys), day(sa.CreatedAt))
					}, "sub-account", "sub-accounts")
			})
		},
	}
	ls.Flags().StringVar(&enabled, "enabled", "", "only enabled (true) or disabled (false) sub-accounts")
	ls.Flags().StringVar(&prefix, "prefix", "", "only sub-accounts whose name starts with this (case-insensitive)")
	ls.Flags().StringSliceVar(&ids, "ids", nil, "only these sub-account IDs (comma-separated)")

	var cloudName, base string
	var disabled, showSecret bool
	create := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a sub-account; prints its ID, cloud name and first API key",
		Example: `  cldrest account sub-accounts create "Shop EU" --cloud-name shop_eu
  cldrest account sub-accounts create Staging --base SUB_ACCOUNT_ID --show-secret --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := &account.CreateSubAccountParams{Name: args[0], CloudName: cloudName, BaseSubAccountID: base}
			if disabled {
				f := false
				p.Enabled = &f
			}
			return a.run(cmd, func(ctx context.Context, svc *account.Service) error {
				sa, err := svc.CreateSubAccount(ctx, p)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if a.json {
					if showSecret {
						return printJSON(out, sa, &sa.Meta)
					}
					return printJSON(out, sa, nil)
				}
				fmt.Fprintf(out, "created sub-account %s (cloud %s, enabled %t)\n", sa.ID, sa.CloudName, sa.Enabled)
				for _, k := range sa.APIAccessKeys {
					printKey(out, k.Key, k.Secret, showSecret)
				}
				return nil
			})
		},
	}
	create.Flags().StringVar(&cloudName, "cloud-name", "", "the new cloud's name (letters, digits, underscores); default: Cloudinary picks one")
	create.Flags().StringVar(&base, "base", "", "copy the limits and flags of this sub-account ID")
	create.Flags().BoolVar(&disabled, "disabled", false, "create it disabled")
	create.Flags().BoolVar(&showSecret, "show-secret", false, "print the new API secret (otherwise [REDACTED])")
	return group("sub-accounts ls|create", "List and create sub-accounts",
		"  cldrest account sub-accounts ls\n  cldrest account sub-accounts create \"Shop EU\" --cloud-name shop_eu",
		"use account sub-accounts ls or account sub-accounts create", ls, create)
}

// printKey prints an API key and its secret, redacted unless show.
func printKey(w io.Writer, key string, secret client.Secret, show bool) {
	s := secret.String()
	if show {
		s = secret.Reveal()
	}
	fmt.Fprintf(w, "api_key %s api_secret %s\n", key, s)
}

func newUsersCmd(a *provisioningCmd) *cobra.Command {
	var prefix, subAccount, pending string
	ls := &cobra.Command{
		Use:   "ls",
		Short: "List the account's users",
		Example: `  cldrest account users ls
  cldrest account users ls --sub-account SUB_ACCOUNT_ID --pending true --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pend, err := optionalBool("pending", pending)
			if err != nil {
				return err
			}
			return a.run(cmd, func(ctx context.Context, svc *account.Service) error {
				return printTable(cmd.OutOrStdout(), a.json, "ID\tEMAIL\tNAME\tROLE\tSTATUS\tENABLED", svc.UsersAll(ctx, &account.UsersOptions{Prefix: prefix, SubAccountID: subAccount, Pending: pend}),
					func(u account.User) string {
						status := "active"
						if u.Pending {
							status = "pending"
						}
						return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%t", u.ID, u.Email, u.Name, u.Role, status, u.Enabled)
					}, "user", "users")
			})
		},
	}
	ls.Flags().StringVar(&prefix, "prefix", "", "only users whose name or email starts with this")
	ls.Flags().StringVar(&subAccount, "sub-account", "", "only users with access to this sub-account ID")
	ls.Flags().StringVar(&pending, "pending", "", "only pending (true) or active (false) users")

	var name, role string
	var subs []string
	create := &cobra.Command{
		Use:   "create EMAIL",
		Short: "Invite a user to the account",
		Example: `  cldrest account users create ann@example.com --name Ann --role technical_admin
  cldrest account users create bob@example.com --name Bob --role media_library_user --sub-accounts ID1,ID2 --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if name == "" || role == "" {
				return usageErr("--name and --role are required (roles: %s)", roleList())
			}
			p := &account.UserParams{Name: name, Email: args[0], Role: account.Role(role), SubAccountIDs: splitList(subs...)}
			return a.run(cmd, func(ctx context.Context, svc *account.Service) error {
				u, err := svc.CreateUser(ctx, p)
				if err != nil {
					return err
				}
				if a.json {
					return printJSON(cmd.OutOrStdout(), u, nil)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "invited %s as %s (user %s, pending %t)\n", u.Email, u.Role, u.ID, u.Pending)
				return nil
			})
		},
	}
	create.Flags().StringVar(&name, "name", "", "the user's name (required)")
	create.Flags().StringVar(&role, "role", "", "the user's role (required): "+roleList())
	create.Flags().StringSliceVar(&subs, "sub-accounts", nil, "sub-account IDs the user may access (ignored for master_admin)")
	return group("users ls|create", "List and invite users",
		"  cldrest account users ls\n  cldrest account users create ann@example.com --name Ann --role admin",
		"use account users ls or account users create", ls, create)
}

func roleList() string {
	names := make([]string, len(account.Roles))
	for i, r := range account.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func newAccessKeysCmd(a *provisioningCmd) *cobra.Command {
	ls := &cobra.Command{
		Use:   "ls SUB_ACCOUNT_ID",
		Short: "List a sub-account's access keys (secrets redacted)",
		Example: `  cldrest account access-keys ls SUB_ACCOUNT_ID
  cldrest account access-keys ls SUB_ACCOUNT_ID --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.run(cmd, func(ctx context.Context, svc *account.Service) error {
				return printTable(cmd.OutOrStdout(), a.json, "API KEY\tNAME\tENABLED\tCREATED", svc.AccessKeysAll(ctx, args[0], &account.AccessKeysOptions{SortBy: account.SortByCreatedAt, SortOrder: "asc"}),
					func(k account.AccessKey) string {
						return fmt.Sprintf("%s\t%s\t%t\t%s", k.APIKey, k.Name, k.Enabled, day(k.CreatedAt))
					}, "access key", "access keys")
			})
		},
	}
	var name string
	var disabled, showSecret bool
	create := &cobra.Command{
		Use:   "create SUB_ACCOUNT_ID",
		Short: "Generate an API key and secret for a sub-account",
		Example: `  cldrest account access-keys create SUB_ACCOUNT_ID --name ci
  cldrest account access-keys create SUB_ACCOUNT_ID --name ci --show-secret --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := &account.AccessKeyParams{Name: name}
			if disabled {
				f := false
				p.Enabled = &f
			}
			return a.run(cmd, func(ctx context.Context, svc *account.Service) error {
				k, err := svc.GenerateAccessKey(ctx, args[0], p)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if a.json {
					if showSecret {
						return printJSON(out, k, &k.Meta)
					}
					return printJSON(out, k, nil)
				}
				fmt.Fprintf(out, "created access key %q (enabled %t)\n", k.Name, k.Enabled)
				printKey(out, k.APIKey, k.APISecret, showSecret)
				return nil
			})
		},
	}
	create.Flags().StringVar(&name, "name", "", "the key's name (default: chosen by Cloudinary)")
	create.Flags().BoolVar(&disabled, "disabled", false, "create it disabled")
	create.Flags().BoolVar(&showSecret, "show-secret", false, "print the new API secret (otherwise [REDACTED])")
	return group("access-keys ls|create", "List and generate a sub-account's access keys",
		"  cldrest account access-keys ls SUB_ACCOUNT_ID\n  cldrest account access-keys create SUB_ACCOUNT_ID --name ci",
		"use account access-keys ls or account access-keys create", ls, create)
}
