// Which facets the map search offers, and how the histogram's buckets become
// date ranges. Item-property facets appear only where the catalog has the
// property (its `<property>_frequency` aggregation exists).

export interface ItemFacet {
  property: string;
  label: string;
  /** How a value is shown, when the raw value is not for people. */
  valueLabel?: (value: string) => string;
}

/** Names people know file formats by; other media types are shown as they are. */
const FORMAT_NAMES: Record<string, string> = {
  'image/tiff; application=geotiff; profile=cloud-optimized': 'Cloud-optimised GeoTIFF',
  'image/tiff; application=geotiff': 'GeoTIFF',
  'image/tiff': 'TIFF',
  'application/vnd.apache.parquet': 'GeoParquet / Parquet',
  'application/vnd.flatgeobuf': 'FlatGeobuf',
  'application/vnd.pmtiles': 'PMTiles',
  'application/geo+json': 'GeoJSON',
  'application/netcdf': 'NetCDF',
  'application/x-netcdf': 'NetCDF',
  'application/vnd+zarr': 'Zarr',
  'image/jp2': 'JPEG 2000',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
};

export const formatName = (mediaType: string): string => FORMAT_NAMES[mediaType.replace(/\s*;\s*/g, '; ').toLowerCase()] ?? mediaType;

/** Properties people narrow imagery and datasets by, in the order shown. */
export const ITEM_FACETS: ItemFacet[] = [
  { property: 'platform', label: 'Platform' },
  { property: 'constellation', label: 'Constellation' },
  { property: 'instruments', label: 'Instrument' },
  { property: 'mission', label: 'Mission' },
  { property: 'processing:level', label: 'Processing level' },
  { property: 'keywords', label: 'Keyword' },
  // Set by the indexer on every item it indexes, from the item's data asset.
  { property: 'meridian:media_type', label: 'File type', valueLabel: formatName },
];

export interface FacetValue {
  value: string;
  label: string;
  count: number;
  selected: boolean;
}

export interface Facet {
  /** The URL parameter (and form field) name: `collection`, `account`, `tag`, `license` or `f.<property>`. */
  name: string;
  label: string;
  values: FacetValue[];
}

export type Interval = 'year' | 'month' | 'day';

export interface HistogramBar {
  key: string;
  label: string;
  count: number;
  /** The bucket as a `from`/`to` pair of dates. */
  from: string;
  to: string;
  selected: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOfMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The first and last day of a bucket key (`2024`, `2024-05`, `2024-05-31`). */
export function bucketRange(key: string): { from: string; to: string } {
  const [year, month, day] = key.split('-').map(Number);
  if (day) return { from: key, to: key };
  if (month) return { from: `${year}-${pad(month)}-01`, to: `${year}-${pad(month)}-${pad(lastDayOfMonth(year, month))}` };
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

/** Every bucket key from `first` to `last` inclusive, so that empty periods show as gaps. */
export function bucketKeys(first: string, last: string, interval: Interval): string[] {
  const keys: string[] = [];
  const start = new Date(`${bucketRange(first).from}T00:00:00Z`);
  const end = new Date(`${bucketRange(last).from}T00:00:00Z`);
  for (let at = start; at <= end && keys.length < 400;) {
    const y = at.getUTCFullYear();
    const m = at.getUTCMonth() + 1;
    keys.push(interval === 'year' ? String(y) : interval === 'month' ? `${y}-${pad(m)}` : `${y}-${pad(m)}-${pad(at.getUTCDate())}`);
    at = interval === 'year' ? new Date(Date.UTC(y + 1, 0, 1)) : interval === 'month' ? new Date(Date.UTC(y, m, 1)) : new Date(at.getTime() + 86_400_000);
  }
  return keys;
}

/** The finest interval that keeps the bars countable: days up to two months, months up to four years, else years. */
export function intervalFor(min: string, max: string): Interval {
  const days = (Date.parse(max) - Date.parse(min)) / 86_400_000;
  if (days <= 62) return 'day';
  if (days <= 4 * 366) return 'month';
  return 'year';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function bucketLabel(key: string): string {
  const [year, month, day] = key.split('-').map(Number);
  if (day) return `${day} ${MONTHS[month - 1]} ${year}`;
  if (month) return `${MONTHS[month - 1]} ${year}`;
  return String(year);
}
