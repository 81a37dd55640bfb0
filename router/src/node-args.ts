// V8 options the router's process starts with. Every launcher passes them before the entry:
// scripts/start.ts, infra/topology.ts and the benches through nodeArgsFor; router/Dockerfile spells
// them out. Why: fanning one event out to thousands of sockets allocates fast, and V8 then grows
// the young generation to its 64 MB semi-spaces (128 MB resident, never given back). 8 MB
// semi-spaces cost no measurable CPU per delivery (bench subscriptions: 3.3 vs 3.5 µs) and keep
// 10,000 subscribers under 300 MB resident (docs/decisions/0024).
export const ROUTER_NODE_ARGS = ['--max-semi-space-size=8'];

const BY_ENTRY: Record<string, string[]> = { 'router/src/index.ts': ROUTER_NODE_ARGS };

/** The node options for a service entry (a path relative to the repository root). */
export function nodeArgsFor(entry: string): string[] {
  return BY_ENTRY[entry] ?? [];
}
