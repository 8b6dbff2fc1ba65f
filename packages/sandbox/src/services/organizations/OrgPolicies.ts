/**
 * Service control policies: create, update, describe, list, attach (at most
 * 5 per target, AWS's quota), detach (never the last one), and the listings
 * both ways. FullAWSAccess is AWS managed and attached everywhere at start.
 */
import { Effect } from "effect"
import type { Operation } from "../../ServiceHandler.js"
import { str, tagList } from "../Input.js"
import { constraint, err, invalid, page, withToken } from "./OrgErrors.js"
import { type OrgState, SCP } from "./OrgState.js"

const MAX_SCPS_PER_TARGET = 5
const MAX_POLICY_SIZE = 5120

export const makePolicyOperations = (org: OrgState): Record<string, Operation> => {
  const policySummary = (id: string) => {
    const p = org.policies.get(id)
    return p === undefined ? undefined : { Id: p.id, Arn: org.arnOf(p.id), Name: p.name, Description: p.description, Type: p.type, AwsManaged: p.awsManaged }
  }
  const policyView = (id: string) => ({ Policy: { PolicySummary: policySummary(id), Content: org.policies.get(id)?.content } })
  const requirePolicy = (id: string | undefined) =>
    id !== undefined && org.policies.has(id) ? Effect.succeed(id) : Effect.fail(err("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified."))
  const requireTarget = (id: string | undefined) =>
    id !== undefined && org.typeOf(id) !== undefined ? Effect.succeed(id) : Effect.fail(err("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified."))
  const validatePolicyContent = (content: string) => {
    if (content.length > MAX_POLICY_SIZE) return Effect.fail(constraint("POLICY_CONTENT_LIMIT_EXCEEDED", "The provided policy document exceeds the maximum size."))
    try {
      const parsed: unknown = JSON.parse(content)
      if (typeof parsed !== "object" || parsed === null || !("Statement" in parsed)) throw new Error("no Statement")
      return Effect.void
    } catch {
      return Effect.fail(err("MalformedPolicyDocumentException", "The provided policy document doesn't meet the requirements of the specified policy type."))
    }
  }

  return {
    CreatePolicy: (input) =>
      Effect.gen(function* () {
        const name = str(input, "Name") ?? ""
        const content = str(input, "Content") ?? ""
        const type = str(input, "Type") ?? ""
        if (type !== SCP) return yield* err("PolicyTypeNotEnabledException", "The specified policy type isn't currently enabled in this root.")
        if (name.length < 1 || name.length > 128) return yield* invalid("INVALID_INPUT", "Name must be 1-128 characters.")
        yield* validatePolicyContent(content)
        if ([...org.policies.values()].some((p) => p.name === name)) return yield* err("DuplicatePolicyException", "A policy with the same name already exists.")
        const id = org.newPolicyId()
        org.policies.set(id, { id, name, description: str(input, "Description") ?? "", content, type, awsManaged: false })
        org.setTags(id, tagList(input, "Tags"))
        return policyView(id)
      }),

    UpdatePolicy: (input) =>
      Effect.gen(function* () {
        const id = yield* requirePolicy(str(input, "PolicyId"))
        const policy = org.policies.get(id)
        if (policy === undefined) return yield* err("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
        if (policy.awsManaged) return yield* err("PolicyChangesInProgressException", "AWS managed policies can't be changed.")
        const content = str(input, "Content")
        if (content !== undefined) yield* validatePolicyContent(content)
        const name = str(input, "Name")
        if (name !== undefined && name !== policy.name && [...org.policies.values()].some((p) => p.name === name)) {
          return yield* err("DuplicatePolicyException", "A policy with the same name already exists.")
        }
        policy.name = name ?? policy.name
        policy.description = str(input, "Description") ?? policy.description
        policy.content = content ?? policy.content
        return policyView(id)
      }),

    DescribePolicy: (input) => Effect.map(requirePolicy(str(input, "PolicyId")), policyView),

    ListPolicies: (input) => {
      const filter = str(input, "Filter") ?? SCP
      const ids = [...org.policies.values()].filter((p) => p.type === filter).map((p) => p.id)
      return Effect.map(page(input, `policies:${filter}`, ids), (p) => ({ Policies: p.items.map(policySummary), ...withToken(p.nextToken) }))
    },

    AttachPolicy: (input) =>
      Effect.gen(function* () {
        const policyId = yield* requirePolicy(str(input, "PolicyId"))
        const targetId = yield* requireTarget(str(input, "TargetId"))
        const attached = org.attachments.get(targetId) ?? new Set<string>()
        if (attached.has(policyId)) return yield* err("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.")
        if (attached.size >= MAX_SCPS_PER_TARGET) {
          return yield* constraint("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "You attempted to exceed the number of policies of a certain type that can be attached to an entity at one time.")
        }
        org.attach(policyId, targetId)
        return {}
      }),

    DetachPolicy: (input) =>
      Effect.gen(function* () {
        const policyId = yield* requirePolicy(str(input, "PolicyId"))
        const targetId = yield* requireTarget(str(input, "TargetId"))
        const attached = org.attachments.get(targetId)
        if (attached?.has(policyId) !== true) return yield* err("PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root.")
        if (attached.size === 1) {
          return yield* constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.")
        }
        attached.delete(policyId)
        return {}
      }),

    ListPoliciesForTarget: (input) =>
      Effect.gen(function* () {
        const targetId = yield* requireTarget(str(input, "TargetId"))
        const filter = str(input, "Filter") ?? SCP
        const ids = [...(org.attachments.get(targetId) ?? [])].filter((id) => org.policies.get(id)?.type === filter)
        const p = yield* page(input, `pft:${targetId}:${filter}`, ids)
        return { Policies: p.items.map(policySummary), ...withToken(p.nextToken) }
      }),

    ListTargetsForPolicy: (input) =>
      Effect.gen(function* () {
        const policyId = yield* requirePolicy(str(input, "PolicyId"))
        const targets = [...org.attachments.entries()].filter(([, set]) => set.has(policyId)).map(([id]) => id)
        const p = yield* page(input, `tfp:${policyId}`, targets)
        return {
          Targets: p.items.map((id) => ({
            TargetId: id,
            Arn: org.arnOf(id),
            Name: id === org.rootId ? "Root" : (org.ous.get(id)?.name ?? org.accounts.get(id)?.name),
            Type: org.typeOf(id)
          })),
          ...withToken(p.nextToken)
        }
      })
  }
}
