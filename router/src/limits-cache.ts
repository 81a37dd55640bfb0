// The limits' verdict on a document, remembered (docs/decisions/0027). Clients send the same few
// documents over and over; parsing and measuring each one again on every request was a tenth of
// the router's work on a small query. A verdict is reused only when it cannot differ:
//  - it is kept per API schema object: a new supergraph builds a new schema, whose cache starts
//    empty (the limits themselves are fixed for the life of the process);
//  - a measure that read a variable (`first: $n`) is never reused: the cached part is the parsed
//    document, and the measure runs again with the request's variables (linear in the document);
//  - the key is the exact document text and operation name (length-prefixed: unambiguous); a refusal is rebuilt per request
//    from its code and message, so no request sees another's error object.
// Memory is bounded by entries and by the characters of the texts kept (least recently used
// dropped first), a kept parse weighing as many characters as its syntax tree takes of memory
// (roughly): a client sending endless distinct documents only causes misses.
import {
  GraphQLError,
  parse,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { checkDocument, createMeasurer, exceeded, type Limits, type Measure } from './limits.ts';

interface Verdict {
  error: { code: string; message: string } | null;
  /** The measure of the operation that will run, for a batch's totals. */
  selected: Measure | null;
}

type DocumentEntry =
  /** A syntax error: Apollo reports it with its position. */
  | { kind: 'unparsable' }
  /** Measured without reading a variable: the same for every request. */
  | { kind: 'fixed'; verdict: Verdict }
  /** Depends on variables: measured again per request from the kept parse. */
  | { kind: 'variable'; document: DocumentNode };

const verdictOf = (checked: ReturnType<typeof checkDocument>): Verdict =>
  checked.error
    ? {
        error: { code: String(checked.error.extensions.code), message: checked.error.message },
        selected: null,
      }
    : { error: null, selected: checked.selected };

const errorOf = (error: { code: string; message: string }) =>
  new GraphQLError(error.message, { extensions: { code: error.code } });

/** Characters a kept parse counts for, per character of its text (an AST is far larger than its source). */
const PARSE_WEIGHT = 16;

/** A least-recently-used map bounded by entry count and by the total weight of its entries. */
class Lru<V> {
  readonly #entries = new Map<string, { value: V; weight: number }>();
  readonly maxEntries: number;
  readonly maxChars: number;
  #chars = 0;
  constructor(maxEntries: number, maxChars: number) {
    this.maxEntries = maxEntries;
    this.maxChars = maxChars;
  }
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }
  /** `weight`: the characters the entry counts for (its key's length at least). */
  set(key: string, value: V, weight = key.length) {
    if (weight > this.maxChars) return;
    const previous = this.#entries.get(key);
    if (previous && this.#entries.delete(key)) this.#chars -= previous.weight;
    this.#entries.set(key, { value, weight });
    this.#chars += weight;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#chars <= this.maxChars) break;
      this.#entries.delete(oldest);
      this.#chars -= entry.weight;
    }
  }
  get size() {
    return this.#entries.size;
  }
  get weight() {
    return this.#chars;
  }
}

export function createLimitsCache(limits: Limits, { maxEntries = 2_000, maxChars = 4_000_000 } = {}) {
  const byText = new WeakMap<GraphQLSchema, Lru<DocumentEntry>>();
  const byDocument = new WeakMap<
    GraphQLSchema,
    WeakMap<DocumentNode, Map<string, Pick<Verdict, 'error'> | null>>
  >();

  return {
    /**
     * Parses (at most `limits.maxTokens`) and measures a document sent over HTTP, before
     * validation: null for a syntax error (left to Apollo), else the verdict of checkDocument.
     */
    checkText(
      schema: GraphQLSchema,
      query: string,
      operationName: string | null,
      variables: Record<string, unknown>,
    ): { error: GraphQLError; selected?: undefined } | { error: null; selected: Measure | null } | null {
      let texts = byText.get(schema);
      if (!texts) byText.set(schema, (texts = new Lru(maxEntries, maxChars)));
      // The name's length first: no other (name, text) pair spells the same key.
      const key = operationName === null ? `-${query}` : `${operationName.length}:${operationName}${query}`;
      const entry = texts.get(key);
      if (!entry) {
        let document: DocumentNode;
        try {
          document = parse(query, { maxTokens: limits.maxTokens });
        } catch {
          texts.set(key, { kind: 'unparsable' });
          return null;
        }
        const measurer = createMeasurer(schema, document, limits, variables);
        const checked = checkDocument(schema, document, limits, variables, operationName, measurer);
        if (measurer.readVariables())
          texts.set(key, { kind: 'variable', document }, key.length * PARSE_WEIGHT);
        else texts.set(key, { kind: 'fixed', verdict: verdictOf(checked) });
        return checked;
      }
      if (entry.kind === 'unparsable') return null;
      if (entry.kind === 'variable')
        return checkDocument(schema, entry.document, limits, variables, operationName);
      const { error, selected } = entry.verdict;
      return error ? { error: errorOf(error) } : { error: null, selected };
    },

    /** How many documents, and how many characters' worth, are kept for `schema`. */
    kept(schema: GraphQLSchema) {
      const texts = byText.get(schema);
      return { documents: texts?.size ?? 0, weight: texts?.weight ?? 0 };
    },

    /**
     * The limits on a resolved operation (after validation; also WebSocket queries): the first
     * limit it breaks, or null. `document` is Apollo's parsed document, reused per query text.
     */
    checkOperation(
      schema: GraphQLSchema,
      document: DocumentNode,
      operation: OperationDefinitionNode,
      variables: Record<string, unknown>,
    ): GraphQLError | null {
      let documents = byDocument.get(schema);
      if (!documents) byDocument.set(schema, (documents = new WeakMap()));
      let operations = documents.get(document);
      if (!operations) documents.set(document, (operations = new Map()));
      const name = operation.name?.value ?? '';
      const known = operations.get(name);
      if (known) return known.error ? errorOf(known.error) : null;
      const measurer = createMeasurer(schema, document, limits, variables);
      const measure = measurer.operation(operation);
      const error = exceeded(measure, limits);
      // null: measured and found to depend on variables (never cached as a verdict).
      if (known === undefined)
        operations.set(
          name,
          measurer.readVariables()
            ? null
            : { error: error ? { code: String(error.extensions.code), message: error.message } : null },
        );
      return error;
    },
  };
}

export type LimitsCache = ReturnType<typeof createLimitsCache>;
