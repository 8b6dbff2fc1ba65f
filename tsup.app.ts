/**
 * The build both apps share (apps/cli, apps/worker): one bundled ESM program
 * with a shebang, workspace packages and effect bundled from their sources
 * (the "@miyabi/source" condition), native addons left external. Each app's
 * tsup.config.ts adds what is its own (splitting, minifying, build hooks).
 */
import type { Options } from "tsup"

export const appBuild = (own: Options): Options => ({
  entry: { main: "src/main.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  dts: false,
  sourcemap: true,
  clean: true,
  noExternal: [/^(?!better-sqlite3$|@duckdb\/)/],
  external: ["better-sqlite3", /^@duckdb\//],
  esbuildOptions(options) {
    options.conditions = ["@miyabi/source", ...(options.conditions ?? [])]
  },
  banner: {
    // Bundled CommonJS dependencies call require(); ESM has none.
    js: "#!/usr/bin/env node\nimport { createRequire as __miyabiCreateRequire } from \"node:module\";\nconst require = __miyabiCreateRequire(import.meta.url);"
  },
  ...own
})
