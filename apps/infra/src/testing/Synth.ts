/**
 * Synthesizes the app for tests: one environment, into a temporary
 * directory, with the real worker build context and the built webhook
 * bundle (the test target depends on this package's build).
 */
import { Template } from "aws-cdk-lib/assertions"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { buildApp } from "../App.js"
import type { EnvironmentName } from "../config/Environments.js"
import type { MiyabiStack } from "../MiyabiStack.js"

import { repoRoot, webhookCodeDirectory } from "./Paths.js"

export interface Synthesized {
  readonly stack: MiyabiStack
  readonly template: Template
  readonly outdir: string
  readonly dispose: () => void
}

export const synthesize = (environment: EnvironmentName = "dev"): Synthesized => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-infra-"))
  const { stacks } = buildApp({
    repoRoot,
    webhookCodeDirectory,
    environments: [environment],
    // The CloudFormation validator costs tens of seconds; `cdk synth` (the synth target) runs it.
    appProps: { outdir, builtinCloudFormationValidation: false }
  })
  const stack = stacks[0]
  if (stack === undefined) throw new Error(`no stack for ${environment}`)
  return { stack, template: Template.fromStack(stack), outdir, dispose: () => fs.rmSync(outdir, { recursive: true, force: true }) }
}

export type CfnResource = { readonly Type: string; readonly Properties?: Record<string, unknown> }

/** Every resource of a type, by logical id. */
export const resourcesOf = (template: Template, type: string): Record<string, CfnResource> => template.findResources(type) as Record<string, CfnResource>
