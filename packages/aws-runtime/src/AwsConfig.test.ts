import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Layer } from "effect"
import * as AwsConfig from "./AwsConfig.js"

const read = (env: Record<string, string>) =>
  Effect.flatMap(AwsConfig.AwsConfig, (c) => Effect.succeed(c)).pipe(
    Effect.provide(AwsConfig.layerConfig.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))))
  )

describe("AwsConfig", () => {
  it.effect("has documented defaults", () =>
    Effect.gen(function* () {
      const config = yield* read({})
      expect(config.region).toBeUndefined()
      expect(config.roleName).toBe("OrganizationAccountAccessRole")
      expect(config.externalId).toBeUndefined()
      expect(config.maxAttempts).toBe(5)
      expect(Duration.toMillis(config.refreshMargin)).toBe(300_000)
      expect(config.maxConcurrency).toBe(64)
      expect(config.rateLimits.ec2).toEqual({ perSecond: 20, burst: 100, perOperation: true })
      expect(config.defaultRateLimit).toEqual({ perSecond: 10, burst: 20 })
    }))

  it.effect("reads region, role, session and limits from the environment", () =>
    Effect.gen(function* () {
      const config = yield* read({
        AWS_DEFAULT_REGION: "eu-west-1",
        MIYABI_AWS_ROLE_NAME: "MiyabiReadOnly",
        MIYABI_AWS_EXTERNAL_ID: "ext-1",
        USER: "bob",
        MIYABI_AWS_SESSION_PURPOSE: "discover",
        MIYABI_AWS_MAX_ATTEMPTS: "8",
        MIYABI_AWS_RETRY_BASE_DELAY: "50 millis",
        MIYABI_AWS_RATE_LIMITS: "ec2=5:10, s3=50, ec2:DescribeRegions=2"
      })
      expect(config).toMatchObject({ region: "eu-west-1", roleName: "MiyabiReadOnly", externalId: "ext-1", sessionUser: "bob", sessionPurpose: "discover", maxAttempts: 8 })
      expect(Duration.toMillis(config.retryBaseDelay)).toBe(50)
      expect(config.rateLimits.ec2).toEqual({ perSecond: 5, burst: 10, perOperation: true })
      expect(config.rateLimits["ec2:DescribeRegions"]).toEqual({ perSecond: 2, burst: 2 })
      expect(config.rateLimits.s3).toEqual({ perSecond: 50, burst: 50 })
      expect(config.rateLimits.cloudwatch).toEqual({ perSecond: 50, burst: 50 })
      expect((yield* read({ AWS_REGION: "us-west-2", AWS_DEFAULT_REGION: "eu-west-1" })).region).toBe("us-west-2")
    }))

  it.effect("names the variable of a bad value", () =>
    Effect.gen(function* () {
      const limits = yield* Effect.flip(read({ MIYABI_AWS_RATE_LIMITS: "ec2=fast" }))
      expect(String(limits)).toMatch(/MIYABI_AWS_RATE_LIMITS/)
      const attempts = yield* Effect.flip(read({ MIYABI_AWS_MAX_ATTEMPTS: "0" }))
      expect(String(attempts)).toMatch(/MIYABI_AWS_MAX_ATTEMPTS.*positive integer/)
    }))
})
