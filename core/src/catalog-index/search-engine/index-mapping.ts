// The one index mapping both engines use, for the items index and the collections
// index (search-documents.ts builds the documents that fill them).
//
// Every STAC property is indexed under `p.<name>` in fields of its own per JSON
// type (`s` strings, `n` numbers, `b` booleans, `t` date-times as epoch ms, and
// `ae`/`aj`/`ac` for arrays), never under one field whose type the first document
// decides: a property that is a number in one item and a string in another is
// then not a mapping conflict that rejects the second item, and a CQL2 comparison
// with a string literal reads only the strings, as CQL2 wants. Numbers are doubles:
// a `float` would lose digits and a `long` would truncate a later 12.5, while a
// double keeps every integer JSON (and JavaScript) can carry exactly.
//
// A collection as written is kept in `doc`, stored but not indexed (assets, links
// and all). An item is kept as text (`json`, the item without its links, a string
// the engine stores but neither parses nor indexes) and its links apart (`links`),
// as ItemText hands them over: a page of items is the engine's strings copied
// into the answer, not thousands of members the engine, the client and the API
// each rebuild (mapping 1 kept items in `doc` too; SearchEngineCatalogIndex reads
// both and its reindex() rewrites such documents). The indexed fields are derived
// from the document and kept in `_source` too, so that `_reindex` can copy them
// into an index with a newer mapping.
import type { Json } from './search-engine-client.ts';

/** Bump when the mapping or the analysis changes; SearchEngineCatalogIndex.reindex() moves the data. */
export const MAPPING_VERSION = 2;

/**
 * Lucene refuses terms over 32766 bytes; 8191 characters stay below that in
 * UTF-8. Longer strings are still stored, but not found by exact comparisons.
 */
const IGNORE_ABOVE = 8191;

export interface IndexSettingsOptions {
  shards: number;
  replicas: number;
  /** The largest page a search may ask for (plus one, to tell whether more follow). */
  maxResultWindow: number;
}

const keyword = { type: 'keyword' };
const date = { type: 'date', format: 'epoch_millis' };
/** Free text: split on anything but letters, digits and marks, as the contract's oracle does; case and accents folded. */
const text = { type: 'text', analyzer: 'meridian_text', norms: false };

const ANALYSIS = {
  tokenizer: { meridian_words: { type: 'pattern', pattern: '[^\\p{L}\\p{N}\\p{M}]+' } },
  analyzer: { meridian_text: { type: 'custom', tokenizer: 'meridian_words', filter: ['lowercase', 'asciifolding'] } },
  normalizer: {
    meridian_casei: { type: 'custom', filter: ['lowercase'] },
    meridian_accenti: { type: 'custom', filter: ['asciifolding'] },
    meridian_casei_accenti: { type: 'custom', filter: ['lowercase', 'asciifolding'] },
  },
};

/** Subfields of a string property for CASEI(), ACCENTI() and both. */
export const FOLDED_SUBFIELDS = { casei: 'ci', accenti: 'ai', both: 'cai' } as const;

const PROPERTY_TEMPLATES = [
  {
    strings: {
      path_match: 'p.*.s',
      mapping: {
        type: 'keyword', ignore_above: IGNORE_ABOVE,
        fields: {
          [FOLDED_SUBFIELDS.casei]: { type: 'keyword', ignore_above: IGNORE_ABOVE, normalizer: 'meridian_casei' },
          [FOLDED_SUBFIELDS.accenti]: { type: 'keyword', ignore_above: IGNORE_ABOVE, normalizer: 'meridian_accenti' },
          [FOLDED_SUBFIELDS.both]: { type: 'keyword', ignore_above: IGNORE_ABOVE, normalizer: 'meridian_casei_accenti' },
        },
      },
    },
  },
  { numbers: { path_match: 'p.*.n', mapping: { type: 'double' } } },
  { booleans: { path_match: 'p.*.b', mapping: { type: 'boolean' } } },
  { times: { path_match: 'p.*.t', mapping: date } },
  // Array elements, each as its JSON text, so `"5"` and `5` stay apart.
  { elements: { path_match: 'p.*.ae', mapping: { type: 'keyword', ignore_above: IGNORE_ABOVE } } },
  // The whole array as JSON text: A_EQUALS is one term query.
  { arrays: { path_match: 'p.*.aj', mapping: { type: 'keyword', ignore_above: IGNORE_ABOVE } } },
  // Distinct elements: terms_set's minimum for A_CONTAINEDBY.
  { counts: { path_match: 'p.*.ac', mapping: { type: 'integer' } } },
];

/** What items and collections share: identity, footprint, time, text, access, typed properties, the stored document. */
const COMMON_FIELDS = {
  id: keyword,
  geometry: { type: 'geo_shape', orientation: 'ccw' },
  start: date,
  end: date,
  text: { properties: { title: text, description: text, keywords: text } },
  /** Names of the properties holding a non-null value: IS NULL is one term query. */
  present: keyword,
  /** `<type>:<name>` for each property: queryables are a terms aggregation over it. */
  kinds: keyword,
  access: {
    properties: { account: keyword, repository: keyword, visibility: keyword, state: keyword, disabled: { type: 'boolean' } },
  },
  doc: { type: 'object', enabled: false },
  p: { type: 'object', dynamic: true },
};

/** What mapping 2 added to items: their text and their links (see above). */
export const ITEM_TEXT_FIELDS = {
  json: { type: 'keyword', index: false, doc_values: false },
  links: { type: 'object', enabled: false },
};

export type IndexKind = 'items' | 'collections';

export function indexBody(kind: IndexKind, options: IndexSettingsOptions): { settings: Json; mappings: Json } {
  const properties = kind === 'items'
    ? { ...COMMON_FIELDS, ...ITEM_TEXT_FIELDS, collection: keyword, datetime: date, centroid: { type: 'geo_point' } }
    : COMMON_FIELDS;
  return {
    settings: {
      number_of_shards: options.shards,
      number_of_replicas: options.replicas,
      max_result_window: options.maxResultWindow,
      // Each property takes up to ten fields; STAC collections together easily name hundreds of properties.
      'mapping.total_fields.limit': 20_000,
      analysis: ANALYSIS,
    },
    mappings: {
      dynamic: 'strict',
      _meta: { meridian_mapping_version: MAPPING_VERSION, kind },
      dynamic_templates: PROPERTY_TEMPLATES,
      properties,
    },
  };
}
