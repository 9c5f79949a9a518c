// RFC 3339 date-times and STAC datetime intervals, parsed to epoch milliseconds.
// Date.parse accepts far more than RFC 3339 (and rolls 2021-02-30 over to March),
// so the grammar and the calendar are checked here first.
import { ValidationError } from '../errors.ts';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function daysInMonth(year: number, month: number): number {
  // Not Date.UTC: it reads years 0-99 as 1900-1999, and 1900 is not a leap year where 0000 is.
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 ? (leap ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Epoch milliseconds of an RFC 3339 date-time, or undefined when it is not one. */
export function parseRfc3339(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const offset = m[8].toUpperCase();
  if (offset !== 'Z') {
    const [oh, om] = offset.slice(1).split(':').map(Number);
    if (oh > 23 || om > 59) return undefined;
  }
  const fraction = m[7] ? m[7].slice(0, 4).padEnd(4, '0') : '.000';
  // A leap second is kept as the last millisecond of its minute.
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${second === 60 ? '59' : m[6]}${second === 60 ? '.999' : fraction}${offset}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Epoch milliseconds of an RFC 3339 full-date (YYYY-MM-DD) at 00:00Z, or undefined. */
export function parseDate(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [year, month, day] = m.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return Date.UTC(year, month - 1, day);
}

export interface TimeInterval {
  /** Inclusive bounds in epoch ms; null is open. */
  start: number | null;
  end: number | null;
}

/**
 * The `datetime` search parameter: an instant, or `start/end` where either side
 * may be open (`..` or empty, but not both).
 */
export function parseDatetimeParameter(value: unknown): TimeInterval {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError('datetime must be an RFC 3339 date-time or an interval "start/end" (open ends as ".." or empty)');
  }
  const bound = (part: string, side: string): number | null => {
    if (part === '' || part === '..') return null;
    const ms = parseRfc3339(part);
    if (ms === undefined) {
      throw new ValidationError(`datetime ${side} "${part}" is not an RFC 3339 date-time such as 2024-05-01T00:00:00Z`);
    }
    return ms;
  };
  const parts = value.split('/');
  if (parts.length === 1) {
    const instant = bound(parts[0], 'value');
    if (instant === null) throw new ValidationError('datetime must not be open on both ends');
    return { start: instant, end: instant };
  }
  if (parts.length !== 2) throw new ValidationError(`datetime "${value}" has more than one "/"`);
  const start = bound(parts[0], 'start');
  const end = bound(parts[1], 'end');
  if (start === null && end === null) throw new ValidationError('datetime interval must not be open on both ends');
  if (start !== null && end !== null && start > end) {
    throw new ValidationError(`datetime interval start ${parts[0]} is after its end ${parts[1]}`);
  }
  return { start, end };
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
