package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func init() { register(newVersionCmd) }

// buildVersion describes the binary: the module version (set by
// "go install module@version"; "(devel)" for a build from a checkout) and the
// VCS commit, its time and whether the tree had local changes (recorded by a
// "go build" in a git checkout unless -buildvcs=false).
type buildVersion struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Time     string `json:"commit_time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
}

// readBuildVersion reads the version from the build info; bi may be nil
// (a binary built without module support).
func readBuildVersion(bi *debug.BuildInfo) buildVersion {
	v := buildVersion{Module: "github.com/cldrest/cldrest", Version: "(devel)", Go: runtime.Version()}
	if bi == nil {
		return v
	}
	if bi.Main.Path != "" {
		v.Module = bi.Main.Path
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	if bi.GoVersion != "" {
		v.Go = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// String is the one line "cldrest version" and "cldrest --version" print.
func (v buildVersion) String() string {
	s := "cldrest " + v.Version
	switch {
	case v.Commit != "":
		c := v.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += " (commit " + c
		if v.Modified {
			s += ", modified"
		}
		if v.Time != "" {
			s += ", " + v.Time
		}
		s += ")"
	default:
		s += " (commit unknown: built without VCS information)"
	}
	return s + " " + v.Go
}

// currentVersion is the running binary's version.
func currentVersion() buildVersion {
	bi, _ := debug.ReadBuildInfo()
	return readBuildVersion(bi)
}

func newVersionCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version and commit of this binary",
		Long: `Print the module version (set by "go install ...@VERSION"; "(devel)" for a build
from a checkout), the VCS commit it was built from, and the Go version, all read
from the binary's build information. "cldrest --version" prints the same line.`,
		Example: `  cldrest version
  cldrest --version
  cldrest version --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := currentVersion()
			if asJSON {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(v)
			}
			_, err := fmt.Fprintln(cmd.OutOrStdout(), v)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `one JSON object: module, version, commit, commit_time, modified, go`)
	return cmd
}
