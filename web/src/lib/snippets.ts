// Copy-paste snippets that run as shown: the current search for pystac-client and
// curl, and a file for curl, the AWS CLI (Meridian's S3 endpoint is /data, path
// style, the account as the bucket) and GDAL's /vsicurl/.

/** A shell word in single quotes. */
export const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** A Python string literal (JSON's string syntax is valid Python). */
const py = (text: string) => JSON.stringify(text);

export function pystacClientSearch(stacUrl: string, query: string): string {
  const params = new URLSearchParams(query);
  const args: string[] = [];
  const collections = params.get('collections');
  if (collections) args.push(`collections=[${collections.split(',').map(py).join(', ')}]`);
  const bbox = params.get('bbox');
  if (bbox) args.push(`bbox=[${bbox.split(',').join(', ')}]`);
  const intersects = params.get('intersects');
  if (intersects) args.push(`intersects=${intersects}`);
  const datetime = params.get('datetime');
  if (datetime) args.push(`datetime=${py(datetime)}`);
  const q = params.get('q');
  if (q) args.push(`q=${py(q)}`);
  const filter = params.get('filter');
  if (filter) args.push(`filter=${py(filter)}`, `filter_lang="cql2-text"`);
  const sortby = params.get('sortby');
  if (sortby) args.push(`sortby=${py(sortby)}`);
  args.push('max_items=100');
  return [
    'from pystac_client import Client',
    '',
    `catalog = Client.open(${py(stacUrl)})`,
    'search = catalog.search(',
    ...args.map((a) => `    ${a},`),
    ')',
    'for item in search.items():',
    '    print(item.id, item.datetime)',
  ].join('\n');
}

export function curlSearch(stacUrl: string, query: string): string {
  return `curl ${shellQuote(`${stacUrl}/search?${query}`)}`;
}

export function curlDownload(href: string): string {
  const name = decodeURIComponent(new URL(href).pathname.split('/').pop() || 'download');
  return `curl -L -o ${shellQuote(name)} ${shellQuote(href)}`;
}

/** `aws s3 cp` for a file Meridian's data proxy serves (`{origin}/data/{account}/{path}`); undefined for any other href. */
export function awsS3Copy(href: string, origin: string): string | undefined {
  const prefix = `${origin}/data/`;
  if (!href.startsWith(prefix)) return undefined;
  const key = decodeURIComponent(href.slice(prefix.length).split(/[?#]/)[0]);
  if (!key.includes('/')) return undefined;
  const name = key.split('/').pop() || 'download';
  return `aws s3 cp ${shellQuote(`s3://${key}`)} ${shellQuote(name)} --endpoint-url ${shellQuote(`${origin}/data`)}`;
}

export function gdalInfo(href: string): string {
  return `gdalinfo ${shellQuote(`/vsicurl/${href}`)}`;
}
