/**
 * The estate-backed services every sandbox serves. Core services (STS,
 * Organizations, SQS, CloudWatch, Cost Explorer, SSO Admin, and S3 and
 * Athena, which share the sandbox's object store) need sandbox internals
 * (credentials, clock, metric store, objects) and are built in Sandbox.ts.
 *
 * To add a service: write `src/services/<name>/<Name>Service.ts` exporting a
 * `ServiceFactory` (see ServiceHandler.ts) and list it here.
 */
import type { Estate } from "../EstateContract.js"
import type { ServiceFactory } from "../ServiceHandler.js"
import { makeAutoScalingService } from "./autoscaling/AutoScalingService.js"
import { makeCloudFrontService } from "./cloudfront/CloudFrontService.js"
import { makeEc2Service } from "./ec2/Ec2Service.js"
import { makeEcsService } from "./ecs/EcsService.js"
import { makeElbv2Service } from "./elbv2/Elbv2Service.js"
import { makeLambdaService } from "./lambda/LambdaService.js"
import { makePricingService } from "./pricing/PricingService.js"
import { makeRdsService } from "./rds/RdsService.js"
import { makeTaggingService } from "./tagging/TaggingService.js"

export const estateServices: ReadonlyArray<ServiceFactory<Estate>> = [
  makeEc2Service,
  makeRdsService,
  makeLambdaService,
  makeEcsService,
  makePricingService,
  makeElbv2Service,
  makeAutoScalingService,
  makeCloudFrontService,
  makeTaggingService
]
