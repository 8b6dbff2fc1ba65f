import { defineConfig } from "tsup"

// One bundled ESM file with a shebang, so `node dist/main.js --help` loads a
// single module instead of hundreds. Workspace packages are bundled from
// their sources (the "@miyabi/source" condition); native addons stay external.
export default defineConfig({
  entry: { main: "src/main.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  dts: false,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  minify: true,
  // Error messages name AWS operations by their command class: keep class names.
  keepNames: true,
  noExternal: [/^(?!better-sqlite3$|@duckdb\/)/],
  external: ["better-sqlite3", /^@duckdb\//],
  esbuildOptions(options) {
    options.conditions = ["@miyabi/source", ...(options.conditions ?? [])]
  },
  banner: {
    // Bundled CommonJS dependencies call require(); ESM has none.
    js: "#!/usr/bin/env node\nimport { createRequire as __miyabiCreateRequire } from \"node:module\";\nconst require = __miyabiCreateRequire(import.meta.url);"
  }
})
