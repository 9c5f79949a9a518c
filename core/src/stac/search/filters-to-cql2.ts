// The standard search parameters (ids, collections, bbox, intersects, datetime)
// are expressible in CQL2; folding them into the filter gives every catalog index
// one tree to translate. Free text (q) stays apart: it is the text engine's job.
import { toIso } from '../datetime.ts';
import type { Cql2Expr } from '../cql2/cql2-ast.ts';
import type { SearchFilters } from './search-query.ts';

export function filtersToCql2(filters: SearchFilters & { collections?: string[] }): Cql2Expr | undefined {
  const clauses: Cql2Expr[] = [];
  if (filters.collections) clauses.push({ op: 'in', args: [{ property: 'collection' }, filters.collections] });
  if (filters.ids) clauses.push({ op: 'in', args: [{ property: 'id' }, filters.ids] });
  if (filters.bbox) clauses.push({ op: 's_intersects', args: [{ property: 'geometry' }, { bbox: filters.bbox }] });
  if (filters.intersects) clauses.push({ op: 's_intersects', args: [{ property: 'geometry' }, filters.intersects] });
  if (filters.datetime) {
    const { start, end } = filters.datetime;
    const bound = (ms: number | null) => (ms === null ? '..' : toIso(ms));
    clauses.push({ op: 't_intersects', args: [{ property: 'datetime' }, { interval: [bound(start), bound(end)] }] });
  }
  if (filters.filter !== undefined) clauses.push(filters.filter);
  if (clauses.length === 0) return undefined;
  return clauses.length === 1 ? clauses[0] : { op: 'and', args: clauses };
}
