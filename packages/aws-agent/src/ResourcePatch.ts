/** A resource with some fields replaced (cost, utilization), validated again. */
import { Resource } from "@miyabi/types"

type Patchable = Partial<Pick<Resource, "monthlyCost" | "utilization" | "state" | "tags">>

export const patchResource = (r: Resource, patch: Patchable): Resource => Resource.make({ ...r, ...patch }, true)
