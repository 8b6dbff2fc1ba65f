/**
 * What the worker image's build context leaves out: the same patterns as
 * apps/worker/Dockerfile.dockerignore (Docker's per-Dockerfile ignore file,
 * used because the context is the repository root), checked equal by a test.
 * Docker patterns are anchored at the context root, hence the `**` prefixes.
 * At synth CDK copies the context into cdk.out, so files that other tools
 * create and delete while it copies (test databases, vite's config bundles)
 * are left out too.
 */
export const workerImageExcludes: ReadonlyArray<string> = [
  ".git",
  ".nx",
  "**/node_modules",
  "**/dist",
  "**/cdk.out",
  "**/coverage",
  "**/*.db",
  "**/*.db-wal",
  "**/*.db-shm",
  "**/*.db-journal",
  "**/*.tsbuildinfo",
  "**/tmp",
  // vite's short-lived config bundles: a file that vanishes mid-copy would fail staging.
  "**/*.timestamp-*.mjs"
]
