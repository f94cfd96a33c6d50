// graphql-codegen's client preset over Gatehouse's SDL file
// (/graphql/schema.graphql or `gatehouse schema`), as docs/clients.md
// recommends: codegen.test.js fetches the file from the server under test
// and sets GATEHOUSE_SCHEMA_FILE; typed/gql/ is generated, not committed.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: process.env.GATEHOUSE_SCHEMA_FILE ?? "schema.graphql",
  documents: ["typed/**/*.ts", "!typed/gql/**"],
  generates: {
    "typed/gql/": {
      preset: "client",
      config: {
        scalars: { ID: "string", Time: "string", Map: "Record<string, unknown>", Cursor: "string" },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
  silent: true,
};

export default config;
