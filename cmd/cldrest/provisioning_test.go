package main

import (
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

const provCanary = "CANARY-prov-secret-4b1d"

// TestAccountCommandsHaveHelpJSONAndMock checks every account subcommand
// has a description, examples, --json and --mock.
func TestAccountCommandsHaveHelpJSONAndMock(t *testing.T) {
	root := newRootCmd(strings.NewReader(""), io.Discard, io.Discard)
	acc, _, err := root.Find([]string{"account"})
	if err != nil || acc.Name() != "account" {
		t.Fatalf("no account command: %v", err)
	}
	n := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		n++
		if c.Short == "" || !strings.Contains(c.Example, "cldrest account ") {
			t.Errorf("%s lacks a short description or examples", c.CommandPath())
		}
		if c.Flag("json") == nil || c.Flag("mock") == nil {
			t.Errorf("%s lacks --json or --mock", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(acc)
	if n != 10 {
		t.Errorf("walked %d account commands, want 10", n)
	}
}

func TestAccountUsageErrors(t *testing.T) {
	t.Setenv("CLOUDINARY_ACCOUNT_URL", "")
	for _, tc := range []struct {
		env  string
		args []string
		msg  string
	}{
		{"", []string{"account", "users", "ls"}, "no provisioning configuration: set CLOUDINARY_ACCOUNT_URL=account://"},
		{"cloudinary://k:" + provCanary + "@c", []string{"account", "users", "ls"}, "scheme must be account://"},
		{"account://k@acc", []string{"account", "users", "ls"}, "no ':' between the provisioning key and the provisioning secret"},
		{"", []string{"account"}, "missing subcommand"},
		{"", []string{"account", "users"}, "missing subcommand"},
		{"", []string{"account", "users", "create", "a@b.c", "--mock"}, "--name and --role are required"},
		{"", []string{"account", "users", "create", "a@b.c", "--name", "A", "--role", "boss", "--mock"}, `role "boss"`},
		{"", []string{"account", "sub-accounts", "ls", "--enabled", "yes", "--mock"}, `--enabled "yes"`},
		{"", []string{"account", "access-keys", "ls", "a/b", "--mock"}, "sub-account ID"},
	} {
		t.Setenv("CLOUDINARY_ACCOUNT_URL", tc.env)
		stdout, stderr, code := cli(t, "", tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.msg) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 && !strings.Contains(stderr, "using an in-process mock") {
			t.Errorf("%v (env %q): exit %d, stderr %q, want 2 and %q", tc.args, tc.env, code, stderr, tc.msg)
		}
		if strings.Contains(stdout+stderr, provCanary) {
			t.Errorf("%v: output shows the secret", tc.args)
		}
	}
}

// TestAccountInProcessMock runs the account commands against --mock (one
// in-process mock per invocation).
func TestAccountInProcessMock(t *testing.T) {
	t.Setenv("CLOUDINARY_ACCOUNT_URL", "")
	stdout, stderr, code := cli(t, "", "account", "sub-accounts", "ls", "--mock")
	if code != 0 || !strings.Contains(stdout, "demo") || !strings.Contains(stdout, "1 sub-account\n") || !strings.Contains(stderr, "in-process mock") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	stdout, _, code = cli(t, "", "account", "sub-accounts", "create", "Shop", "--cloud-name", "shop_1", "--mock")
	if code != 0 || !regexp.MustCompile(`created sub-account [0-9a-f]{32} \(cloud shop_1, enabled true\)\napi_key [0-9]{15} api_secret \[REDACTED\]\n`).MatchString(stdout) {
		t.Fatalf("create: exit %d\n%s", code, stdout)
	}
}

// startAccountMock runs "cldrest mock" as a child process with a canary
// provisioning secret and returns its two URL lines.
func startAccountMock(t *testing.T) (cloudinaryURL, accountURL string) {
	t.Helper()
	m := startMockProc(t, "--account-id", "acc-e2e", "--provisioning-key", "pk", "--provisioning-secret", provCanary)
	return m.url, m.accountURL
}

// TestE2EAccount runs the cldrest binary against "cldrest mock" (another
// process): the mock's second stdout line configures the account
// commands, which create and list sub-accounts, users and access keys;
// secrets stay redacted unless --show-secret.
func TestE2EAccount(t *testing.T) {
	t.Parallel()
	cloudURL, accountURL := startAccountMock(t)
	cu, err := url.Parse(cloudURL)
	if err != nil || cu.Scheme != "cloudinary" {
		t.Fatalf("first line %q is not the CLOUDINARY_URL", cloudURL)
	}
	au, err := url.Parse(accountURL)
	if pw, _ := au.User.Password(); err != nil || au.Scheme != "account" || au.Host != "acc-e2e" || au.User.Username() != "pk" || pw != provCanary ||
		au.Query().Get("upload_prefix") != cu.Query().Get("upload_prefix") {
		t.Fatalf("second line %q", accountURL)
	}
	env := append(e2eEnv(""), "CLOUDINARY_ACCOUNT_URL="+accountURL)
	step := func(wantCode int, want string, args ...string) string {
		t.Helper()
		r := runBin(t, env, "", args...)
		if r.code != wantCode || !strings.Contains(r.stdout+r.stderr, want) {
			t.Fatalf("cldrest %v: exit %d (want %d)\nstdout %s\nstderr %s\nwant %q", args, r.code, wantCode, r.stdout, r.stderr, want)
		}
		if strings.Contains(r.stdout+r.stderr, provCanary) {
			t.Fatalf("cldrest %v printed the provisioning secret", args)
		}
		return r.stdout
	}

	out := step(0, "created sub-account", "account", "sub-accounts", "create", "Shop EU", "--cloud-name", "shop_eu")
	if !strings.Contains(out, "api_secret [REDACTED]") {
		t.Fatalf("create without --show-secret:\n%s", out)
	}
	out = step(0, "2 sub-accounts", "account", "sub-accounts", "ls")
	if !strings.Contains(out, "shop_eu") || !strings.Contains(out, "Shop EU") {
		t.Fatalf("ls:\n%s", out)
	}
	var sa struct {
		ID            string `json:"id"`
		CloudName     string `json:"cloud_name"`
		APIAccessKeys []struct {
			Key    string `json:"key"`
			Secret string `json:"secret"`
		} `json:"api_access_keys"`
	}
	out = step(0, `"cloud_name":"shop_eu"`, "account", "sub-accounts", "ls", "--prefix", "shop", "--json")
	if err := json.Unmarshal([]byte(out), &sa); err != nil || sa.APIAccessKeys[0].Secret != "[REDACTED]" {
		t.Fatalf("ls --json: %v\n%s", err, out)
	}
	step(0, "0 sub-accounts", "account", "sub-accounts", "ls", "--enabled", "false")
	step(1, "Cloud name shop_eu is already taken", "account", "sub-accounts", "create", "Again", "--cloud-name", "SHOP_EU")

	out = step(0, "created access key \"ci\"", "account", "access-keys", "create", sa.ID, "--name", "ci", "--show-secret")
	m := regexp.MustCompile(`api_key ([0-9]{15}) api_secret (\S+)`).FindStringSubmatch(out)
	if m == nil || m[2] == "[REDACTED]" || len(m[2]) < 20 {
		t.Fatalf("create --show-secret:\n%s", out)
	}
	out = step(0, "2 access keys", "account", "access-keys", "ls", sa.ID)
	if !strings.Contains(out, m[1]) || strings.Contains(out, m[2]) {
		t.Fatalf("access-keys ls shows the key, never the secret:\n%s", out)
	}
	out = step(0, m[1], "account", "access-keys", "ls", sa.ID, "--json")
	if strings.Contains(out, m[2]) || strings.Count(out, "\n") != 2 {
		t.Fatalf("access-keys ls --json:\n%s", out)
	}
	out = step(0, `"api_secret":"`, "account", "access-keys", "create", sa.ID, "--name", "deploy", "--json", "--show-secret")
	if strings.Contains(out, "[REDACTED]") {
		t.Fatalf("create --json --show-secret:\n%s", out)
	}
	step(1, "Can't find sub account with id 0000", "account", "access-keys", "ls", "0000")

	step(0, "invited ann@example.com as technical_admin", "account", "users", "create", "ann@example.com", "--name", "Ann", "--role", "technical_admin", "--sub-accounts", sa.ID)
	step(0, `"role":"master_admin"`, "account", "users", "create", "bob@example.com", "--name", "Bob", "--role", "master_admin", "--json")
	out = step(0, "2 users", "account", "users", "ls")
	if !strings.Contains(out, "ann@example.com") || !strings.Contains(out, "pending") {
		t.Fatalf("users ls:\n%s", out)
	}
	step(0, "1 user\n", "account", "users", "ls", "--prefix", "bo")
	step(1, "already exists", "account", "users", "create", "ANN@example.com", "--name", "A", "--role", "admin")

	// Wrong provisioning secret: a configuration error (exit 2) that names
	// CLOUDINARY_ACCOUNT_URL, not CLOUDINARY_URL.
	bad := strings.Replace(accountURL, provCanary, "wrong", 1)
	r := runBin(t, append(e2eEnv(""), "CLOUDINARY_ACCOUNT_URL="+bad), "", "account", "users", "ls")
	if r.code != exitUsage || !strings.Contains(r.stderr, "api_secret mismatch") || !strings.Contains(r.stderr, "CLOUDINARY_ACCOUNT_URL") || strings.Contains(r.stderr, "CLOUDINARY_URL ") {
		t.Fatalf("wrong secret: exit %d\n%s", r.code, r.stderr)
	}
}
