import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "test-output/", "infra/cdk.out/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      eqeqeq: "error",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The dev page's browser modules (served as they are, no build step).
    files: ["dev/web/**/*.js"],
    languageOptions: {
      globals: Object.fromEntries(
        ["window", "document", "Node", "EventSource", "FormData", "fetch", "console", "setInterval", "clearInterval", "setTimeout", "clearTimeout"].map(
          (name) => [name, "readonly"],
        ),
      ),
    },
  },
);
