import * as path from "node:path"
import { defineConfig } from "tsup"
import { appBuild } from "../../tsup.app.js"
import { writeStartupSnapshot, type OutputGraph } from "./src/startup/WriteSnapshot.js"

const outDir = path.resolve("dist")
// esbuild's metafile of the last build, read by the startup snapshot step.
let graph: OutputGraph | undefined

// One bundled ESM file (the shared app build, ../../tsup.app.ts), so
// `node dist/main.js --help` loads a single module instead of hundreds.
// main.js itself holds only the startup snapshot check; the command tree is
// a chunk it imports when the snapshot does not answer.
export default defineConfig(
  appBuild({
    outDir,
    splitting: true,
    treeshake: true,
    minify: true,
    // Error messages name AWS operations by their command class: keep class names.
    keepNames: true,
    esbuildPlugins: [
      {
        name: "miyabi-output-graph",
        setup(build) {
          build.onEnd((result) => {
            graph = result.metafile
          })
        }
      }
    ],
    // The root help and version, recorded from the built command tree (src/startup/StartupSnapshot.ts).
    onSuccess: async () => {
      if (graph === undefined) throw new Error("startup snapshot: esbuild produced no metafile")
      const snapshot = await writeStartupSnapshot({ outDir, cwd: process.cwd(), graph, entry: "main.js" })
      process.stdout.write(`startup snapshot: ${snapshot.files.length} files keyed, ${Object.keys(snapshot.outputs).join(" ")} recorded\n`)
    }
  })
)
