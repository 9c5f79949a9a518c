// The STAC `query` extension, expressed as CQL2 so that one translator per
// backend handles both it and `filter`.
import { ValidationError } from '../../errors.ts';
import type { Cql2Expr } from '../cql2/cql2-ast.ts';

const COMPARISONS: Record<string, string> = { eq: '=', neq: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Numeric strings also match numbers: clients often send `{"lt": "10"}`. */
function asNumber(value: unknown): number | undefined {
  return typeof value === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value) ? Number(value) : undefined;
}

function scalar(value: unknown, where: string): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw new ValidationError(`${where} must be a string, number or boolean`);
}

export function queryToCql2(query: unknown): Cql2Expr | undefined {
  if (query === undefined) return undefined;
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    throw new ValidationError('query must be an object such as {"eo:cloud_cover": {"lt": 10}}');
  }
  const clauses: Cql2Expr[] = [];
  for (const [name, ops] of Object.entries(query)) {
    const property = { property: name.replace(/^properties\./, '') };
    if (property.property === '' || /[\u0000-\u001f\u007f\\]/.test(property.property)) {
      throw new ValidationError(`query: ${JSON.stringify(name)} is not a property name`);
    }
    if (typeof ops !== 'object' || ops === null || Array.isArray(ops)) {
      throw new ValidationError(`query.${name} must be an object of operators (eq, neq, lt, lte, gt, gte, startsWith, endsWith, contains, in)`);
    }
    for (const [op, raw] of Object.entries(ops)) {
      const where = `query.${name}.${op}`;
      if (op in COMPARISONS) {
        const value = scalar(raw, where);
        const number = asNumber(value);
        const compare = (v: string | number | boolean, cql2op = COMPARISONS[op]): Cql2Expr => ({ op: cql2op, args: [property, v] });
        // A numeric string equals the text or the number; CQL2 compares each only with values of its type.
        const equal: Cql2Expr = { op: 'or', args: [compare(value, '='), compare(number ?? value, '=')] };
        if (number === undefined) clauses.push(compare(value));
        else if (op === 'eq') clauses.push(equal);
        else if (op === 'neq') clauses.push({ op: 'not', args: [equal] });
        // Ordering by a numeric string means the number: as text, "100" < "50".
        else clauses.push(compare(number));
      } else if (op === 'startsWith' || op === 'endsWith' || op === 'contains') {
        if (typeof raw !== 'string') throw new ValidationError(`${where} must be a string`);
        const text = escapeLike(raw);
        const pattern = op === 'startsWith' ? `${text}%` : op === 'endsWith' ? `%${text}` : `%${text}%`;
        clauses.push({ op: 'like', args: [property, pattern] });
      } else if (op === 'in') {
        if (!Array.isArray(raw) || raw.length === 0) throw new ValidationError(`${where} must be a non-empty array`);
        const values = raw.map((v, i) => scalar(v, `${where}[${i}]`));
        // A property holding an array matches when any of its elements is listed.
        clauses.push({ op: 'or', args: [{ op: 'in', args: [property, values] }, { op: 'a_overlaps', args: [property, values] }] });
      } else {
        throw new ValidationError(`${where}: unknown operator "${op}" (use eq, neq, lt, lte, gt, gte, startsWith, endsWith, contains or in)`);
      }
    }
  }
  if (clauses.length === 0) return undefined;
  return clauses.length === 1 ? clauses[0] : { op: 'and', args: clauses };
}
