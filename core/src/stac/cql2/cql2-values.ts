// Reading CQL2 operands the same way in every catalog translator.
import { parseDate, parseRfc3339 } from '../datetime.ts';

export function isProperty(value: unknown): value is { property: string } {
  return typeof value === 'object' && value !== null && 'property' in value;
}

/** Epoch milliseconds of a `{timestamp}` or `{date}` literal; undefined for anything else or an unreadable one. */
export function literalTime(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if ('timestamp' in value) return parseRfc3339(String(value.timestamp));
  if ('date' in value) return parseDate(String(value.date));
  return undefined;
}
