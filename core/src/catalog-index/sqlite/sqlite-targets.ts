// What property names mean in SQL for items and for collections: the shared CQL2
// translator and the sort/keyset builder ask these.
import { splitAtAntimeridian, type Bbox2D } from '../../geo/bbox.ts';
import { join, jsonPath, sql, type PropertySql, type Sql, type SqlTarget } from './cql2-to-sql.ts';
import { DATETIME_REACH_SQL } from './sqlite-schema.ts';
import { propertyColumn } from './indexed-properties.ts';

export interface SearchTarget extends SqlTarget {
  table: string;
  /** Sort expression for a field; `nullable` false lets keyset paging use row values. */
  sortExpression(field: string): { sql: string; nullable: boolean };
  /** Fields appended to every sort so that the order is total. */
  tieBreakers: string[];
}

function jsonMember(doc: string, name: string): PropertySql {
  const path = jsonPath(name);
  return { sql: `json_extract(${doc}, '${path.replace(/'/g, "''")}')`, kind: 'json', json: { doc, path } };
}

/** Items, with the columns of the indexed properties (indexed-properties.ts). */
export function itemTarget(indexed: ReadonlySet<string>): SearchTarget {
  return {
    table: 'items',
    tieBreakers: ['id', 'collection'],
    property(name) {
      const bare = name.replace(/^properties\./, '');
      switch (bare) {
        case 'id': return { sql: 'items.id', kind: 'text' };
        case 'collection': return { sql: 'items.collection', kind: 'text' };
        case 'geometry': return { sql: 'items.geometry', kind: 'geometry' };
        // An item with only a range is compared by its start, as it is sorted.
        case 'datetime': return { sql: 'items.dt', kind: 'time' };
        default: {
          const member = jsonMember('items.properties', bare);
          return indexed.has(bare) ? { ...member, column: `items.${propertyColumn(bare)}` } : member;
        }
      }
    },
    interval(name) {
      if (name === 'datetime') return { start: 'items.dt_start', end: 'items.dt_end' };
      const member = this.property(name);
      const ms = member.kind === 'time' ? member.sql : `meridian_ms(${member.sql})`;
      return { start: ms, end: ms };
    },
    // An item meets [start, end] only if its sort key lies within the catalog's datetime
    // reach of it (sqlite-schema.ts), which the datetime index answers as a range.
    timeCandidates(name: string, start: Sql, end: Sql): Sql | undefined {
      if (name !== 'datetime') return undefined;
      return join([sql('items.dt BETWEEN '), start, sql(` - ${DATETIME_REACH_SQL} AND `), end, sql(` + ${DATETIME_REACH_SQL}`)], '');
    },
    boxCandidates(boxes: Bbox2D[]): Sql {
      const parts = boxes.flatMap(splitAtAntimeridian);
      const where = parts.map(() => '(maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?)').join(' OR ');
      return sql(`items.rid IN (SELECT id >> 1 FROM items_rtree WHERE ${where})`, parts.flatMap(([w, s, e, n]) => [w, e, s, n]));
    },
    sortExpression(field) {
      switch (field) {
        case 'datetime': return { sql: 'items.dt', nullable: false };
        case 'id': return { sql: 'items.id', nullable: false };
        case 'collection': return { sql: 'items.collection', nullable: false };
        default: return { sql: this.property(field).sql, nullable: true };
      }
    },
  };
}

export const collectionTarget: SearchTarget = {
  table: 'collections',
  tieBreakers: ['id'],
  property(name) {
    switch (name) {
      case 'id': return { sql: 'collections.id', kind: 'text' };
      case 'geometry': return { sql: 'collections.geometry', kind: 'geometry' };
      case 'datetime': return { sql: 'collections.dt_start', kind: 'time' };
      default: return jsonMember('collections.doc', name);
    }
  },
  interval(name) {
    if (name === 'datetime') return { start: 'collections.dt_start', end: 'collections.dt_end' };
    const member = this.property(name);
    return { start: `meridian_ms(${member.sql})`, end: `meridian_ms(${member.sql})` };
  },
  sortExpression(field) {
    switch (field) {
      case 'id': return { sql: 'collections.id', nullable: false };
      case 'datetime': return { sql: 'collections.dt_start', nullable: false };
      default: return { sql: this.property(field).sql, nullable: true };
    }
  },
};
