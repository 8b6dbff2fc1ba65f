/**
 * The task table, single-table design as the AWS queue adapter writes it:
 * PK/SK strings (TASK#<id> with METADATA | EXECUTION#<phase> | LOG#<ms>#<n>,
 * IDEMPOTENCY#<key>), the `ByStatus` index (StatusKey, StatusSort) for list
 * and stats, on-demand capacity, point-in-time recovery, and TTL on the
 * attribute the queue writes (`expiresAt`, epoch seconds) so log items and
 * webhook delivery ids (DELIVERY#<id>) age out.
 *
 * And the agent cycles' table as @miyabi/aws-agent's DynamoCycleStore writes
 * it: PK `CYCLE#<id>`, SK `INPUT | PHASE#NN | CHUNK#...`, the `History` index
 * (HistoryKey, HistorySort) that only head items carry, no TTL (cycles are
 * audit records), point-in-time recovery. The deployment records that
 * DynamoDeploymentStore keeps in the same table (PK `DEPLOYMENT#<id>`) put
 * their heads in the same index under HistoryKey `DEPLOYMENTS` (cycles use
 * `CYCLES`), so listing deployments is a Query too: the worker has no Scan.
 */
import { RemovalPolicy } from "aws-cdk-lib/core"
import * as dynamodb from "aws-cdk-lib/aws-dynamodb"
import { DynamoCycleStore } from "@miyabi/aws-agent"
import { AwsQueueResources } from "@miyabi/queue"
import { Construct } from "constructs"

export const STATUS_INDEX = "ByStatus"
/** The cycle store's own index name: one constant, so the two cannot drift. */
export const CYCLE_HISTORY_INDEX = DynamoCycleStore.HISTORY_INDEX
const CYCLE_HISTORY_ATTRIBUTES = ["cycleId", "startedAt", "phaseIndex", "phase", "completedAt"]
/** The name the queue's adapter writes on LOG# and DELIVERY# items: one constant, so the two cannot drift. */
export const TTL_ATTRIBUTE = AwsQueueResources.TTL_ATTRIBUTE

export interface TablesProps {
  readonly tableName: string
  readonly cycleTableName: string
  readonly removalPolicy: RemovalPolicy
}

/** What differs between the two tables: name, TTL, and the one index. */
interface TableSpec {
  readonly tableName: string
  readonly timeToLiveAttribute?: string
  readonly index: { readonly name: string; readonly partitionKey: string; readonly sortKey: string; readonly nonKeyAttributes?: Array<string> }
}

/**
 * A single-table-design table (string PK and SK, on-demand, point-in-time
 * recovery, AWS-managed encryption, protected from deletion where it is
 * retained) with one global secondary index: all attributes projected
 * unless `nonKeyAttributes` narrows it.
 */
const singleTable = (scope: Construct, id: string, removalPolicy: RemovalPolicy, spec: TableSpec): dynamodb.Table => {
  const table = new dynamodb.Table(scope, id, {
    tableName: spec.tableName,
    partitionKey: { name: "PK", type: dynamodb.AttributeType.STRING },
    sortKey: { name: "SK", type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...(spec.timeToLiveAttribute === undefined ? {} : { timeToLiveAttribute: spec.timeToLiveAttribute }),
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
    removalPolicy
  })
  const { name, partitionKey, sortKey, nonKeyAttributes } = spec.index
  table.addGlobalSecondaryIndex({
    indexName: name,
    partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: sortKey, type: dynamodb.AttributeType.STRING },
    ...(nonKeyAttributes === undefined ? { projectionType: dynamodb.ProjectionType.ALL } : { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes })
  })
  return table
}

export class Tables extends Construct {
  readonly tasks: dynamodb.Table
  readonly cycles: dynamodb.Table

  constructor(scope: Construct, id: string, props: TablesProps) {
    super(scope, id)
    this.tasks = singleTable(this, "Tasks", props.removalPolicy, {
      tableName: props.tableName,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      index: { name: STATUS_INDEX, partitionKey: "StatusKey", sortKey: "StatusSort" }
    })
    this.cycles = singleTable(this, "Cycles", props.removalPolicy, {
      tableName: props.cycleTableName,
      index: { name: CYCLE_HISTORY_INDEX, partitionKey: "HistoryKey", sortKey: "HistorySort", nonKeyAttributes: CYCLE_HISTORY_ATTRIBUTES }
    })
  }
}
