/**
 * The scope of a discovery (`--accounts`, `--regions`, `--services`), shared
 * by `miyabi discover` and `miyabi cycle`. Options only (loaded for --help);
 * their check is ScopeParse.ts.
 */
import * as Options from "@effect/cli/Options"
import type { Option } from "effect"

export const scopeOptions = {
  accounts: Options.text("accounts").pipe(Options.withDescription("Accounts to discover, comma-separated (default: the organization's active accounts, or the caller's own)."), Options.optional),
  regions: Options.text("regions").pipe(Options.withDescription("Regions, comma-separated (default: the regions enabled in the caller's account)."), Options.optional),
  services: Options.text("services").pipe(Options.withDescription("Services, comma-separated SDK ids (default: ec2,s3,rds,lambda,ecs,dynamodb,elastic-load-balancing-v2,auto-scaling,cloudfront)."), Options.optional)
}

export interface ScopeFlags {
  readonly accounts: Option.Option<string>
  readonly regions: Option.Option<string>
  readonly services: Option.Option<string>
}
