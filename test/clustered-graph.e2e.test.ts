// The end-to-end scenarios that matter most — login, a check-in earning points and moving a PK
// board, PK leaderboards and their subscriptions — run once more against the clustered topology
// (docs/decisions/0012): Redis Cluster, partitioned topics, two replicas of the router and of every
// subgraph behind HAProxy (test/support/graph.ts). Each file's graph starts that way because the
// setting is made before the files are loaded.
process.env.TEST_GRAPH_TOPOLOGY = 'cluster';

await import('./login.e2e.test.ts');
await import('./checkin-points-pk.e2e.test.ts');
await import('./pk-leaderboard.e2e.test.ts');
