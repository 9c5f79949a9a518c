// CQL2 text encoding (OGC 21-065r2, CQL2 1.0) → CQL2 JSON (see cql2-ast.ts).
//
// Hand-written because the only CQL2 library on npm, cql2-wasm 0.5.0-rc1,
// silently drops trailing input (`x = 1 garbage` parses as `x = 1`) and panics
// on `x = -1.5e3`. A filter that means something other than what the client
// wrote is worse than an error, so this parser accepts the BNF and nothing else
// (with the few leniencies noted inline), and reports every rejection as a
// Cql2SyntaxError with a column.
//
// Shape: a tokenizer, then a recursive descent with one method per precedence level
// (OR < AND < NOT < predicates < + - < * / % div < ^ < unary minus < primary).
// Every parsed node carries a coarse "kind" so the typed positions of the BNF
// (boolean operands, arithmetic operands, geometry arguments, …) can be
// checked without a separate grammar per type, which is what makes `(a + 1) = 2`
// and `(a = 1) AND b = 2` parse with the same parenthesis rule.
import type { Geometry, Position } from 'geojson';
import type { Cql2Expr, DateLiteral, IntervalBound, Operation, PropertyRef, TimestampLiteral } from './cql2-ast.ts';

export class Cql2SyntaxError extends Error {
  /** 0-based offset into the filter text; the message reports it as a 1-based column. */
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.name = 'Cql2SyntaxError';
    this.position = position;
  }
}

/** Deeper than any hand-written filter; low enough that hostile input cannot exhaust the stack. */
const MAX_DEPTH = 100;

// ---------------------------------------------------------------- tokenizer

type TokenType = 'num' | 'str' | 'id' | 'qid' | 'punct' | 'eof';
interface Token { type: TokenType; text: string; pos: number; num: number; str: string }

// BNF `whitespace`: includes the Unicode spaces, not just ASCII.
const WHITESPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
// BNF `identifierStart` (the XML NameStartChar set plus ':'); `identifierPart` adds '.', digits and two small ranges.
const ID_START: Array<[number, number]> = [
  [0x3a, 0x3a], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a], [0xc0, 0xd6], [0xd8, 0xf6], [0xf8, 0x2ff],
  [0x370, 0x37d], [0x37f, 0x1ffe], [0x200c, 0x200d], [0x2070, 0x218f], [0x2c00, 0x2fef], [0x3001, 0xd7ff],
  [0xf900, 0xfdcf], [0xfdf0, 0xfffd], [0x10000, 0xeffff],
];
const ID_PART_EXTRA: Array<[number, number]> = [[0x2e, 0x2e], [0x30, 0x39], [0x300, 0x36f], [0x203f, 0x2040]];
const inRanges = (c: number, ranges: Array<[number, number]>): boolean => ranges.some(([lo, hi]) => c >= lo && c <= hi);
const isIdStart = (c: number): boolean => inRanges(c, ID_START);
const isIdPart = (c: number): boolean => isIdStart(c) || inRanges(c, ID_PART_EXTRA);
const NUMBER = /\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?/y;
const PUNCT = ['<>', '<=', '>=', '(', ')', ',', '=', '<', '>', '+', '-', '*', '/', '%', '^'];

const col = (pos: number): number => pos + 1;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const push = (type: TokenType, start: number, end: number, num = 0, str = ''): void => {
    tokens.push({ type, text: text.slice(start, end), pos: start, num, str });
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const cp = text.codePointAt(i)!;
    if (WHITESPACE.test(ch)) { i++; continue; }
    if (ch === "'") {
      // BNF escapeQuote: both '' and \' stand for one quote.
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new Cql2SyntaxError(`unterminated string starting at column ${col(i)}`, i);
        if ((text[j] === "'" && text[j + 1] === "'") || (text[j] === '\\' && text[j + 1] === "'")) { value += "'"; j += 2; continue; }
        if (text[j] === "'") break;
        value += text[j];
        j++;
      }
      push('str', i, j + 1, 0, value);
      i = j + 1;
    } else if (ch === '"') {
      // Lenient: the BNF wants an identifier between the quotes, but quoting exists to name
      // properties that are not plain identifiers, so any text without '"' is accepted.
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new Cql2SyntaxError(`unterminated quoted property name starting at column ${col(i)}`, i);
      if (end === i + 1) throw new Cql2SyntaxError(`empty quoted property name at column ${col(i)}`, i);
      push('qid', i, end + 1, 0, text.slice(i + 1, end));
      i = end + 1;
    } else if ((ch >= '0' && ch <= '9') || (ch === '.' && /\d/.test(text[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const lexeme = NUMBER.exec(text)![0];
      const end = i + lexeme.length;
      const after = text.codePointAt(end);
      // `1e`, `1.2.3`, `12abc` are typos, not a number followed by something else.
      if (after !== undefined && isIdPart(after)) {
        throw new Cql2SyntaxError(`invalid number '${lexeme}${String.fromCodePoint(after)}…' at column ${col(i)}`, i);
      }
      const value = Number(lexeme);
      if (!Number.isFinite(value)) throw new Cql2SyntaxError(`number out of range at column ${col(i)}`, i);
      push('num', i, end, value);
      i = end;
    } else if (isIdStart(cp)) {
      let j = i;
      while (j < text.length && isIdPart(text.codePointAt(j)!)) j += text.codePointAt(j)! > 0xffff ? 2 : 1;
      push('id', i, j);
      i = j;
    } else {
      const p = PUNCT.find((s) => text.startsWith(s, i));
      if (p === undefined) throw new Cql2SyntaxError(`unexpected character '${String.fromCodePoint(cp)}' at column ${col(i)}`, i);
      push('punct', i, i + p.length);
      i += p.length;
    }
  }
  push('eof', text.length, text.length);
  return tokens;
}

// ---------------------------------------------------------------- parser

// What an expression can stand for, as far as the BNF's typed positions care.
type Kind = 'bool' | 'num' | 'str' | 'time' | 'interval' | 'geom' | 'array' | 'prop' | 'func';
interface Node { v: Cql2Expr; k: Kind; pos: number }

const KIND_NAMES: Record<Kind, string> = {
  bool: 'a boolean expression', num: 'a numeric expression', str: 'a string', time: 'a date or timestamp',
  interval: 'an interval', geom: 'a geometry', array: 'an array', prop: 'a property name', func: 'a function call',
};
// Property and function types are unknown at parse time, so they fit anywhere a value does,
// except that a bare property is not a predicate (the BNF's booleanPrimary excludes it).
const BOOLEAN: Kind[] = ['bool', 'func'];
const NUMERIC: Kind[] = ['num', 'prop', 'func'];
const CHARACTER: Kind[] = ['str', 'prop', 'func'];
const SCALAR: Kind[] = ['num', 'str', 'time', 'bool', 'prop', 'func'];
const GEOMETRY: Kind[] = ['geom', 'prop', 'func'];
const TEMPORAL: Kind[] = ['time', 'interval', 'prop', 'func'];
const ARRAY: Kind[] = ['array', 'prop', 'func'];

const COMPARISON = new Set(['=', '<>', '<', '<=', '>', '>=']);
// Words that can never be a property name or function name without double quotes.
const RESERVED = new Set(['AND', 'OR', 'NOT', 'LIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'DIV', 'TRUE', 'FALSE']);
const SPATIAL = new Set(['S_INTERSECTS', 'S_EQUALS', 'S_DISJOINT', 'S_TOUCHES', 'S_WITHIN', 'S_OVERLAPS', 'S_CROSSES', 'S_CONTAINS']);
const TEMPORAL_FNS = new Set(['T_AFTER', 'T_BEFORE', 'T_CONTAINS', 'T_DISJOINT', 'T_DURING', 'T_EQUALS', 'T_FINISHEDBY',
  'T_FINISHES', 'T_INTERSECTS', 'T_MEETS', 'T_METBY', 'T_OVERLAPPEDBY', 'T_OVERLAPS', 'T_STARTEDBY', 'T_STARTS']);
const ARRAY_FNS = new Set(['A_EQUALS', 'A_CONTAINS', 'A_CONTAINEDBY', 'A_OVERLAPS']);
const GEOMETRY_TYPES = new Set(['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION']);

// The JSON encoding lower-cases operator names but camel-cases these few.
const CAMEL_CASE: Record<string, string> = {
  T_FINISHEDBY: 't_finishedBy', T_METBY: 't_metBy', T_OVERLAPPEDBY: 't_overlappedBy', T_STARTEDBY: 't_startedBy',
  A_CONTAINEDBY: 'a_containedBy',
};
const jsonOpName = (upper: string): string => CAMEL_CASE[upper] ?? upper.toLowerCase();

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** The patterns above accept `2021-02-30T25:00:00Z`; a filter that can never match is better refused. */
function isRealInstant(s: string): boolean {
  const [y = 0, m = 0, d = 0] = s.slice(0, 10).split('-').map(Number);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
  if (d < 1 || d > monthDays) return false;
  if (s.length === 10) return true;
  const [hh = 0, mm = 0, ss = 0] = s.slice(11, 19).split(':').map(Number);
  return hh <= 23 && mm <= 59 && ss <= 60;
}

class Parser {
  tokens: Token[];
  i = 0;
  depth = 0;

  constructor(text: string) {
    this.tokens = tokenize(text);
  }

  // -- token helpers

  peek(ahead = 0): Token { return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!; }
  next(): Token { const t = this.peek(); if (t.type !== 'eof') this.i++; return t; }
  isPunct(p: string, ahead = 0): boolean { const t = this.peek(ahead); return t.type === 'punct' && t.text === p; }
  isWord(word: string, ahead = 0): boolean { const t = this.peek(ahead); return t.type === 'id' && t.text.toUpperCase() === word; }
  eatPunct(p: string): boolean { if (!this.isPunct(p)) return false; this.i++; return true; }
  eatWord(word: string): boolean { if (!this.isWord(word)) return false; this.i++; return true; }
  expectPunct(p: string): void { if (!this.eatPunct(p)) this.fail(`'${p}'`); }

  /** Throws "expected X after 'prev' at column N, found Y" for the current token. */
  fail(expected: string, tok: Token = this.peek()): never {
    const prev = this.tokens[this.tokens.indexOf(tok) - 1];
    const after = prev ? ` after '${prev.text}'` : '';
    const found = tok.type === 'eof' ? 'end of input' : `'${tok.text.length > 30 ? tok.text.slice(0, 30) + '…' : tok.text}'`;
    throw new Cql2SyntaxError(`expected ${expected}${after} at column ${col(tok.pos)}, found ${found}`, tok.pos);
  }

  check(node: Node, kinds: Kind[], expected: string): Node {
    if (!kinds.includes(node.k)) {
      throw new Cql2SyntaxError(`expected ${expected} at column ${col(node.pos)}, found ${KIND_NAMES[node.k]}`, node.pos);
    }
    return node;
  }

  /**
   * Every unbounded recursion (parentheses, NOT, unary minus, ^) and every level a left-folded
   * arithmetic chain adds to the output passes through here, so neither this parser nor whoever
   * walks its output recursively can be driven into a stack overflow.
   */
  deeper(pos: number): void {
    if (++this.depth > MAX_DEPTH) {
      throw new Cql2SyntaxError(`expression too deeply nested (more than ${MAX_DEPTH} levels) at column ${col(pos)}`, pos);
    }
  }

  nested<T>(pos: number, parse: () => T): T {
    this.deeper(pos);
    const result = parse();
    this.depth--;
    return result;
  }

  /** `( item, item, … )`: argument lists, arrays, IN lists, WKT coordinate lists. */
  parenList<T>(item: () => T, allowEmpty: boolean): T[] {
    const open = this.peek();
    this.expectPunct('(');
    return this.nested(open.pos, () => {
      const items: T[] = [];
      if (allowEmpty && this.eatPunct(')')) return items;
      do items.push(item()); while (this.eatPunct(','));
      if (!this.eatPunct(')')) this.fail(`',' or ')'`);
      return items;
    });
  }

  /** `( item )`, for the constructs that take exactly one thing. */
  parenOne<T>(item: () => T): T {
    this.expectPunct('(');
    const value = item();
    this.expectPunct(')');
    return value;
  }

  // -- boolean structure

  parseFilter(): Cql2Expr {
    if (this.peek().type === 'eof') throw new Cql2SyntaxError('the filter is empty', 0);
    const node = this.parseOr();
    if (this.peek().type !== 'eof') this.fail('AND, OR or end of input');
    if (!BOOLEAN.includes(node.k)) {
      const found = `${KIND_NAMES[node.k]} at column ${col(node.pos)}`;
      throw new Cql2SyntaxError(`the filter must be a boolean expression (a predicate such as x = 1), not ${found}`, node.pos);
    }
    return node.v;
  }

  // a AND b AND c is one n-ary `and`, as the JSON encoding allows; parentheses keep their nesting.
  parseOr(): Node { return this.parseLogical('OR', () => this.parseAnd()); }
  parseAnd(): Node { return this.parseLogical('AND', () => this.parseNot()); }

  parseLogical(word: 'AND' | 'OR', operand: () => Node): Node {
    const first = operand();
    if (!this.isWord(word)) return first;
    const args = [this.check(first, BOOLEAN, `${KIND_NAMES.bool} before ${word}`).v];
    while (this.eatWord(word)) args.push(this.check(operand(), BOOLEAN, `${KIND_NAMES.bool} after ${word}`).v);
    return { v: { op: word.toLowerCase(), args }, k: 'bool', pos: first.pos };
  }

  parseNot(): Node {
    const t = this.peek();
    if (!this.eatWord('NOT')) return this.parsePredicate();
    const operand = this.nested(t.pos, () => this.parseNot());
    return { v: not(this.check(operand, BOOLEAN, `${KIND_NAMES.bool} after NOT`).v), k: 'bool', pos: t.pos };
  }

  parsePredicate(): Node {
    const left = this.parseAdditive();
    const t = this.peek();
    const bool = (v: Operation): Node => ({ v, k: 'bool', pos: left.pos });
    if (t.type === 'punct' && COMPARISON.has(t.text)) {
      this.next();
      const right = this.parseAdditive();
      this.check(left, SCALAR, `a scalar value before '${t.text}'`);
      this.check(right, SCALAR, `a scalar value after '${t.text}'`);
      return bool({ op: t.text, args: [left.v, right.v] });
    }
    if (this.eatWord('IS')) {
      const negated = this.eatWord('NOT');
      if (!this.eatWord('NULL')) this.fail(negated ? 'NULL' : 'NULL or NOT NULL');
      const isNull = { op: 'isNull', args: [left.v] };
      return bool(negated ? not(isNull) : isNull);
    }
    const negated = this.isWord('NOT') && ['LIKE', 'BETWEEN', 'IN'].some((w) => this.isWord(w, 1));
    if (negated) this.next();
    let result: Operation;
    if (this.eatWord('LIKE')) {
      this.check(left, CHARACTER, 'a string or property before LIKE');
      const pattern = this.parseAdditive();
      if (!isPattern(pattern.v)) {
        throw new Cql2SyntaxError(`expected a quoted pattern (optionally inside CASEI/ACCENTI) after LIKE at column ${col(pattern.pos)}`, pattern.pos);
      }
      result = { op: 'like', args: [left.v, pattern.v] };
    } else if (this.eatWord('BETWEEN')) {
      this.check(left, NUMERIC, 'a numeric value before BETWEEN');
      const low = this.check(this.parseAdditive(), NUMERIC, 'a numeric lower bound after BETWEEN');
      if (!this.eatWord('AND')) this.fail('AND');
      const high = this.check(this.parseAdditive(), NUMERIC, 'a numeric upper bound after AND');
      result = { op: 'between', args: [left.v, low.v, high.v] };
    } else if (this.eatWord('IN')) {
      this.check(left, SCALAR, 'a scalar value before IN');
      if (!this.isPunct('(')) this.fail(`'(' starting the IN list`);
      const items = this.parenList(() => this.check(this.parseAdditive(), SCALAR, 'a scalar value in the IN list').v, false);
      result = { op: 'in', args: [left.v, items] };
    } else {
      return left;
    }
    return bool(negated ? not(result) : result);
  }

  // -- arithmetic: + - bind loosest, then * / % div, then ^ (right-associative), then unary minus

  parseAdditive(): Node { return this.parseBinary(['+', '-'], () => this.parseMultiplicative()); }
  parseMultiplicative(): Node { return this.parseBinary(['*', '/', '%', 'div'], () => this.parsePower()); }

  parseBinary(ops: string[], operand: () => Node): Node {
    let left = operand();
    const depthBefore = this.depth;
    for (;;) {
      const t = this.peek();
      const op = t.type === 'punct' ? t.text : t.type === 'id' ? t.text.toLowerCase() : '';
      if (!ops.includes(op)) { this.depth = depthBefore; return left; }
      this.deeper(t.pos);
      this.next();
      const right = operand();
      left = this.arithmetic(op, left, right);
    }
  }

  arithmetic(op: string, left: Node, right: Node): Node {
    this.check(left, NUMERIC, `a numeric value before '${op}'`);
    this.check(right, NUMERIC, `a numeric value after '${op}'`);
    return { v: { op, args: [left.v, right.v] }, k: 'num', pos: left.pos };
  }

  parsePower(): Node {
    const base = this.parseUnary();
    const t = this.peek();
    if (!this.eatPunct('^')) return base;
    return this.arithmetic('^', base, this.nested(t.pos, () => this.parsePower()));
  }

  parseUnary(): Node {
    const t = this.peek();
    if (!this.isPunct('-') && !this.isPunct('+')) return this.parsePrimary();
    this.next();
    const n = this.peek();
    if (n.type === 'num') { this.next(); return { v: t.text === '-' ? -n.num : n.num, k: 'num', pos: t.pos }; }
    if (t.text === '+') this.fail('a number');
    // The JSON encoding has no unary minus; the standard's own examples write it as -1 * x.
    const operand = this.nested(t.pos, () => this.parseUnary());
    return this.arithmetic('*', { v: -1, k: 'num', pos: t.pos }, operand);
  }

  // -- values

  parsePrimary(): Node {
    const t = this.peek();
    const node = (v: Cql2Expr, k: Kind): Node => ({ v, k, pos: t.pos });
    switch (t.type) {
      case 'num': this.next(); return node(t.num, 'num');
      case 'str': this.next(); return node(t.str, 'str');
      case 'qid': this.next(); return node({ property: t.str }, 'prop');
      case 'punct':
        if (t.text === '(') {
          // One parenthesised item is grouping; zero or several make an array literal.
          const items = this.parenList(() => this.parseOr(), true);
          return items.length === 1 ? { ...items[0]!, pos: t.pos } : node(items.map((x) => x.v), 'array');
        }
        return this.fail('a value');
      case 'id': return this.parseWord(t, node);
      case 'eof': return this.fail('a value');
    }
  }

  parseWord(t: Token, node: (v: Cql2Expr, k: Kind) => Node): Node {
    const upper = t.text.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') { this.next(); return node(upper === 'TRUE', 'bool'); }
    if (upper === 'NULL') return this.fail('a value (use IS NULL to test for null)');
    if (RESERVED.has(upper)) return this.fail('a value');
    this.next();
    // Special names only act as such before '(' (or `Z (` for WKT), so `date` or `point` stay usable as property names.
    if (GEOMETRY_TYPES.has(upper) && (this.isPunct('(') || (this.isWord('Z') && this.isPunct('(', 1)))) {
      return node(this.parseGeometry(upper), 'geom');
    }
    if (!this.isPunct('(')) return node({ property: t.text }, 'prop');
    if (upper === 'BBOX') {
      const bbox = this.parenList(() => this.parseCoordinate(), false);
      if (bbox.length !== 4 && bbox.length !== 6) throw new Cql2SyntaxError(`BBOX at column ${col(t.pos)} needs 4 or 6 numbers, not ${bbox.length}`, t.pos);
      return node({ bbox }, 'geom');
    }
    if (upper === 'DATE' || upper === 'TIMESTAMP') {
      const key = upper === 'DATE' ? 'date' : 'timestamp';
      const value = this.parenOne(() => this.parseInstantString(upper === 'DATE' ? DATE : TIMESTAMP, key));
      return node(key === 'date' ? { date: value } : { timestamp: value }, 'time');
    }
    if (upper === 'INTERVAL') {
      const bounds = this.parenList(() => this.parseIntervalBound(), false);
      if (bounds.length !== 2) throw new Cql2SyntaxError(`INTERVAL at column ${col(t.pos)} needs exactly 2 bounds`, t.pos);
      return node({ interval: [bounds[0]!, bounds[1]!] }, 'interval');
    }
    const fixed = (arity: number, kinds: Kind[], what: string, resultKind: Kind, item = (): Node => this.parseOr()): Node => {
      const args = this.parenList(item, false).map((a) => this.check(a, kinds, `${what} as argument of ${upper}`));
      if (args.length !== arity) {
        throw new Cql2SyntaxError(`${upper} at column ${col(t.pos)} takes ${arity} argument${arity > 1 ? 's' : ''}, not ${args.length}`, t.pos);
      }
      return node({ op: jsonOpName(upper), args: args.map((a) => a.v) }, resultKind);
    };
    if (upper === 'CASEI' || upper === 'ACCENTI') return fixed(1, CHARACTER, 'a string or property', 'str');
    if (SPATIAL.has(upper)) return fixed(2, GEOMETRY, 'a geometry or property', 'bool');
    if (TEMPORAL_FNS.has(upper)) return fixed(2, TEMPORAL, 'a date, timestamp, interval or property', 'bool');
    if (ARRAY_FNS.has(upper)) return fixed(2, ARRAY, 'an array or property', 'bool', () => this.parseArrayOperand());
    const args = this.parenList(() => this.parseOr(), true);
    return node({ op: t.text, args: args.map((a) => a.v) }, 'func');
  }

  /** Array-function operands: here `('a')` is a one-element array, not a parenthesised string. */
  parseArrayOperand(): Node {
    const t = this.peek();
    if (!this.isPunct('(')) return this.parseOr();
    return { v: this.parenList(() => this.parseOr(), true).map((x) => x.v), k: 'array', pos: t.pos };
  }

  parseInstantString(pattern: RegExp, what: string): string {
    const t = this.peek();
    if (t.type !== 'str') this.fail(`a quoted ${what}`);
    if (!pattern.test(t.str) || !isRealInstant(t.str)) {
      const example = what === 'date' ? '2020-01-31' : '2020-01-31T12:00:00Z';
      throw new Cql2SyntaxError(`invalid ${what} '${t.str}' at column ${col(t.pos)} (expected e.g. '${example}')`, t.pos);
    }
    this.next();
    return t.str;
  }

  // The JSON encoding's interval bounds are plain strings, '..' or properties. DATE('…') and
  // TIMESTAMP('…') are accepted too (older drafts allowed them) and written as plain strings.
  // Functions, which the 1.0 BNF also allows, are refused: the AST has no place for them.
  parseIntervalBound(): IntervalBound {
    const t = this.peek();
    if (t.type === 'str') {
      if (t.str === '..') { this.next(); return '..'; }
      const isTimestamp = t.str.length > 10;
      return this.parseInstantString(isTimestamp ? TIMESTAMP : DATE, isTimestamp ? 'timestamp' : 'date');
    }
    const node = this.parsePrimary();
    if (node.k === 'prop') return node.v as PropertyRef;
    if (node.k === 'time') { const v = node.v as DateLiteral | TimestampLiteral; return 'date' in v ? v.date : v.timestamp; }
    const found = node.k === 'func' ? 'a function call (not supported here)' : KIND_NAMES[node.k];
    throw new Cql2SyntaxError(`expected a date, timestamp, '..' or property name as interval bound at column ${col(node.pos)}, found ${found}`, node.pos);
  }

  // -- WKT geometry literals → GeoJSON

  parseCoordinate(): number {
    const negative = this.eatPunct('-');
    if (!negative) this.eatPunct('+');
    const n = this.peek();
    if (n.type !== 'num') this.fail('a number');
    this.next();
    return negative ? -n.num : n.num;
  }

  parsePoint(z: boolean): Position {
    const position = [this.parseCoordinate(), this.parseCoordinate()];
    const t = this.peek();
    if (t.type === 'num' || this.isPunct('-') || this.isPunct('+')) position.push(this.parseCoordinate());
    if (z && position.length !== 3) this.fail('a Z coordinate (the geometry is declared Z)');
    return position;
  }

  parsePoints(z: boolean, min: number, what: string): Position[] {
    const t = this.peek();
    const points = this.parenList(() => this.parsePoint(z), false);
    if (points.length < min) throw new Cql2SyntaxError(`${what} at column ${col(t.pos)} needs at least ${min} points`, t.pos);
    return points;
  }

  parseGeometry(upper: string): Geometry {
    const z = this.eatWord('Z');
    const rings = (): Position[][] => this.parenList(() => this.parsePoints(z, 4, 'a polygon ring'), false);
    switch (upper) {
      case 'POINT': return { type: 'Point', coordinates: this.parenOne(() => this.parsePoint(z)) };
      case 'LINESTRING': return { type: 'LineString', coordinates: this.parsePoints(z, 2, 'a linestring') };
      case 'POLYGON': return { type: 'Polygon', coordinates: rings() };
      case 'MULTIPOINT':
        // Both `MULTIPOINT(1 2, 3 4)` and the BNF's `MULTIPOINT((1 2), (3 4))` are in use.
        return {
          type: 'MultiPoint',
          coordinates: this.parenList(() => (this.isPunct('(') ? this.parenOne(() => this.parsePoint(z)) : this.parsePoint(z)), false),
        };
      case 'MULTILINESTRING': return { type: 'MultiLineString', coordinates: this.parenList(() => this.parsePoints(z, 2, 'a linestring'), false) };
      case 'MULTIPOLYGON': return { type: 'MultiPolygon', coordinates: this.parenList(rings, false) };
      default: // GEOMETRYCOLLECTION; per the BNF its members are never collections themselves.
        return {
          type: 'GeometryCollection',
          geometries: this.parenList(() => {
            const m = this.peek();
            const kw = m.type === 'id' ? m.text.toUpperCase() : '';
            if (!GEOMETRY_TYPES.has(kw) || kw === 'GEOMETRYCOLLECTION') this.fail('a POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING or MULTIPOLYGON');
            this.next();
            return this.parseGeometry(kw);
          }, false),
        };
    }
  }
}

function not(arg: Cql2Expr): Operation {
  return { op: 'not', args: [arg] };
}

/** The JSON schema's patternExpression: a string literal, possibly wrapped in casei()/accenti(). */
function isPattern(v: Cql2Expr): boolean {
  if (typeof v === 'string') return true;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !('op' in v)) return false;
  return (v.op === 'casei' || v.op === 'accenti') && v.args.length === 1 && isPattern(v.args[0]!);
}

/**
 * Parses a CQL2 text filter into its CQL2 JSON form. Throws Cql2SyntaxError (and nothing else)
 * for anything that is not exactly one complete boolean expression.
 */
export function parseCql2Text(text: string): Cql2Expr {
  if (typeof text !== 'string') throw new Cql2SyntaxError('the filter must be a string', 0);
  return new Parser(text).parseFilter();
}
