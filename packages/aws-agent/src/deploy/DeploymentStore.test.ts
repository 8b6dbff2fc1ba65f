import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import * as DeploymentStore from "./DeploymentStore.js"
import { deploymentStoreConformance } from "./DeploymentStore.testkit.js"

const tempDir = Effect.acquireRelease(
  Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "miyabi-deploy-"))),
  (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
)

deploymentStoreConformance({
  name: "memory",
  versioned: false,
  open: Effect.map(DeploymentStore.makeMemory, (store) => ({ store, reopen: Effect.succeed(store) }))
})

deploymentStoreConformance({
  name: "file",
  versioned: true,
  open: Effect.gen(function* () {
    const dir = yield* tempDir
    return {
      store: yield* DeploymentStore.makeFile(dir),
      reopen: DeploymentStore.makeFile(dir),
      corrupt: (id: string) => Effect.promise(() => fs.writeFile(path.join(dir, `${id}.json`), "{ not json"))
    }
  })
})

deploymentStoreConformance({
  name: "sqlite",
  versioned: true,
  open: Effect.gen(function* () {
    const file = path.join(yield* tempDir, "state.db")
    return {
      store: yield* DeploymentStore.makeSqlite(file),
      reopen: DeploymentStore.makeSqlite(file),
      corrupt: (id: string) =>
        Effect.acquireUseRelease(
          Effect.promise(async () => new (await import("better-sqlite3")).default(file)),
          (db) => Effect.sync(() => db.prepare("UPDATE deployment_records SET body = '{ not json' WHERE deployment_id = ?").run(id)),
          (db) => Effect.sync(() => db.close())
        )
    }
  })
})
