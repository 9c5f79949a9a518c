// Allen's interval relations as CQL2 defines them for its T_* functions, stated
// as comparisons between the bounds of two intervals, so that every catalog
// adapter renders the same relations in its own language (SQL, query DSL).

export type BoundComparison<B> = [B, '<' | '<=' | '=' | '>=' | '>', B];

export interface TemporalRelation<B> {
  /** `and`: every comparison must hold; `or` (t_disjoint only): any. */
  combine: 'and' | 'or';
  comparisons: BoundComparison<B>[];
}

interface Interval<B> {
  start: B;
  end: B;
}

/** The comparisons `op` (lower-case `t_…`) asks of intervals a and b; undefined for an unknown function. */
export function temporalRelation<B>(op: string, a: Interval<B>, b: Interval<B>): TemporalRelation<B> | undefined {
  const and = (...comparisons: BoundComparison<B>[]): TemporalRelation<B> => ({ combine: 'and', comparisons });
  switch (op) {
    case 't_after': return and([a.start, '>', b.end]);
    case 't_before': return and([a.end, '<', b.start]);
    case 't_contains': return and([a.start, '<', b.start], [a.end, '>', b.end]);
    case 't_during': return and([a.start, '>', b.start], [a.end, '<', b.end]);
    case 't_equals': return and([a.start, '=', b.start], [a.end, '=', b.end]);
    case 't_finishedBy': return and([a.start, '<', b.start], [a.end, '=', b.end]);
    case 't_finishes': return and([a.start, '>', b.start], [a.end, '=', b.end]);
    case 't_intersects': return and([a.start, '<=', b.end], [a.end, '>=', b.start]);
    case 't_meets': return and([a.end, '=', b.start]);
    case 't_metBy': return and([a.start, '=', b.end]);
    case 't_overlappedBy': return and([a.start, '>', b.start], [a.start, '<', b.end], [a.end, '>', b.end]);
    case 't_overlaps': return and([a.start, '<', b.start], [a.end, '>', b.start], [a.end, '<', b.end]);
    case 't_startedBy': return and([a.start, '=', b.start], [a.end, '>', b.end]);
    case 't_starts': return and([a.start, '=', b.start], [a.end, '<', b.end]);
    case 't_disjoint': return { combine: 'or', comparisons: [[a.end, '<', b.start], [a.start, '>', b.end]] };
    default: return undefined;
  }
}
