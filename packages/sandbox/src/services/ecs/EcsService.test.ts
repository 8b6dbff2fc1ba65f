import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTasksCommand,
  paginateListClusters,
  paginateListServices,
  paginateListTasks,
  RegisterTaskDefinitionCommand,
  ServiceNotFoundException,
  UpdateServiceCommand,
  UpdateTaskProtectionCommand
} from "@aws-sdk/client-ecs"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { sandboxEstate, type SandboxEstate } from "../../estate/SandboxEstate.js"
import { start, type SandboxHandle } from "../../Sandbox.js"
import { makeEcsService } from "./EcsService.js"
import { call, callError, collect } from "../../testing/SdkCalls.js"

const setup = Effect.gen(function* () {
  const estate = sandboxEstate({ seed: 31, size: "small", resources: 3_000, accounts: 5 })
  const counts = new Map<string, number>()
  for (const s of estate.data.services) counts.set(`${s.accountId}/${s.region}/${s.clusterName}`, (counts.get(`${s.accountId}/${s.region}/${s.clusterName}`) ?? 0) + 1)
  const [key = ""] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? []
  const [accountId = "", region = "", clusterName = ""] = key.split("/")
  const sandbox: SandboxHandle<SandboxEstate> = yield* start({ estate, services: [makeEcsService], dynamodb: false })
  const client = new ECSClient({ endpoint: sandbox.endpoint, region, credentials: sandbox.credentialsFor(accountId) })
  const services = estate.data.services.filter((s) => s.accountId === accountId && s.region === region && s.clusterName === clusterName)
  return { sandbox, client, data: estate.data, accountId, region, clusterName, services }
})

describe("ECS", () => {
  it.scoped("lists clusters, services and tasks to the end of every page", () =>
    Effect.gen(function* () {
      const { client, data, accountId, region, clusterName, services } = yield* setup
      expect(services.length).toBeGreaterThan(3)
      const clusters = (yield* collect(paginateListClusters({ client, pageSize: 1 }, {}))).flatMap((p) => p.clusterArns ?? [])
      expect(clusters).toEqual(data.clusters.filter((c) => c.accountId === accountId && c.region === region).map((c) => `arn:aws:ecs:${region}:${accountId}:cluster/${c.name}`))
      const servicePages = yield* collect(paginateListServices({ client, pageSize: 2 }, { cluster: clusterName }))
      expect(servicePages.length).toBe(Math.ceil(services.length / 2))
      expect(servicePages.flatMap((p) => p.serviceArns ?? [])).toEqual(services.map((s) => `arn:aws:ecs:${region}:${accountId}:service/${clusterName}/${s.name}`))
      const tasks = data.tasks.filter((t) => t.accountId === accountId && t.region === region && t.clusterName === clusterName)
      const taskArns = (yield* collect(paginateListTasks({ client, pageSize: 2 }, { cluster: clusterName }))).flatMap((p) => p.taskArns ?? [])
      expect(taskArns).toEqual(tasks.map((t) => `arn:aws:ecs:${region}:${accountId}:task/${clusterName}/${t.id}`))
      const missing = yield* callError(() => client.send(new ListTasksCommand({ cluster: "no-such-cluster" })))
      expect(missing).toBeInstanceOf(ClusterNotFoundException)
    }))

  it.scoped("describes services (tags only on request) and their task definitions", () =>
    Effect.gen(function* () {
      const { client, data, clusterName, services } = yield* setup
      const [a, b] = services
      const described = yield* call(() => client.send(new DescribeServicesCommand({ cluster: clusterName, services: [a?.name ?? "", "ghost", b?.name ?? ""] })))
      expect(described.services?.map((s) => s.serviceName)).toEqual([a?.name, b?.name])
      expect(described.failures?.[0]?.reason).toBe("MISSING")
      const first = described.services?.[0]
      expect(first).toMatchObject({ status: "ACTIVE", desiredCount: a?.desiredCount, launchType: a?.launchType, schedulingStrategy: "REPLICA" })
      expect(first?.createdAt).toEqual(new Date(a?.createdAt ?? 0))
      expect(first && "tags" in first).toBe(false)
      const tagged = services.find((s) => Object.keys(s.tags).length > 0)
      const withTags = yield* call(() => client.send(new DescribeServicesCommand({ cluster: clusterName, services: [tagged?.name ?? ""], include: ["TAGS"] })))
      expect(withTags.services?.[0]?.tags).toEqual(Object.entries(tagged?.tags ?? {}).map(([key, value]) => ({ key, value })))
      const td = yield* call(() => client.send(new DescribeTaskDefinitionCommand({ taskDefinition: first?.taskDefinition ?? "" })))
      const source = data.taskDefinitions.find((d) => `${d.family}:${d.revision}` === a?.taskDefinition)
      expect(td.taskDefinition).toMatchObject({ family: source?.family, revision: source?.revision, cpu: String(source?.cpu), memory: String(source?.memory), status: "ACTIVE" })
    }))

  it.scoped("UpdateService scales and redeploys, sparing protected tasks; errors map to SDK classes", () =>
    Effect.gen(function* () {
      const { client, clusterName, services, sandbox } = yield* setup
      const s = services.find((x) => x.desiredCount >= 1)
      if (s === undefined) throw new Error("no running service")
      const grown = yield* call(() => client.send(new UpdateServiceCommand({ cluster: clusterName, service: s.name, desiredCount: 3 })))
      expect(grown.service).toMatchObject({ desiredCount: 3, runningCount: 3 })
      const listed = yield* call(() => client.send(new ListTasksCommand({ cluster: clusterName, serviceName: s.name })))
      const [keep] = listed.taskArns ?? []
      const before = sandbox.clock.now().getTime()
      const protectedAnswer = yield* call(() => client.send(new UpdateTaskProtectionCommand({ cluster: clusterName, tasks: [keep ?? "", "arn:aws:ecs:x:1:task/c/ghost"], protectionEnabled: true, expiresInMinutes: 60 })))
      expect(protectedAnswer.protectedTasks?.[0]).toMatchObject({ taskArn: keep, protectionEnabled: true })
      const expires = protectedAnswer.protectedTasks?.[0]?.expirationDate?.getTime() ?? 0
      expect(expires).toBeGreaterThanOrEqual(before + 3_600_000)
      expect(expires).toBeLessThanOrEqual(sandbox.clock.now().getTime() + 3_600_000)
      expect(protectedAnswer.failures?.[0]?.reason).toBe("TASK_NOT_VALID")
      const shrunk = yield* call(() => client.send(new UpdateServiceCommand({ cluster: clusterName, service: s.name, desiredCount: 0 })))
      expect(shrunk.service).toMatchObject({ desiredCount: 0, runningCount: 1 })
      const left = yield* call(() => client.send(new ListTasksCommand({ cluster: clusterName, serviceName: s.name })))
      expect(left.taskArns).toEqual([keep])

      const current = yield* call(() => client.send(new DescribeTaskDefinitionCommand({ taskDefinition: s.taskDefinition })))
      const smaller = yield* call(() =>
        client.send(new RegisterTaskDefinitionCommand({ family: current.taskDefinition?.family ?? "", cpu: "256", memory: "512", networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], containerDefinitions: [{ name: "app", image: "example/app:1" }] }))
      )
      expect(smaller.taskDefinition?.revision).toBe((current.taskDefinition?.revision ?? 0) + 1)
      const redeployed = yield* call(() => client.send(new UpdateServiceCommand({ cluster: clusterName, service: s.name, taskDefinition: smaller.taskDefinition?.taskDefinitionArn ?? "", desiredCount: 2 })))
      expect(redeployed.service?.taskDefinition).toBe(smaller.taskDefinition?.taskDefinitionArn)
      expect(redeployed.service?.runningCount).toBe(2)
      // A new task definition is a new deployment: its own id, created now; scaling alone keeps the deployment.
      const [deployment] = redeployed.service?.deployments ?? []
      expect(deployment?.id).not.toBe(grown.service?.deployments?.[0]?.id)
      expect(shrunk.service?.deployments?.[0]?.id).toBe(grown.service?.deployments?.[0]?.id)
      expect(deployment?.createdAt?.getTime()).toBeGreaterThanOrEqual(before)
      expect(deployment).toMatchObject({ status: "PRIMARY", desiredCount: 2, runningCount: 2, rolloutState: "COMPLETED" })
      expect(s.taskDefinition).toBe(`${smaller.taskDefinition?.family}:${smaller.taskDefinition?.revision}`)

      const ghost = yield* callError(() => client.send(new UpdateServiceCommand({ cluster: clusterName, service: "ghost", desiredCount: 1 })))
      expect(ghost).toBeInstanceOf(ServiceNotFoundException)
      expect(sandbox.log.changes().map((c) => c.operation)).toEqual(["UpdateService", "UpdateTaskProtection", "UpdateService", "RegisterTaskDefinition", "UpdateService"])
    }))

  it.scoped("RegisterTaskDefinition refuses a size Fargate does not run, as ECS does", () =>
    Effect.gen(function* () {
      const { client, sandbox, services } = yield* setup
      const family = services[0]?.taskDefinition.split(":")[0] ?? ""
      const register = (cpu: string, memory: string) =>
        callError(() => client.send(new RegisterTaskDefinitionCommand({ family, cpu, memory, networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], containerDefinitions: [{ name: "app", image: "example/app:1" }] })))
      const bad = yield* register("256", "4096")
      expect((bad as Error).name).toBe("ClientException")
      expect((bad as Error).message).toContain("No Fargate configuration exists for given values: 256 CPU, 4096 memory")
      const between = yield* register("256", "1536")
      expect((between as Error | undefined)?.name).toBe("ClientException")
      expect(yield* register("1024", "3072")).toBeUndefined()
      expect(yield* register("512", "1024")).toBeUndefined()
      expect(sandbox.log.changes().map((c) => c.operation)).toEqual(["RegisterTaskDefinition", "RegisterTaskDefinition"])
    }))
})
