/**
 * A walk over every IAM policy document of the synthesized stack: no Allow
 * of `*` actions, no service-wide wildcards, and `*` resources only for the
 * actions AWS gives no resource-level permissions for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { environments } from "./config/Environments.js"
import { type Synthesized, synthesize } from "./testing/Synth.js"

/** Actions that take only `*` as a resource (AWS service authorization reference). */
const STAR_RESOURCE_ALLOWED = new Set(["ecr:GetAuthorizationToken", "cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords"])

interface Statement {
  readonly Sid?: string
  readonly Effect: "Allow" | "Deny"
  readonly Action?: string | ReadonlyArray<string>
  readonly NotAction?: unknown
  readonly Resource?: unknown
  readonly NotResource?: unknown
  readonly Condition?: Record<string, Record<string, unknown>>
  readonly Principal?: unknown
}

interface FoundDocument {
  readonly where: string
  readonly statements: ReadonlyArray<Statement>
}

const asList = <A>(value: A | ReadonlyArray<A> | undefined): ReadonlyArray<A> => (value === undefined ? [] : Array.isArray(value) ? value : [value as A])

/** Every policy document in the template: identity policies, inline role policies and resource policies. */
const policyDocuments = (resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>): ReadonlyArray<FoundDocument> =>
  Object.entries(resources).flatMap(([id, resource]) => {
    const props = resource.Properties ?? {}
    const docs: Array<FoundDocument> = []
    const add = (where: string, doc: unknown) => {
      if (doc !== undefined) docs.push({ where, statements: asList((doc as { Statement?: Statement | ReadonlyArray<Statement> }).Statement) })
    }
    if (resource.Type === "AWS::IAM::Policy" || resource.Type === "AWS::IAM::ManagedPolicy") add(id, props["PolicyDocument"])
    if (resource.Type === "AWS::IAM::Role") {
      for (const inline of asList(props["Policies"] as ReadonlyArray<{ PolicyName: string; PolicyDocument: unknown }> | undefined)) add(`${id}/${inline.PolicyName}`, inline.PolicyDocument)
    }
    if (resource.Type.endsWith("Policy") && resource.Type !== "AWS::IAM::Policy" && resource.Type !== "AWS::IAM::ManagedPolicy") add(id, props["PolicyDocument"])
    return docs
  })

let synth: Synthesized
let documents: ReadonlyArray<FoundDocument>

beforeAll(() => {
  synth = synthesize("dev")
  documents = policyDocuments(synth.template.toJSON()["Resources"] as Record<string, { Type: string; Properties?: Record<string, unknown> }>)
}, 120_000)
afterAll(() => synth.dispose())

describe("IAM", () => {
  it("finds the identity policies of the worker task, its execution role and the webhook function, and the resource policies", () => {
    expect(documents.length).toBeGreaterThanOrEqual(6)
    const resourcePolicies = documents.filter((d) => d.statements.some((s) => s.Principal !== undefined))
    expect(resourcePolicies.length).toBeGreaterThanOrEqual(3)
  })

  it("never allows `*` or a service-wide wildcard action, nor NotAction / NotResource", () => {
    for (const doc of documents) {
      for (const statement of doc.statements.filter((s) => s.Effect === "Allow")) {
        const where = `${doc.where} ${statement.Sid ?? ""}`
        expect(statement.NotAction, where).toBeUndefined()
        expect(statement.NotResource, where).toBeUndefined()
        for (const action of asList(statement.Action)) expect(action, where).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/)
      }
    }
  })

  it("opens no resource policy to everyone (its `*` principals only deny, e.g. plain HTTP)", () => {
    const open = documents.flatMap((d) => d.statements).filter((s) => s.Principal === "*" || JSON.stringify(s.Principal) === JSON.stringify({ AWS: "*" }))
    expect(open.length).toBeGreaterThan(0)
    for (const statement of open) expect(statement.Effect).toBe("Deny")
  })

  it("allows `*` resources only for actions without resource-level permissions", () => {
    const starred = documents.flatMap((doc) =>
      doc.statements.filter((s) => s.Effect === "Allow" && asList(s.Resource).includes("*")).flatMap((s) => asList(s.Action).map((action) => ({ where: doc.where, action, statement: s })))
    )
    expect(starred.length).toBeGreaterThan(0)
    for (const { where, action } of starred) expect(STAR_RESOURCE_ALLOWED.has(action), `${where}: ${action} on *`).toBe(true)
    // PutMetricData is bounded by its namespace instead.
    for (const { statement } of starred.filter((s) => s.action === "cloudwatch:PutMetricData")) {
      expect(statement.Condition).toEqual({ StringEquals: { "cloudwatch:namespace": environments.dev.metricNamespace } })
    }
  })

  it("attaches no AWS managed policies (they grant more than these roles use)", () => {
    const roles = Object.values(synth.template.findResources("AWS::IAM::Role"))
    // The worker task, its execution role and the webhook function at least.
    expect(roles.length).toBeGreaterThanOrEqual(3)
    for (const role of roles) {
      expect((role as { Properties: { ManagedPolicyArns?: unknown } }).Properties.ManagedPolicyArns).toBeUndefined()
    }
  })

  it("lets the worker assume only the configured member-account role", () => {
    const assume = documents.flatMap((d) => d.statements).filter((s) => s.Effect === "Allow" && asList(s.Action).includes("sts:AssumeRole"))
    expect(assume).toHaveLength(1)
    expect(assume[0]!.Resource).toEqual({ "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:iam::*:role/${environments.dev.memberRoleName}`]] })
  })

  it("limits the worker's queue and table actions to its own queues, table and index", () => {
    const statements = documents.flatMap((d) => d.statements)
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid)
    const queues = bySid("ConsumeTaskQueues")!
    expect(asList(queues.Resource)).toHaveLength(2)
    for (const resource of asList(queues.Resource)) expect(JSON.stringify(resource)).toMatch(/Queues(High|Standard).*Arn/)
    const table = bySid("TaskTable")!
    expect(asList(table.Action)).not.toContain("dynamodb:Scan")
    expect(JSON.stringify(table.Resource)).toContain("/index/ByStatus")
    expect(JSON.stringify(bySid("OwnTaskProtection")!.Resource)).toContain(":task/miyabi-dev-cluster/*")
  })

  it("lets the webhook only send to the two lanes, write enqueue items and its own log group", () => {
    const statements = documents.flatMap((d) => d.statements)
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid)!
    expect(asList(bySid("EnqueueMessages").Action)).toEqual(["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"])
    expect(JSON.stringify(bySid("EnqueueMessages").Resource)).toMatch(/QueuesHigh.*QueuesStandard/)
    expect(JSON.stringify(bySid("EnqueueMessages").Resource)).not.toContain("DeadLetter")
    expect(JSON.stringify(bySid("TaskTableEnqueue").Resource)).not.toContain("/index/")
    expect(JSON.stringify(bySid("OwnLogGroup").Resource)).toContain("WebhookFunctionLogs")
  })

  it("lets the webhook delete only its replay-guard items (DELIVERY#<id>) in the task table", () => {
    const statements = documents.flatMap((d) => d.statements)
    const forget = statements.find((s) => s.Sid === "ReplayGuardForget")!
    expect(asList(forget.Action)).toEqual(["dynamodb:DeleteItem"])
    expect(JSON.stringify(forget.Resource)).toMatch(/TablesTasks/)
    expect(JSON.stringify(forget.Resource)).not.toContain("/index/")
    expect(forget.Condition).toEqual({ "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["DELIVERY#*"] } })
    // No other statement grants DeleteItem on the task table (the worker may delete in its own cycle table only).
    const deleting = statements.filter((s) => asList(s.Action).includes("dynamodb:DeleteItem") && /TablesTasks/.test(JSON.stringify(s.Resource)))
    expect(deleting.map((s) => s.Sid)).toEqual(["ReplayGuardForget"])
    const cycleDeletes = statements.filter((s) => asList(s.Action).includes("dynamodb:DeleteItem") && !/TablesTasks/.test(JSON.stringify(s.Resource)))
    expect(cycleDeletes.map((s) => [s.Sid, /TablesCycles/.test(JSON.stringify(s.Resource))])).toEqual([["CycleTable", true]])
  })
})
