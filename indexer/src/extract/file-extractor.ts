// One file of a repository → its entry in the file listing (size, type,
// checksum) and, for the spatial formats Meridian reads, a STAC Item made from
// its header. The format is chosen by the key's extension; the extractor then
// checks the bytes, so a misnamed file is a problem, not a wrong item.
import { createHash } from 'node:crypto';
import { mediaTypeOf } from '@meridian/core/stac/media-types';
import { readWhole } from './byte-source.ts';
import { problemText, type ExtractInput, type ExtractOptions, type ExtractResult } from './extraction.ts';
import { extractFlatgeobuf } from './flatgeobuf.extractor.ts';
import { extractGeojson } from './geojson.extractor.ts';
import { extractGeoparquet } from './geoparquet.extractor.ts';
import { extractGeotiff } from './geotiff.extractor.ts';
import { extractPmtiles } from './pmtiles.extractor.ts';

export type SpatialFormat = 'geotiff' | 'geoparquet' | 'flatgeobuf' | 'pmtiles' | 'geojson';

const BY_EXTENSION: Record<string, SpatialFormat> = {
  '.tif': 'geotiff', '.tiff': 'geotiff', '.gtiff': 'geotiff',
  '.parquet': 'geoparquet', '.geoparquet': 'geoparquet',
  '.fgb': 'flatgeobuf',
  '.pmtiles': 'pmtiles',
  '.geojson': 'geojson',
};

const EXTRACTORS: Record<SpatialFormat, (input: ExtractInput, options: ExtractOptions) => Promise<ExtractResult>> = {
  geotiff: extractGeotiff,
  geoparquet: extractGeoparquet,
  flatgeobuf: extractFlatgeobuf,
  pmtiles: extractPmtiles,
  geojson: extractGeojson,
};

export function spatialFormatOf(key: string): SpatialFormat | undefined {
  const match = /\.[A-Za-z0-9]+$/.exec(key);
  return match ? BY_EXTENSION[match[0].toLowerCase()] : undefined;
}

export interface FileEntry {
  key: string;
  size: number;
  type: string;
  /** `file:checksum` form: a multihash (sha2-256), for files small enough to hash cheaply. */
  checksum?: string;
  etag?: string;
}

export interface FileExtractOptions extends ExtractOptions {
  /** Files up to this size are hashed (their bytes read whole) when no ETag says what they are: 1 MiB by default. */
  checksumCap?: number;
}

export async function extractFile(input: ExtractInput, options: FileExtractOptions = {}): Promise<ExtractResult & { entry: FileEntry }> {
  const format = spatialFormatOf(input.key);
  const result: ExtractResult = format ? await EXTRACTORS[format](input, options) : { problems: [] };
  const asset = (result.item?.assets?.data ?? {}) as { type?: string };
  const entry: FileEntry = { key: input.key, size: input.source.size, type: asset.type ?? mediaTypeOf(input.key) };
  if (input.etag) entry.etag = input.etag;
  else if (input.source.size <= (options.checksumCap ?? 1024 * 1024)) {
    try {
      entry.checksum = `1220${createHash('sha256').update(await readWhole(input.source, options.checksumCap ?? 1024 * 1024)).digest('hex')}`;
    } catch (error) {
      result.problems.push({ path: input.key, message: `cannot read for a checksum: ${problemText(error)}` });
    }
  }
  return { ...result, entry };
}
