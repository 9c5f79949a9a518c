// The XML documents S3 clients send: the object list of DeleteObjects and the
// part list of CompleteMultipartUpload. Parsed with fast-xml-parser, values kept
// as sent (a key of "0001" stays a string, spaces at its ends stay); anything
// not well-formed or not shaped as S3's schema is MalformedXML.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { S3Error } from '../s3-error.ts';

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === 'Object' || name === 'Part',
});

type Node = Record<string, unknown>;

function parse(xml: string, root: string): Node {
  if (xml.trim() === '' || XMLValidator.validate(xml) !== true) throw new S3Error('MalformedXML');
  const element = (parser.parse(xml) as Node)[root];
  if (element === undefined) throw new S3Error('MalformedXML', `The XML you provided was not well-formed or did not validate against our published schema: expected a ${root} element`);
  // An empty element parses as '': no children at all.
  return typeof element === 'object' && element !== null ? (element as Node) : {};
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const MAX_DELETE_KEYS = 1000;

/** `<Delete><Quiet>true</Quiet><Object><Key>…</Key></Object>…</Delete>`: 1 to 1000 keys. */
export function parseDeleteRequest(xml: string): { quiet: boolean; keys: string[] } {
  const root = parse(xml, 'Delete');
  const objects = (root.Object as Node[] | undefined) ?? [];
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) {
    throw new S3Error('MalformedXML', `The XML you provided was not well-formed or did not validate against our published schema: a Delete names 1 to ${MAX_DELETE_KEYS} objects`);
  }
  const keys = objects.map((o) => {
    const key = typeof o === 'object' && o !== null ? text(o.Key) : undefined;
    if (key === undefined || key === '') throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema: every Object needs a Key');
    return key;
  });
  return { quiet: text(root.Quiet)?.trim().toLowerCase() === 'true', keys };
}

/** `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"…"</ETag></Part>…</CompleteMultipartUpload>` */
export function parseCompleteRequest(xml: string): { partNumber: number; etag: string }[] {
  const root = parse(xml, 'CompleteMultipartUpload');
  const parts = (root.Part as Node[] | undefined) ?? [];
  if (parts.length === 0) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema: name at least one Part');
  return parts.map((p) => {
    const number = text(p?.PartNumber)?.trim();
    const etag = text(p?.ETag)?.trim();
    if (number === undefined || !/^\d{1,5}$/.test(number) || etag === undefined || etag === '') {
      throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema: every Part needs a PartNumber and an ETag');
    }
    return { partNumber: Number(number), etag };
  });
}
