// Where the router is, read at start from the server that serves the console (/config.json), so
// one build runs against any graph (npm start, tests on ephemeral ports, production).
export interface RuntimeConfig {
  graphUrl: string;
}

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (res.ok) {
      const body = (await res.json()) as Partial<RuntimeConfig>;
      if (body.graphUrl) return { graphUrl: body.graphUrl };
    }
  } catch {
    // fall through to the default
  }
  return { graphUrl: import.meta.env.VITE_GRAPH_URL ?? 'http://127.0.0.1:4000/graphql' };
}

export const wsUrlOf = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');
