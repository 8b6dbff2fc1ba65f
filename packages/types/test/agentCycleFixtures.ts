/** Inputs (encoded form) of the agent-cycle schemas, shared by their tests. */

export const anInstance = {
  id: "i-0abc1234def567890",
  arn: "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc1234def567890",
  kind: "ec2-instance",
  account: "123456789012",
  region: "us-east-1",
  state: "running",
  owner: "Gates",
  tags: { Name: "web-1", "aws:cloudformation:stack-name": "web" },
  dependencies: ["arn:aws:ec2:us-east-1:123456789012:volume/vol-0a"],
  details: {
    _tag: "ec2-instance",
    instanceType: "m5.large",
    awsState: "running",
    lifecycle: "on-demand",
    launchTime: "2026-01-02T03:04:05.000Z",
    volumeIds: ["vol-0a"],
    securityGroupIds: ["sg-0a"]
  },
  monthlyCost: 70_080_000,
  utilization: { metric: "CPUUtilization", averagePercent: 4.5, peakPercent: 31, windowDays: 14, datapoints: 336 }
}

export const aVolume = {
  id: "vol-0a",
  arn: "arn:aws:ec2:us-east-1:123456789012:volume/vol-0a",
  kind: "ebs-volume",
  account: "123456789012",
  region: "us-east-1",
  state: "detached",
  owner: "Gates",
  tags: {},
  dependencies: [],
  details: { _tag: "ebs-volume", volumeType: "gp2", sizeGiB: 100, encrypted: false, awsState: "available" },
  monthlyCost: 10_000_000
}

const volumeRef = { id: aVolume.id, arn: aVolume.arn, kind: "ebs-volume", account: "123456789012", region: "us-east-1" }

export const aFinding = {
  id: `cost.unattached-volume:${aVolume.arn}`,
  category: "cost",
  rule: "cost.unattached-volume",
  severity: "medium",
  resource: volumeRef,
  summary: "vol-0a (gp2, 100 GiB) is attached to nothing",
  evidence: { state: "available", sizeGiB: 100, encrypted: false, lastAttached: null },
  estimatedMonthlyImpact: 10_000_000
}

export const aWorld = {
  schemaVersion: 1,
  cycleId: "cycle-1",
  generation: 0,
  timestamp: "2026-11-27T12:00:00.000Z",
  accounts: ["123456789012"],
  regions: ["us-east-1"],
  resources: [anInstance, aVolume],
  monthlyCost: 80_080_000,
  securityScore: 72,
  averageUtilization: 60,
  findings: [aFinding],
  coverage: [
    { account: "123456789012", region: "us-east-1", service: "ec2", status: "ok", resources: 2, reused: false },
    { account: "123456789012", region: "global", service: "s3", status: "denied", reason: "AccessDenied: ListBuckets", resources: 0, reused: false },
    { account: "123456789012", region: "ap-east-1", service: "ec2", status: "opt-in", reason: "OptInRequired", resources: 0, reused: true }
  ]
}

export const aChange = {
  id: "chg-1",
  rule: "cost.gp2-volume",
  resource: volumeRef,
  findings: [`cost.gp2-volume:${aVolume.arn}`],
  summary: "vol-0a gp2 -> gp3",
  priority: "P2",
  action: { _tag: "ModifyVolume", fromType: "gp2", toType: "gp3" },
  rollback: { _tag: "ModifyVolume", fromType: "gp3", toType: "gp2" },
  preconditions: [
    { _tag: "TagAbsent", key: "miyabi:protected" },
    { _tag: "UnchangedSince", at: "2026-11-27T12:00:00.000Z" }
  ],
  expectedMonthlySavings: 2_000_000,
  risk: "low",
  confidence: 0.9
}

export const anExecution = {
  changeId: "chg-1",
  resource: volumeRef,
  action: aChange.action,
  status: "applied",
  before: aVolume,
  inverse: aChange.rollback,
  after: { ...aVolume, details: { ...aVolume.details, volumeType: "gp3" }, monthlyCost: 8_000_000 },
  startedAt: "2026-11-27T12:10:00.000Z",
  finishedAt: "2026-11-27T12:10:03.000Z"
}
