// Translates a checked CQL2 JSON tree (stac/cql2/cql2-check.ts) into the query DSL
// Elasticsearch and OpenSearch share. What a property name means (a fixed field
// such as `id`, or a STAC property with typed fields) is decided by the
// QueryTarget, so item search and collection search share this translator.
//
// CQL2 has SQL's three-valued logic: a comparison with a missing property is
// unknown, and NOT unknown is still unknown. A bool query knows only match or no
// match, so each predicate is translated twice, into the documents where it is
// true and those where it is false; NOT swaps the two, AND and OR combine them
// by De Morgan. A comparison with a value of another type is false (as in the
// SQLite adapter), one with a missing property neither.
//
// Comparisons of a property with literals become term, range, wildcard and
// geo_shape queries on the typed fields of index-mapping.ts; what the DSL cannot
// say (property against property, arithmetic) becomes a painless script.
import type { Geometry } from 'geojson';
import { ValidationError } from '../../errors.ts';
import { bboxToPolygon, type Bbox2D } from '../../geo/bbox.ts';
import { relate, toJsts, type SpatialOperator } from '../../geo/spatial-relations.ts';
import type { Cql2Expr, Operation } from '../../stac/cql2/cql2-ast.ts';
import { ARITHMETIC_OPS, COMPARISON_OPS, isOperation } from '../../stac/cql2/cql2-check.ts';
import { parseDate, parseRfc3339 } from '../../stac/datetime.ts';
import { FOLDED_SUBFIELDS } from './index-mapping.ts';
import { PainlessExpression } from './painless.ts';
import { FAR_FUTURE, FAR_PAST, propertyField, timeOf } from './search-documents.ts';
import type { Json } from './search-engine-client.ts';
import { temporalRelation, type BoundComparison } from '../../stac/cql2/temporal-relations.ts';
import { isProperty, literalTime } from '../../stac/cql2/cql2-values.ts';

export type Query = Json;

/** A field with a fixed meaning rather than a STAC property. */
export type FixedField =
  | { kind: 'keyword'; field: string }
  | { kind: 'time'; field: string; start: string; end: string }
  | { kind: 'geometry'; field: string };

export interface QueryTarget {
  fixed(name: string): FixedField | undefined;
  /** The STAC property a CQL2 property name means (items accept a `properties.` prefix). */
  property(name: string): string;
}

export const MATCH_ALL: Query = { match_all: {} };
export const MATCH_NONE: Query = { match_none: {} };
const isAll = (q: Query) => q === MATCH_ALL;
const isNone = (q: Query) => q === MATCH_NONE;

export function and(parts: Query[]): Query {
  if (parts.some(isNone)) return MATCH_NONE;
  const kept = parts.filter((q) => !isAll(q));
  return kept.length === 0 ? MATCH_ALL : kept.length === 1 ? kept[0] : { bool: { filter: kept } };
}

export function or(parts: Query[]): Query {
  if (parts.some(isAll)) return MATCH_ALL;
  const kept = parts.filter((q) => !isNone(q));
  return kept.length === 0 ? MATCH_NONE : kept.length === 1 ? kept[0] : { bool: { should: kept, minimum_should_match: 1 } };
}

export function not(q: Query): Query {
  return isAll(q) ? MATCH_NONE : isNone(q) ? MATCH_ALL : { bool: { must_not: [q] } };
}

export const term = (field: string, value: unknown): Query => ({ term: { [field]: value } });
/**
 * One value is a `term` query: OpenSearch 3 runs a `terms` query as a bitset of
 * every document holding one of the values, built before the conjunction is walked
 * (a collection's 240,000 items for `collections=`), where a term query is an
 * iterator the conjunction advances (profiled on 1,000,000 items).
 */
export const terms = (field: string, values: unknown[]): Query => {
  if (values.length === 0) return MATCH_NONE;
  return values.length === 1 ? term(field, values[0]) : { terms: { [field]: values } };
};
const exists = (field: string): Query => ({ exists: { field } });
const constant = (value: boolean | null): Truth => ({ t: value === true ? MATCH_ALL : MATCH_NONE, f: value === false ? MATCH_ALL : MATCH_NONE });

/** Where a predicate is true and where it is false; documents in neither have it unknown. */
interface Truth {
  t: Query;
  f: Query;
}

type Fold = 'casei' | 'accenti';
type Scalar = string | number | boolean | null;

type Operand =
  | { type: 'literal'; value: Scalar }
  | { type: 'time'; ms: number }
  | { type: 'property'; name: string; folds: Fold[] }
  | { type: 'expression'; node: Cql2Expr };

const casefold = (s: string) => s.toLowerCase();
const unaccent = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');
const fold = (s: string, folds: Fold[]) => folds.reduce((v, f) => (f === 'casei' ? casefold(v) : unaccent(v)), s);

/** The string field a property's folds read (the engine applies the same folding to terms sent against it). */
function stringField(base: string, folds: Fold[]): string {
  const casei = folds.includes('casei');
  const accenti = folds.includes('accenti');
  const sub = casei && accenti ? FOLDED_SUBFIELDS.both : casei ? FOLDED_SUBFIELDS.casei : accenti ? FOLDED_SUBFIELDS.accenti : undefined;
  return sub ? `${base}.s.${sub}` : `${base}.s`;
}

/** CQL2 LIKE (% _ and backslash escapes) as a Lucene wildcard pattern (* ? and backslash escapes). */
export function likeToWildcard(pattern: string): string {
  const literal = (c: string) => (c === '*' || c === '?' || c === '\\' ? `\\${c}` : c);
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out += literal(pattern[++i]);
    else if (c === '%') out += '*';
    else if (c === '_') out += '?';
    else out += literal(c);
  }
  return out;
}

function likeToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const literal = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    if (c === '\\' && i + 1 < pattern.length) out += literal(pattern[++i]);
    else if (c === '%') out += '[^]*';
    else if (c === '_') out += '[^]';
    else out += literal(c);
  }
  return new RegExp(`^${out}$`, 'u');
}

export function literalGeometry(value: unknown): Geometry | undefined {
  if (typeof value !== 'object' || value === null || isProperty(value)) return undefined;
  if ('bbox' in value && Array.isArray(value.bbox)) {
    const b = value.bbox as number[];
    // Split at the antimeridian when west > east, as every backend reads a crossing box.
    return bboxToPolygon(b.length === 6 ? [b[0], b[1], b[3], b[4]] : (b as Bbox2D));
  }
  return value as Geometry;
}

/** Compares two literals as CQL2 does: null is unknown, different types are false. */
function compareLiterals(a: Scalar, b: Scalar, op: string): boolean | null {
  if (a === null || b === null) return null;
  if (typeof a !== typeof b) return false;
  switch (op) {
    case '=': return a === b;
    case '<>': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    default: return a >= b;
  }
}

const FLIPPED: Record<string, string> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const RANGE: Record<string, string> = { '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };

function comparison(field: string, op: string, value: unknown): Query {
  if (op === '=') return term(field, value);
  if (op === '<>') return and([exists(field), not(term(field, value))]);
  return { range: { [field]: { [RANGE[op]]: value } } };
}

const DAY_MS = 86_400_000;

/** Spatial relations the geo_shape query cannot state (DE-9IM touches, overlaps, crosses). */
export const EXACT_ONLY_RELATIONS = new Set(['s_touches', 's_overlaps', 's_crosses']);

/**
 * `decided` holds, for S_TOUCHES, S_OVERLAPS and S_CROSSES nodes of `expr`, the
 * documents found to satisfy them (see SearchEngineCatalogIndex): the engines'
 * geo_shape query cannot state those relations.
 */
export function cql2ToQuery(expr: Cql2Expr, target: QueryTarget, engine: string, decided: ReadonlyMap<Cql2Expr, Query> = new Map()): Query {
  const unsupported = (what: string) => new ValidationError(`filter: ${what} is not supported by the ${engine} catalog index`);

  function truth(node: Cql2Expr): Truth {
    if (typeof node === 'boolean') return constant(node);
    if (!isOperation(node)) throw new ValidationError(`filter: ${JSON.stringify(node)} is not a boolean expression`);
    const { op, args } = node;
    if (op === 'and' || op === 'or') {
      const parts = args.map(truth);
      const ts = parts.map((p) => p.t);
      const fs = parts.map((p) => p.f);
      return op === 'and' ? { t: and(ts), f: or(fs) } : { t: or(ts), f: and(fs) };
    }
    if (op === 'not') {
      const inner = truth(args[0]);
      return { t: inner.f, f: inner.t };
    }
    if (COMPARISON_OPS.has(op)) return compare(op, operand(args[0]), operand(args[1]));
    if (op === 'like') return like(args[0], args[1]);
    if (op === 'between') return between(args.map(operand));
    if (op === 'in') return within(operand(args[0]), (args[1] as Cql2Expr[]).map(operand));
    if (op === 'isNull') return isNull(args[0]);
    if (op.startsWith('s_')) return spatial(node, op as SpatialOperator, args[0], args[1]);
    if (op.startsWith('t_')) return temporal(op, args[0], args[1]);
    if (op.startsWith('a_')) return arrays(op, args[0], args[1]);
    throw new ValidationError(`filter: "${op}" is not a boolean expression`);
  }

  function operand(node: Cql2Expr): Operand {
    if (node === null || typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return { type: 'literal', value: node };
    if (isProperty(node)) return { type: 'property', name: node.property, folds: [] };
    const time = literalTime(node);
    if (time !== undefined) return { type: 'time', ms: time };
    if (isOperation(node) && (node.op === 'casei' || node.op === 'accenti')) {
      const inner = operand(node.args[0]);
      if (inner.type === 'property') return { ...inner, folds: [...inner.folds, node.op] };
      if (inner.type === 'literal' && typeof inner.value === 'string') return { type: 'literal', value: fold(inner.value, [node.op]) };
      if (inner.type === 'literal' || inner.type === 'time') return inner;
      return { type: 'expression', node };
    }
    return { type: 'expression', node };
  }

  /** Where a STAC property has a value at all: a comparison with it is then true or false, never unknown. */
  const present = (name: string): Query => term('present', name);

  /** Defined-and-not-true: the falsity of a predicate over one property. */
  function over(name: string, t: Query): Truth {
    const fixed = target.fixed(name);
    return { t, f: fixed ? not(t) : and([present(target.property(name)), not(t)]) };
  }

  function compare(op: string, left: Operand, right: Operand): Truth {
    if ((left.type === 'literal' || left.type === 'time') && right.type === 'property') return compare(FLIPPED[op], right, left);
    if (left.type === 'literal' && right.type === 'literal') return constant(compareLiterals(left.value, right.value, op));
    if (left.type === 'time' && right.type === 'time') return constant(compareLiterals(left.ms, right.ms, op));
    if (left.type !== 'property' || (right.type !== 'literal' && right.type !== 'time')) return script((e) => `cmp(${value(e, left)}, ${value(e, right)}, '${op}')`);
    if (right.type === 'literal' && right.value === null) return constant(null);
    const fixed = target.fixed(left.name);
    if (fixed) {
      if (fixed.kind === 'keyword') {
        if (right.type !== 'literal' || typeof right.value !== 'string') return constant(false);
        if (left.folds.length > 0) throw unsupported(`CASEI or ACCENTI on "${left.name}"`);
        return over(left.name, comparison(fixed.field, op, right.value));
      }
      if (fixed.kind === 'time') {
        const ms = right.type === 'time' ? right.ms : typeof right.value === 'string' ? timeOf(right.value) : undefined;
        return ms === undefined ? constant(false) : over(left.name, comparison(fixed.field, op, ms));
      }
      return constant(false);
    }
    const base = propertyField(target.property(left.name));
    if (right.type === 'time') return over(left.name, comparison(`${base}.t`, op, right.ms));
    const v = right.value;
    if (typeof v === 'string') return over(left.name, comparison(stringField(base, left.folds), op, fold(v, left.folds)));
    return over(left.name, comparison(typeof v === 'number' ? `${base}.n` : `${base}.b`, op, v));
  }

  function like(subject: Cql2Expr, pattern: Cql2Expr): Truth {
    // casei/accenti on the pattern apply to the literal here and to the subject's field.
    let text = pattern;
    const folds: Fold[] = [];
    while (isOperation(text) && (text.op === 'casei' || text.op === 'accenti')) {
      folds.push(text.op);
      text = text.args[0];
    }
    if (typeof text !== 'string') throw new ValidationError('filter: the pattern of "like" must be a string literal');
    const left = operand(subject);
    if (left.type === 'literal') return constant(typeof left.value === 'string' ? likeToRegExp(fold(text, folds)).test(fold(left.value, folds)) : left.value === null ? null : false);
    if (left.type !== 'property') throw unsupported('LIKE on a computed value');
    const all = [...new Set([...left.folds, ...folds])];
    const wildcard = likeToWildcard(fold(text, all));
    const fixed = target.fixed(left.name);
    if (fixed) {
      if (fixed.kind !== 'keyword') return constant(false);
      if (all.length > 0) throw unsupported(`CASEI or ACCENTI on "${left.name}"`);
      return over(left.name, { wildcard: { [fixed.field]: { value: wildcard } } });
    }
    return over(left.name, { wildcard: { [stringField(propertyField(target.property(left.name)), all)]: { value: wildcard } } });
  }

  function between([subject, low, high]: Operand[]): Truth {
    const kind = (o: Operand) => (o.type === 'time' ? 'time' : o.type === 'literal' && o.value !== null ? typeof o.value : undefined);
    const bound = (o: Operand) => (o.type === 'time' ? o.ms : o.type === 'literal' && typeof o.value === 'string' && subject.type === 'property' ? fold(o.value, subject.folds) : (o as { value?: unknown }).value);
    const type = kind(low);
    const native = subject.type === 'property' && type !== undefined && type === kind(high) && ['time', 'string', 'number'].includes(type)
      && !(subject.folds.length > 0 && target.fixed(subject.name));
    if (!native) return script((e) => `and3(cmp(${value(e, subject)}, ${value(e, low)}, '>='), cmp(${value(e, subject)}, ${value(e, high)}, '<='))`);
    const fixed = target.fixed(subject.name);
    const base = propertyField(target.property(subject.name));
    let field: string | undefined;
    if (fixed) field = (fixed.kind === 'time' && type === 'time') || (fixed.kind === 'keyword' && type === 'string') ? fixed.field : undefined;
    else field = type === 'time' ? `${base}.t` : type === 'number' ? `${base}.n` : stringField(base, subject.folds);
    if (field === undefined) return constant(false);
    return over(subject.name, { range: { [field]: { gte: bound(low), lte: bound(high) } } });
  }

  function within(subject: Operand, list: Operand[]): Truth {
    if (subject.type !== 'property' || !list.every((o) => o.type === 'literal' || o.type === 'time')) {
      return script((e) => `inl(${value(e, subject)}, [${list.map((o) => value(e, o)).join(', ')}])`);
    }
    const unknownInList = list.some((o) => o.type === 'literal' && o.value === null);
    const of = (type: string) => list.flatMap((o) => (o.type === 'literal' && o.value !== null && typeof o.value === type ? [o.value] : []));
    const times = list.flatMap((o) => (o.type === 'time' ? [o.ms] : []));
    const fixed = target.fixed(subject.name);
    let t: Query;
    if (fixed) {
      if (fixed.kind === 'keyword' && subject.folds.length) throw unsupported(`CASEI or ACCENTI on "${subject.name}"`);
      if (fixed.kind === 'keyword') t = terms(fixed.field, of('string'));
      else if (fixed.kind === 'time') t = terms(fixed.field, [...times, ...(of('string') as string[]).flatMap((s) => timeOf(s) ?? [])]);
      else t = MATCH_NONE;
    } else {
      const base = propertyField(target.property(subject.name));
      t = or([
        terms(stringField(base, subject.folds), (of('string') as string[]).map((s) => fold(s, subject.folds))),
        terms(`${base}.n`, of('number')),
        terms(`${base}.b`, of('boolean')),
        terms(`${base}.t`, times),
      ]);
    }
    const truthOf = over(subject.name, t);
    return unknownInList ? { t: truthOf.t, f: MATCH_NONE } : truthOf;
  }

  function isNull(subject: Cql2Expr): Truth {
    const o = operand(subject);
    if (o.type === 'literal') return constant(o.value === null);
    if (o.type === 'time') return constant(false);
    if (o.type === 'expression') {
      if (literalGeometry(subject)) return constant(false);
      return script((e) => `(${value(e, o)}) == null`);
    }
    const fixed = target.fixed(o.name);
    if (fixed?.kind === 'geometry') return { t: not(exists(fixed.field)), f: exists(fixed.field) };
    if (fixed) return constant(false);
    const p = present(target.property(o.name));
    return { t: not(p), f: p };
  }

  function spatial(node: Cql2Expr, op: SpatialOperator, a: Cql2Expr, b: Cql2Expr): Truth {
    const ga = literalGeometry(a);
    const gb = literalGeometry(b);
    if (ga && gb) return constant(relate(op, toJsts(ga), toJsts(gb)));
    const field = (node: Cql2Expr) => {
      const fixed = isProperty(node) ? target.fixed(node.property) : undefined;
      if (fixed?.kind !== 'geometry') throw new ValidationError(`filter: ${JSON.stringify(node)} is not a geometry`);
      return fixed.field;
    };
    if (!ga && !gb) throw unsupported(`${op.toUpperCase()} between two geometry properties`);
    const propertyFirst = !ga;
    const name = field(propertyFirst ? a : b);
    const shape = (propertyFirst ? gb : ga) as Geometry;
    const relation = (r: string): Query => ({ geo_shape: { [name]: { shape, relation: r } } });
    let t: Query;
    switch (op) {
      case 's_intersects': t = relation('intersects'); break;
      case 's_disjoint': t = and([exists(name), relation('disjoint')]); break;
      case 's_within': t = relation(propertyFirst ? 'within' : 'contains'); break;
      case 's_contains': t = relation(propertyFirst ? 'contains' : 'within'); break;
      // Two point sets are equal when each lies within the other.
      case 's_equals': t = and([relation('within'), relation('contains')]); break;
      default: {
        const found = decided.get(node);
        if (!found) throw unsupported(`${op.toUpperCase()} without its candidates decided`);
        t = found;
      }
    }
    return { t, f: and([exists(name), not(t)]) };
  }

  type Bound = { field: string } | { ms: number };

  function bounds(node: Cql2Expr): { start: Bound; end: Bound; fields: string[] } {
    const propertyBounds = (name: string): { start: Bound; end: Bound; fields: string[] } => {
      const fixed = target.fixed(name);
      if (fixed?.kind === 'time') return { start: { field: fixed.start }, end: { field: fixed.end }, fields: [] };
      if (fixed) throw new ValidationError(`filter: "${name}" is not a temporal property`);
      const field = `${propertyField(target.property(name))}.t`;
      return { start: { field }, end: { field }, fields: [field] };
    };
    if (isProperty(node)) return propertyBounds(node.property);
    if (typeof node === 'object' && node !== null && 'interval' in node) {
      const fields: string[] = [];
      const [start, end] = node.interval.map((bound, i): Bound => {
        if (bound === '..') return { ms: i === 0 ? FAR_PAST : FAR_FUTURE };
        if (isProperty(bound)) {
          const b = propertyBounds(bound.property);
          fields.push(...b.fields);
          return i === 0 ? b.start : b.end;
        }
        const text = typeof bound === 'string' ? bound : undefined;
        const day = text !== undefined ? parseDate(text) : typeof bound === 'object' && 'date' in bound ? parseDate(bound.date) : undefined;
        if (day !== undefined) return { ms: i === 0 ? day : day + DAY_MS - 1 };
        const instant = text !== undefined ? parseRfc3339(text) : literalTime(bound);
        if (instant === undefined) throw new ValidationError(`filter: interval bound ${JSON.stringify(bound)} is not a date or timestamp`);
        return { ms: instant };
      });
      return { start, end, fields };
    }
    if (typeof node === 'object' && node !== null && 'date' in node) {
      const day = parseDate(String(node.date));
      if (day === undefined) throw new ValidationError(`filter: "${node.date}" is not a date`);
      return { start: { ms: day }, end: { ms: day + DAY_MS - 1 }, fields: [] };
    }
    const instant = literalTime(node);
    if (instant === undefined) throw new ValidationError(`filter: ${JSON.stringify(node)} is not a temporal value`);
    return { start: { ms: instant }, end: { ms: instant }, fields: [] };
  }

  function temporal(op: string, left: Cql2Expr, right: Cql2Expr): Truth {
    const a = bounds(left);
    const b = bounds(right);
    const relation = temporalRelation(op, a, b);
    if (!relation) throw new ValidationError(`filter: unknown temporal function "${op}"`);
    const condition = ([x, cmp, y]: BoundComparison<Bound>): Query => {
      if ('ms' in x && 'ms' in y) return constant(compareLiterals(x.ms, y.ms, cmp)).t;
      if ('field' in x && 'ms' in y) return comparison(x.field, cmp, y.ms);
      if ('ms' in x && 'field' in y) return comparison(y.field, FLIPPED[cmp], x.ms);
      const e = new PainlessExpression();
      const side = (f: { field: string }) => `ms(doc, ${e.param(f.field)})`;
      return e.query(`cmp(${side(x as { field: string })}, ${side(y as { field: string })}, '${cmp}')`, true);
    };
    const parts = relation.comparisons.map(condition);
    const t = relation.combine === 'or' ? or(parts) : and(parts);
    const defined = and([...new Set([...a.fields, ...b.fields])].map(exists));
    return { t, f: and([defined, not(t)]) };
  }

  function arrays(op: string, left: Cql2Expr, right: Cql2Expr): Truth {
    if (Array.isArray(left) && Array.isArray(right)) {
      const a = left.map((v) => JSON.stringify(v));
      const b = right.map((v) => JSON.stringify(v));
      switch (op) {
        case 'a_equals': return constant(JSON.stringify(left) === JSON.stringify(right));
        case 'a_contains': return constant(b.every((v) => a.includes(v)));
        case 'a_containedBy': return constant(a.every((v) => b.includes(v)));
        case 'a_overlaps': return constant(a.some((v) => b.includes(v)));
      }
      throw new ValidationError(`filter: unknown array function "${op}"`);
    }
    if (!Array.isArray(left) && !Array.isArray(right)) throw unsupported(`${op.toUpperCase()} between two properties`);
    const swapped: Record<string, string> = { a_contains: 'a_containedBy', a_containedBy: 'a_contains' };
    const [subject, list, relation] = Array.isArray(left) ? [right, left, swapped[op] ?? op] : [left, right as Cql2Expr[], op];
    if (!isProperty(subject)) throw new ValidationError(`filter: ${JSON.stringify(subject)} is not an array`);
    if (target.fixed(subject.property)) return constant(false);
    const base = propertyField(target.property(subject.property));
    const elements = list.map((v) => JSON.stringify(v));
    const isArray = exists(`${base}.aj`);
    let t: Query;
    switch (relation) {
      case 'a_equals': t = term(`${base}.aj`, JSON.stringify(list)); break;
      case 'a_contains': t = and([isArray, ...elements.map((v) => term(`${base}.ae`, v))]); break;
      case 'a_containedBy': t = and([isArray, or([
        { terms_set: { [`${base}.ae`]: { terms: elements, minimum_should_match_field: `${base}.ac` } } },
        term(`${base}.aj`, '[]'),
      ])]); break;
      case 'a_overlaps': t = terms(`${base}.ae`, elements); break;
      default: throw new ValidationError(`filter: unknown array function "${op}"`);
    }
    return over(subject.property, t);
  }

  /** A predicate the DSL cannot state, as a painless expression giving true, false or null. */
  function script(write: (e: PainlessExpression) => string): Truth {
    const e = new PainlessExpression();
    const expression = write(e);
    return { t: e.query(expression, true), f: e.query(expression, false) };
  }

  /** A painless expression for an operand's value. */
  function value(e: PainlessExpression, o: Operand): string {
    switch (o.type) {
      case 'literal': return e.param(o.value);
      case 'time': return e.param(o.ms);
      case 'property': {
        const fixed = target.fixed(o.name);
        if (fixed?.kind === 'keyword') {
          if (o.folds.length) throw unsupported(`CASEI or ACCENTI on "${o.name}" inside an expression`);
          return `kw(doc, ${e.param(fixed.field)})`;
        }
        if (fixed?.kind === 'time') return `ms(doc, ${e.param(fixed.field)})`;
        if (fixed) throw unsupported(`"${o.name}" inside an expression`);
        const base = propertyField(target.property(o.name));
        return o.folds.length ? `kw(doc, ${e.param(stringField(base, o.folds))})` : `v(doc, ${e.param(base)})`;
      }
      case 'expression': return expression(e, o.node);
    }
  }

  function expression(e: PainlessExpression, node: Cql2Expr): string {
    if (isOperation(node) && ARITHMETIC_OPS.has(node.op)) {
      const [a, b] = (node as Operation).args.map((arg) => value(e, operand(arg)));
      return `ar(${a}, ${b}, '${node.op}')`;
    }
    throw unsupported(`the expression ${JSON.stringify(node)}`);
  }

  return truth(expr).t;
}
