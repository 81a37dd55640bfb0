// Fan-out of subscription events. Subscribers with the same (document, variables, access) form one
// group: one Redis listener and ONE execution per event for the whole group, its result pushed to
// every member. A selection served from the event payload alone that touches no
// @authenticated/@requiresScopes field is public: executed anonymously and shared by everyone.
// Any other selection runs as its viewer and is shared only by viewers with the same identity
// (user, roles, venue grants; every anonymous subscriber is the same viewer): a subgraph may
// authorise what the router fetches for an event (the social subgraph answers `challenge(id)`
// of an invite-only challenge to its participants only), and the router cannot know which fetch
// it authorises, so a fetched payload is never shared across viewers who may not see it.
import { createHash } from 'node:crypto';
import {
  GraphQLError,
  Kind,
  execute,
  print,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type FieldNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import type { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Logger, Viewer } from '@sport-venue/shared';
import { payloadFieldResolver, type RunQuery } from './entity-fetch.ts';
import type { EventSource } from './sources.ts';
import { SubscriberQueue } from './subscriber-queue.ts';
import type { DirectDelivery } from './socket-sink.ts';
import { requirementsOf, type SecurityPolicy } from '../security.ts';

/** Events a group may have waiting before the oldest is dropped (see #onEvent). */
const MAX_PENDING = 1_000;

export interface SubscribeRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  variables: Record<string, unknown>;
  operationName?: string | null;
  viewer: Viewer | null;
  /** Where results go without passing through the returned stream (WebSocket subscriptions). */
  direct?: DirectDelivery;
}

interface Group {
  key: string;
  channel: string;
  request: SubscribeRequest;
  rootField: string;
  source: EventSource;
  members: Set<SubscriberQueue>;
  subscription: Promise<number>;
  /** True once Redis confirmed the channel subscription (events before that are not seen). */
  listening: boolean;
  /**
   * Events waiting for execution, oldest first. Each event of a payload source is delivered (a
   * live count's every step); a snapshot source (EventSource.coalesce) keeps only the newest.
   */
  pending: Array<Record<string, unknown>>;
  running: boolean;
  /** Highest `seq` seen on the channel; events that carry an older one are stale. */
  lastSeq: number;
}

export interface HubOptions {
  pubsub: RedisPubSub;
  sources: Record<string, EventSource>;
  policy: () => SecurityPolicy;
  /** Runs a query through the graph as the given viewer (null = anonymous). */
  runQuery: (viewer: Viewer | null) => RunQuery;
  logger: Logger;
  /** After each execution: the group's size and how many results were written or queued. */
  onExecuted?: (group: { members: number; delivered: number }) => void;
  onEvent?: (rootField: string) => void;
}

export class SubscriptionHub {
  readonly #groups = new Map<string, Group>();
  readonly #opts: HubOptions;
  /** Executions of subscription selections since start (one per event per group). */
  #executions = 0;
  /** Events dropped because their group had MAX_PENDING waiting already. */
  #dropped = 0;

  constructor(opts: HubOptions) {
    this.#opts = opts;
  }

  stats() {
    let subscribers = 0;
    let listening = 0;
    for (const group of this.#groups.values()) {
      subscribers += group.members.size;
      if (group.listening) listening += 1;
    }
    return {
      groups: this.#groups.size,
      listening,
      subscribers,
      executions: this.#executions,
      dropped: this.#dropped,
    };
  }

  /** Ends every subscription with the given error (schema reload, shutdown). */
  closeAll(message: string, code = 'SUBSCRIPTION_CLOSED') {
    const error = new GraphQLError(message, { extensions: { code } });
    for (const group of [...this.#groups.values()]) {
      for (const member of [...group.members]) member.end({ errors: [error] });
    }
  }

  subscribe(request: SubscribeRequest): AsyncIterableIterator<ExecutionResult> | ExecutionResult {
    const operation = request.document.definitions.find(
      (d): d is OperationDefinitionNode =>
        d.kind === Kind.OPERATION_DEFINITION &&
        (!request.operationName || d.name?.value === request.operationName),
    );
    const rootNode = operation?.selectionSet.selections[0];
    if (!operation || operation.operation !== 'subscription' || rootNode?.kind !== Kind.FIELD) {
      return { errors: [new GraphQLError('expected a subscription operation with one root field')] };
    }
    const rootField = (rootNode as FieldNode).name.value;
    const source = this.#opts.sources[rootField];
    const fieldDef = request.schema.getSubscriptionType()?.getFields()[rootField];
    if (!source || !fieldDef) {
      return { errors: [new GraphQLError(`subscription field ${rootField} has no event source`)] };
    }
    const args = getArgumentValues(fieldDef, rootNode as FieldNode, request.variables);
    const isPublic =
      !source.rootFetch &&
      !fetchesThroughGraph(rootNode as FieldNode, request.document) &&
      requirementsOf(request.schema, request.document, this.#opts.policy()).length === 0;
    const scope = isPublic ? 'public' : accessKey(request.viewer);
    const key = createHash('sha256')
      .update(print(request.document))
      .update('\0')
      .update(request.operationName ?? '')
      .update('\0')
      .update(stableJson(request.variables))
      .update('\0')
      .update(scope)
      .digest('base64url');

    let group = this.#groups.get(key);
    if (!group) {
      const channel = source.channel(args);
      const created: Group = {
        key,
        channel,
        request: { ...request, viewer: isPublic ? null : request.viewer },
        rootField,
        source,
        members: new Set(),
        subscription: this.#opts.pubsub.subscribe(channel, (message: unknown) =>
          this.#onEvent(created, message),
        ),
        pending: [],
        running: false,
        listening: false,
        lastSeq: -Infinity,
      };
      created.subscription.then(
        () => (created.listening = true),
        () => undefined,
      );
      created.subscription.catch((err) => {
        this.#opts.logger.error({ err, channel }, 'redis subscribe failed');
        this.#dispose(created, 'live updates are unavailable right now');
      });
      this.#groups.set(key, created);
      group = created;
    }
    const owner = group;
    const member = new SubscriberQueue(() => this.#leave(owner, member), undefined, request.direct);
    group.members.add(member);
    return member;
  }

  #leave(group: Group, member: SubscriberQueue) {
    group.members.delete(member);
    if (group.members.size === 0 && this.#groups.get(group.key) === group) {
      this.#groups.delete(group.key);
      void group.subscription.then((id) => this.#opts.pubsub.unsubscribe(id)).catch(() => undefined);
    }
  }

  #dispose(group: Group, message: string) {
    const error = new GraphQLError(message, { extensions: { code: 'SERVICE_UNAVAILABLE' } });
    for (const member of [...group.members]) member.end({ errors: [error] });
  }

  #onEvent(group: Group, message: unknown) {
    this.#opts.onEvent?.(group.rootField);
    const payload = group.source.decode(message);
    if (!payload) {
      this.#opts.logger.warn({ channel: group.channel }, 'dropped an event that does not match its contract');
      return;
    }
    if (typeof payload.seq === 'number') {
      if (payload.seq <= group.lastSeq) return;
      group.lastSeq = payload.seq;
    }
    if (group.source.coalesce) group.pending[0] = payload;
    else if (group.pending.push(payload) > MAX_PENDING) {
      // A group this far behind has a stuck or starved executor: newest states win.
      group.pending.shift();
      this.#dropped += 1;
    }
    if (!group.running) void this.#drain(group);
  }

  async #drain(group: Group) {
    group.running = true;
    try {
      while (group.pending.length > 0 && group.members.size > 0) {
        const payload = group.pending.shift()!;
        const result = await this.#execute(group, payload);
        this.#executions += 1;
        // Serialised once for the whole group; each direct subscriber adds only its id around it.
        let json: string | undefined;
        let delivered = 0;
        for (const member of group.members) {
          if (!member.direct) {
            member.push(result);
            delivered += 1;
          } else if (member.direct.next((json ??= JSON.stringify(result)))) delivered += 1;
        }
        this.#opts.onExecuted?.({ members: group.members.size, delivered });
      }
    } finally {
      group.running = false;
    }
  }

  async #execute(group: Group, payload: Record<string, unknown>): Promise<ExecutionResult> {
    const { schema, document, variables, operationName, viewer } = group.request;
    try {
      return await execute({
        schema,
        document,
        variableValues: variables,
        operationName,
        rootValue: { [group.rootField]: payload },
        contextValue: {},
        fieldResolver: payloadFieldResolver(this.#opts.runQuery(viewer), group.source.rootFetch),
      });
    } catch (err) {
      this.#opts.logger.error({ err }, 'subscription execution failed');
      return {
        errors: [
          new GraphQLError('internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
        ],
      };
    }
  }
}

/** Viewers with the same key see the same data: same user, roles and venue grants. */
function accessKey(viewer: Viewer | null): string {
  if (!viewer) return 'anonymous';
  return stableJson({
    user: viewer.userId,
    roles: [...viewer.roles].sort(),
    venues: [...viewer.venueIds].sort(),
  });
}

/**
 * Whether executing the root field's selection may fetch through the graph: it selects a field
 * with a selection of its own (an object: from the payload, or fetched as an entity by its id).
 * Fragments are followed once each.
 */
function fetchesThroughGraph(root: FieldNode, document: DocumentNode): boolean {
  const fragments = new Map<string, SelectionSetNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def.selectionSet);
  }
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.selectionSet !== undefined;
      if (selection.kind === Kind.INLINE_FRAGMENT) return walk(selection.selectionSet);
      const name = selection.name.value;
      if (seen.has(name)) return false;
      seen.add(name);
      return walk(fragments.get(name));
    });
  return walk(root.selectionSet);
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}
