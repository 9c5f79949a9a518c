// What every extractor is given and what it gives back. An extractor never
// throws for bad bytes: a malformed or hostile file yields problems (and no
// item), so one broken file cannot stop a crawl.
import type { Bbox2D } from '@meridian/core/geo/bbox';
import type { StacItem } from '@meridian/core/stac/stac-types';
import type { Geometry } from 'geojson';
import type { ByteSource } from './byte-source.ts';

export interface ExtractInput {
  /** The object key in its repository, e.g. `scenes/2024/a.tif`. */
  key: string;
  source: ByteSource;
  /** Where clients fetch the file: the asset href. */
  href: string;
  /** From the listing: the item's datetime when the file names none. */
  lastModified: Date;
  etag?: string;
}

export interface Problem {
  /** The key or document path, with a JSON pointer or line where it helps. */
  path: string;
  message: string;
}

export interface ExtractResult {
  item?: StacItem;
  problems: Problem[];
}

export interface ExtractOptions {
  /** Largest single read, and largest file read whole (GeoJSON): see DEFAULT_READ_CAP. */
  readCap?: number;
}

export const EXTENSIONS = {
  file: 'https://stac-extensions.github.io/file/v2.1.0/schema.json',
  // v1.2.0 is the version with both proj:code and proj:epsg; GDAL 3.6's STACIT reads only proj:epsg.
  projection: 'https://stac-extensions.github.io/projection/v1.2.0/schema.json',
  raster: 'https://stac-extensions.github.io/raster/v1.1.0/schema.json',
  table: 'https://stac-extensions.github.io/table/v1.2.0/schema.json',
} as const;

export interface ItemParts {
  id: string;
  bbox?: Bbox2D;
  geometry: Geometry | null;
  datetime: Date;
  properties?: Record<string, unknown>;
  extensions?: string[];
  asset: { type: string; roles?: string[]; title?: string; fields?: Record<string, unknown> };
}

/** The item for one file: its only asset, `data`, is the file itself. */
export function fileItem(input: ExtractInput, parts: ItemParts): StacItem {
  const item: StacItem = {
    type: 'Feature',
    stac_version: '1.0.0',
    stac_extensions: [EXTENSIONS.file, ...(parts.extensions ?? [])],
    id: parts.id,
    geometry: parts.geometry,
    properties: { ...parts.properties, datetime: parts.datetime.toISOString() },
    links: [],
    assets: {
      data: {
        href: input.href,
        type: parts.asset.type,
        roles: parts.asset.roles ?? ['data'],
        ...(parts.asset.title ? { title: parts.asset.title } : {}),
        'file:size': input.source.size,
        ...parts.asset.fields,
      },
    },
  };
  if (parts.bbox) item.bbox = parts.bbox;
  return item;
}

export function problemText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
