import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cql2SyntaxError, parseCql2Text } from './cql2-text-parser.ts';
import type { Cql2Expr, PropertyRef } from './cql2-ast.ts';

function parses(text: string, expected: Cql2Expr): void {
  assert.deepEqual(parseCql2Text(text), expected, text);
}

function rejects(text: string, message: RegExp, position?: number): void {
  assert.throws(() => parseCql2Text(text), (err: unknown) => {
    assert.ok(err instanceof Cql2SyntaxError, `${JSON.stringify(text)} threw ${String(err)}, not a Cql2SyntaxError`);
    assert.match(err.message, message);
    if (position !== undefined) assert.equal(err.position, position, `position for ${JSON.stringify(text)}`);
    return true;
  }, JSON.stringify(text));
}

const p = (property: string): PropertyRef => ({ property });
const op = (name: string, ...args: Cql2Expr[]): Cql2Expr => ({ op: name, args });
const eq = (a: Cql2Expr, b: Cql2Expr): Cql2Expr => op('=', a, b);

// ------------------------------------------------------------ boolean structure

test('the STAC example: comparison AND comparison', () => {
  parses(`eo:cloud_cover < 10 AND platform = 'landsat-8'`, {
    op: 'and',
    args: [{ op: '<', args: [{ property: 'eo:cloud_cover' }, 10] }, { op: '=', args: [{ property: 'platform' }, 'landsat-8'] }],
  });
});

test('all six comparison operators', () => {
  for (const o of ['=', '<>', '<', '<=', '>', '>=']) parses(`x ${o} 1`, op(o, p('x'), 1));
  parses('x<=1', op('<=', p('x'), 1));
  parses('1<>x', op('<>', 1, p('x')));
});

test('AND / OR chains are flattened; parentheses keep their nesting', () => {
  parses('a=1 AND b=2 AND c=3', op('and', eq(p('a'), 1), eq(p('b'), 2), eq(p('c'), 3)));
  parses('a=1 OR b=2 OR c=3', op('or', eq(p('a'), 1), eq(p('b'), 2), eq(p('c'), 3)));
  parses('(a=1 AND b=2) AND c=3', op('and', op('and', eq(p('a'), 1), eq(p('b'), 2)), eq(p('c'), 3)));
  parses('((a=1))', eq(p('a'), 1));
});

test('precedence: NOT > AND > OR', () => {
  parses('a=1 OR b=2 AND c=3', op('or', eq(p('a'), 1), op('and', eq(p('b'), 2), eq(p('c'), 3))));
  parses('a=1 AND b=2 OR c=3', op('or', op('and', eq(p('a'), 1), eq(p('b'), 2)), eq(p('c'), 3)));
  parses('NOT a=1 AND b=2', op('and', op('not', eq(p('a'), 1)), eq(p('b'), 2)));
  parses('NOT (a=1 OR b=2)', op('not', op('or', eq(p('a'), 1), eq(p('b'), 2))));
  parses('NOT NOT a=1', op('not', op('not', eq(p('a'), 1))));
  parses('(a=1 OR b=2) AND c=3', op('and', op('or', eq(p('a'), 1), eq(p('b'), 2)), eq(p('c'), 3)));
});

test('boolean literals and functions are boolean expressions', () => {
  parses('TRUE', true);
  parses('false OR x = 1', op('or', false, eq(p('x'), 1)));
  parses('x = True', eq(p('x'), true));
  parses('isValid(geom) AND NOT hasFlag(x, 3)', op('and', op('isValid', p('geom')), op('not', op('hasFlag', p('x'), 3))));
});

// ------------------------------------------------------------ predicates

test('LIKE and NOT LIKE', () => {
  parses(`name LIKE 'Smith%'`, op('like', p('name'), 'Smith%'));
  parses(`name NOT LIKE '%a_b%'`, op('not', op('like', p('name'), '%a_b%')));
  parses(`CASEI(name) LIKE CASEI('ab%')`, op('like', op('casei', p('name')), op('casei', 'ab%')));
  parses(`name LIKE ACCENTI(CASEI('é%'))`, op('like', p('name'), op('accenti', op('casei', 'é%'))));
});

test('BETWEEN and NOT BETWEEN, including a following AND', () => {
  parses('x BETWEEN 1 AND 2', op('between', p('x'), 1, 2));
  parses('x NOT BETWEEN -1 AND 2.5', op('not', op('between', p('x'), -1, 2.5)));
  parses('x BETWEEN 1 AND 2 AND y = 3', op('and', op('between', p('x'), 1, 2), eq(p('y'), 3)));
  parses('x BETWEEN a + 1 AND b * 2', op('between', p('x'), op('+', p('a'), 1), op('*', p('b'), 2)));
});

test('IN and NOT IN', () => {
  parses(`x IN ('a','b')`, op('in', p('x'), ['a', 'b']));
  parses(`x IN ('a')`, op('in', p('x'), ['a']));
  parses('x NOT IN (1, 2, y)', op('not', op('in', p('x'), [1, 2, p('y')])));
  parses(`CASEI(x) IN (CASEI('a'), 'b')`, op('in', op('casei', p('x')), [op('casei', 'a'), 'b']));
});

test('IS NULL and IS NOT NULL', () => {
  parses('x IS NULL', op('isNull', p('x')));
  parses('x IS NOT NULL', op('not', op('isNull', p('x'))));
  parses('f(x) IS NULL OR y IS NOT NULL', op('or', op('isNull', op('f', p('x'))), op('not', op('isNull', p('y')))));
});

// ------------------------------------------------------------ literals

test('string literals and their escapes', () => {
  parses(`x = 'it''s'`, eq(p('x'), "it's"));
  parses(`x = 'it\\'s'`, eq(p('x'), "it's"));
  parses(`x = ''`, eq(p('x'), ''));
  parses(`x = ''''`, eq(p('x'), "'"));
  parses(`x = 'AND "OR" ( 1'`, eq(p('x'), 'AND "OR" ( 1'));
  parses(`x LIKE '100\\%'`, op('like', p('x'), '100\\%'));
  parses(`x = 'Straße 東京 😀'`, eq(p('x'), 'Straße 東京 😀'));
});

test('numeric literals', () => {
  const cases: Array<[string, number]> = [
    ['10', 10], ['0', 0], ['1.5', 1.5], ['.5', 0.5], ['3.', 3], ['-1.5e3', -1500], ['+7', 7], ['1E-2', 0.01],
    ['2.5e+2', 250], ['- 4', -4], ['007', 7],
  ];
  for (const [text, value] of cases) parses(`x = ${text}`, eq(p('x'), value));
  parses('-1 < x', op('<', -1, p('x')));
});

test('TIMESTAMP, DATE and INTERVAL', () => {
  parses(`t = TIMESTAMP('2020-01-01T00:00:00Z')`, eq(p('t'), { timestamp: '2020-01-01T00:00:00Z' }));
  parses(`t > timestamp('2020-01-01T00:00:00.123Z')`, op('>', p('t'), { timestamp: '2020-01-01T00:00:00.123Z' }));
  parses(`d = DATE('2020-02-29')`, eq(p('d'), { date: '2020-02-29' }));
  parses(`T_DURING(datetime, INTERVAL('2020-01-01', '..'))`, op('t_during', p('datetime'), { interval: ['2020-01-01', '..'] }));
  parses(`T_DURING(datetime, INTERVAL('..', '2020-01-01T10:00:00Z'))`, op('t_during', p('datetime'), { interval: ['..', '2020-01-01T10:00:00Z'] }));
  parses(`T_DURING(INTERVAL(start, "end"), INTERVAL(DATE('2020-01-01'), TIMESTAMP('2021-01-01T00:00:00Z')))`,
    op('t_during', { interval: [p('start'), p('end')] }, { interval: ['2020-01-01', '2021-01-01T00:00:00Z'] }));
  // Kept exactly as written: the standard's JSON examples drop all-zero fractions, which changes nothing.
  parses(`t = TIMESTAMP('2012-08-10T05:30:00.000000Z')`, eq(p('t'), { timestamp: '2012-08-10T05:30:00.000000Z' }));
});

// ------------------------------------------------------------ property names

test('identifiers per the BNF, and double-quoted property names', () => {
  for (const name of ['eo:cloud_cover', 'a.b.c', '_x1', ':x', 'proj:epsg', 'café', 'Straße', 'ζωή', 'ñ̃', 'x‿y', '東京', 'a:1.2_3']) {
    parses(`${name} = 1`, eq(p(name), 1));
  }
  parses(`"eo:cloud_cover" < 10`, op('<', p('eo:cloud_cover'), 10));
  parses(`"and" = 1`, eq(p('and'), 1));
  parses(`"a b-c" = 1`, eq(p('a b-c'), 1));
  // Names of literal constructors are only special before '(', so they remain usable as properties.
  parses(`date = 1 AND point = 2 AND interval IS NULL AND z = 3`,
    op('and', eq(p('date'), 1), eq(p('point'), 2), op('isNull', p('interval')), eq(p('z'), 3)));
});

test('keywords are case-insensitive; names keep their case', () => {
  parses(`x like 'a' and Y nOt BeTwEeN 1 aNd 2 Or z iS nOt NuLl oR NOT w in (1)`, op('or',
    op('and', op('like', p('x'), 'a'), op('not', op('between', p('Y'), 1, 2))),
    op('not', op('isNull', p('z'))),
    op('not', op('in', p('w'), [1]))));
  parses('x = 7 DIV 2', eq(p('x'), op('div', 7, 2)));
  parses(`s_intersects(g, point(1 2)) AND t_Before(t, date('2020-01-01'))`,
    op('and', op('s_intersects', p('g'), { type: 'Point', coordinates: [1, 2] }), op('t_before', p('t'), { date: '2020-01-01' })));
});

test('whitespace anywhere between tokens, including none and Unicode spaces', () => {
  parses(`x=1 AND(y<>'a')`, op('and', eq(p('x'), 1), op('<>', p('y'), 'a')));
  parses(`\n\t x\r\n=\u00a01\u3000`, eq(p('x'), 1));
  parses(`S_INTERSECTS(g,POINT(1 2))`, op('s_intersects', p('g'), { type: 'Point', coordinates: [1, 2] }));
  parses(`S_INTERSECTS ( g , POINT Z ( 1  2\t3 ) )`, op('s_intersects', p('g'), { type: 'Point', coordinates: [1, 2, 3] }));
});

// ------------------------------------------------------------ geometry

const intersects = (wkt: string, geometry: Cql2Expr): void => parses(`S_INTERSECTS(geom, ${wkt})`, op('s_intersects', p('geom'), geometry));

test('WKT geometry literals become GeoJSON', () => {
  intersects('POINT(1 2)', { type: 'Point', coordinates: [1, 2] });
  intersects('POINT(-1.5 +2e1)', { type: 'Point', coordinates: [-1.5, 20] });
  intersects('POINT Z(1 2 3)', { type: 'Point', coordinates: [1, 2, 3] });
  intersects('POINT(1 2 3)', { type: 'Point', coordinates: [1, 2, 3] });
  intersects('LINESTRING(0 0, 1 1, 2 -2)', { type: 'LineString', coordinates: [[0, 0], [1, 1], [2, -2]] });
  intersects('POLYGON((0 0, 1 0, 1 1, 0 0), (0.1 0.1, 0.2 0.1, 0.2 0.2, 0.1 0.1))', {
    type: 'Polygon',
    coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]], [[0.1, 0.1], [0.2, 0.1], [0.2, 0.2], [0.1, 0.1]]],
  });
  intersects('MULTIPOINT(1 2, 3 4)', { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] });
  intersects('MULTIPOINT((1 2), (3 4))', { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] });
  intersects('MULTIPOINT Z((1 2 3), 4 5 6)', { type: 'MultiPoint', coordinates: [[1, 2, 3], [4, 5, 6]] });
  intersects('MULTILINESTRING((0 0, 1 1), (2 2, 3 3, 4 4))', { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3], [4, 4]]] });
  intersects('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))', {
    type: 'MultiPolygon',
    coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]],
  });
  intersects('GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))', {
    type: 'GeometryCollection',
    geometries: [{ type: 'Point', coordinates: [1, 2] }, { type: 'LineString', coordinates: [[0, 0], [1, 1]] }],
  });
  intersects('BBOX(-180, -90, 180, 90)', { bbox: [-180, -90, 180, 90] });
  intersects('BBOX(0,1,-100,2,3,100)', { bbox: [0, 1, -100, 2, 3, 100] });
});

// ------------------------------------------------------------ spatial, temporal and array functions

test('all spatial functions', () => {
  for (const name of ['S_INTERSECTS', 'S_EQUALS', 'S_DISJOINT', 'S_TOUCHES', 'S_WITHIN', 'S_OVERLAPS', 'S_CROSSES', 'S_CONTAINS']) {
    parses(`${name}(a, b)`, op(name.toLowerCase(), p('a'), p('b')));
  }
  parses('S_WITHIN(geom, buffer(other, 10))', op('s_within', p('geom'), op('buffer', p('other'), 10)));
});

test('all temporal functions, with the JSON spelling of the camel-cased ones', () => {
  const names: Array<[string, string]> = [
    ['T_AFTER', 't_after'], ['T_BEFORE', 't_before'], ['T_CONTAINS', 't_contains'], ['T_DISJOINT', 't_disjoint'],
    ['T_DURING', 't_during'], ['T_EQUALS', 't_equals'], ['T_FINISHEDBY', 't_finishedBy'], ['T_FINISHES', 't_finishes'],
    ['T_INTERSECTS', 't_intersects'], ['T_MEETS', 't_meets'], ['T_METBY', 't_metBy'], ['T_OVERLAPPEDBY', 't_overlappedBy'],
    ['T_OVERLAPS', 't_overlaps'], ['T_STARTEDBY', 't_startedBy'], ['T_STARTS', 't_starts'],
  ];
  for (const [text, json] of names) {
    parses(`${text}(datetime, TIMESTAMP('2020-01-01T00:00:00Z'))`, op(json, p('datetime'), { timestamp: '2020-01-01T00:00:00Z' }));
  }
});

test('array functions and array literals', () => {
  const names: Array<[string, string]> = [['A_EQUALS', 'a_equals'], ['A_CONTAINS', 'a_contains'], ['A_CONTAINEDBY', 'a_containedBy'], ['A_OVERLAPS', 'a_overlaps']];
  for (const [text, json] of names) parses(`${text}(tags, ('a', 'b', 1))`, op(json, p('tags'), ['a', 'b', 1]));
  parses(`A_CONTAINS(tags, ('a'))`, op('a_contains', p('tags'), ['a']));
  parses('A_EQUALS(tags, ())', op('a_equals', p('tags'), []));
  parses(`A_OVERLAPS((('a', 'b'), ('c', (1, 2)), TRUE, DATE('2020-01-01')), f(x))`,
    op('a_overlaps', [['a', 'b'], ['c', [1, 2]], true, { date: '2020-01-01' }], op('f', p('x'))));
  parses(`A_CONTAINS(tags, (x + 1, POINT(1 2)))`, op('a_contains', p('tags'), [op('+', p('x'), 1), { type: 'Point', coordinates: [1, 2] }]));
});

test('CASEI and ACCENTI', () => {
  parses(`CASEI(name) = CASEI('ÄB')`, eq(op('casei', p('name')), op('casei', 'ÄB')));
  parses(`ACCENTI(name) = accenti('é')`, eq(op('accenti', p('name')), op('accenti', 'é')));
  parses(`CASEI(ACCENTI(name)) = 'x'`, eq(op('casei', op('accenti', p('name'))), 'x'));
});

// ------------------------------------------------------------ arithmetic

test('arithmetic precedence and associativity', () => {
  parses('x = 1 + 2 * 3', eq(p('x'), op('+', 1, op('*', 2, 3))));
  parses('x = (1 + 2) * 3', eq(p('x'), op('*', op('+', 1, 2), 3)));
  parses('x = a - b - c', eq(p('x'), op('-', op('-', p('a'), p('b')), p('c'))));
  parses('x = a / b * c % d div e', eq(p('x'), op('div', op('%', op('*', op('/', p('a'), p('b')), p('c')), p('d')), p('e'))));
  parses('x = 2 ^ 3 ^ 2', eq(p('x'), op('^', 2, op('^', 3, 2))));
  parses('x = 2 * 3 ^ 2', eq(p('x'), op('*', 2, op('^', 3, 2))));
  parses('x + 1 > y * 2', op('>', op('+', p('x'), 1), op('*', p('y'), 2)));
  parses('x-1 = 2', eq(op('-', p('x'), 1), 2));
  parses('x = 2 - -3', eq(p('x'), op('-', 2, -3)));
  parses('x = f(y) + 1', eq(p('x'), op('+', op('f', p('y')), 1)));
});

test('unary minus: literals fold, anything else becomes -1 * x as in the standard', () => {
  parses('x = -y', eq(p('x'), op('*', -1, p('y'))));
  parses('x = -(a + b)', eq(p('x'), op('*', -1, op('+', p('a'), p('b')))));
  parses('x = -y * 2', eq(p('x'), op('*', op('*', -1, p('y')), 2)));
  parses('x = -y ^ 2', eq(p('x'), op('^', op('*', -1, p('y')), 2)));
  parses('x = 2 ^ -1', eq(p('x'), op('^', 2, -1)));
});

// ------------------------------------------------------------ functions

test('generic function calls', () => {
  parses('f() = 1', eq(op('f', ), 1));
  parses(`myFunc(a, 'b', 3, TRUE, POINT(1 2), (1, 2), g(h(x))) = 1`,
    eq(op('myFunc', p('a'), 'b', 3, true, { type: 'Point', coordinates: [1, 2] }, [1, 2], op('g', op('h', p('x')))), 1));
  parses('avg(windSpeed)', op('avg', p('windSpeed')));
  parses('f(x = 1, y) AND g()', op('and', op('f', eq(p('x'), 1), p('y')), op('g')));
});

// ------------------------------------------------------------ OGC 21-065r2 examples

// Text and JSON encodings of the same filter, from opengeospatial/ogcapi-features
// cql2/standard/schema/examples/{text,json}/ (JSON compacted; -0.0 and 2.0 kept as published).
const STANDARD_EXAMPLES: Array<[string, string, string]> = [
  ['clause6_01', `avg(windSpeed)`,
    `{"op":"avg","args":[{"property":"windSpeed"}]}`],
  ['clause6_02b', `avg(windSpeed) < 4`,
    `{"op":"<","args":[{"op":"avg","args":[{"property":"windSpeed"}]},4]}`],
  ['clause6_02c', `balance-150.0 > 0`,
    `{"op":">","args":[{"op":"-","args":[{"property":"balance"},150.0]},0]}`],
  ['clause6_02d', `updated >= date('1970-01-01')`,
    `{"op":">=","args":[{"property":"updated"},{"date":"1970-01-01"}]}`],
  ['clause6_03', `geometry IS NOT NULL`,
    `{"op":"not","args":[{"op":"isNull","args":[{"property":"geometry"}]}]}`],
  ['clause7_02', `depth BETWEEN 100.0 and 150.0`,
    `{"op":"between","args":[{"property":"depth"},100.0,150.0]}`],
  ['clause7_03b', `category NOT IN (1,2,3,4)`,
    `{"op":"not","args":[{"op":"in","args":[{"property":"category"},[1,2,3,4]]}]}`],
  ['clause7_04', `CASEI(road_class) IN (CASEI('Οδος'),CASEI('Straße'))`,
    `{"op":"in","args":[{"op":"casei","args":[{"property":"road_class"}]},[{"op":"casei","args":["Οδος"]},{"op":"casei","args":["Straße"]}]]}`],
  ['clause7_13', `T_DURING(INTERVAL(touchdown, liftOff), INTERVAL('1969-07-16T13:32:00Z', '1969-07-24T16:50:35Z'))`,
    `{"op":"t_during","args":[{"interval":[{"property":"touchdown"},{"property":"liftOff"}]},{"interval":["1969-07-16T13:32:00Z","1969-07-24T16:50:35Z"]}]}`],
  ['clause7_15', `A_CONTAINS(layer:ids, ('layers-ca','layers-us'))`,
    `{"op":"a_contains","args":[{"property":"layer:ids"},["layers-ca","layers-us"]]}`],
  ['clause7_18', `S_WITHIN(road,Buffer(geometry,10,'m'))`,
    `{"op":"s_within","args":[{"property":"road"},{"op":"Buffer","args":[{"property":"geometry"},10,"m"]}]}`],
  ['clause7_19', `vehicle_height > (bridge_clearance-1)`,
    `{"op":">","args":[{"property":"vehicle_height"},{"op":"-","args":[{"property":"bridge_clearance"},1]}]}`],
  ['example06a', `eo:cloud_cover BETWEEN 0.1 AND 0.2
AND landsat:wrs_row=28
AND landsat:wrs_path=203`,
    `{"op":"and","args":[{"op":"between","args":[{"property":"eo:cloud_cover"},0.1,0.2]},{"op":"=","args":[{"property":"landsat:wrs_row"},28]},{"op":"=","args":[{"property":"landsat:wrs_path"},203]}]}`],
  ['example16', `swimming_pool=true AND (floors>5 
                    OR  material LIKE 'brick%'
                    OR  material LIKE '%brick')`,
    `{"op":"and","args":[{"op":"=","args":[{"property":"swimming_pool"},true]},{"op":"or","args":[{"op":">","args":[{"property":"floors"},5]},{"op":"like","args":[{"property":"material"},"brick%"]},{"op":"like","args":[{"property":"material"},"%brick"]}]}]}`],
  ['example18', `NOT (floors<5) OR swimming_pool=true`,
    `{"op":"or","args":[{"op":"not","args":[{"op":"<","args":[{"property":"floors"},5]}]},{"op":"=","args":[{"property":"swimming_pool"},true]}]}`],
  ['example23', `S_WITHIN(location,BBOX(-118,33.8,-117.9,34))`,
    `{"op":"s_within","args":[{"property":"location"},{"bbox":[-118,33.8,-117.9,34]}]}`],
  ['example28', `CASEI(geophys:SURVEY_NAME) LIKE CASEI('%calcutta%')`,
    `{"op":"like","args":[{"op":"casei","args":[{"property":"geophys:SURVEY_NAME"}]},{"op":"casei","args":["%calcutta%"]}]}`],
  ['example45', `S_INTERSECTS("geometry", BBOX(-128.098193, -1.1, -99999.0, 180.0, 90.0, 100000.0))`,
    `{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[-128.098193,-1.1,-99999.0,180.0,90.0,100000.0]}]}`],
  ['example47', `S_DISJOINT("geometry", MULTIPOLYGON (((144.022387 45.176126, -1.1 0.0, 180.0 47.808086, 144.022387 45.176126))))`,
    `{"op":"s_disjoint","args":[{"property":"geometry"},{"type":"MultiPolygon","coordinates":[[[[144.022387,45.176126],[-1.1,0.0],[180.0,47.808086],[144.022387,45.176126]]]]}]}`],
  ['example49', `S_WITHIN(POLYGON Z ((-49.88024 0.5 -75993.341684, -1.5 -0.99999 -100000.0, 0.0 0.5 -0.333333, -49.88024 0.5 -75993.341684), (-65.887123 2.00001 -100000.0, 0.333333 -53.017711 -79471.332949, 180.0 0.0 1852.616704, -65.887123 2.00001 -100000.0)), "geometry")`,
    `{"op":"s_within","args":[{"type":"Polygon","coordinates":[[[-49.88024,0.5,-75993.341684],[-1.5,-0.99999,-100000.0],[0.0,0.5,-0.333333],[-49.88024,0.5,-75993.341684]],[[-65.887123,2.00001,-100000.0],[0.333333,-53.017711,-79471.332949],[180.0,0.0,1852.616704],[-65.887123,2.00001,-100000.0]]]},{"property":"geometry"}]}`],
  ['example56', `T_DISJOINT(INTERVAL('..', '2005-01-10T01:01:01.393216Z'), INTERVAL(starts_at, ends_at))`,
    `{"op":"t_disjoint","args":[{"interval":["..","2005-01-10T01:01:01.393216Z"]},{"interval":[{"property":"starts_at"},{"property":"ends_at"}]}]}`],
  ['example69', `FALSE <> Bar("geometry", 100, 'a', 'b', FALSE)`,
    `{"op":"<>","args":[false,{"op":"Bar","args":[{"property":"geometry"},100,"a","b",false]}]}`],
  ['example81', `A_EQUALS(('a', TRUE, 1.0, 8), "values")`,
    `{"op":"a_equals","args":[["a",true,1.0,8],{"property":"values"}]}`],
  ['example83', `S_EQUALS(MULTIPOINT ((180.0 -0.5), (179.0 -47.121701), (180.0 -0.0), (33.470475 -0.99999), (179.0 -15.333062)), "geometry")`,
    `{"op":"s_equals","args":[{"type":"MultiPoint","coordinates":[[180.0,-0.5],[179.0,-47.121701],[180.0,-0.0],[33.470475,-0.99999],[179.0,-15.333062]]},{"property":"geometry"}]}`],
  ['example84', `S_EQUALS(GEOMETRYCOLLECTION (POINT (1.9 2.00001), POINT (0.0 -2.00001), MULTILINESTRING ((-2.00001 -0.0, -77.292642 -0.5, -87.515626 -0.0, -180.0 12.502773, 21.204842 -1.5, -21.878857 -90.0)), POINT (1.9 0.5), LINESTRING (179.0 1.179148, -148.192487 -65.007816, 0.5 0.333333)), "geometry")`,
    `{"op":"s_equals","args":[{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1.9,2.00001]},{"type":"Point","coordinates":[0.0,-2.00001]},{"type":"MultiLineString","coordinates":[[[-2.00001,-0.0],[-77.292642,-0.5],[-87.515626,-0.0],[-180.0,12.502773],[21.204842,-1.5],[-21.878857,-90.0]]]},{"type":"Point","coordinates":[1.9,0.5]},{"type":"LineString","coordinates":[[179.0,1.179148],[-148.192487,-65.007816],[0.5,0.333333]]}]},{"property":"geometry"}]}`],
  ['example85-alt01', `value = - foo * 2.0 + "bar" / 6.1234 - "x" ^ 2.0`,
    `{"op":"=","args":[{"property":"value"},{"op":"-","args":[{"op":"+","args":[{"op":"*","args":[{"op":"*","args":[-1,{"property":"foo"}]},2.0]},{"op":"/","args":[{"property":"bar"},6.1234]}]},{"op":"^","args":[{"property":"x"},2.0]}]}]}`],
  ['example86', `"name" LIKE CASEI('FOO%')`,
    `{"op":"like","args":[{"property":"name"},{"op":"casei","args":["FOO%"]}]}`],
];

test('the examples of the CQL2 standard parse to their published JSON', () => {
  assert.ok(STANDARD_EXAMPLES.length >= 12);
  for (const [name, text, json] of STANDARD_EXAMPLES) {
    assert.deepEqual(parseCql2Text(text), JSON.parse(json) as Cql2Expr, name);
  }
});

// ------------------------------------------------------------ errors

test('the error carries a message with the 1-based column, and a 0-based position', () => {
  rejects('foo = ', /^expected a value after '=' at column 7, found end of input$/, 6);
  rejects('x = 1 AND', /expected a value after 'AND' at column 10/, 9);
  const err = (() => { try { parseCql2Text('x = )'); } catch (e) { return e; } return undefined; })();
  assert.ok(err instanceof Cql2SyntaxError && err instanceof Error);
  assert.equal(err.name, 'Cql2SyntaxError');
  assert.equal(err.position, 4);
});

test('trailing input is never dropped', () => {
  rejects('x = 1 garbage', /expected AND, OR or end of input after '1' at column 7, found 'garbage'/, 6);
  rejects('x = 1 2', /column 7/);
  rejects('x = 1 = 2', /found '='/);
  rejects(`x = 'a' 'b'`, /found ''b''/);
  rejects('x = 1;', /unexpected character ';' at column 6/);
  rejects('S_INTERSECTS(a, b) c', /found 'c'/);
});

test('unbalanced parentheses', () => {
  rejects('(x = 1', /expected ',' or '\)' after '1' at column 7, found end of input/);
  rejects('x = 1)', /found '\)'/);
  rejects('((x = 1)', /end of input/);
  rejects('f(x = 1', /end of input/);
  rejects('x IN (1, 2', /end of input/);
  rejects(')', /expected a value at column 1/);
  rejects('S_INTERSECTS(g, POINT(1 2)', /end of input/);
});

test('empty input and unknown or unterminated tokens', () => {
  rejects('', /the filter is empty/, 0);
  rejects(' \n\t ', /the filter is empty/);
  rejects('x != 1', /unexpected character '!' at column 3/, 2);
  rejects('x = 1 && y = 2', /unexpected character '&'/);
  rejects('x = [1]', /unexpected character '\['/);
  rejects('x = .', /unexpected character '.'/);
  rejects(`x = 'abc`, /unterminated string starting at column 5/, 4);
  rejects(`x = 'it''s`, /unterminated string/);
  rejects(`x = 'C:\\'`, /unterminated string/);
  rejects('"eo:cloud_cover < 10', /unterminated quoted property name starting at column 1/);
  rejects('"" = 1', /empty quoted property name/);
});

test('the filter must be a boolean expression', () => {
  for (const text of ['foo', '1 + 2', `'a'`, '42', 'POINT(1 2)', '(1, 2)', '()', `DATE('2020-01-01')`, `CASEI(x)`, '-x']) {
    rejects(text, /the filter must be a boolean expression/);
  }
  rejects('a AND b', /expected a boolean expression before AND at column 1, found a property name/);
  rejects('x = 1 OR y', /expected a boolean expression after OR at column 10, found a property name/);
  rejects('NOT x', /expected a boolean expression after NOT at column 5, found a property name/);
});

test('malformed predicates', () => {
  rejects('x =', /expected a value after '=' at column 4/);
  rejects('x = AND y = 1', /expected a value after '=' at column 5, found 'AND'/);
  rejects('x = NULL', /use IS NULL/);
  rejects('x IS 1', /expected NULL or NOT NULL after 'IS'/);
  rejects('x IS NOT 1', /expected NULL after 'NOT'/);
  rejects('x NOT = 1', /expected LIKE, BETWEEN or IN|found 'NOT'/);
  rejects('x BETWEEN 1 OR 2', /expected AND after '1'/);
  rejects(`x BETWEEN 'a' AND 'b'`, /a numeric lower bound after BETWEEN at column 11, found a string/);
  rejects('x LIKE y', /expected a quoted pattern/);
  rejects(`1 LIKE 'a'`, /a string or property before LIKE at column 1, found a numeric expression/);
  rejects('x IN 1', /expected '\(' starting the IN list after 'IN'/);
  rejects('x IN ()', /expected a value after '\('/);
  rejects('x IN ((1, 2))', /a scalar value in the IN list/);
  rejects('x IN (1, 2,)', /expected a value after ','/);
  rejects('x = (1, 2)', /a scalar value after '='.*found an array/);
  rejects('x = POINT(1 2)', /found a geometry/);
  rejects(`x = 'a' + 1`, /a numeric value before '\+'.*found a string/);
  rejects('x = TRUE * 2', /found a boolean expression/);
  rejects('x = +y', /expected a number after '\+'/);
  rejects('x = 1 +', /expected a value after '\+'/);
});

test('invalid numbers, dates and timestamps', () => {
  rejects('x = 1e', /invalid number '1e…' at column 5/);
  rejects('x = 1.2.3', /invalid number/);
  rejects('x = 12abc', /invalid number/);
  rejects('x = 1e999', /number out of range/);
  rejects(`x = DATE('2020-02-30')`, /invalid date '2020-02-30' at column 10/);
  rejects(`x = DATE('2020-1-1')`, /invalid date/);
  rejects(`x = DATE(2020)`, /expected a quoted date/);
  rejects(`x = DATE('2020-01-01', '2020-01-02')`, /expected '\)'/);
  rejects(`x = TIMESTAMP('2020-01-01')`, /invalid timestamp/);
  rejects(`x = TIMESTAMP('2020-01-01T24:00:00Z')`, /invalid timestamp/);
  rejects(`x = TIMESTAMP('2020-01-01T00:00:00+01:00')`, /invalid timestamp/);
  rejects(`T_AFTER(x, INTERVAL('2020-01-01'))`, /INTERVAL at column 12 needs exactly 2 bounds/);
  rejects(`T_AFTER(x, INTERVAL('2020-01-01', 'soon'))`, /invalid date 'soon'/);
  rejects(`T_AFTER(x, INTERVAL('2020-01-01', 3))`, /expected a date, timestamp, '\.\.' or property name as interval bound at column 35, found a numeric/);
  rejects(`T_AFTER(x, INTERVAL('2020-01-01', now()))`, /found a function call \(not supported here\)/);
  rejects(`T_AFTER(x, INTERVAL('2020-01-01', ))`, /expected a value after ','/);
});

test('wrong arguments to the standard functions', () => {
  rejects('S_INTERSECTS(a)', /S_INTERSECTS at column 1 takes 2 arguments, not 1/);
  rejects('S_INTERSECTS(a, b, c)', /takes 2 arguments, not 3/);
  rejects('S_INTERSECTS(a, 1)', /expected a geometry or property as argument of S_INTERSECTS at column 17, found a numeric expression/);
  rejects(`T_AFTER(x, 'yesterday')`, /a date, timestamp, interval or property as argument of T_AFTER/);
  rejects('A_CONTAINS(x, 1)', /an array or property as argument of A_CONTAINS/);
  rejects('CASEI(1) = x', /a string or property as argument of CASEI/);
  rejects(`CASEI('a', 'b') = x`, /CASEI at column 1 takes 1 argument, not 2/);
  rejects('f(1,) = 1', /expected a value after ','/);
});

test('malformed geometry literals', () => {
  rejects('S_INTERSECTS(g, POINT(1))', /expected a number after '1'/);
  rejects('S_INTERSECTS(g, POINT(1 2, 3 4))', /expected '\)' after '2'/);
  rejects('S_INTERSECTS(g, POINT(1 2 3 4))', /expected '\)' after '3'/);
  rejects('S_INTERSECTS(g, POINT Z(1 2))', /expected a Z coordinate/);
  rejects('S_INTERSECTS(g, LINESTRING(1 2))', /a linestring at column 27 needs at least 2 points/);
  rejects('S_INTERSECTS(g, POLYGON((0 0, 1 1, 0 0)))', /a polygon ring .* needs at least 4 points/);
  rejects('S_INTERSECTS(g, POLYGON(0 0, 1 1, 1 0, 0 0))', /expected '\('/);
  rejects('S_INTERSECTS(g, MULTIPOINT((1 2 ), (3 4, 5 6)))', /expected '\)'/);
  rejects('S_INTERSECTS(g, GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT(1 2))))', /expected a POINT, LINESTRING/);
  rejects('S_INTERSECTS(g, GEOMETRYCOLLECTION(1 2))', /expected a POINT, LINESTRING/);
  rejects('S_INTERSECTS(g, POINT EMPTY)', /found 'EMPTY'/);
  rejects('S_INTERSECTS(g, BBOX(1, 2, 3))', /BBOX at column 17 needs 4 or 6 numbers, not 3/);
  rejects('S_INTERSECTS(g, BBOX(1, 2, 3, x))', /expected a number after ','/);
});

test('nesting is capped instead of overflowing the stack', () => {
  const n = 20_000;
  const hostile = [
    '('.repeat(n) + 'x = 1' + ')'.repeat(n),
    'NOT '.repeat(n) + 'x = 1',
    'x = ' + '-'.repeat(n) + 'y',
    'x = ' + '1 + '.repeat(n) + '1',
    'x = ' + '2 ^ '.repeat(n) + '2',
    'x = ' + 'f('.repeat(n) + '1' + ')'.repeat(n),
    'A_EQUALS(x, ' + '('.repeat(n) + ')'.repeat(n) + ')',
    'x = ' + '- '.repeat(n) + '1',
  ];
  for (const text of hostile) rejects(text, /too deeply nested \(more than 100 levels\)/);
  // Wide is fine; only deep is refused.
  const wide = parseCql2Text('x IN (' + Array.from({ length: 10_000 }, (_, i) => i).join(',') + ')');
  assert.equal(((wide as { args: Cql2Expr[] }).args[1] as Cql2Expr[]).length, 10_000);
  const deepButAllowed = '('.repeat(50) + 'x = 1' + ')'.repeat(50);
  parses(deepButAllowed, eq(p('x'), 1));
});

test('mangled input throws nothing but Cql2SyntaxError', () => {
  // A small deterministic fuzz: mutate the standard's examples and require either a result or a Cql2SyntaxError.
  let seed = 1;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = `()',"=<>+-*/%^ .0123456789eEaZ:_é😀`;
  const texts = STANDARD_EXAMPLES.map(([, text]) => text);
  for (let n = 0; n < 5000; n++) {
    let text = texts[Math.floor(random() * texts.length)]!;
    for (let k = 0; k < 3; k++) {
      const at = Math.floor(random() * (text.length + 1));
      const r = random();
      if (r < 0.4) text = text.slice(0, at) + text.slice(at + 1);
      else if (r < 0.8) text = text.slice(0, at) + alphabet[Math.floor(random() * alphabet.length)] + text.slice(at);
      else text = text.slice(0, at);
    }
    try {
      parseCql2Text(text);
    } catch (err) {
      assert.ok(err instanceof Cql2SyntaxError, `${JSON.stringify(text)} threw ${String(err)}`);
      assert.match(err.message, /column \d+|empty/);
    }
  }
  assert.throws(() => parseCql2Text(undefined as unknown as string), Cql2SyntaxError);
});
