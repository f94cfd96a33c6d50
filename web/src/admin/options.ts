// The objects a form can point at (flows, stages, policies, groups), loaded
// for selects and checkbox lists.
import { request } from "../lib/graphql";
import type { RefTarget } from "./config-kinds";
import { AdminFlows, AdminGroupOptions, AdminPolicyOptions, AdminStageOptions } from "./operations";

/** One choice of a reference select. */
export interface RefOption {
  id: string;
  label: string;
  /** A flow's designation or a stage's or policy's kind. */
  designation?: string;
  kind?: string;
}

/** Every object of target, sorted by name. */
export async function loadOptions(target: RefTarget): Promise<RefOption[]> {
  switch (target) {
    case "flow": {
      const d = await request(AdminFlows);
      return nodes(d.flows.edges).map((f) => ({ id: f.id, label: `${f.name} (${f.slug})`, designation: f.designation }));
    }
    case "stage": {
      const d = await request(AdminStageOptions);
      return nodes(d.stages.edges).map((s) => ({ id: s.id, label: s.name, kind: s.kind }));
    }
    case "policy": {
      const d = await request(AdminPolicyOptions);
      return nodes(d.policies.edges).map((p) => ({ id: p.id, label: p.name, kind: p.kind }));
    }
    case "group": {
      const d = await request(AdminGroupOptions);
      return nodes(d.groups.edges).map((g) => ({ id: g.id, label: g.name }));
    }
  }
}

/** The nodes of a connection's edges. */
export function nodes<T>(edges: ({ node?: T | null } | null)[] | null | undefined): T[] {
  const out: T[] = [];
  for (const e of edges ?? []) if (e?.node) out.push(e.node);
  return out;
}
