// Item properties the embedded catalog copies into columns of their own, each a
// member of one composite index led by the collection, so that filters on them
// are answered (and counted) from the index instead of each item's JSON. Like
// pgstac's queryables with an index type, but one covering index for all: SQLite
// uses one index per table in a query, so separate indexes could not serve
// `platform = … AND eo:cloud_cover < …` without reading every row one of them finds.

/** Common STAC queryables with scalar values; arrays and objects gain nothing from a column. */
export const DEFAULT_INDEXED_PROPERTIES: readonly string[] = [
  'platform', 'constellation', 'eo:cloud_cover', 'gsd', 'view:off_nadir', 'proj:epsg', 'proj:code', 'sat:relative_orbit', 'mgrs:utm_zone',
];

export const MAX_INDEXED_PROPERTIES = 32;

/** Names as STAC extensions spell them (prefix:name); nothing that needs quoting inside an SQL identifier. */
const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

/** Why a list of property names cannot be indexed, or undefined when it can. */
export function indexedPropertiesProblem(names: readonly string[]): string | undefined {
  const bad = names.find((name) => !PROPERTY_NAME.test(name));
  if (bad !== undefined) return `"${bad}" is not a property name of letters, digits, _ . : - (at most 64, starting with a letter or _)`;
  if (new Set(names).size !== names.length) return 'a property is listed twice';
  if (names.length > MAX_INDEXED_PROPERTIES) return `at most ${MAX_INDEXED_PROPERTIES} properties can be indexed`;
  for (const reserved of ['datetime', 'start_datetime', 'end_datetime']) {
    if (names.includes(reserved)) return `"${reserved}" has columns and indexes of its own`;
  }
  return undefined;
}

/** The column holding a property's value; the name is checked, so quoting cannot be escaped. */
export function propertyColumn(name: string): string {
  return `"prop:${name}"`;
}

/**
 * The value a property's column holds: strings and numbers as they are, anything
 * else (booleans, arrays, objects, null) as NULL, so that a comparison with a string
 * or number literal on the column means what it means on the JSON member.
 */
export function columnValue(value: unknown): string | number | null {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : null;
}

/** The same value computed in SQL from the JSON properties, to fill a column added later. */
export function columnValueSql(path: string): string {
  const quoted = path.replace(/'/g, "''");
  return `CASE WHEN json_type(properties, '${quoted}') IN ('text', 'integer', 'real') THEN json_extract(properties, '${quoted}') END`;
}
