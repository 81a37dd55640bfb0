// Hive Gateway for `bench gateways`: its runtime in one process on node:http, like our router (the
// hive-gateway CLI would fork a worker per core in production, which is not like for like).
// Usage: node bench/support/hive-gateway.ts <supergraph file> <port> <merge: on|off>
// Hive Gateway does not authenticate or sign identities: the bench client sends the router-signed
// identity header and Hive passes it through, so the subgraphs see the same caller either way.
import { createServer } from 'node:http';
import { IDENTITY_HEADER } from '@sport-venue/shared';

const [supergraph, port, merge] = process.argv.slice(2);
if (!supergraph || !port || (merge !== 'on' && merge !== 'off')) {
  console.error('usage: hive-gateway.ts <supergraph> <port> <on|off>');
  process.exit(2);
}

// Loaded by a computed name: Hive's type declarations augment graphql's error extensions globally
// (graphql-yoga's), which would change the project's own types. At run time it is the same module.
const hive = '@graphql-hive/gateway';
const { createGatewayRuntime } = (await import(hive)) as {
  createGatewayRuntime: (config: Record<string, unknown>) => Parameters<typeof createServer>[1];
};

const gateway = createGatewayRuntime({
  supergraph,
  logging: 'error',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }: { request: Request }) => ({
      [IDENTITY_HEADER]: request.headers.get(IDENTITY_HEADER),
    }),
  },
  // Merging of identical in-flight subgraph requests is on by default; this is how Hive's docs
  // turn it off.
  ...(merge === 'off'
    ? { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } }
    : {}),
});

const server = createServer(gateway);
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
