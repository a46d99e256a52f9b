// Lint: typescript-eslint's recommended rules everywhere, and Pulumi's own rules (an Output in a
// template literal is a bug that type-checks) with type information on the code that builds resources.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  { ignores: ["node_modules/**", "bin/**", ".ci/out/**", ".scratch/**", ".lakehouse/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly", console: "readonly", Buffer: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" }],
      // Mock states and policy args are untyped engine data; `any` there is the honest type.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    // The platform loads only the provider services it uses (infra/aws.ts): either package index costs every plan and
    // `pulumi up` module loading for services nobody here uses (issue 5). Other teams' programs keep the index.
    files: ["infra/**/*.ts", "components/**/*.ts", "policy/**/*.ts", "local/**/*.ts", "functions/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@pulumi/aws", message: "import * as aws from infra/aws.ts, and add the service there if it is missing." },
            { name: "@pulumi/aws-native", message: "import the service's module, e.g. @pulumi/aws-native/quicksight." },
          ],
        },
      ],
    },
  },
  {
    // The pack is published as the policy/ folder alone, with core/ bundled in: nothing else of this repository reaches it.
    files: ["policy/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@pulumi/aws", message: "import the service's module, e.g. @pulumi/aws/kinesis." },
            { name: "@pulumi/aws-native", message: "import the service's module, e.g. @pulumi/aws-native/quicksight." },
          ],
          patterns: [
            {
              group: ["**/infra/**", "**/components/**", "**/local/**", "**/functions/**"],
              message: "policy/ imports only @pulumi/policy, provider types and core/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: { exports: "writable" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["infra/**/*.ts", "components/**/*.ts", "consumer/**/*.ts", "examples/**/*.ts"],
    plugins: { "@pulumi": pulumi },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
    },
  },
);
