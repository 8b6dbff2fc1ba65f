/**
 * The `miyabi` executable. The root `--help`, `-h` and `--version` are
 * answered from the startup snapshot the build recorded from the real command
 * tree (startup/StartupSnapshot.ts), when it still matches the built files;
 * everything else loads and runs the real CLI. Keep this module's static
 * imports to Node built-ins: anything else would load before the snapshot
 * can answer.
 */
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { snapshotAnswer } from "./startup/StartupSnapshot.js"

// Node 20 is supported here; the AWS SDK's notice about it would otherwise
// precede every AWS command's output. Set the variable to "false" to see it.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true"

const answer = snapshotAnswer(path.dirname(fileURLToPath(import.meta.url)), process.argv.slice(2), process.env)
if (answer !== undefined) {
  // Through console.log, as @effect/cli printed it (one call, which added the
  // final newline): the same bytes, and the same Node behaviour around them
  // (a closed pipe is no error; NO_COLOR with FORCE_COLOR warns on stderr).
  if (answer.endsWith("\n")) console.log(answer.slice(0, -1))
  else process.stdout.write(answer)
} else {
  const { runLiveCli } = await import("./startup/LiveCli.js")
  runLiveCli(process.argv)
}
