// What the translation promises before any engine reads it (the contract suite
// checks the answers on a real OpenSearch node): three-valued logic, typed fields,
// escapes, and clear refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../errors.ts';
import { checkCql2 } from '../../stac/cql2/cql2-check.ts';
import { parseCql2Text } from '../../stac/cql2/cql2-text-parser.ts';
import { cql2ToQuery, likeToWildcard } from './cql2-to-query.ts';
import { itemTarget } from './search-body.ts';
import { propertyField } from './search-documents.ts';

const translate = (text: string) => cql2ToQuery(checkCql2(parseCql2Text(text)), itemTarget, 'Test');

test('a comparison reads the field of its literal type, and NOT keeps items lacking the property out', () => {
  assert.deepEqual(translate("city = 'Paris'"), { term: { 'p.city.s': 'Paris' } });
  assert.deepEqual(translate('score < 5'), { range: { 'p.score.n': { lt: 5 } } });
  assert.deepEqual(translate("NOT city = 'Paris'"), {
    bool: { filter: [{ term: { present: 'city' } }, { bool: { must_not: [{ term: { 'p.city.s': 'Paris' } }] } }] },
  });
  // Unknown OR false is unknown, so NOT of it matches nothing more than NOT of either.
  const negatedOr = JSON.stringify(translate("NOT (city = 'Paris' OR score > 3)"));
  assert.match(negatedOr, /"present":"city"/);
  assert.match(negatedOr, /"present":"score"/);
});

test('CASEI and ACCENTI read the folded subfields with a folded literal', () => {
  assert.deepEqual(translate("CASEI(city) = casei('ZÜRICH')"), { term: { 'p.city.s.ci': 'zürich' } });
  assert.deepEqual(translate("ACCENTI(city) = accenti('São')"), { term: { 'p.city.s.ai': 'Sao' } });
  assert.deepEqual(translate("CASEI(ACCENTI(city)) LIKE casei(accenti('SÃ%'))"), { wildcard: { 'p.city.s.cai': { value: 'sa*' } } });
});

test('LIKE escapes become wildcard escapes, and wildcard characters in the text stay literal', () => {
  assert.equal(likeToWildcard('100\\%%'), '100%*');
  assert.equal(likeToWildcard('a_b*c?d\\e'), 'a?b\\*c\\?de');
  assert.equal(likeToWildcard('trailing\\'), 'trailing\\\\');
});

test('property names with dots, asterisks or percent signs get fields of their own', () => {
  assert.equal(propertyField('eo:cloud_cover'), 'p.eo:cloud_cover');
  assert.equal(propertyField('a.b'), 'p.a%2Eb');
  assert.equal(propertyField('a*'), 'p.a%2A');
  assert.notEqual(propertyField('a%2Eb'), propertyField('a.b'));
});

test('property against property and arithmetic become one painless script with parameters', () => {
  const query = translate('count * 2 + score > 1500') as { script: { script: { source: string; params: Record<string, unknown> } } };
  assert.match(query.script.script.source, /cmp\(ar\(ar\(v\(doc, params\.v0\), params\.v1, '\*'\), v\(doc, params\.v2\), '\+'\), params\.v3, '>'\)/);
  assert.deepEqual({ ...query.script.script.params }, { v0: 'p.count', v1: 2, v2: 'p.score', v3: 1500, wanted: true });
  // The same shape with other values compiles to the same source.
  const other = translate('count * 7 + score > 3') as typeof query;
  assert.equal(other.script.script.source, query.script.script.source);
});

test('literals compared with literals are decided here; what no engine can do is a ValidationError', () => {
  assert.deepEqual(translate('1 = 1'), { match_all: {} });
  assert.deepEqual(translate("1 = '1'"), { match_none: {} });
  assert.throws(() => translate("CASEI(id) = 'x'"), ValidationError);
  assert.throws(() => translate('S_TOUCHES(geometry, POINT(1 2))'), /S_TOUCHES without its candidates decided/);
});
