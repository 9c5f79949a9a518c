// Painless helpers for the CQL2 predicates the query DSL cannot state by itself:
// property against property, arithmetic, and comparisons of computed values.
// Each script is these helpers plus one expression whose property names and
// literals are all parameters, so a filter's shape is compiled once however its
// values change (the engines limit how many scripts compile per minute).
//
// Values follow CQL2 as the SQLite adapter does: a missing property is null, null
// makes a comparison unknown (null), values of different types are never equal
// or ordered (false), and times are epoch milliseconds.
const HELPERS = `
def v(def d, String f) {
  String n = f + '.n'; if (d.containsKey(n) && d[n].size() > 0) return d[n].value;
  String s = f + '.s'; if (d.containsKey(s) && d[s].size() > 0) return d[s].value;
  String b = f + '.b'; if (d.containsKey(b) && d[b].size() > 0) return d[b].value;
  return null;
}
def kw(def d, String f) { return d.containsKey(f) && d[f].size() > 0 ? d[f].value : null; }
def ms(def d, String f) { return d.containsKey(f) && d[f].size() > 0 ? d[f].value.toInstant().toEpochMilli() : null; }
def ar(def a, def b, String op) {
  if (!(a instanceof Number) || !(b instanceof Number)) return null;
  double x = a.doubleValue(); double y = b.doubleValue();
  if (op == '+') return x + y;
  if (op == '-') return x - y;
  if (op == '*') return x * y;
  if (op == '^') return Math.pow(x, y);
  if (y == 0) return null;
  if (op == '/') return x / y;
  if (op == 'div') return (double) ((long) x / (long) y);
  return (double) ((long) x % (long) y);
}
def cmp(def a, def b, String op) {
  if (a == null || b == null) return null;
  int c;
  if (a instanceof Number && b instanceof Number) {
    double x = a.doubleValue(); double y = b.doubleValue();
    c = x < y ? -1 : (x > y ? 1 : 0);
  } else if (a instanceof String && b instanceof String) {
    c = a.compareTo(b);
  } else if (a instanceof Boolean && b instanceof Boolean) {
    c = a == b ? 0 : (a ? 1 : -1);
  } else {
    return false;
  }
  if (op == '=') return c == 0;
  if (op == '<>') return c != 0;
  if (op == '<') return c < 0;
  if (op == '<=') return c <= 0;
  if (op == '>') return c > 0;
  return c >= 0;
}
def and3(def a, def b) { if (a == false || b == false) return false; if (a == null || b == null) return null; return true; }
def or3(def a, def b) { if (a == true || b == true) return true; if (a == null || b == null) return null; return false; }
def inl(def x, def list) {
  if (x == null) return null;
  boolean unknown = false;
  for (def y : list) { def r = cmp(x, y, '='); if (r == true) return true; if (r == null) unknown = true; }
  return unknown ? null : false;
}
`;

/** Collects parameters while an expression is written. */
export class PainlessExpression {
  readonly params: Record<string, unknown> = {};
  #count = 0;

  /** A parameter reference holding `value`. */
  param(value: unknown): string {
    const name = `v${this.#count++}`;
    this.params[name] = value;
    return `params.${name}`;
  }

  /**
   * A script query matching documents where `expression` (true, false or null)
   * equals `wanted`: the truth and the falsity of a predicate, for three-valued logic.
   */
  query(expression: string, wanted: boolean): Record<string, unknown> {
    return {
      script: {
        script: { lang: 'painless', source: `${HELPERS}\nreturn (${expression}) == params.wanted;`, params: { ...this.params, wanted } },
      },
    };
  }
}
