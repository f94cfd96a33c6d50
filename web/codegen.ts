// Generates TypeScript types for every GraphQL operation in src/ from the
// server's schema sources (the files gqlgen builds the server from: the
// same globs as gqlgen.yml's schema).
// `npm run build` runs it before type-checking, so a schema change that
// breaks an operation or a component fails the build.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: [
    "../graph/ent.graphqls",
    "../graph/schema/*.graphqls",
    "../executor/stages/*/*.graphqls",
    "../policy/*/*.graphqls",
  ],
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { ID: "string", Time: "string", Map: "Record<string, unknown>", Cursor: "string" },
        skipTypename: false,
      },
    },
  },
  silent: true,
};

export default config;
