// The fields extension: which members of each returned item (or collection) to keep.
import { ValidationError } from '../../errors.ts';

export interface FieldsSelection {
  include: string[];
  exclude: string[];
  /** An explicit (even empty) `include` starts from the default set instead of the whole item. */
  includeGiven: boolean;
}

/** What an item keeps when `include` is given but names nothing. */
const DEFAULT_INCLUDE = ['type', 'stac_version', 'stac_extensions', 'id', 'collection', 'geometry', 'bbox', 'links', 'assets', 'properties.datetime'];
/** Kept whatever is asked, so the result stays an identifiable, linkable STAC object. */
const ALWAYS = ['type', 'stac_version', 'id', 'collection'];

function paths(list: unknown, where: string): string[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string')) throw new ValidationError(`${where} must be an array of field names`);
  return list.map((f) => f.trim()).filter(Boolean);
}

export function parseFieldsParameter(value: unknown): FieldsSelection | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const include: string[] = [];
    const exclude: string[] = [];
    for (const raw of value.split(',').map((f) => f.trim()).filter(Boolean)) {
      if (raw.startsWith('-')) exclude.push(raw.slice(1));
      else include.push(raw.startsWith('+') ? raw.slice(1) : raw);
    }
    return include.length + exclude.length === 0 ? undefined : { include, exclude, includeGiven: false };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('fields must be an object {"include": [...], "exclude": [...]}');
  }
  const { include, exclude } = value as { include?: unknown; exclude?: unknown };
  const selection = { include: paths(include, 'fields.include'), exclude: paths(exclude, 'fields.exclude'), includeGiven: 'include' in value };
  return selection.include.length + selection.exclude.length === 0 && !selection.includeGiven ? undefined : selection;
}

function getPath(source: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = source;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function deletePath(target: Record<string, unknown>, path: string[]): void {
  const parent = getPath(target, path.slice(0, -1));
  if (typeof parent === 'object' && parent !== null) delete (parent as Record<string, unknown>)[path[path.length - 1]];
}

/**
 * Applies a selection. Include wins over exclude for the same field, and a more
 * specific include survives the exclusion of its parent (`-properties,+properties.x`).
 */
export function applyFields<T extends Record<string, unknown>>(doc: T, selection: FieldsSelection | undefined): Partial<T> {
  if (!selection) return doc;
  const include = selection.include.length > 0 ? [...ALWAYS, ...selection.include] : selection.includeGiven ? DEFAULT_INCLUDE : undefined;
  let out: Record<string, unknown>;
  if (include) {
    out = {};
    for (const field of include) {
      const path = field.split('.');
      const value = getPath(doc, path);
      if (value !== undefined) setPath(out, path, structuredClone(value));
    }
  } else {
    out = structuredClone(doc);
  }
  // Only an explicit include wins over an exclusion: with an empty include, exclusions apply to the default set.
  const wins = selection.include.length > 0 ? include : undefined;
  for (const field of selection.exclude) {
    if (wins?.some((f) => f === field || f.startsWith(`${field}.`))) continue;
    deletePath(out, field.split('.'));
  }
  return out as Partial<T>;
}
