// Structural checks of a CQL2 JSON expression, run at the edge before any catalog
// index translates it, so every backend receives the same well-formed tree and a
// malformed filter gets one clear 400 whatever the backend.
import { ValidationError } from '../../errors.ts';
import { assertGeometry } from '../../geo/geometry-validation.ts';
import { parseBbox } from '../../geo/bbox.ts';
import { parseDate, parseRfc3339 } from '../datetime.ts';
import type { Cql2Expr, Operation } from './cql2-ast.ts';

export const COMPARISON_OPS = new Set(['=', '<>', '<', '<=', '>', '>=']);
export const ARITHMETIC_OPS = new Set(['+', '-', '*', '/', '%', 'div', '^']);
export const SPATIAL_OPS = new Set(['s_intersects', 's_equals', 's_disjoint', 's_touches', 's_within', 's_overlaps', 's_crosses', 's_contains']);
export const TEMPORAL_OPS = new Set([
  't_after', 't_before', 't_contains', 't_disjoint', 't_during', 't_equals', 't_finishedBy', 't_finishes',
  't_intersects', 't_meets', 't_metBy', 't_overlappedBy', 't_overlaps', 't_startedBy', 't_starts',
]);
export const ARRAY_OPS = new Set(['a_equals', 'a_contains', 'a_containedBy', 'a_overlaps']);

const MAX_DEPTH = 100;
const MAX_NODES = 10_000;

type Kind = 'boolean' | 'scalar' | 'spatial' | 'temporal' | 'array';

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isOperation(value: unknown): value is Operation {
  return isObject(value) && typeof value.op === 'string';
}

/**
 * A property name: non-empty, without control characters or backslashes. Neither
 * can occur in a CQL2 identifier, and backends that embed names in JSON paths
 * (SQLite's `$."name"`) cannot express them.
 */
function propertyName(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ValidationError('filter: "property" must be a non-empty string');
  if (/[\u0000-\u001f\u007f\\]/.test(value)) throw new ValidationError(`filter: property name ${JSON.stringify(value)} contains a control character or a backslash`);
  return value;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function instant(value: unknown, where: string): void {
  if (isObject(value) && typeof value.timestamp === 'string') {
    if (parseRfc3339(value.timestamp) === undefined) throw new ValidationError(`${where}: "${value.timestamp}" is not an RFC 3339 timestamp`);
    return;
  }
  if (isObject(value) && typeof value.date === 'string') {
    if (parseDate(value.date) === undefined) throw new ValidationError(`${where}: "${value.date}" is not a date (YYYY-MM-DD)`);
    return;
  }
}

/** Returns a checked copy in which `between` always has three arguments. */
export function checkCql2(expr: unknown): Cql2Expr {
  let nodes = 0;

  function visit(node: unknown, expected: Kind, depth: number): Cql2Expr {
    if (++nodes > MAX_NODES) throw new ValidationError(`filter has more than ${MAX_NODES} nodes`);
    if (depth > MAX_DEPTH) throw new ValidationError(`filter nests deeper than ${MAX_DEPTH} levels`);
    if (isOperation(node)) return operation(node, expected, depth);
    if (isObject(node) && 'property' in node) {
      return { property: propertyName(node.property) };
    }
    switch (expected) {
      case 'boolean':
        if (typeof node === 'boolean') return node;
        throw new ValidationError(`filter: expected a boolean expression, got ${describe(node)}`);
      case 'scalar':
        if (typeof node === 'string' || typeof node === 'boolean' || node === null) return node;
        if (typeof node === 'number' && Number.isFinite(node)) return node;
        if (isObject(node) && (typeof node.timestamp === 'string' || typeof node.date === 'string')) {
          instant(node, 'filter');
          return node as unknown as Cql2Expr;
        }
        throw new ValidationError(`filter: expected a string, number, boolean, timestamp or property, got ${describe(node)}`);
      case 'spatial':
        if (isObject(node) && Array.isArray(node.bbox)) {
          parseBbox(node.bbox, 'filter bbox');
          return { bbox: node.bbox as number[] };
        }
        if (isObject(node) && typeof node.type === 'string' && GEOMETRY_TYPES.has(node.type)) return assertGeometry(node, 'filter geometry');
        throw new ValidationError(`filter: expected a geometry, bbox or property, got ${describe(node)}`);
      case 'temporal':
        if (isObject(node) && Array.isArray(node.interval)) {
          if (node.interval.length !== 2) throw new ValidationError('filter: an interval has exactly two bounds');
          const bounds = node.interval.map((b) => {
            if (b === '..') return b;
            if (typeof b === 'string') {
              if (parseRfc3339(b) === undefined && parseDate(b) === undefined) {
                throw new ValidationError(`filter: interval bound "${b}" is not a date, timestamp or ".."`);
              }
              return b;
            }
            if (isObject(b) && typeof b.property === 'string') return { property: propertyName(b.property) };
            instant(b, 'filter interval');
            if (isObject(b) && (typeof b.timestamp === 'string' || typeof b.date === 'string')) return b;
            throw new ValidationError(`filter: interval bound ${describe(b)} is not a date, timestamp, property or ".."`);
          });
          return { interval: bounds } as Cql2Expr;
        }
        if (isObject(node) && (typeof node.timestamp === 'string' || typeof node.date === 'string')) {
          instant(node, 'filter');
          return node as unknown as Cql2Expr;
        }
        throw new ValidationError(`filter: expected a timestamp, date, interval or property, got ${describe(node)}`);
      case 'array':
        if (Array.isArray(node)) return node.map((element) => (Array.isArray(element) ? visit(element, 'array', depth + 1) : visit(element, 'scalar', depth + 1)));
        throw new ValidationError(`filter: expected an array or property, got ${describe(node)}`);
    }
  }

  function args(op: Operation, count: number | [number, number]): unknown[] {
    if (!Array.isArray(op.args)) throw new ValidationError(`filter: "${op.op}" needs an "args" array`);
    const [min, max] = typeof count === 'number' ? [count, count] : count;
    if (op.args.length < min || op.args.length > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw new ValidationError(`filter: "${op.op}" takes ${expected} argument(s), got ${op.args.length}`);
    }
    return op.args;
  }

  function operation(node: Operation, expected: Kind, depth: number): Cql2Expr {
    const op = node.op;
    const returns = (kind: Kind) => {
      if (kind !== expected && !(expected === 'scalar' && kind === 'boolean')) {
        throw new ValidationError(`filter: "${op}" gives a ${kind} value where a ${expected} value is expected`);
      }
    };
    const next = depth + 1;
    if (op === 'and' || op === 'or') {
      returns('boolean');
      return { op, args: args(node, [2, Infinity]).map((a) => visit(a, 'boolean', next)) };
    }
    if (op === 'not') {
      returns('boolean');
      return { op, args: args(node, 1).map((a) => visit(a, 'boolean', next)) };
    }
    if (COMPARISON_OPS.has(op)) {
      returns('boolean');
      return { op, args: args(node, 2).map((a) => visit(a, 'scalar', next)) };
    }
    if (op === 'like') {
      returns('boolean');
      const [value, pattern] = args(node, 2);
      const checkedPattern = visit(pattern, 'scalar', next);
      if (!(typeof checkedPattern === 'string' || isOperation(checkedPattern))) throw new ValidationError('filter: the pattern of "like" must be a string');
      return { op, args: [visit(value, 'scalar', next), checkedPattern] };
    }
    if (op === 'between') {
      returns('boolean');
      const raw = args(node, [2, 3]);
      // Early CQL2 drafts (and stac-api-validator) send [value, [low, high]].
      const three = raw.length === 2 && Array.isArray(raw[1]) && raw[1].length === 2 ? [raw[0], ...raw[1]] : raw;
      if (three.length !== 3) throw new ValidationError('filter: "between" takes a value, a lower and an upper bound');
      return { op, args: three.map((a) => visit(a, 'scalar', next)) };
    }
    if (op === 'in') {
      returns('boolean');
      const [value, list] = args(node, 2);
      if (!Array.isArray(list) || list.length === 0) throw new ValidationError('filter: the second argument of "in" must be a non-empty array');
      return { op, args: [visit(value, 'scalar', next), list.map((v) => visit(v, 'scalar', next))] };
    }
    if (op === 'isNull') {
      returns('boolean');
      const [value] = args(node, 1);
      return { op, args: [isOperation(value) || isObject(value) ? visitAny(value, next) : visit(value, 'scalar', next)] };
    }
    if (SPATIAL_OPS.has(op)) {
      returns('boolean');
      return { op, args: args(node, 2).map((a) => visit(a, 'spatial', next)) };
    }
    if (TEMPORAL_OPS.has(op)) {
      returns('boolean');
      return { op, args: args(node, 2).map((a) => visit(a, 'temporal', next)) };
    }
    if (ARRAY_OPS.has(op)) {
      returns('boolean');
      return { op, args: args(node, 2).map((a) => visit(a, 'array', next)) };
    }
    if (op === 'casei' || op === 'accenti') {
      returns('scalar');
      return { op, args: args(node, 1).map((a) => visit(a, 'scalar', next)) };
    }
    if (ARITHMETIC_OPS.has(op)) {
      returns('scalar');
      return { op, args: args(node, 2).map((a) => visit(a, 'scalar', next)) };
    }
    throw new ValidationError(`filter: unknown operator or function "${op}"`);
  }

  /** isNull accepts any kind of operand: a property, a geometry, an interval… */
  function visitAny(value: unknown, depth: number): Cql2Expr {
    for (const kind of ['scalar', 'spatial', 'temporal', 'array'] as const) {
      try {
        return visit(value, kind, depth);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
      }
    }
    throw new ValidationError(`filter: "isNull" cannot test ${describe(value)}`);
  }

  return visit(expr, 'boolean', 0);
}
