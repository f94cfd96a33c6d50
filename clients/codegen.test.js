// graphql-codegen (client preset) over the served SDL file, then tsc
// --noEmit over typed/: the generated types know @oneOf inputs and the
// challenge types (docs/clients.md, "graphql-codegen").
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { token, url } from "./lib/gatehouse.js";

test("graphql-codegen types from the SDL file type-check", async (t) => {
  const response = await fetch(url.replace(/\/graphql$/, "/graphql/schema.graphql"), {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-codegen-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const schema = join(dir, "schema.graphql");
  writeFileSync(schema, await response.text());

  const run = (bin, args) => {
    try {
      execFileSync(join("node_modules", ".bin", bin), args, {
        cwd: import.meta.dirname,
        env: { ...process.env, GATEHOUSE_SCHEMA_FILE: schema },
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (err) {
      assert.fail(`${bin} ${args.join(" ")}:\n${err.stdout}${err.stderr}`);
    }
  };
  run("graphql-codegen", ["--config", "codegen.ts"]);
  run("tsc", ["--noEmit", "-p", "tsconfig.json"]);
});
