/** Every θ3 rule, in the order their proposals are listed before ranking. */
import type { OptimizeRule } from "./RuleKit.js"
import { blockPublicBucket } from "./rules/BlockPublicBucket.js"
import { commitments } from "./rules/Commitments.js"
import { ec2RightSizing } from "./rules/Ec2RightSizing.js"
import { ecsTaskSize } from "./rules/EcsTaskSize.js"
import { encryptBucket } from "./rules/EncryptBucket.js"
import { gp2ToGp3 } from "./rules/Gp2ToGp3.js"
import { idleInstance } from "./rules/IdleInstance.js"
import { lambdaMemory } from "./rules/LambdaMemory.js"
import { privateDatabase } from "./rules/PrivateDatabase.js"
import { rdsRightSizing } from "./rules/RdsRightSizing.js"
import { revokeWorldIngress } from "./rules/RevokeWorldIngress.js"
import { s3Lifecycle } from "./rules/S3Lifecycle.js"
import { unassociatedAddress } from "./rules/UnassociatedAddress.js"
import { unattachedVolume } from "./rules/UnattachedVolume.js"

export const rules: ReadonlyArray<OptimizeRule> = [
  revokeWorldIngress,
  blockPublicBucket,
  encryptBucket,
  privateDatabase,
  idleInstance,
  ec2RightSizing,
  rdsRightSizing,
  lambdaMemory,
  ecsTaskSize,
  gp2ToGp3,
  unattachedVolume,
  unassociatedAddress,
  s3Lifecycle,
  commitments
]
