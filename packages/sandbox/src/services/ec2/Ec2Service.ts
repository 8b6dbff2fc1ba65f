/**
 * EC2 over the EC2 query protocol (form body, XML answer with EC2's own
 * element names), serving the estate's instances, volumes, snapshots,
 * Elastic IPs, security groups (with ingress authorize and revoke) and
 * regions for the caller's account and region.
 */
import type { Estate } from "../../EstateContract.js"
import { estateDataOf } from "../../estate/SandboxEstate.js"
import type { ServiceFactory } from "../../ServiceHandler.js"
import { makeInstanceOperations } from "./Ec2Instances.js"
import { makeNetworkOperations } from "./Ec2Network.js"
import { makeSecurityGroupOperations } from "./Ec2SecurityGroups.js"
import { makeVolumeOperations } from "./Ec2Volumes.js"

export const makeEc2Service: ServiceFactory<Estate> = (env) => {
  const data = estateDataOf(env.estate)
  return {
    signingName: "ec2",
    protocol: "ec2",
    xmlNamespace: "http://ec2.amazonaws.com/doc/2016-11-15",
    operations: {
      ...makeInstanceOperations(data),
      ...makeVolumeOperations(data),
      ...makeNetworkOperations(data),
      ...makeSecurityGroupOperations(data)
    }
  }
}
