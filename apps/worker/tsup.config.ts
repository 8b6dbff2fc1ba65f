import { defineConfig } from "tsup"

// The worker ships as one bundled ESM file (workspace packages and effect
// inside, from their sources); only the native SQLite addon stays external.
export default defineConfig({
  entry: { main: "src/main.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  dts: false,
  sourcemap: true,
  clean: true,
  splitting: false,
  noExternal: [/^(?!better-sqlite3$|@duckdb\/)/],
  external: ["better-sqlite3", /^@duckdb\//],
  esbuildOptions(options) {
    options.conditions = ["@miyabi/source", ...(options.conditions ?? [])]
  },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __miyabiCreateRequire } from \"node:module\";\nconst require = __miyabiCreateRequire(import.meta.url);"
  }
})
