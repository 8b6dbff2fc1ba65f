/**
 * What the worker image's build context leaves out: the same patterns as
 * apps/worker/Dockerfile.dockerignore (Docker's per-Dockerfile ignore file,
 * used because the context is the repository root), checked equal by a test.
 * Docker patterns are anchored at the context root, hence the `**` prefixes.
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
  "**/*.tsbuildinfo",
  "**/tmp"
]
