// Object keys come from URLs and S3 requests, and the filesystem adapter turns
// them into paths, so every key is checked here before it reaches an adapter:
// anything that could climb out of a repository's prefix, or that one backend
// would read differently from another, is refused with a ValidationError that
// says what is wrong. Hand-written because the rule is ours: no library knows
// which keys S3 and a POSIX filesystem both store as the same thing.
import { ValidationError } from '../errors.ts';

/** S3's limit, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

// C0, DEL and C1 controls: invisible in logs, and NUL ends a path in the kernel.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Callers pass keys decoded once; an encoded dot, slash or backslash still there
// was encoded twice, which is how traversal hides from a single decode.
const ENCODED_SEPARATOR = /%(2e|2f|5c)/i;

function show(key: string): string {
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
}

/** What is wrong with the characters of `text` as a key or prefix, or undefined; segments are checked apart. */
function characterProblem(text: string): string | undefined {
  if (!text.isWellFormed()) return 'it is not valid Unicode (a lone UTF-16 surrogate)';
  if (Buffer.byteLength(text, 'utf8') > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes in UTF-8`;
  if (CONTROL.test(text)) return 'it contains a control character (NUL, newline, tab or another)';
  if (text.includes('\\')) return 'it contains a backslash; use / to separate path segments';
  const encoded = ENCODED_SEPARATOR.exec(text);
  if (encoded) return `it contains ${encoded[0]}, a percent-encoded dot or slash left after decoding (the key was encoded twice)`;
  if (text.startsWith('/')) return 'it starts with / (keys are relative to the repository)';
  return undefined;
}

function segmentProblem(segments: string[]): string | undefined {
  if (segments.some((s) => s === '')) return 'it has an empty segment (// or a trailing /)';
  if (segments.some((s) => s === '.' || s === '..')) return 'it has a "." or ".." segment';
  return undefined;
}

/** An object key: non-empty, relative, `/`-separated segments that are neither empty, `.` nor `..`. Returns it unchanged. */
export function checkObjectKey(key: string, field = 'key'): string {
  if (typeof key !== 'string' || key.length === 0) throw new ValidationError(`${field} must be a non-empty string`);
  const problem = characterProblem(key) ?? segmentProblem(key.split('/'));
  if (problem) throw new ValidationError(`${field} ${show(key)} is not a valid object key: ${problem}`);
  return key;
}

/**
 * A listing prefix: empty (everything), a run of whole segments ending with `/`,
 * or one that ends part-way through a name (`scenes/2024-0`). The segments it
 * holds follow the key rule, the partial last one included.
 */
export function checkObjectPrefix(prefix: string, field = 'prefix'): string {
  if (typeof prefix !== 'string') throw new ValidationError(`${field} must be a string`);
  if (prefix === '') return prefix;
  const segments = prefix.split('/');
  if (prefix.endsWith('/')) segments.pop();
  const problem = characterProblem(prefix) ?? segmentProblem(segments);
  if (problem) throw new ValidationError(`${field} ${show(prefix)} is not a valid key prefix: ${problem}`);
  return prefix;
}

/** S3's start-after: any text a key could be compared with; it names no path, so only its characters are checked. */
export function checkStartAfter(value: string, field = 'startAfter'): string {
  if (typeof value !== 'string') throw new ValidationError(`${field} must be a string`);
  const problem = characterProblem(value);
  if (problem) throw new ValidationError(`${field} ${show(value)} is not a valid key: ${problem}`);
  return value;
}

/** A listing delimiter: usually `/`; any non-empty text without control characters. */
export function checkDelimiter(value: string, field = 'delimiter'): string {
  if (typeof value !== 'string' || value.length === 0) throw new ValidationError(`${field} must be a non-empty string`);
  if (!value.isWellFormed() || CONTROL.test(value) || Buffer.byteLength(value, 'utf8') > MAX_KEY_BYTES) {
    throw new ValidationError(`${field} ${show(value)} is not a valid delimiter: it must be valid Unicode without control characters, at most ${MAX_KEY_BYTES} bytes`);
  }
  return value;
}

export const MAX_LIST_KEYS = 1000;

/** 1–1000, the default 1000 (S3's page size). */
export function checkMaxKeys(value: number | undefined, field = 'maxKeys'): number {
  if (value === undefined) return MAX_LIST_KEYS;
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIST_KEYS) throw new ValidationError(`${field} must be an integer from 1 to ${MAX_LIST_KEYS}`);
  return value;
}
