// The gateway's result shaping (`computeResponse` in @apollo/gateway/dist/resultShaping.js), with
// what it works out per selection worked out once per selection instead of once per object.
//
// After the subgraph fetches, the gateway walks the client's operation over the merged data to
// keep only the fields asked for, in order, null-bubbling invalid values. Its walk re-reads, for
// every object and every field, the field's @skip/@include (two array filters), response name,
// definition and type, and reaches each federation-internals helper through a re-export getter
// (`(0, federation_internals_1.isNonNullType)(…)`). For 50 venues × 24 forecast points that was
// ~5 ms of the router's ~10 ms of CPU per request (docs/decisions/0030).
//
// This module replaces the exported `computeResponse` with the same walk: same order, same
// output objects (null prototype), same errors and messages, same assertions, same null-bubbling.
// What changed: the response's objects have fast properties (`ResponseObject`, below); each selection's response name, definition type, introspection/__typename flags
// and @skip/@include directives are read once per selection set object (a WeakMap: the operation
// is built per request, so the memo lives as long as the request's operation does; the directives'
// `if` values are still evaluated with each call's variables), the helpers are plain function
// references, and values are passed positionally and returned without a result object per value.
//
// It is a patch of a library module, isolated here. router/test/unit/result-shaping.test.ts
// compares it with the gateway's own function over many operations and inputs (the gateway's
// version stays reachable as `gatewayComputeResponse`) and fails when the gateway's version or
// its call site changes, so an upgrade is read against this file.
import { createRequire } from 'node:module';

/** The @apollo/gateway version whose resultShaping.js this mirrors. */
export const MIRRORED_GATEWAY_VERSION = '2.14.4';

const gatewayRequire = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));

/* eslint-disable @typescript-eslint/no-explicit-any -- federation-internals' objects, typed loosely */
type Any = any;

interface Parameters {
  schema: Any;
  variables: Record<string, unknown>;
  errors: unknown[];
  introspectionHandling: (selection: Any) => unknown;
}

interface ComputeArgs {
  operation: Any;
  variables?: Record<string, unknown>;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: Any) => unknown;
}

type ComputeResponse = (args: ComputeArgs) => { data: unknown; errors: unknown[] };

const fed = gatewayRequire('@apollo/federation-internals');
const resultShapingModule = gatewayRequire('./resultShaping.js') as { computeResponse: ComputeResponse };
/** The gateway's own result shaping, as loaded (kept for the equivalence tests). */
export const gatewayComputeResponse: ComputeResponse = resultShapingModule.computeResponse;

const assert: (condition: unknown, message: string | (() => string)) => void = fed.assert;
const isNonNullType: (type: Any) => boolean = fed.isNonNullType;
const isListType: (type: Any) => boolean = fed.isListType;
const isCompositeType: (type: Any) => boolean = fed.isCompositeType;
const isObjectType: (type: Any) => boolean = fed.isObjectType;
const isSubtype: (type: Any, maybeSubType: Any) => boolean = fed.isSubtype;
const isValidLeafValue: (schema: Any, value: unknown, type: Any) => boolean = fed.isValidLeafValue;
const Variable: new (...args: never[]) => { name: string } = fed.Variable;
const ERRORS: { INVALID_GRAPHQL: { err: (message: string, options: { path: unknown[] }) => unknown } } =
  fed.ERRORS;
const typenameFieldName: string = fed.typenameFieldName;

const hasOwnProperty = Object.prototype.hasOwnProperty;
const OK = 0;
const NULL_BUBBLE_UP = 1;

/** One selection of a selection set, with what shaping reads of it. */
interface Compiled {
  selection: Any;
  /** Absent when the selection has neither @skip nor @include (nearly always). */
  skip: Any;
  include: Any;
  conditional: boolean;
  isField: boolean;
  // Fields:
  responseName: string;
  type: Any;
  isSchemaIntrospection: boolean;
  isTypename: boolean;
  // Both:
  selectionSet: Any;
  // Inline fragments:
  typeCondition: Any;
}

const compiledSets = new WeakMap<object, Compiled[]>();

/**
 * The response's objects. The gateway makes them with `Object.create(null)` so that no response
 * key (`__proto__`, `constructor` are valid aliases) reaches Object.prototype; V8 keeps such objects
 * in dictionary mode, slow to fill and to serialise. Instances of this class have an empty
 * null-prototype object as their prototype: the same guarantee (a missing key reads undefined, a
 * `__proto__` key is an own data property), with fast properties. Building and serialising the
 * 50 × 24 page costs ~40 % less.
 */
function ResponseObject(): void {}
ResponseObject.prototype = Object.create(null);
const newObject = (): Record<string, unknown> =>
  new (ResponseObject as unknown as new () => Record<string, unknown>)();

function compile(selectionSet: Any, schema: Any): Compiled[] {
  let compiled = compiledSets.get(selectionSet);
  if (compiled) return compiled;
  compiled = [];
  const skipDirective = schema.skipDirective();
  const includeDirective = schema.includeDirective();
  for (const selection of selectionSet.selections()) {
    const element = selection.element;
    const skip = element.appliedDirectivesOf(skipDirective)[0];
    const include = element.appliedDirectivesOf(includeDirective)[0];
    const isField = selection.kind === 'FieldSelection';
    compiled.push({
      selection,
      skip,
      include,
      conditional: skip !== undefined || include !== undefined,
      isField,
      responseName: isField ? element.responseName() : '',
      type: isField ? element.definition.type : undefined,
      isSchemaIntrospection: isField ? element.definition.isSchemaIntrospectionField() : false,
      isTypename: isField ? element.name === typenameFieldName : false,
      selectionSet: selection.selectionSet,
      typeCondition: isField ? undefined : element.typeCondition,
    });
  }
  compiledSets.set(selectionSet, compiled);
  return compiled;
}

export const computeResponse: ComputeResponse = ({ operation, variables, input, introspectionHandling }) => {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const parameters: Parameters = {
    schema,
    variables: {
      __proto__: null,
      ...operation.collectDefaultedVariableValues(),
      ...variables,
    } as Record<string, unknown>,
    errors: [],
    introspectionHandling,
  };
  const data = newObject();
  const res = applySelectionSet(
    input,
    operation.selectionSet,
    data,
    parameters,
    [],
    schema.schemaDefinition.rootType(operation.rootKind),
  );
  return { data: res === NULL_BUBBLE_UP ? null : data, errors: parameters.errors };
};

function shouldSkip(compiled: Compiled, variables: Record<string, unknown>): boolean {
  return (
    (compiled.skip && ifValue(compiled.skip, variables)) ||
    (compiled.include && !ifValue(compiled.include, variables))
  );
}

function ifValue(directive: Any, variables: Record<string, unknown>): boolean {
  const ifArg = directive.arguments().if;
  if (ifArg instanceof Variable) {
    const value = variables[ifArg.name];
    assert(
      value !== undefined && typeof value === 'boolean',
      () => `Unexpected value ${String(value)} for variable ${String(ifArg)} of ${String(directive)}`,
    );
    return value as boolean;
  }
  return ifArg;
}

function typeConditionApplies(schema: Any, typeCondition: Any, typename: unknown, parentType: Any): boolean {
  if (!typeCondition) return true;
  if (typename) {
    const type = schema.type(typename);
    return !!type && isSubtype(typeCondition, type);
  }
  return isSubtype(typeCondition, parentType);
}

function applySelectionSet(
  input: Any,
  selectionSet: Any,
  output: Any,
  parameters: Parameters,
  path: Array<string | number>,
  parentType: Any,
): number {
  const selections = compile(selectionSet, parameters.schema);
  for (let s = 0; s < selections.length; s++) {
    const compiled = selections[s]!;
    if (compiled.conditional && shouldSkip(compiled, parameters.variables)) continue;
    if (compiled.isField) {
      const responseName = compiled.responseName;
      const outputValue = output[responseName];
      if (compiled.isSchemaIntrospection) {
        if (outputValue === undefined)
          output[responseName] = parameters.introspectionHandling(compiled.selection);
        continue;
      }
      let inputValue = (hasOwnProperty.call(input, responseName) ? input[responseName] : undefined) ?? null;
      if (compiled.isTypename) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== typenameFieldName) {
            inputValue = input[typenameFieldName] ?? null;
          }
          const type =
            inputValue !== null && typeof inputValue === 'string'
              ? (parameters.schema.type(inputValue) ?? parentType)
              : parentType;
          if (!isObjectType(type)) return NULL_BUBBLE_UP;
          output[responseName] = type.name;
        }
        continue;
      }
      path.push(responseName);
      output[responseName] = updateOutputValue(
        outputValue,
        compiled.type,
        inputValue,
        compiled.selectionSet,
        path,
        parameters,
        parentType,
      );
      path.pop();
      if (lastInvalid) return NULL_BUBBLE_UP;
    } else {
      const typename = input[typenameFieldName];
      if (!(!typename || typeof typename === 'string'))
        assert(false, () => `Got unexpected value for __typename: ${typename}`);
      if (typeConditionApplies(parameters.schema, compiled.typeCondition, typename, parentType)) {
        const res = applySelectionSet(
          input,
          compiled.selectionSet,
          output,
          parameters,
          path,
          compiled.typeCondition ?? parentType,
        );
        if (res === NULL_BUBBLE_UP) return NULL_BUBBLE_UP;
      }
    }
  }
  return OK;
}

function pathLastElementDescription(path: Array<string | number>, currentType: Any, parentType: Any): string {
  const element = path[path.length - 1];
  assert(element !== undefined, 'Should not have been called on an empty path');
  return typeof element === 'string'
    ? `field ${parentType}.${element}`
    : `array element of type ${currentType} at index ${element}`;
}

// What the gateway's updateOutputValue returns besides the value (`{ updated, isInvalid,
// hasErrors }`), as two flags set by every return of ours and read by the caller right after the
// call: no object per shaped value.
let lastInvalid = false;
let lastHasErrors = false;

function done<T>(updated: T, isInvalid: boolean, hasErrors: boolean): T {
  lastInvalid = isInvalid;
  lastHasErrors = hasErrors;
  return updated;
}

function updateOutputValue(
  outputValue: Any,
  type: Any,
  inputValue: Any,
  selectionSet: Any,
  path: Array<string | number>,
  parameters: Parameters,
  parentType: Any,
): unknown {
  if (inputValue === undefined) assert(false, 'Should not pass undefined for `inputValue` to this method');
  if (outputValue === null || (outputValue !== undefined && !selectionSet))
    return done(outputValue, false, false);
  if (isNonNullType(type)) {
    const updated = updateOutputValue(
      outputValue,
      type.ofType,
      inputValue,
      selectionSet,
      path,
      parameters,
      parentType,
    );
    if (updated === null) {
      if (!lastHasErrors) {
        parameters.errors.push(
          ERRORS.INVALID_GRAPHQL.err(
            `Cannot return null for non-nullable ${pathLastElementDescription(path, type.ofType, parentType)}.`,
            { path: Array.from(path) },
          ),
        );
      }
      return done(updated, true, true);
    }
    return done(updated, false, false);
  }
  if (inputValue === null) return done(null, false, false);
  if (isListType(type)) {
    if (!Array.isArray(inputValue))
      assert(false, () => `Invalid non-list value ${inputValue} returned by subgraph for list type ${type}`);
    if (!(outputValue === undefined || Array.isArray(outputValue)))
      assert(false, () => `Invalid non-list value ${outputValue} returned by subgraph for list type ${type}`);
    const length = inputValue.length;
    if (outputValue !== undefined && length !== outputValue.length)
      assert(
        false,
        () => `[${inputValue}].length (${length}) !== [${outputValue}].length (${outputValue.length})`,
      );
    let shouldNullify = false;
    let hasErrors = false;
    const updated = new Array(length);
    for (let idx = 0; idx < length; idx++) {
      path.push(idx);
      updated[idx] = updateOutputValue(
        outputValue === undefined ? undefined : outputValue[idx],
        type.ofType,
        inputValue[idx],
        selectionSet,
        path,
        parameters,
        parentType,
      );
      path.pop();
      shouldNullify ||= lastInvalid;
      hasErrors ||= lastHasErrors;
    }
    return done(shouldNullify ? null : updated, false, hasErrors);
  }
  if (isCompositeType(type)) {
    if (!selectionSet) assert(false, () => `Invalid empty selection set for composite type ${type}`);
    if (typeof inputValue !== 'object')
      assert(
        false,
        () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`,
      );
    if (!(outputValue === undefined || typeof outputValue === 'object'))
      assert(
        false,
        () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`,
      );
    const inputTypename = inputValue[typenameFieldName];
    if (!(inputTypename === undefined || typeof inputTypename === 'string'))
      assert(false, () => `Invalid non-string value ${inputTypename} for __typename at ${path}`);
    let objType = type;
    if (inputTypename) {
      const typenameType = parameters.schema.type(inputTypename);
      if (!typenameType || !isCompositeType(typenameType)) {
        parameters.errors.push(
          ERRORS.INVALID_GRAPHQL.err(
            `Invalid __typename found for object at ${pathLastElementDescription(path, type, parentType)}.`,
            { path: Array.from(path) },
          ),
        );
        return done(null, false, true);
      }
      objType = typenameType;
    }
    const outputValueObject = outputValue === undefined ? newObject() : outputValue;
    const res = applySelectionSet(inputValue, selectionSet, outputValueObject, parameters, path, objType);
    const hasErrors = res === NULL_BUBBLE_UP;
    return done(hasErrors ? null : outputValueObject, false, hasErrors);
  }
  if (outputValue !== undefined)
    assert(false, () => `Excepted output to be undefined but got ${type} for type ${type}`);
  const isValidValue = isValidLeafValue(parameters.schema, inputValue, type);
  if (!isValidValue) {
    parameters.errors.push(
      ERRORS.INVALID_GRAPHQL.err(
        `Invalid value found for ${pathLastElementDescription(path, type, parentType)}.`,
        {
          path: Array.from(path),
        },
      ),
    );
  }
  return done(isValidValue ? inputValue : null, false, !isValidValue);
}

/**
 * Puts this module's `computeResponse` where the gateway's executeQueryPlan calls it from
 * (`resultShaping_1.computeResponse`, read at each call). Idempotent.
 */
export function installResultShaping(): void {
  resultShapingModule.computeResponse = computeResponse;
}

/** Whether the gateway now calls this module's result shaping (tests, diagnostics). */
export function resultShapingInstalled(): boolean {
  return resultShapingModule.computeResponse === computeResponse;
}
