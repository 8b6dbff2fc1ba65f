/**
 * The VPC: public subnets only for the NAT gateways, workers in private
 * subnets. Interface endpoints for SQS, ECR (api + dkr) and CloudWatch Logs
 * and gateway endpoints for DynamoDB and S3 (ECR layers live in S3) keep the
 * worker's busiest traffic off the NAT gateway.
 */
import * as ec2 from "aws-cdk-lib/aws-ec2"
import { Construct } from "constructs"

export interface NetworkProps {
  readonly cidr: string
  readonly maxAzs: number
  readonly natGateways: number
}

export class Network extends Construct {
  readonly vpc: ec2.Vpc

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id)
    this.vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      maxAzs: props.maxAzs,
      natGateways: props.natGateways,
      // Restricting the default security group takes a custom-resource Lambda (a role and an
      // unmanaged log group); nothing here uses the default group, every resource has its own.
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [
        { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: "private", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 }
      ],
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 }
      }
    })
    const interfaces: ReadonlyArray<readonly [string, ec2.InterfaceVpcEndpointAwsService]> = [
      ["Sqs", ec2.InterfaceVpcEndpointAwsService.SQS],
      ["EcrApi", ec2.InterfaceVpcEndpointAwsService.ECR],
      ["EcrDocker", ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
      ["Logs", ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS]
    ]
    for (const [name, service] of interfaces) {
      this.vpc.addInterfaceEndpoint(name, { service, privateDnsEnabled: true, subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } })
    }
  }
}
