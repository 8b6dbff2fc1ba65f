import { defineConfig } from "tsup"

// Two outputs: the CDK app (dist/main.js, dependencies external) and the
// webhook Lambda (dist/webhook/index.mjs, everything bundled with workspace
// packages from their sources: the asset the stack deploys).
const source = { conditions: ["@miyabi/source"] }

export default defineConfig([
  {
    entry: { main: "src/main.ts" },
    format: ["esm"],
    platform: "node",
    target: "node20",
    outDir: "dist",
    clean: false,
    sourcemap: true,
    splitting: false,
    // Every dependency stays external, @miyabi/queue included (its built dist): the
    // app runs under node from this package, where they all resolve.
    external: ["aws-cdk-lib", /^aws-cdk-lib\//, "constructs", "@miyabi/queue"]
  },
  {
    entry: { index: "src/webhook/handler.ts" },
    format: ["esm"],
    platform: "node",
    target: "node20",
    outDir: "dist/webhook",
    outExtension: () => ({ js: ".mjs" }),
    clean: true,
    sourcemap: false,
    minify: true,
    splitting: false,
    // The AWS queue never loads SQLite; its lazy import is left unresolved in the bundle.
    noExternal: [/^(?!better-sqlite3$)/],
    external: ["better-sqlite3"],
    esbuildOptions(options) {
      options.conditions = [...source.conditions, ...(options.conditions ?? [])]
    },
    banner: {
      js: 'import { createRequire as __miyabiCreateRequire } from "node:module";const require = __miyabiCreateRequire(import.meta.url);'
    }
  }
])
