import { baseConfig, port, url, z } from '@sport-venue/shared';

export const routerConfigSchema = baseConfig.extend({
  ROUTER_PORT: port(4000),
  SUPERGRAPH_PATH: z.string().optional(),
  // Empty means "use the routing URL composed into the supergraph".
  USER_SUBGRAPH_URL: url().optional(),
  VENUE_SUBGRAPH_URL: url().optional(),
  SOCIAL_SUBGRAPH_URL: url().optional(),
  PREDICTION_SUBGRAPH_URL: url().optional(),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});

export type RouterConfig = ReturnType<typeof routerConfigSchema.parse>;

export function subgraphUrlOverrides(config: RouterConfig): Record<string, string | undefined> {
  return {
    user: config.USER_SUBGRAPH_URL,
    venue: config.VENUE_SUBGRAPH_URL,
    social: config.SOCIAL_SUBGRAPH_URL,
    prediction: config.PREDICTION_SUBGRAPH_URL,
  };
}
