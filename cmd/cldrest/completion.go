package main

import "github.com/spf13/cobra"

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

// addCompletionCmd adds cobra's default completion command (bash, zsh,
// fish and powershell, each with --no-descriptions) to root now, instead of
// when it executes, so that it and its subcommands can carry examples. Call
// it after root's output is set: the scripts are written there.
func addCompletionCmd(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Example = completionExamples["completion"]
		for _, sub := range c.Commands() {
			sub.Example = completionExamples[sub.Name()]
		}
	}
}
