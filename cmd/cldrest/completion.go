package main

import (
	"io"

	"github.com/spf13/cobra"
)

func init() { register(newCompletionCmd) }

// completionExamples are the examples of "completion" and its subcommands.
var completionExamples = map[string]string{
	"completion": `  cldrest completion bash > /etc/bash_completion.d/cldrest
  source <(cldrest completion zsh)
  cldrest completion fish > ~/.config/fish/completions/cldrest.fish`,
	"bash": `  source <(cldrest completion bash)
  cldrest completion bash > /etc/bash_completion.d/cldrest`,
	"zsh": `  source <(cldrest completion zsh)
  cldrest completion zsh > "${fpath[1]}/_cldrest"`,
	"fish": `  cldrest completion fish | source
  cldrest completion fish > ~/.config/fish/completions/cldrest.fish`,
	"powershell": `  cldrest completion powershell | Out-String | Invoke-Expression`,
}

// newCompletionCmd returns cobra's default completion command (bash, zsh,
// fish and powershell, each with --no-descriptions) with examples added.
// Cobra adds it to a root only while executing, too late to customise it,
// and does not add its own when the root already has one. So it is built
// here on a stand-in root named like ours and moved over.
func newCompletionCmd() *cobra.Command {
	stand := &cobra.Command{Use: "cldrest"}
	stand.AddCommand(&cobra.Command{Use: "stand-in", Run: func(*cobra.Command, []string) {}})
	// Cobra's subcommands write to the output their root had when they
	// were built; send it to the output of the running command instead.
	out := &outTo{}
	stand.SetOut(out)
	stand.InitDefaultCompletionCmd()
	var comp *cobra.Command
	for _, c := range stand.Commands() {
		if c.Name() == "completion" {
			comp = c
		}
	}
	if comp == nil {
		panic("cobra did not build its completion command")
	}
	stand.RemoveCommand(comp)
	comp.Example = completionExamples["completion"]
	for _, sub := range comp.Commands() {
		sub.Example = completionExamples[sub.Name()]
		runE := sub.RunE
		sub.RunE = func(cmd *cobra.Command, args []string) error {
			out.w = cmd.OutOrStdout()
			return runE(cmd, args)
		}
	}
	return comp
}

// outTo writes to w.
type outTo struct{ w io.Writer }

func (o *outTo) Write(p []byte) (int, error) { return o.w.Write(p) }
