import { ValidationError } from '../../errors.ts';
import type { SortKey } from './search-query.ts';

// No whitespace, commas, control characters or backslashes (which no property name needs
// and JSON-path backends cannot express).
const FIELD = /^[^\s,\u0000-\u001f\u007f\\]{1,256}$/;

function field(name: string): string {
  const bare = name.replace(/^properties\./, '');
  if (!FIELD.test(bare)) throw new ValidationError(`sortby field "${name}" is not a field name`);
  return bare;
}

/** GET `+a,-b,c` or POST `[{"field": "a", "direction": "asc"}]`. */
export function parseSortby(value: unknown): SortKey[] | undefined {
  if (value === undefined || value === '') return undefined;
  let keys: SortKey[];
  if (typeof value === 'string') {
    keys = value.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
      // In a query string an unencoded "+" arrives as a space.
      const direction = part.startsWith('-') ? 'desc' : 'asc';
      return { field: field(part.replace(/^[+-]/, '')), direction };
    });
  } else if (Array.isArray(value)) {
    keys = value.map((entry, i) => {
      if (typeof entry !== 'object' || entry === null || typeof (entry as { field?: unknown }).field !== 'string') {
        throw new ValidationError(`sortby[${i}] must be an object {"field": "...", "direction": "asc" | "desc"}`);
      }
      const { field: name, direction = 'asc' } = entry as { field: string; direction?: unknown };
      if (direction !== 'asc' && direction !== 'desc') throw new ValidationError(`sortby[${i}].direction must be "asc" or "desc"`);
      return { field: field(name), direction };
    });
  } else {
    throw new ValidationError('sortby must be a string like "-datetime,+id" or an array of {field, direction}');
  }
  if (keys.length === 0) return undefined;
  if (keys.length > 8) throw new ValidationError('sortby accepts at most 8 fields');
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.field)) throw new ValidationError(`sortby names "${key.field}" twice`);
    seen.add(key.field);
  }
  return keys;
}
