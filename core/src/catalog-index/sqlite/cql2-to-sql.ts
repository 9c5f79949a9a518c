// Translates a checked CQL2 JSON tree (see stac/cql2/cql2-check.ts) into an SQLite
// WHERE fragment with bound parameters. What a property name means (a column, a
// JSON member, an interval of two columns) is decided by the SqlTarget, so item
// search and collection search share this translator.
import type { Geometry } from 'geojson';
import { ValidationError } from '../../errors.ts';
import { bboxToPolygon, geometryBbox, type Bbox2D } from '../../geo/bbox.ts';
import { relate, toJsts, type SpatialOperator } from '../../geo/spatial-relations.ts';
import type { Cql2Expr, Operation } from '../../stac/cql2/cql2-ast.ts';
import { ARITHMETIC_OPS, COMPARISON_OPS, isOperation } from '../../stac/cql2/cql2-check.ts';
import { parseDate, parseRfc3339 } from '../../stac/datetime.ts';
import { temporalRelation } from '../../stac/cql2/temporal-relations.ts';
import { isProperty, literalTime } from '../../stac/cql2/cql2-values.ts';

export type SqlValue = string | number | null;

export interface Sql {
  sql: string;
  params: SqlValue[];
}

export type PropertyKind = 'text' | 'number' | 'time' | 'json' | 'geometry';

export interface PropertySql {
  sql: string;
  kind: PropertyKind;
  /** For JSON members: the document column and JSON path, for array functions. */
  json?: { doc: string; path: string };
  /**
   * For indexed JSON members (indexed-properties.ts): a column holding the member
   * when it is a string or a number and NULL otherwise, for comparisons with literals.
   */
  column?: string;
}

export interface SqlTarget {
  property(name: string): PropertySql;
  /** Start and end (epoch ms) of a property used in a temporal function. */
  interval(name: string): { start: string; end: string };
  /** Rows whose footprint box intersects the given box, as a cheap pre-filter. */
  boxCandidates?(boxes: Bbox2D[]): Sql;
  /**
   * Rows whose interval of property `name` may meet [start, end] (epoch ms), as a
   * pre-filter an index can answer; undefined when the target has none for it.
   */
  timeCandidates?(name: string, start: Sql, end: Sql): Sql | undefined;
}

export const FAR_PAST = -8.64e15;
export const FAR_FUTURE = 8.64e15;
const DAY_MS = 86_400_000;

export const sql = (text: string, params: SqlValue[] = []): Sql => ({ sql: text, params });

export function join(parts: Sql[], separator: string): Sql {
  return { sql: parts.map((p) => p.sql).join(separator), params: parts.flatMap((p) => p.params) };
}

export function parenthesized(part: Sql): Sql {
  return { sql: `(${part.sql})`, params: part.params };
}

export function jsonPath(name: string): string {
  // SQLite JSON paths escape with a backslash inside a quoted label.
  return `$."${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

type Typed = Sql & {
  kind: PropertyKind | 'literal-time' | 'literal';
  json?: PropertySql['json'];
  column?: string;
  literal?: 'text' | 'number' | 'boolean';
};

/** CQL2 LIKE (% _ and backslash escapes) as an SQLite GLOB pattern, which is case-sensitive. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i];
      out += next === '*' || next === '?' || next === '[' ? `[${next}]` : next;
    } else if (c === '%') out += '*';
    else if (c === '_') out += '?';
    else if (c === '*' || c === '?' || c === '[') out += `[${c}]`;
    else out += c;
  }
  return out;
}

export function casefold(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

export function unaccent(value: unknown): unknown {
  return typeof value === 'string' ? value.normalize('NFD').replace(/\p{M}/gu, '') : value;
}

function literalGeometry(value: unknown): Geometry | undefined {
  if (typeof value !== 'object' || value === null || isProperty(value)) return undefined;
  if ('bbox' in value && Array.isArray(value.bbox)) {
    const b = value.bbox as number[];
    return bboxToPolygon(b.length === 6 ? [b[0], b[1], b[3], b[4]] : (b as Bbox2D));
  }
  return value as Geometry;
}

export function cql2ToSql(expr: Cql2Expr, target: SqlTarget): Sql {
  function bool(node: Cql2Expr): Sql {
    if (typeof node === 'boolean') return sql(node ? '1' : '0');
    if (!isOperation(node)) throw new ValidationError(`filter: ${JSON.stringify(node)} is not a boolean expression`);
    const { op, args } = node;
    if (op === 'and' || op === 'or') {
      const parts = args.map(bool);
      // SQLite tests a row's conditions in the order written: under AND, the exact
      // spatial checks (a JavaScript call per row) go last, after the cheap ones.
      const costly = (part: Sql) => part.sql.includes('meridian_relate(');
      const ordered = op === 'and' ? [...parts.filter((p) => !costly(p)), ...parts.filter(costly)] : parts;
      return parenthesized(join(ordered, ` ${op.toUpperCase()} `));
    }
    if (op === 'not') {
      const inner = bool(args[0]);
      return { sql: `NOT (${inner.sql})`, params: inner.params };
    }
    if (COMPARISON_OPS.has(op)) return comparison(op, args[0], args[1]);
    if (op === 'like') return like(args[0], args[1]);
    if (op === 'between') {
      const [v, lo, hi] = alignTimes(args.map(value));
      const guard = columnGuard(v, [lo, hi]);
      if (guard) return { sql: `(${guard} AND ${v.column} BETWEEN ${lo.sql} AND ${hi.sql})`, params: [...lo.params, ...hi.params] };
      return sameType([v, lo], { sql: `(${v.sql} BETWEEN ${lo.sql} AND ${hi.sql})`, params: [...v.params, ...lo.params, ...hi.params] });
    }
    if (op === 'in') {
      const subject = value(args[0]);
      const list = (args[1] as Cql2Expr[]).map(value).map((item) => alignTimes([subject, item])[1]);
      const items = { sql: list.map((i) => i.sql).join(', '), params: list.flatMap((i) => i.params) };
      const guard = columnGuard(subject, list);
      if (guard) return { sql: `(${guard} AND ${subject.column} IN (${items.sql}))`, params: items.params };
      const left = alignTimes([subject, list[0]])[0];
      const compared = { sql: `(${left.sql} IN (${items.sql}))`, params: [...left.params, ...items.params] };
      return list.every((i) => i.literal !== undefined && i.literal === list[0].literal) ? sameType([left, list[0]], compared) : compared;
    }
    if (op === 'isNull') {
      const subject = args[0];
      const inner: Sql = isProperty(subject) ? sql(target.property(subject.property).sql) : value(subject);
      return { sql: `(${inner.sql} IS NULL)`, params: inner.params };
    }
    if (op.startsWith('s_')) return spatial(op as SpatialOperator, args[0], args[1]);
    if (op.startsWith('t_')) return temporal(op, args[0], args[1]);
    if (op.startsWith('a_')) return arrays(op, args[0], args[1]);
    throw new ValidationError(`filter: "${op}" is not a boolean expression`);
  }

  function value(node: Cql2Expr): Typed {
    if (node === null) return { sql: 'NULL', params: [], kind: 'literal' };
    if (typeof node === 'string') return { sql: '?', params: [node], kind: 'literal', literal: 'text' };
    if (typeof node === 'number') return { sql: '?', params: [node], kind: 'literal', literal: 'number' };
    if (typeof node === 'boolean') return { sql: node ? '1' : '0', params: [], kind: 'literal', literal: 'boolean' };
    if (isProperty(node)) {
      const p = target.property(node.property);
      return { sql: p.sql, params: [], kind: p.kind, json: p.json, column: p.column };
    }
    const time = literalTime(node);
    if (time !== undefined) return { sql: '?', params: [time], kind: 'literal-time' };
    if (isOperation(node)) return operationValue(node);
    throw new ValidationError(`filter: ${JSON.stringify(node)} cannot be compared`);
  }

  function operationValue(node: Operation): Typed {
    const { op, args } = node;
    if (op === 'casei' || op === 'accenti') {
      const inner = value(args[0]);
      const fn = op === 'casei' ? 'meridian_casei' : 'meridian_accenti';
      return { sql: `${fn}(${inner.sql})`, params: inner.params, kind: 'text' };
    }
    if (ARITHMETIC_OPS.has(op)) {
      const [a, b] = args.map(value);
      const params = [...a.params, ...b.params];
      switch (op) {
        case '/': return { sql: `(CAST(${a.sql} AS REAL) / ${b.sql})`, params, kind: 'number' };
        case 'div': return { sql: `(CAST(${a.sql} AS INTEGER) / CAST(${b.sql} AS INTEGER))`, params, kind: 'number' };
        case '^': return { sql: `pow(${a.sql}, ${b.sql})`, params, kind: 'number' };
        default: return { sql: `(${a.sql} ${op} ${b.sql})`, params, kind: 'number' };
      }
    }
    return { ...bool(node), kind: 'number' };
  }

  /** A time literal compared with a JSON member needs the member read as epoch ms. */
  function alignTimes(values: Typed[]): Typed[] {
    const timed = values.some((v) => v.kind === 'literal-time' || v.kind === 'time');
    if (!timed) return values;
    return values.map((v) => (v.kind === 'json' || v.kind === 'text' ? { ...v, sql: `meridian_ms(${v.sql})`, kind: 'time' } : v));
  }

  /**
   * SQLite orders every number before every string, so `cloud < '50'` would hold
   * for every number; CQL2 compares a JSON member only with literals of its type.
   */
  function sameType(values: Typed[], compared: Sql): Sql {
    const member = values.find((v) => v.json);
    const literal = values.find((v) => v.literal);
    if (!member?.json || !literal?.literal) return compared;
    const types = { text: "('text')", number: "('integer', 'real')", boolean: "('true', 'false')" }[literal.literal];
    return { sql: `(json_type(${member.json.doc}, ?) IN ${types} AND ${compared.sql})`, params: [member.json.path, ...compared.params] };
  }

  /**
   * The type test that lets an indexed member's column stand for it, when it is
   * compared only with string literals or only with number literals: the column is
   * NULL for other JSON types, and as SQLite orders every number before every
   * string, "is a number" is `< ''` and "is a string" `>= ''`, bounds that an index
   * range scan uses. Undefined when the JSON member has to be read.
   */
  function columnGuard(member: Typed, literals: Typed[]): string | undefined {
    const type = literals[0]?.literal;
    if (!member.column || (type !== 'text' && type !== 'number')) return undefined;
    if (!literals.every((l) => l.kind === 'literal' && l.literal === type)) return undefined;
    return type === 'number' ? `${member.column} < ''` : `${member.column} >= ''`;
  }

  function comparison(op: string, left: Cql2Expr, right: Cql2Expr): Sql {
    const [a, b] = alignTimes([value(left), value(right)]);
    const leftGuard = columnGuard(a, [b]);
    if (leftGuard) return { sql: `(${leftGuard} AND ${a.column} ${op} ${b.sql})`, params: b.params };
    const rightGuard = columnGuard(b, [a]);
    if (rightGuard) return { sql: `(${rightGuard} AND ${a.sql} ${op} ${b.column})`, params: a.params };
    return sameType([a, b], { sql: `(${a.sql} ${op} ${b.sql})`, params: [...a.params, ...b.params] });
  }

  function like(subject: Cql2Expr, pattern: Cql2Expr): Sql {
    // casei/accenti on the pattern apply to the literal here and to the subject in SQL.
    let text = pattern;
    const folds: string[] = [];
    while (isOperation(text) && (text.op === 'casei' || text.op === 'accenti')) {
      folds.push(text.op);
      text = text.args[0];
    }
    if (typeof text !== 'string') throw new ValidationError('filter: the pattern of "like" must be a string literal');
    let glob = text;
    for (const fold of folds) glob = String(fold === 'casei' ? casefold(glob) : unaccent(glob));
    let left = value(subject);
    for (const fold of folds) {
      if (!(isOperation(subject) && subject.op === fold)) left = { ...left, sql: `${fold === 'casei' ? 'meridian_casei' : 'meridian_accenti'}(${left.sql})` };
    }
    return { sql: `(${left.sql} GLOB ?)`, params: [...left.params, likeToGlob(glob)] };
  }

  function spatial(op: SpatialOperator, a: Cql2Expr, b: Cql2Expr): Sql {
    const ga = literalGeometry(a);
    const gb = literalGeometry(b);
    if (ga && gb) return sql(relate(op, toJsts(ga), toJsts(gb)) ? '1' : '0');
    const side = (node: Cql2Expr, geometry: Geometry | undefined): Sql => {
      if (geometry) return sql('?', [JSON.stringify(geometry)]);
      const p = target.property((node as { property: string }).property);
      if (p.kind !== 'geometry') throw new ValidationError(`filter: "${(node as { property: string }).property}" is not a geometry`);
      return sql(p.sql);
    };
    const left = side(a, ga);
    const right = side(b, gb);
    const exact = { sql: `meridian_relate('${op}', ${left.sql}, ${right.sql})`, params: [...left.params, ...right.params] };
    const literal = ga ?? gb;
    const box = literal ? geometryBbox(literal) : undefined;
    // Every relation but disjointness implies that the two envelopes meet.
    if (op === 's_disjoint' || !box || !target.boxCandidates) return exact;
    const candidates = target.boxCandidates([box]);
    return { sql: `(${candidates.sql} AND ${exact.sql})`, params: [...candidates.params, ...exact.params] };
  }

  function bounds(node: Cql2Expr): { start: Sql; end: Sql } {
    if (isProperty(node)) {
      const { start, end } = target.interval(node.property);
      return { start: sql(start), end: sql(end) };
    }
    if (typeof node === 'object' && node !== null && 'interval' in node) {
      const [from, to] = node.interval.map((bound, i) => {
        if (bound === '..') return sql('?', [i === 0 ? FAR_PAST : FAR_FUTURE]);
        if (isProperty(bound)) return sql(i === 0 ? target.interval(bound.property).start : target.interval(bound.property).end);
        const text = typeof bound === 'string' ? bound : undefined;
        const date = text !== undefined ? parseDate(text) : typeof bound === 'object' && 'date' in bound ? parseDate(bound.date) : undefined;
        if (date !== undefined) return sql('?', [i === 0 ? date : date + DAY_MS - 1]);
        const instant = text !== undefined ? parseRfc3339(text) : literalTime(bound);
        if (instant === undefined) throw new ValidationError(`filter: interval bound ${JSON.stringify(bound)} is not a date or timestamp`);
        return sql('?', [instant]);
      });
      return { start: from, end: to };
    }
    if (typeof node === 'object' && node !== null && 'date' in node) {
      const day = parseDate(String(node.date));
      if (day === undefined) throw new ValidationError(`filter: "${node.date}" is not a date`);
      return { start: sql('?', [day]), end: sql('?', [day + DAY_MS - 1]) };
    }
    const instant = literalTime(node);
    if (instant === undefined) throw new ValidationError(`filter: ${JSON.stringify(node)} is not a temporal value`);
    return { start: sql('?', [instant]), end: sql('?', [instant]) };
  }

  function temporal(op: string, left: Cql2Expr, right: Cql2Expr): Sql {
    const a = bounds(left);
    const b = bounds(right);
    const relation = temporalRelation(op, a, b);
    if (!relation) throw new ValidationError(`filter: unknown temporal function "${op}"`);
    const exact = parenthesized(join(relation.comparisons.map(([x, cmp, y]) => join([x, sql(` ${cmp} `), y], '')), relation.combine === 'or' ? ' OR ' : ' AND '));
    // Every relation but these three implies that the two (closed) intervals meet.
    if (op === 't_disjoint' || op === 't_before' || op === 't_after') return exact;
    // A property against a literal only: a bound taken from another column narrows nothing an index could use.
    const [property, other] = isProperty(left) && !isProperty(right) ? [left.property, b] : isProperty(right) && !isProperty(left) ? [right.property, a] : [];
    const candidates = property === undefined || other === undefined ? undefined : target.timeCandidates?.(property, other.start, other.end);
    return candidates ? parenthesized(join([candidates, exact], ' AND ')) : exact;
  }

  /** A JSON array operand: its elements as a table and a test that it is an array. */
  function arrayOperand(node: Cql2Expr): { each: Sql; isArray: Sql } {
    if (Array.isArray(node)) {
      const json = JSON.stringify(node);
      return { each: sql('json_each(?)', [json]), isArray: sql('1') };
    }
    if (isProperty(node)) {
      const p = target.property(node.property);
      if (!p.json) return { each: sql("json_each('[]')"), isArray: sql('0') };
      return {
        each: sql(`json_each(${p.json.doc}, ?)`, [p.json.path]),
        isArray: sql(`(json_type(${p.json.doc}, ?) = 'array')`, [p.json.path]),
      };
    }
    throw new ValidationError(`filter: ${JSON.stringify(node)} is not an array`);
  }

  function arrays(op: string, left: Cql2Expr, right: Cql2Expr): Sql {
    const a = arrayOperand(left);
    const b = arrayOperand(right);
    const allIn = (x: Sql, y: Sql) => join([sql('NOT EXISTS (SELECT 1 FROM '), x, sql(' AS x WHERE x.value NOT IN (SELECT y.value FROM '), y, sql(' AS y))')], '');
    const guard = join([a.isArray, sql(' AND '), b.isArray], '');
    let body: Sql;
    switch (op) {
      case 'a_overlaps': body = join([sql('EXISTS (SELECT 1 FROM '), a.each, sql(' AS x WHERE x.value IN (SELECT y.value FROM '), b.each, sql(' AS y))')], ''); break;
      case 'a_contains': body = allIn(b.each, a.each); break;
      case 'a_containedBy': body = allIn(a.each, b.each); break;
      case 'a_equals': {
        // Same elements in the same order.
        body = join([
          sql('(SELECT count(*) FROM '), a.each, sql(') = (SELECT count(*) FROM '), b.each,
          sql(') AND NOT EXISTS (SELECT 1 FROM '), a.each, sql(' AS x JOIN '), b.each,
          sql(' AS y ON x.key = y.key WHERE x.value IS NOT y.value OR x.type <> y.type)'),
        ], '');
        break;
      }
      default: throw new ValidationError(`filter: unknown array function "${op}"`);
    }
    return join([sql('('), guard, sql(' AND '), body, sql(')')], '');
  }

  return bool(expr);
}
