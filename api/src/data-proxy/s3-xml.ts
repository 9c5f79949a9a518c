// S3 speaks XML: one builder for every document the data proxy sends (errors,
// listings), with the declaration and namespace S3 clients expect.
import { XMLBuilder } from 'fast-xml-parser';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
export const XML_TYPE = 'application/xml';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressBooleanAttributes: false });

/** Characters XML 1.0 cannot carry at all, even escaped. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

type XmlValue = string | number | boolean | undefined | XmlObject | XmlObject[] | string[];
export interface XmlObject { [name: string]: XmlValue }

function clean(value: XmlValue): XmlValue {
  if (typeof value === 'string') return value.replace(NOT_XML, '\uFFFD');
  if (Array.isArray(value)) return value.map((v) => clean(v)) as XmlObject[] | string[];
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, clean(v)]));
  }
  return value;
}

/** `<?xml …?><root xmlns="…">…</root>`; undefined fields are left out, arrays repeat their element. */
export function s3Xml(root: string, content: XmlObject, options: { namespace?: boolean } = {}): string {
  const element = { ...(options.namespace === false ? {} : { '@xmlns': S3_NAMESPACE }), ...(clean(content) as XmlObject) };
  return builder.build({ '?xml': { '@version': '1.0', '@encoding': 'UTF-8' }, [root]: element });
}
