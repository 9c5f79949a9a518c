// How STAC values read on the pages: titles, times, sizes, assets.
import type { StacItem } from '@meridian/core/stac/stac-types';

export interface StacAsset {
  href: string;
  title?: string;
  description?: string;
  type?: string;
  roles?: string[];
  'file:size'?: number;
  'file:checksum'?: string;
  [key: string]: unknown;
}

export const itemTitle = (item: StacItem) => (typeof item.properties.title === 'string' && item.properties.title) || item.id;

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const MINUTE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' });

export function formatDate(value: unknown, withTime = false): string {
  if (typeof value !== 'string') return '';
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : (withTime ? MINUTE : DAY).format(at);
}

/** The item's time: its instant, or its range. */
export function itemTime(item: StacItem, withTime = false): string {
  const p = item.properties;
  if (p.datetime) return formatDate(p.datetime, withTime);
  const start = formatDate(p.start_datetime, withTime);
  const end = formatDate(p.end_datetime, withTime);
  return start === end ? start : `${start} – ${end}`;
}

/** The assets of an item or a collection that have an href. */
export function assetsOf(owner: object): [string, StacAsset][] {
  const assets = (owner as { assets?: unknown }).assets;
  return Object.entries(typeof assets === 'object' && assets !== null ? assets : {}).filter((entry): entry is [string, StacAsset] => typeof (entry[1] as StacAsset)?.href === 'string');
}

/** The thumbnail (or overview) image to show in a list, if the item has one a browser can display. */
export function thumbnailOf(item: StacItem): StacAsset | undefined {
  const assets = assetsOf(item).map(([, a]) => a);
  const image = (a: StacAsset) => !a.type || /^image\/(png|jpeg|webp|gif)/.test(a.type);
  return assets.find((a) => a.roles?.includes('thumbnail') && image(a)) ?? assets.find((a) => a.roles?.includes('overview') && image(a) && a.type?.startsWith('image/'));
}

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];

export function formatBytes(size: unknown): string {
  if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) return '';
  if (size < 1000) return `${size} bytes`;
  const exponent = Math.min(UNITS.length - 1, Math.floor(Math.log10(size) / 3));
  const value = size / 1000 ** exponent;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${UNITS[exponent]}`;
}

export const formatCount = (n: number) => new Intl.NumberFormat('en-GB').format(n);

/** A short, readable form of a property value for the properties table. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.join(', ');
  return JSON.stringify(value);
}
