/**
 * ECS over JSON 1.1: clusters, services, tasks and task definitions of the
 * estate. UpdateService changes the desired count (tasks start or stop at
 * once; scale-in spares protected tasks) or the task definition (tasks are
 * replaced); RegisterTaskDefinition lets task-size right-sizing make a
 * smaller revision; UpdateTaskProtection protects tasks from scale-in.
 */
import { Effect } from "effect"
import type { EcsService, EcsTask, TaskDefinition } from "../../estate/EcsService.js"
import type { EstateData } from "../../estate/EstateData.js"
import type { Estate } from "../../EstateContract.js"
import { recordServiceChange } from "../../estate/EstateChanges.js"
import { estateDataOf } from "../../estate/SandboxEstate.js"
import { type AwsError, awsError, type Operation, type RequestContext, type ServiceFactory } from "../../ServiceHandler.js"
import { clusterArn, fargateSize, nameOf, serviceArn, serviceJson, taskArn, taskDefinitionJson } from "./EcsShapes.js"

const TOKEN_PREFIX = "sbx1:"

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)
const strings = (value: unknown): Array<string> => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [])
const invalid = (message: string): AwsError => awsError("InvalidParameterException", message)

const page = <A>(items: ReadonlyArray<A>, input: Record<string, unknown>, maxLimit: number) =>
  Effect.gen(function* () {
    const rawMax = input["maxResults"]
    const max = rawMax === undefined ? maxLimit : rawMax
    if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > maxLimit) {
      return yield* Effect.fail(invalid(`maxResults must be between 1 and ${maxLimit}.`))
    }
    const token = str(input["nextToken"])
    const offset = token === undefined ? 0 : Number(Buffer.from(token, "base64url").toString("utf8").slice(TOKEN_PREFIX.length))
    if (!Number.isInteger(offset) || offset < 0) return yield* Effect.fail(invalid("Invalid nextToken."))
    return {
      items: items.slice(offset, offset + max),
      nextToken: offset + max < items.length ? Buffer.from(`${TOKEN_PREFIX}${offset + max}`).toString("base64url") : undefined
    }
  })

export const makeEcsService: ServiceFactory<Estate> = (env) => {
  const data: EstateData = estateDataOf(env.estate)
  const mine = <A extends { readonly accountId: string; readonly region: string }>(items: ReadonlyArray<A>, ctx: RequestContext): Array<A> =>
    items.filter((r) => r.accountId === ctx.accountId && r.region === ctx.region)

  const cluster = (input: Record<string, unknown>, ctx: RequestContext): Effect.Effect<string, AwsError> => {
    const name = nameOf(str(input["cluster"]) ?? "default")
    return mine(data.clusters, ctx).some((c) => c.name === name) ? Effect.succeed(name) : Effect.fail(awsError("ClusterNotFoundException", "Cluster not found."))
  }
  const service = (clusterName: string, ref: string, ctx: RequestContext): EcsService | undefined =>
    mine(data.services, ctx).find((s) => s.clusterName === clusterName && s.name === nameOf(ref))
  const tasksOf = (s: EcsService): Array<EcsTask> =>
    data.tasks.filter((t) => t.accountId === s.accountId && t.region === s.region && t.clusterName === s.clusterName && t.serviceName === s.name)
  const findTaskDefinition = (ref: string, ctx: RequestContext): TaskDefinition | undefined => {
    const [family, revision] = nameOf(ref).split(":")
    const defs = mine(data.taskDefinitions, ctx).filter((d) => d.family === family)
    return revision === undefined ? defs.reduce<TaskDefinition | undefined>((a, d) => (a === undefined || d.revision > a.revision ? d : a), undefined) : defs.find((d) => String(d.revision) === revision)
  }
  const newTask = (s: EcsService, ctx: RequestContext, n: number): EcsTask => ({
    id: `${ctx.requestId.replace(/-/g, "").slice(0, 24)}${String(n).padStart(8, "0")}`,
    accountId: s.accountId,
    region: s.region,
    clusterName: s.clusterName,
    serviceName: s.name,
    taskDefinition: s.taskDefinition,
    startedAt: ctx.now.getTime(),
    protectionEnabled: false
  })
  const protectedNow = (t: EcsTask, now: number): boolean => t.protectionEnabled && (t.protectionExpiresAt === undefined || t.protectionExpiresAt > now)

  const operations: Record<string, Operation> = {
    ListClusters: (input, ctx) =>
      Effect.map(page(mine(data.clusters, ctx), input, 100), ({ items, nextToken }) => ({ clusterArns: items.map((c) => clusterArn(c, c.name)), nextToken })),

    ListServices: (input, ctx) =>
      Effect.gen(function* () {
        const name = yield* cluster(input, ctx)
        const launchType = str(input["launchType"])
        const services = mine(data.services, ctx).filter((s) => s.clusterName === name && (launchType === undefined || s.launchType === launchType))
        const { items, nextToken } = yield* page(services, input, 100)
        return { serviceArns: items.map(serviceArn), nextToken }
      }),

    DescribeServices: (input, ctx) =>
      Effect.gen(function* () {
        const name = yield* cluster(input, ctx)
        const refs = strings(input["services"])
        if (refs.length === 0 || refs.length > 10) return yield* Effect.fail(invalid("services must contain between 1 and 10 items."))
        const withTags = strings(input["include"]).includes("TAGS")
        const found = refs.map((ref) => [ref, service(name, ref, ctx)] as const)
        return {
          services: found.flatMap(([, s]) => (s === undefined ? [] : [serviceJson(s, tasksOf(s), withTags)])),
          failures: found.flatMap(([ref, s]) => (s === undefined ? [{ arn: ref.startsWith("arn:") ? ref : `arn:aws:ecs:${ctx.region}:${ctx.accountId}:service/${name}/${ref}`, reason: "MISSING" }] : []))
        }
      }),

    DescribeTaskDefinition: (input, ctx) =>
      Effect.gen(function* () {
        const td = findTaskDefinition(str(input["taskDefinition"]) ?? "", ctx)
        if (td === undefined) return yield* Effect.fail(awsError("ClientException", "Unable to describe task definition."))
        return { taskDefinition: taskDefinitionJson(td), ...(strings(input["include"]).includes("TAGS") ? { tags: [] } : {}) }
      }),

    RegisterTaskDefinition: (input, ctx) =>
      Effect.gen(function* () {
        const family = str(input["family"])
        const cpu = Number(str(input["cpu"]) ?? Number.NaN)
        const memory = Number(str(input["memory"]) ?? Number.NaN)
        if (family === undefined || !/^[A-Za-z0-9_-]{1,255}$/.test(family)) return yield* Effect.fail(awsError("ClientException", "Family contains invalid characters."))
        if (!Number.isInteger(cpu) || !Number.isInteger(memory)) return yield* Effect.fail(awsError("ClientException", "Fargate requires task definition to have execution role ARN to support log driver awslogs, and cpu and memory at task level."))
        const fargate = strings(input["requiresCompatibilities"]).includes("FARGATE")
        if (fargate && !fargateSize(cpu, memory)) {
          return yield* Effect.fail(awsError("ClientException", `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`))
        }
        const latest = findTaskDefinition(family, ctx)
        const firstContainer = Array.isArray(input["containerDefinitions"]) ? (input["containerDefinitions"][0] as Record<string, unknown> | undefined) : undefined
        const td: TaskDefinition = {
          family,
          revision: (latest?.revision ?? 0) + 1,
          accountId: ctx.accountId,
          region: ctx.region,
          cpu,
          memory,
          image: str(firstContainer?.["image"]) ?? latest?.image ?? "public.ecr.aws/docker/library/busybox:latest",
          registeredAt: ctx.now.getTime()
        }
        data.taskDefinitions.push(td)
        return { taskDefinition: taskDefinitionJson(td), tags: [] }
      }),

    UpdateService: (input, ctx) =>
      Effect.gen(function* () {
        const name = yield* cluster(input, ctx)
        const s = service(name, str(input["service"]) ?? "", ctx)
        if (s === undefined) return yield* Effect.fail(awsError("ServiceNotFoundException", "Service not found."))
        const desired = input["desiredCount"]
        if (desired !== undefined && (typeof desired !== "number" || !Number.isInteger(desired) || desired < 0)) {
          return yield* Effect.fail(invalid("desiredCount must be a non-negative integer."))
        }
        const tdRef = str(input["taskDefinition"])
        const td = tdRef === undefined ? undefined : findTaskDefinition(tdRef, ctx)
        if (tdRef !== undefined && td === undefined) return yield* Effect.fail(invalid("TaskDefinition not found."))
        const now = ctx.now.getTime()
        let tasks = tasksOf(s)
        if (td !== undefined && `${td.family}:${td.revision}` !== s.taskDefinition) {
          // A new deployment replaces every task with one of the new revision.
          s.taskDefinition = `${td.family}:${td.revision}`
          s.deployments += 1
          const keep = new Set(tasks)
          for (let i = data.tasks.length - 1; i >= 0; i--) if (keep.has(data.tasks[i] as EcsTask)) data.tasks.splice(i, 1)
          tasks = []
        }
        if (typeof desired === "number") s.desiredCount = desired
        let n = 0
        while (tasks.length < s.desiredCount && n < 10_000) {
          const t = newTask(s, ctx, n++)
          data.tasks.push(t)
          tasks.push(t)
        }
        // Scale-in stops unprotected tasks first and never a protected one.
        const removable = tasks.filter((t) => !protectedNow(t, now)).reverse()
        while (tasks.length > s.desiredCount && removable.length > 0) {
          const victim = removable.shift() as EcsTask
          data.tasks.splice(data.tasks.indexOf(victim), 1)
          tasks = tasks.filter((t) => t !== victim)
        }
        recordServiceChange(s, now)
        return { service: serviceJson(s, tasks, false) }
      }),

    ListTasks: (input, ctx) =>
      Effect.gen(function* () {
        const name = yield* cluster(input, ctx)
        const serviceName = str(input["serviceName"])
        if (serviceName !== undefined && service(name, serviceName, ctx) === undefined) return yield* Effect.fail(awsError("ServiceNotFoundException", "Service not found."))
        // Stopped tasks are not kept; asking for them lists none.
        const stopped = str(input["desiredStatus"]) === "STOPPED"
        const tasks = stopped ? [] : mine(data.tasks, ctx).filter((t) => t.clusterName === name && (serviceName === undefined || t.serviceName === nameOf(serviceName)))
        const { items, nextToken } = yield* page(tasks, input, 100)
        return { taskArns: items.map(taskArn), nextToken }
      }),

    UpdateTaskProtection: (input, ctx) =>
      Effect.gen(function* () {
        const name = yield* cluster(input, ctx)
        const enabled = input["protectionEnabled"]
        if (typeof enabled !== "boolean") return yield* Effect.fail(invalid("protectionEnabled is required."))
        const minutes = input["expiresInMinutes"] ?? 120
        if (typeof minutes !== "number" || !Number.isInteger(minutes) || minutes < 1 || minutes > 2880) {
          return yield* Effect.fail(invalid("expiresInMinutes must be between 1 and 2880."))
        }
        const refs = strings(input["tasks"])
        if (refs.length === 0 || refs.length > 10) return yield* Effect.fail(invalid("tasks must contain between 1 and 10 items."))
        const now = ctx.now.getTime()
        const found = refs.map((ref) => [ref, mine(data.tasks, ctx).find((t) => t.clusterName === name && t.id === nameOf(ref))] as const)
        return {
          protectedTasks: found.flatMap(([, t]) => {
            if (t === undefined) return []
            t.protectionEnabled = enabled
            if (enabled) t.protectionExpiresAt = now + minutes * 60_000
            else delete t.protectionExpiresAt
            return [{ taskArn: taskArn(t), protectionEnabled: enabled, ...(enabled ? { expirationDate: new Date(now + minutes * 60_000) } : {}) }]
          }),
          failures: found.flatMap(([ref, t]) => (t === undefined ? [{ arn: ref, reason: "TASK_NOT_VALID", detail: "The task was not found." }] : []))
        }
      })
  }

  return {
    signingName: "ecs",
    protocol: "json1.1",
    targetPrefix: "AmazonEC2ContainerServiceV20141113",
    operations,
    errors: {
      throttling: { code: "ThrottlingException", status: 400, message: "Rate exceeded" },
      internal: { code: "ServerException", status: 500, message: "Service Unavailable. Please try again later." }
    }
  }
}
