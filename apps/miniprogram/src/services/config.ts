// Where the router is. H5 reads `/config.json` from the server that served it (scripts/serve-static.ts:
// one build serves any environment); a build may fix VITE_GRAPHQL_URL instead (the mini-program
// must: it has no origin of its own). Fallback: the router's default port on the page's host.
export const isH5 = process.env.UNI_PLATFORM === 'h5';

let runtimeUrl: string | undefined;

/** Resolves once the runtime settings are known (immediately outside H5). */
export const configReady: Promise<void> = isH5
  ? fetch('./config.json', { cache: 'no-store' })
      .then((res) => (res.ok ? res.json() : {}))
      .then((config: { graphUrl?: string }) => {
        if (typeof config.graphUrl === 'string') runtimeUrl = config.graphUrl;
      })
      .catch(() => undefined)
  : Promise.resolve();

export function graphqlUrl(): string {
  const configured = runtimeUrl ?? (import.meta.env.VITE_GRAPHQL_URL as string | undefined);
  if (configured) return configured;
  if (isH5 && typeof location !== 'undefined')
    return `${location.protocol}//${location.hostname}:4000/graphql`;
  return 'http://127.0.0.1:4000/graphql';
}

export const wsUrl = () => graphqlUrl().replace(/^http/, 'ws');
