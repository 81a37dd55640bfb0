// Scenario: operations whose plan is one fetch are sent by the router itself (router/src/direct-fetch.ts,
// docs/decisions/0034). Clients must not be able to tell: each answer here is compared, status,
// headers and body, with a router on the same subgraphs that runs everything through the gateway
// (ROUTER_DIRECT_FETCHES=false). Every fetch reaches its subgraph once, errors included.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextId } from '@sport-venue/shared';
import { freePort } from '../infra/instance.ts';
import { startGraph, type Graph } from './support/graph.ts';
import { startTokenIssuer } from './support/token-issuer.ts';

type Router = Awaited<ReturnType<Graph['startAnotherRouter']>>;

interface Answer {
  status: number;
  headers: Record<string, string | null>;
  body: string;
}

const CITIES = '{ cities { code name timeZone } }';
const CHECK_IN = 'mutation($input: CheckInInput!) { checkIn(input: $input) { session { id counted } } }';

// A text of its own, so that its first request is the one the router learns the plan from.
const CHECK_IN_COUNTED = 'mutation($input: CheckInInput!) { checkIn(input: $input) { session { counted } } }';

/** The headers a client acts on; `date` and the connection's own differ by nature. */
const SEEN_HEADERS = ['content-type', 'cache-control', 'retry-after', 'www-authenticate'];

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    headers: Object.fromEntries(SEEN_HEADERS.map((name) => [name, res.headers.get(name)])),
    body: await res.text(),
  };
}

/** A counter's value on a router's /metrics (0 when not yet reported). */
async function metric(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

const answered = (url: string) => metric(url, 'router_direct_fetches_total{outcome="answered"}');
const replayed = (url: string) => metric(url, 'router_direct_fetches_total{outcome="replayed"}');
const venueFetches = (url: string) => metric(url, 'subgraph_fetch_duration_seconds_count{subgraph="venue"}');

describe('operations the router fetches directly', () => {
  let graph: Graph;
  let issuer: Awaited<ReturnType<typeof startTokenIssuer>>;
  /** Direct fetches on (the default) and off, on the same subgraphs and stores. */
  let direct: Router;
  let gateway: Router;

  const startAnother = async (env: Record<string, string>) => {
    return graph.startAnotherRouter({ RATE_LIMIT_PER_IP_PER_MINUTE: '100000', ...env });
  };

  /** The same request to both routers; the direct one is asked twice (it learns the plan from the first). */
  const both = async (body: unknown, headers: Record<string, string> = {}) => {
    await post(direct.url, body, headers);
    const fromDirect = await post(direct.url, body, headers);
    await post(gateway.url, body, headers);
    const fromGateway = await post(gateway.url, body, headers);
    return { fromDirect, fromGateway };
  };

  before(async () => {
    issuer = await startTokenIssuer();
    graph = await startGraph({ routerEnv: { USER_JWKS_URL: issuer.jwksUrl } });
    direct = await startAnother({});
    gateway = await startAnother({ ROUTER_DIRECT_FETCHES: 'false' });
    await graph.venue.db.city.upsert({
      where: { code: '310000' },
      create: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' },
      update: {},
    });
  });
  after(async () => {
    await graph?.stop();
    await issuer?.stop();
  });

  it('a one-fetch query is answered directly with what the gateway answers, byte for byte', async () => {
    const before = await answered(direct.url);
    const { fromDirect, fromGateway } = await both({ query: CITIES });
    assert.equal(await answered(direct.url), before + 1, 'the second request was served directly');
    assert.deepEqual(fromDirect, fromGateway);
    assert.equal(fromDirect.status, 200);
    assert.match(fromDirect.body, /"code":"310000"/);
    // The client's choice of media type is honoured as Apollo honours it.
    const accept = { accept: 'application/graphql-response+json' };
    const typed = await both({ query: CITIES }, accept);
    assert.deepEqual(typed.fromDirect, typed.fromGateway);
    assert.equal(
      typed.fromDirect.headers['content-type'],
      'application/graphql-response+json; charset=utf-8',
    );
    assert.equal(await answered(direct.url), before + 3, 'the plan was known: both served directly');
  });

  it('a document with fragments is answered directly with what the gateway answers', async () => {
    // Nested fragments are inlined too; the planner sometimes orders their fields otherwise, and
    // such a document is left to the gateway (router/test/unit/direct-plans.test.ts).
    const query = 'query Cities { cities { ...City } } fragment City on City { code name timeZone }';
    const before = await answered(direct.url);
    const { fromDirect, fromGateway } = await both({ query, operationName: 'Cities' });
    assert.equal(await answered(direct.url), before + 1);
    assert.deepEqual(fromDirect, fromGateway);
    assert.match(fromDirect.body, /"name":"上海"/);
  });

  it('a check-in is answered directly and stored once per request', async () => {
    const venue = await graph.venue.db.venue.create({
      data: {
        id: nextId(),
        cityCode: '310000',
        slug: `direct-${nextId()}`,
        name: '直连场馆',
        address: '人民广场',
        lat: 31.2304,
        lng: 121.4737,
        sports: ['badminton'],
        capacity: 100,
        timeZone: 'Asia/Shanghai',
        openingHours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[0, 1440]]])),
      },
    });
    const before = { answered: await answered(direct.url), fetches: await venueFetches(direct.url) };
    const sessions: string[] = [];
    for (const userId of ['8101', '8102', '8103']) {
      const token = await issuer.sign({ sub: userId, roles: ['USER'] });
      const input = {
        venueId: String(venue.id),
        lat: 31.2304,
        lng: 121.4737,
        accuracyM: 10,
        idempotencyKey: String(nextId()),
      };
      const answer = await post(
        direct.url,
        { query: CHECK_IN, variables: { input } },
        { authorization: `Bearer ${token}` },
      );
      assert.equal(answer.status, 200, answer.body);
      const body = JSON.parse(answer.body) as {
        data: { checkIn: { session: { id: string; counted: boolean } } };
      };
      sessions.push(body.data.checkIn.session.id);
    }
    assert.equal(new Set(sessions).size, 3);
    assert.equal(await venueFetches(direct.url), before.fetches + 3, 'one venue fetch per check-in');
    assert.ok((await answered(direct.url)) >= before.answered + 2, 'served directly once the plan was known');
    assert.equal(await graph.venue.db.checkIn.count({ where: { venueId: venue.id } }), 3);
  });

  it('an answer with errors goes through the gateway without being fetched again', async () => {
    const token = await issuer.sign({ sub: '8201', roles: ['USER'] });
    const auth = { authorization: `Bearer ${token}` };
    const input = {
      venueId: '999999999',
      lat: 31.2,
      lng: 121.4,
      accuracyM: 10,
      idempotencyKey: 'k-unknown-venue',
    };
    const before = { replayed: await replayed(direct.url), fetches: await venueFetches(direct.url) };
    const { fromDirect, fromGateway } = await both({ query: CHECK_IN_COUNTED, variables: { input } }, auth);
    assert.deepEqual(fromDirect, fromGateway);
    assert.ok((JSON.parse(fromDirect.body) as { errors?: unknown[] }).errors?.length, fromDirect.body);
    assert.equal(await replayed(direct.url), before.replayed + 1);
    assert.equal(await venueFetches(direct.url), before.fetches + 2, 'each of the two requests fetched once');
  });

  it('variables that do not coerce are refused by Apollo before anything is sent', async () => {
    const token = await issuer.sign({ sub: '8151', roles: ['USER'] });
    const before = await venueFetches(direct.url);
    const { fromDirect, fromGateway } = await both(
      { query: CHECK_IN, variables: { input: { venueId: 1 } } },
      { authorization: `Bearer ${token}` },
    );
    assert.deepEqual(fromDirect, fromGateway);
    assert.equal(fromDirect.status, 400);
    assert.match(fromDirect.body, /BAD_USER_INPUT/);
    assert.equal(await venueFetches(direct.url), before);
  });

  it('a bad token is refused 401 before anything is sent', async () => {
    await both({ query: CITIES }); // the plan is known
    const before = await venueFetches(direct.url);
    const { fromDirect, fromGateway } = await both(
      { query: CITIES },
      { authorization: 'Bearer not-a-token' },
    );
    assert.deepEqual(fromDirect, fromGateway);
    assert.equal(fromDirect.status, 401);
    assert.equal(fromDirect.headers['www-authenticate'], 'Bearer');
    assert.equal(await venueFetches(direct.url), before);
  });

  it('a request handed back to the gateway counts against its rate limit once', async () => {
    const limited = await startAnother({ RATE_LIMIT_PER_USER_PER_MINUTE: '4' });
    const token = await issuer.sign({ sub: '8301', roles: ['USER'] });
    const auth = { authorization: `Bearer ${token}` };
    const input = { venueId: '999999998', lat: 31.2, lng: 121.4, accuracyM: 10, idempotencyKey: 'k-limited' };
    const statuses: number[] = [];
    // The first request teaches the plan; the next three are sent directly and replayed (errors).
    for (let i = 0; i < 5; i++)
      statuses.push((await post(limited.url, { query: CHECK_IN, variables: { input } }, auth)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
    assert.equal(await replayed(limited.url), 3);
  });

  it('a subgraph that cannot be reached gets the gateway’s error, and one attempt', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/graphql`;
    const down = await startAnother({ VENUE_SUBGRAPH_URL: closed });
    const downGateway = await startAnother({ VENUE_SUBGRAPH_URL: closed, ROUTER_DIRECT_FETCHES: 'false' });
    await post(down.url, { query: CITIES });
    const fromDirect = await post(down.url, { query: CITIES });
    await post(downGateway.url, { query: CITIES });
    const fromGateway = await post(downGateway.url, { query: CITIES });
    assert.deepEqual(fromDirect, fromGateway);
    assert.doesNotMatch(fromDirect.body, /"data":\{/);
    assert.equal(await replayed(down.url), 1);
    assert.equal(await venueFetches(down.url), 2);
  });
});
