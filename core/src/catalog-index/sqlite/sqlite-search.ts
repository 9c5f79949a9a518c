// WHERE, ORDER BY and keyset clauses for one search over items or collections.
import type { CatalogScope, CatalogVisibility } from '../../access/access-rule.ts';
import { ValidationError } from '../../errors.ts';
import type { FreeText } from '../../stac/search/free-text.ts';
import type { SortKey, SearchFilters } from '../../stac/search/search-query.ts';
import { filtersToCql2 } from '../../stac/search/filters-to-cql2.ts';
import { decodeToken, encodeToken, type PageToken } from '../page-token.ts';
import { cql2ToSql, join, parenthesized, sql, type Sql, type SqlValue } from './cql2-to-sql.ts';
import type { SearchTarget } from './sqlite-targets.ts';

/** Each term is an FTS5 phrase: quoted, so its words match in sequence and FTS5 operators typed by a user stay plain text. */
function phrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** Rows whose text matches an FTS5 query; `walk` tests membership row by row (unary +), so SQLite may read rows in sort order instead. */
function textMatches(table: string, match: string, walk: boolean): Sql {
  return sql(`${walk ? '+' : ''}${table}.rid IN (SELECT rowid FROM ${table}_fts WHERE ${table}_fts MATCH ?)`, [match]);
}

function freeTextSql(node: FreeText, table: string, walk: boolean): Sql {
  switch (node.kind) {
    case 'term':
      return textMatches(table, phrase(node.text), walk);
    case 'not': {
      const inner = freeTextSql(node.arg, table, walk);
      return { sql: `NOT ${inner.sql}`, params: inner.params };
    }
    case 'and':
    case 'or':
      return parenthesized(join(node.args.map((arg) => freeTextSql(arg, table, walk)), ` ${node.kind.toUpperCase()} `));
  }
}

/**
 * The free-text tree as one FTS5 query, when it has a plain equivalent (every
 * term has a letter or digit; NOT only beside a positive AND operand).
 */
export function freeTextMatch(node: FreeText): string | undefined {
  switch (node.kind) {
    case 'term':
      return /[\p{L}\p{N}]/u.test(node.text) ? phrase(node.text) : undefined;
    case 'not':
      return undefined;
    case 'or': {
      const args = node.args.map(freeTextMatch);
      return args.every((a) => a !== undefined) ? `(${args.join(' OR ')})` : undefined;
    }
    case 'and': {
      const positives = node.args.filter((a) => a.kind !== 'not').map(freeTextMatch);
      const negatives = node.args.flatMap((a) => (a.kind === 'not' ? [freeTextMatch(a.arg)] : []));
      if (positives.length === 0 || ![...positives, ...negatives].every((a) => a !== undefined)) return undefined;
      return negatives.reduce((expr, n) => `(${expr} NOT ${n})`, `(${positives.join(' AND ')})`);
    }
  }
}

/**
 * The FTS5 query of a search that is only free text: every row of the text index
 * is one row of the table, so its matches can be listed and counted without
 * reading the table.
 */
export function freeTextOnlyMatch(filters: SearchFilters & { collections?: string[] }): string | undefined {
  if (!filters.q || filtersToCql2(filters) !== undefined || (filters.visibility && !filters.visibility.all)) return undefined;
  return freeTextMatch(filters.q);
}

/** Holds the rows a free-text-only search matches (freeTextOnlyMatch), listed once per search. */
export const TEXT_HITS = 'temp.text_hits';

/** `walkText`: see freeTextSql; for free text matching a large share of the rows. */
/**
 * The access filter of access-rule.ts (catalogVisibility) over the collections
 * table; items are visible when their collection is.
 */
export function visibleCollections(v: Exclude<CatalogVisibility, { all: true }>): Sql {
  const within = (scope: CatalogScope): Sql[] => [
    ...(scope.accounts.length ? [sql(`collections.account IN (${scope.accounts.map(() => '?').join(', ')})`, scope.accounts)] : []),
    ...(scope.repositories.length ? [sql(`collections.repository IN (${scope.repositories.map(() => '?').join(', ')})`, scope.repositories)] : []),
  ];
  const any = (parts: Sql[]): Sql => (parts.length ? parenthesized(join(parts, ' OR ')) : sql('0'));
  const live = "collections.state = 'published' AND NOT collections.disabled";
  return parenthesized(join([
    sql(`(collections.visibility = 'public' AND ${live})`),
    any(within(v.owner)),
    join([sql('(NOT collections.disabled AND '), any(within(v.writer)), sql(')')], ''),
    join([sql(`(collections.visibility = 'restricted' AND ${live} AND `), any(within(v.reader)), sql(')')], ''),
  ], ' OR '));
}

/** `textHits`: the free text's matches are already listed in TEXT_HITS. */
export function whereClause(target: SearchTarget, filters: SearchFilters & { collections?: string[] }, walkText = false, textHits = false): Sql {
  const parts: Sql[] = [];
  if (filters.visibility && !filters.visibility.all) {
    const visible = visibleCollections(filters.visibility);
    parts.push(target.table === 'collections' ? visible
      : { sql: `${target.table}.collection IN (SELECT collections.id FROM collections WHERE ${visible.sql})`, params: visible.params });
  }
  const cql2 = filtersToCql2(filters);
  if (cql2 !== undefined) parts.push(cql2ToSql(cql2, target));
  if (filters.q) {
    // One FTS5 query combines the terms inside the text index, rather than
    // intersecting the row sets of separate ones.
    const match = freeTextMatch(filters.q);
    if (textHits) parts.push(sql(`${walkText ? '+' : ''}${target.table}.rid IN (SELECT rid FROM ${TEXT_HITS})`));
    else parts.push(match === undefined ? freeTextSql(filters.q, target.table, walkText) : textMatches(target.table, match, walkText));
  }
  return parts.length === 0 ? sql('1') : join(parts, ' AND ');
}

interface OrderKey {
  sql: string;
  nullable: boolean;
  direction: 'asc' | 'desc';
}

export function orderKeys(target: SearchTarget, sortby: SortKey[]): OrderKey[] {
  const keys: OrderKey[] = sortby.map((key) => ({ ...target.sortExpression(key.field), direction: key.direction }));
  const last = sortby[sortby.length - 1]?.direction ?? 'asc';
  for (const field of target.tieBreakers) {
    if (!sortby.some((key) => key.field === field)) keys.push({ ...target.sortExpression(field), direction: last });
  }
  return keys;
}

/** Backwards paging reads the same order reversed, with missing values first. */
function reversed(keys: OrderKey[]): (OrderKey & { nullsFirst: boolean })[] {
  return keys.map((k) => ({ ...k, direction: k.direction === 'asc' ? 'desc' : 'asc', nullsFirst: true }));
}

function forward(keys: OrderKey[]): (OrderKey & { nullsFirst: boolean })[] {
  return keys.map((k) => ({ ...k, nullsFirst: false }));
}

export function orderByClause(keys: (OrderKey & { nullsFirst: boolean })[]): string {
  return keys.map((k) => `${k.sql} ${k.direction.toUpperCase()}${k.nullable ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : ''}`).join(', ');
}

/** Rows strictly after `values` in the order of `keys`. */
export function afterClause(keys: (OrderKey & { nullsFirst: boolean })[], values: SqlValue[]): Sql {
  if (keys.every((k) => !k.nullable && k.direction === keys[0].direction)) {
    // Row values let SQLite walk the sort index from the token onwards.
    const op = keys[0].direction === 'asc' ? '>' : '<';
    return sql(`(${keys.map((k) => k.sql).join(', ')}) ${op} (${keys.map(() => '?').join(', ')})`, values);
  }
  const alternatives: Sql[] = keys.map((key, i) => {
    const equal = keys.slice(0, i).map((k, j) => sql(`${k.sql} IS ?`, [values[j]]));
    const v = values[i];
    const op = key.direction === 'asc' ? '>' : '<';
    let after: Sql;
    if (v === null) after = sql(key.nullsFirst ? `${key.sql} IS NOT NULL` : '0');
    else if (!key.nullable || key.nullsFirst) after = sql(`${key.sql} ${op} ?`, [v]);
    else after = sql(`(${key.sql} ${op} ? OR ${key.sql} IS NULL)`, [v]);
    return parenthesized(join([...equal, after], ' AND '));
  });
  return parenthesized(join(alternatives, ' OR '));
}

export interface PagePlan {
  keys: (OrderKey & { nullsFirst: boolean })[];
  after?: Sql;
  backwards: boolean;
  /** Names the order a token was issued for; a token carries it as its first value. */
  signature: string;
}

/** A short fingerprint of the sort order (FNV-1a), so a token is only used with the order it was made for. */
function orderSignature(keys: OrderKey[]): string {
  const text = keys.map((k) => `${k.sql} ${k.direction}`).join(',');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36);
}

export function pagePlan(target: SearchTarget, sortby: SortKey[], token: string | undefined): PagePlan {
  const keys = orderKeys(target, sortby);
  const signature = orderSignature(keys);
  if (!token) return { keys: forward(keys), backwards: false, signature };
  const decoded: PageToken = decodeToken(token, keys.length + 1);
  const [issuedFor, ...values] = decoded.values;
  if (issuedFor !== signature) throw new ValidationError('token does not match this search (was sortby changed?)');
  const backwards = decoded.direction === 'p';
  const ordered = backwards ? reversed(keys) : forward(keys);
  return { keys: ordered, after: afterClause(ordered, values), backwards, signature };
}

/** Turns the rows read (limit + 1 of them) into one page with its neighbour tokens. */
export function paginate<R extends { sortValues: SqlValue[] }>(rows: R[], limit: number, plan: PagePlan, hadToken: boolean) {
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (plan.backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const next = (plan.backwards ? true : more) && last ? encodeToken({ direction: 'n', values: [plan.signature, ...last.sortValues] }) : undefined;
  const prev = (plan.backwards ? more : hadToken) && first ? encodeToken({ direction: 'p', values: [plan.signature, ...first.sortValues] }) : undefined;
  return { page, next, prev };
}
