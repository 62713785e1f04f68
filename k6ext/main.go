// The stream-capable k6 that `npm run setup:k6` builds into .tools/bin/k6: stock k6 (go.k6.io/k6, pinned in
// go.mod) plus loadctl's own extensions, the JS module k6/x/loadctl-sse and the output `--out loadctl=…`. This
// is what xk6 would generate; xk6 itself is not reachable through the module proxy this project builds with,
// and a one-line main needs no generator.
package main

import (
	"go.k6.io/k6/cmd"

	// Registers the output `--out loadctl=<path>|http://<host>:<port>[/<path>]` (docs/stream.md).
	_ "loadctl.local/k6ext/output"
	// Registers k6/x/loadctl-sse.
	_ "loadctl.local/k6ext/sse"
)

func main() {
	cmd.Execute()
}
