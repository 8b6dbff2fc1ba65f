// One lint config for the workspace. The Nx module-boundary rule encodes the
// one-way dependency rule of SPEC.md ("The parts"):
//   types <- aws-runtime <- domain packages <- apps; tools may use anything.
// A second rule keeps the AWS SDK inside adapter modules.
import nx from "@nx/eslint-plugin"
import tseslint from "typescript-eslint"

const awsSdkBan = {
  patterns: [
    {
      group: ["@aws-sdk/*", "@smithy/*"],
      message: "AWS SDK imports live only in adapter modules (src/adapters/** or packages/aws-runtime)."
    }
  ]
}

// Tests of domain packages may start the sandbox; their sources may not.
const boundaries = (inTests) => [
  "error",
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: "type:types", onlyDependOnLibsWithTags: ["type:types"] },
      { sourceTag: "type:runtime", onlyDependOnLibsWithTags: ["type:types", ...(inTests ? ["type:sandbox"] : [])] },
      { sourceTag: "type:domain", onlyDependOnLibsWithTags: ["type:types", "type:runtime", ...(inTests ? ["type:sandbox"] : [])] },
      { sourceTag: "type:sandbox", onlyDependOnLibsWithTags: ["type:types", ...(inTests ? ["type:runtime"] : [])] },
      { sourceTag: "type:app", onlyDependOnLibsWithTags: ["type:types", "type:runtime", "type:domain", "type:sandbox"] },
      { sourceTag: "type:tool", onlyDependOnLibsWithTags: ["type:types", "type:runtime", "type:domain", "type:sandbox", "type:app"] }
    ]
  }
]

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/cdk.out/**", "**/.nx/**", "**/coverage/**"]
  },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    plugins: { "@nx": nx },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-namespace": "off",
      "@nx/enforce-module-boundaries": boundaries(false),
      "no-restricted-imports": ["error", awsSdkBan]
    }
  },
  {
    files: ["**/*.test.ts", "**/test/**/*.ts"],
    rules: { "@nx/enforce-module-boundaries": boundaries(true) }
  },
  {
    // Where the AWS SDK may be imported: aws-runtime, adapter folders, the
    // sandbox's conformance tests and every test that drives a real client.
    files: ["packages/aws-runtime/**/*.ts", "**/src/adapters/**/*.ts", "**/*.test.ts", "**/test/**/*.ts", "tools/**/*.ts", "apps/infra/**/*.ts"],
    rules: { "no-restricted-imports": "off" }
  },
  {
    // Domain code never imports the sandbox; tests may.
    files: ["packages/{types,aws-runtime,aws-agent,account-factory,cost,queue}/src/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...awsSdkBan.patterns,
            { group: ["@miyabi/sandbox"], message: "The sandbox is for tests, benchmarks and the CLI's sandbox mode only." }
          ]
        }
      ]
    }
  },
  {
    files: ["packages/aws-runtime/src/**/*.ts", "**/src/adapters/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@miyabi/sandbox"], message: "The sandbox is for tests, benchmarks and the CLI's sandbox mode only." }] }
      ]
    }
  }
)
