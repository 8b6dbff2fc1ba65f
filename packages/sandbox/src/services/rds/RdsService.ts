/**
 * RDS over the awsQuery protocol: DescribeDBInstances (Marker / MaxRecords,
 * `db-instance-id` and `engine` filters) and ModifyDBInstance of the
 * instance class, applied at once (`ApplyImmediately`) after a short
 * `modifying` state, or at the next maintenance window, and of
 * PubliclyAccessible, which RDS always applies at once.
 */
import { Effect } from "effect"
import type { DbInstance } from "../../estate/DbInstance.js"
import type { EstateData } from "../../estate/EstateData.js"
import type { Estate } from "../../EstateContract.js"
import { requestDbInstanceClass, setDbPubliclyAccessible, settleDbInstance } from "../../estate/EstateChanges.js"
import { rdsClasses } from "../../estate/PriceTable.js"
import { estateDataOf } from "../../estate/SandboxEstate.js"
import { XmlList } from "../../protocol/Xml.js"
import { type AwsError, awsError, type Operation, type RequestContext, type ServiceFactory } from "../../ServiceHandler.js"

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

/** Lists arrive as `Filters.Filter.1.Values.Value.1`, i.e. `{ Filter: [...] }` and `{ Value: [...] }` once un-flattened. */
const listOf = (value: unknown, member: string): Array<unknown> => {
  if (Array.isArray(value)) return value
  if (typeof value === "object" && value !== null) {
    const inner = (value as Record<string, unknown>)[member]
    return Array.isArray(inner) ? inner : inner === undefined ? [] : [inner]
  }
  return []
}

const HOSTED_ZONE = "Z2R2ITUGPM61AM"

const dbXml = (db: DbInstance) => ({
  DBInstanceIdentifier: db.identifier,
  DBInstanceClass: db.instanceClass,
  Engine: db.engine,
  DBInstanceStatus: db.status,
  MasterUsername: db.masterUsername,
  Endpoint: { Address: `${db.identifier}.c${db.resourceId.slice(3, 13).toLowerCase()}.${db.region}.rds.amazonaws.com`, Port: db.engine === "postgres" ? 5432 : 3306, HostedZoneId: HOSTED_ZONE },
  AllocatedStorage: db.allocatedStorage,
  InstanceCreateTime: new Date(db.createTime),
  PreferredBackupWindow: "03:50-04:20",
  BackupRetentionPeriod: 7,
  DBSecurityGroups: new XmlList("DBSecurityGroup", []),
  VpcSecurityGroups: new XmlList("VpcSecurityGroupMembership", [{ VpcSecurityGroupId: `sg-${db.resourceId.slice(3, 20).toLowerCase()}`, Status: "active" }]),
  DBParameterGroups: new XmlList("DBParameterGroup", [{ DBParameterGroupName: `default.${db.engine}${db.engineVersion.split(".")[0]}`, ParameterApplyStatus: "in-sync" }]),
  AvailabilityZone: db.availabilityZone,
  PreferredMaintenanceWindow: "sun:05:00-sun:05:30",
  PendingModifiedValues: db.pendingInstanceClass === undefined ? {} : { DBInstanceClass: db.pendingInstanceClass },
  MultiAZ: db.multiAz,
  EngineVersion: db.engineVersion,
  AutoMinorVersionUpgrade: true,
  ReadReplicaDBInstanceIdentifiers: new XmlList("ReadReplicaDBInstanceIdentifier", []),
  LicenseModel: db.engine === "postgres" ? "postgresql-license" : "general-public-license",
  PubliclyAccessible: db.publiclyAccessible,
  StorageType: db.storageType,
  DbInstancePort: 0,
  StorageEncrypted: db.storageEncrypted,
  KmsKeyId: db.storageEncrypted ? `arn:aws:kms:${db.region}:${db.accountId}:key/${db.resourceId.slice(3, 11).toLowerCase()}-feb7-4318-92d5-0640a75b7688` : undefined,
  DbiResourceId: db.resourceId,
  CACertificateIdentifier: "rds-ca-rsa2048-g1",
  CopyTagsToSnapshot: true,
  MonitoringInterval: 0,
  DBInstanceArn: `arn:aws:rds:${db.region}:${db.accountId}:db:${db.identifier}`,
  IAMDatabaseAuthenticationEnabled: false,
  PerformanceInsightsEnabled: false,
  DeletionProtection: db.tags["Environment"] === "prod",
  // RDS leaves TagList out for an untagged instance.
  TagList: Object.keys(db.tags).length === 0 ? undefined : new XmlList("Tag", Object.entries(db.tags).map(([Key, Value]) => ({ Key, Value }))),
  NetworkType: "IPV4"
})

const TOKEN_PREFIX = "sbx1:"

const notFound = (id: string): AwsError => awsError("DBInstanceNotFound", `DBInstance ${id} not found.`, { status: 404 })

export const makeRdsService: ServiceFactory<Estate> = (env) => {
  const data: EstateData = estateDataOf(env.estate)
  const scoped = (ctx: RequestContext): Array<DbInstance> =>
    data.dbInstances.filter((db) => {
      if (db.accountId !== ctx.accountId || db.region !== ctx.region) return false
      settleDbInstance(db, ctx.now.getTime())
      return true
    })
  const identifierOf = (value: string): string => (value.startsWith("arn:") ? (value.split(":db:")[1] ?? value) : value)

  const describeDBInstances: Operation = (input, ctx) =>
    Effect.gen(function* () {
      const id = str(input["DBInstanceIdentifier"])
      const rawMax = str(input["MaxRecords"])
      const max = rawMax === undefined ? 100 : Number(rawMax)
      if (!Number.isInteger(max) || max < 20 || max > 100) {
        return yield* Effect.fail(awsError("InvalidParameterValue", `Invalid value ${rawMax} for MaxRecords. Must be between 20 and 100`))
      }
      const filters = listOf(input["Filters"], "Filter").map((f) => {
        const record = (typeof f === "object" && f !== null ? f : {}) as Record<string, unknown>
        return { name: str(record["Name"]) ?? "", values: listOf(record["Values"], "Value").filter((v): v is string => typeof v === "string") }
      })
      const unknown = filters.find((f) => !["db-instance-id", "engine", "dbi-resource-id"].includes(f.name))
      if (unknown !== undefined) return yield* Effect.fail(awsError("InvalidParameterValue", `Unrecognized filter name: ${unknown.name}`))
      let selected = scoped(ctx)
      if (id !== undefined) {
        selected = selected.filter((db) => db.identifier === identifierOf(id))
        if (selected.length === 0) return yield* Effect.fail(notFound(identifierOf(id)))
      }
      selected = selected.filter((db) =>
        filters.every((f) =>
          f.name === "engine"
            ? f.values.includes(db.engine)
            : f.name === "dbi-resource-id"
              ? f.values.includes(db.resourceId)
              : f.values.some((v) => identifierOf(v) === db.identifier)
        )
      )
      const marker = str(input["Marker"])
      const offset = marker === undefined ? 0 : Number(Buffer.from(marker, "base64url").toString("utf8").slice(TOKEN_PREFIX.length))
      if (!Number.isInteger(offset) || offset < 0) return yield* Effect.fail(awsError("InvalidParameterValue", `Invalid marker: ${marker}`))
      const items = selected.slice(offset, offset + max)
      return {
        DBInstances: new XmlList("DBInstance", items.map(dbXml)),
        Marker: offset + max < selected.length ? Buffer.from(`${TOKEN_PREFIX}${offset + max}`).toString("base64url") : undefined
      }
    })

  const modifyDBInstance: Operation = (input, ctx) =>
    Effect.gen(function* () {
      const id = identifierOf(str(input["DBInstanceIdentifier"]) ?? "")
      const db = scoped(ctx).find((d) => d.identifier === id)
      if (db === undefined) return yield* Effect.fail(notFound(id))
      const instanceClass = str(input["DBInstanceClass"])
      const publicly = str(input["PubliclyAccessible"])
      if (instanceClass === undefined && publicly === undefined) {
        return yield* Effect.fail(awsError("InvalidParameterCombination", "The sandbox modifies only DBInstanceClass and PubliclyAccessible"))
      }
      if (publicly !== undefined && publicly !== "true" && publicly !== "false") {
        return yield* Effect.fail(awsError("InvalidParameterValue", `Invalid value ${publicly} for PubliclyAccessible`))
      }
      if (instanceClass !== undefined && !rdsClasses.includes(instanceClass)) {
        return yield* Effect.fail(
          awsError("InvalidParameterCombination", `RDS does not support creating a DB instance with the following combination: DBInstanceClass=${instanceClass}, Engine=${db.engine}, EngineVersion=${db.engineVersion}, LicenseModel=${db.engine === "postgres" ? "postgresql-license" : "general-public-license"}.`)
        )
      }
      if (db.status !== "available") {
        return yield* Effect.fail(awsError("InvalidDBInstanceState", `Database instance is not in available state.`))
      }
      // RDS applies PubliclyAccessible at once whatever ApplyImmediately says (the DNS answer changes).
      if (publicly !== undefined) setDbPubliclyAccessible(db, publicly === "true")
      if (instanceClass !== undefined) requestDbInstanceClass(db, instanceClass, str(input["ApplyImmediately"]) === "true", ctx.now.getTime())
      return { DBInstance: dbXml(db) }
    })

  return {
    signingName: "rds",
    protocol: "query",
    xmlNamespace: "http://rds.amazonaws.com/doc/2014-10-31/",
    operations: { DescribeDBInstances: describeDBInstances, ModifyDBInstance: modifyDBInstance },
    errors: {
      throttling: { code: "Throttling", status: 400, message: "Rate exceeded" },
      internal: { code: "InternalFailure", status: 500, message: "An internal error has occurred. Please try your query again at a later time." }
    }
  }
}
