// The free-text extension's `q`: basic (a list of terms, any of which may match)
// and advanced (quoted phrases, AND / OR / NOT-by-minus, +required, parentheses).
// Parsed into a small boolean tree that each catalog index evaluates with its own
// text engine; matching is case- and accent-insensitive there.
import { ValidationError } from '../../errors.ts';

export type FreeText =
  | { kind: 'term'; text: string }
  | { kind: 'and' | 'or'; args: FreeText[] }
  | { kind: 'not'; arg: FreeText };

const MAX_TERMS = 50;

function or(args: FreeText[]): FreeText {
  return args.length === 1 ? args[0] : { kind: 'or', args };
}

/** Basic syntax: terms separated by commas (GET) or given as an array (POST). */
function basic(terms: string[]): FreeText {
  const clean = terms.map((t) => t.trim()).filter(Boolean);
  if (clean.length === 0) throw new ValidationError('q must contain at least one search term');
  if (clean.length > MAX_TERMS) throw new ValidationError(`q has more than ${MAX_TERMS} terms`);
  return or(clean.map((text) => ({ kind: 'term', text })));
}

type Token = { type: 'word' | 'phrase'; text: string; sign: '' | '+' | '-' } | { type: 'and' | 'or' | '(' | ')' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s|,/.test(c)) { i++; continue; }
    if (c === '(' || c === ')') { tokens.push({ type: c }); i++; continue; }
    let sign: '' | '+' | '-' = '';
    if ((c === '+' || c === '-') && i + 1 < input.length && !/\s/.test(input[i + 1])) { sign = c; i++; }
    if (input[i] === '"') {
      const end = input.indexOf('"', i + 1);
      if (end < 0) throw new ValidationError('q has an unterminated quoted phrase');
      const text = input.slice(i + 1, end).trim();
      if (text) tokens.push({ type: 'phrase', text, sign });
      i = end + 1;
      continue;
    }
    const start = i;
    while (i < input.length && !/[\s,()"]/.test(input[i])) i++;
    const text = input.slice(start, i);
    if (!sign && text === 'AND') tokens.push({ type: 'and' });
    else if (!sign && text === 'OR') tokens.push({ type: 'or' });
    else if (text) tokens.push({ type: 'word', text, sign });
  }
  return tokens;
}

/** Advanced syntax, precedence: (…) > AND > OR; adjacent terms are OR-ed; +x required, -x excluded. */
function advanced(input: string): FreeText {
  const tokens = tokenize(input);
  if (tokens.filter((t) => t.type === 'word' || t.type === 'phrase').length > MAX_TERMS) {
    throw new ValidationError(`q has more than ${MAX_TERMS} terms`);
  }
  let pos = 0;
  let depth = 0;

  function group(): FreeText {
    // A sequence of OR-alternatives; within it, signed terms constrain the whole group.
    const optional: FreeText[] = [];
    const required: FreeText[] = [];
    const excluded: FreeText[] = [];
    let expectOperand = true;
    while (pos < tokens.length && tokens[pos].type !== ')') {
      const t = tokens[pos];
      if (t.type === 'or') {
        if (expectOperand) throw new ValidationError('q has OR without a term before it');
        pos++; expectOperand = true; continue;
      }
      if (t.type === 'and') throw new ValidationError('q has AND without a term before it');
      let operand = unary();
      while (pos < tokens.length && tokens[pos].type === 'and') {
        pos++;
        if (pos >= tokens.length || tokens[pos].type === ')' || tokens[pos].type === 'or' || tokens[pos].type === 'and') {
          throw new ValidationError('q has AND without a term after it');
        }
        const right = unary();
        operand = { kind: 'and', args: [operand, right] };
      }
      const sign = t.type === 'word' || t.type === 'phrase' ? t.sign : '';
      (sign === '+' ? required : sign === '-' ? excluded : optional).push(operand);
      expectOperand = false;
    }
    if (optional.length + required.length + excluded.length === 0) throw new ValidationError('q must contain at least one search term');
    const positives = required.length > 0 ? required : optional.length > 0 ? [or(optional)] : [];
    const parts: FreeText[] = [...positives, ...excluded.map((arg): FreeText => ({ kind: 'not', arg }))];
    if (positives.length === 0) throw new ValidationError('q must contain a term to match, not only excluded ones');
    return parts.length === 1 ? parts[0] : { kind: 'and', args: parts };
  }

  function unary(): FreeText {
    const t = tokens[pos++];
    if (t.type === '(') {
      if (++depth > 20) throw new ValidationError('q nests parentheses too deeply');
      const inner = group();
      if (tokens[pos]?.type !== ')') throw new ValidationError('q has an unclosed parenthesis');
      pos++;
      depth--;
      return inner;
    }
    if (t.type === 'word' || t.type === 'phrase') return { kind: 'term', text: t.text };
    throw new ValidationError(`q has an unexpected "${t.type === ')' ? ')' : t.type.toUpperCase()}"`);
  }

  const tree = group();
  if (pos < tokens.length) throw new ValidationError('q has an unmatched ")"');
  return tree;
}

// Control characters other than whitespace mean nothing in text, and a NUL ends the query of C text engines (FTS5).
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/;

/** Parses `q` from a GET string or a POST string/array. */
export function parseFreeText(value: unknown): FreeText {
  if (Array.isArray(value)) {
    if (!value.every((t) => typeof t === 'string')) throw new ValidationError('q must be a string or an array of strings');
    if (value.some((t) => CONTROL.test(t))) throw new ValidationError('q must not contain control characters');
    return basic(value);
  }
  if (typeof value !== 'string') throw new ValidationError('q must be a string or an array of strings');
  if (CONTROL.test(value)) throw new ValidationError('q must not contain control characters');
  if (value.length > 1000) throw new ValidationError('q is longer than 1000 characters');
  // A comma-separated list without operators is the basic syntax, where a term may contain spaces.
  const isAdvanced = /["()]|(^|\s)[+-]\S|\b(AND|OR)\b/.test(value);
  return isAdvanced ? advanced(value) : value.includes(',') ? basic(value.split(',')) : advanced(value);
}
