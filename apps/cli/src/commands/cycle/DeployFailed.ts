/** `miyabi deploy`'s error: the deployer refused (blast radius, stale plan...) or the deployment failed. */
import { Schema } from "effect"

export class DeployFailed extends Schema.TaggedError<DeployFailed>()("DeployFailed", {
  reason: Schema.Literal("Refused", "Failed"),
  detail: Schema.String
}) {
  override get message(): string {
    return this.reason === "Refused" ? `deploy refused: ${this.detail}` : `deploy failed: ${this.detail}`
  }
}
