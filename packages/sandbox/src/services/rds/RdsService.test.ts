import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, InvalidDBInstanceStateFault, ModifyDBInstanceCommand, paginateDescribeDBInstances, RDSClient, RDSServiceException } from "@aws-sdk/client-rds"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { sandboxEstate, type SandboxEstate } from "../../estate/SandboxEstate.js"
import { start, type SandboxHandle } from "../../Sandbox.js"
import { makeRdsService } from "./RdsService.js"
import { call, callError, collect } from "../../testing/SdkCalls.js"

const setup = Effect.gen(function* () {
  // Enough databases in one account and region to need more than one page of 20.
  const estate = sandboxEstate({ seed: 5, size: "small", resources: 6_000, accounts: 4 })
  const counts = new Map<string, number>()
  for (const db of estate.data.dbInstances) counts.set(`${db.accountId}/${db.region}`, (counts.get(`${db.accountId}/${db.region}`) ?? 0) + 1)
  const [key = ""] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? []
  const [accountId = "", region = ""] = key.split("/")
  const sandbox: SandboxHandle<SandboxEstate> = yield* start({ estate, services: [makeRdsService], dynamodb: false })
  const client = new RDSClient({ endpoint: sandbox.endpoint, region, credentials: sandbox.credentialsFor(accountId) })
  const mine = estate.data.dbInstances.filter((db) => db.accountId === accountId && db.region === region)
  return { sandbox, client, mine }
})

describe("RDS", () => {
  it.scoped("DescribeDBInstances pages with Marker to the end and shapes instances as AWS does", () =>
    Effect.gen(function* () {
      const { client, mine } = yield* setup
      expect(mine.length).toBeGreaterThan(20)
      const pages = yield* collect(paginateDescribeDBInstances({ client, pageSize: 20 }, {}))
      expect(pages.length).toBe(Math.ceil(mine.length / 20))
      const all = pages.flatMap((p) => p.DBInstances ?? [])
      expect(all.map((d) => d.DBInstanceIdentifier)).toEqual(mine.map((d) => d.identifier))
      const publicDb = mine.find((d) => d.publiclyAccessible) ?? mine[0]
      const shown = all.find((d) => d.DBInstanceIdentifier === publicDb?.identifier)
      expect(shown).toMatchObject({
        DBInstanceClass: publicDb?.instanceClass,
        Engine: publicDb?.engine,
        DBInstanceStatus: "available",
        PubliclyAccessible: publicDb?.publiclyAccessible,
        StorageEncrypted: publicDb?.storageEncrypted,
        DbiResourceId: publicDb?.resourceId,
        PendingModifiedValues: {},
        InstanceCreateTime: new Date(publicDb?.createTime ?? 0)
      })
      expect(shown?.Endpoint?.Port).toBe(publicDb?.engine === "postgres" ? 5432 : 3306)
      expect(shown?.VpcSecurityGroups?.[0]?.Status).toBe("active")
      const untagged = mine.find((d) => Object.keys(d.tags).length === 0)
      if (untagged === undefined) throw new Error("the seed gives no untagged database")
      expect(Object.keys(all.find((d) => d.DBInstanceIdentifier === untagged.identifier) ?? { TagList: "not served" })).not.toContain("TagList")
      const tagged = mine.find((d) => Object.keys(d.tags).length > 0)
      expect(all.find((d) => d.DBInstanceIdentifier === tagged?.identifier)?.TagList).toEqual(Object.entries(tagged?.tags ?? {}).map(([Key, Value]) => ({ Key, Value })))
      const unencrypted = mine.find((d) => !d.storageEncrypted)
      if (unencrypted === undefined) throw new Error("the seed gives no unencrypted database")
      expect(Object.keys(all.find((d) => d.DBInstanceIdentifier === unencrypted.identifier) ?? { KmsKeyId: "not served" })).not.toContain("KmsKeyId")
    }))

  it.scoped("maps unknown instances and bad arguments to the SDK's exceptions", () =>
    Effect.gen(function* () {
      const { client } = yield* setup
      const missing = yield* callError(() => client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "nope" })))
      expect(missing).toBeInstanceOf(DBInstanceNotFoundFault)
      expect((missing as RDSServiceException).$metadata.httpStatusCode).toBe(404)
      const badMax = yield* callError(() => client.send(new DescribeDBInstancesCommand({ MaxRecords: 5 })))
      expect((badMax as RDSServiceException).name).toBe("InvalidParameterValue")
    }))

  it.scoped("ModifyDBInstance applies a class change immediately or at the maintenance window", () =>
    Effect.gen(function* () {
      const { client, mine, sandbox } = yield* setup
      const [now, later] = mine
      if (now === undefined || later === undefined) throw new Error("need two databases")
      const target = now.instanceClass === "db.t3.small" ? "db.t3.micro" : "db.t3.small"
      const modified = yield* call(() => client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: now.identifier, DBInstanceClass: target, ApplyImmediately: true })))
      expect(modified.DBInstance?.DBInstanceStatus).toBe("modifying")
      expect(modified.DBInstance?.PendingModifiedValues).toEqual({ DBInstanceClass: target })
      const busy = yield* callError(() => client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: now.identifier, DBInstanceClass: target, ApplyImmediately: true })))
      expect(busy).toBeInstanceOf(InvalidDBInstanceStateFault)
      sandbox.clock.advance(10_000)
      const after = yield* call(() => client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: now.identifier })))
      expect(after.DBInstances?.[0]).toMatchObject({ DBInstanceClass: target, DBInstanceStatus: "available", PendingModifiedValues: {} })
      expect(now.history.at(-1)?.instanceClass).toBe(target)

      yield* call(() => client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: later.identifier, DBInstanceClass: target })))
      const pending = yield* call(() => client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: later.identifier })))
      expect(pending.DBInstances?.[0]).toMatchObject({ DBInstanceStatus: "available", PendingModifiedValues: { DBInstanceClass: target } })
      sandbox.clock.advance(8 * 86_400_000)
      const applied = yield* call(() => client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: later.identifier })))
      expect(applied.DBInstances?.[0]?.DBInstanceClass).toBe(target)

      const bad = yield* callError(() => client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: later.identifier, DBInstanceClass: "db.z9.huge", ApplyImmediately: true })))
      expect((bad as RDSServiceException).name).toBe("InvalidParameterCombination")
      expect(sandbox.log.changes().map((c) => c.operation)).toEqual(["ModifyDBInstance", "ModifyDBInstance"])
    }))

  it.scoped("ModifyDBInstance of PubliclyAccessible applies at once, without ApplyImmediately, and is what DescribeDBInstances shows", () =>
    Effect.gen(function* () {
      const { client, mine, sandbox } = yield* setup
      const db = mine.find((d) => d.status === "available")
      if (db === undefined) throw new Error("need an available database")
      const was = db.publiclyAccessible
      const modified = yield* call(() => client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: db.identifier, PubliclyAccessible: !was })))
      expect(modified.DBInstance?.PubliclyAccessible).toBe(!was)
      const shown = yield* call(() => client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: db.identifier })))
      expect(shown.DBInstances?.[0]).toMatchObject({ PubliclyAccessible: !was, DBInstanceStatus: "available", DBInstanceClass: db.instanceClass })
      expect(db.publiclyAccessible).toBe(!was)
      const nothing = yield* callError(() => client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: db.identifier })))
      expect((nothing as RDSServiceException).name).toBe("InvalidParameterCombination")
      const ghost = yield* callError(() => client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: "no-such-db", PubliclyAccessible: false })))
      expect(ghost).toBeInstanceOf(DBInstanceNotFoundFault)
      expect(sandbox.log.changes().map((c) => c.operation)).toEqual(["ModifyDBInstance"])
    }))
})
