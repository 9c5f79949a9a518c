// PMTiles → a STAC Item from the archive's fixed 127-byte header, parsed by the
// pmtiles package: bounds (always WGS84), zoom levels, tile type.
import { bytesToHeader, TileType } from 'pmtiles';
import { bboxToPolygon, type Bbox2D } from '@meridian/core/geo/bbox';
import { MEDIA_TYPES } from '@meridian/core/stac/media-types';
import { fileItem, problemText, type ExtractInput, type ExtractResult } from './extraction.ts';
import { itemIdForKey } from './item-id.ts';

const HEADER_LENGTH = 127;
const TILE_TYPES: Record<number, string> = {
  [TileType.Unknown]: 'unknown', [TileType.Mvt]: 'mvt', [TileType.Png]: 'png', [TileType.Jpeg]: 'jpeg', [TileType.Webp]: 'webp', [TileType.Avif]: 'avif',
};

export async function extractPmtiles(input: ExtractInput): Promise<ExtractResult> {
  const problem = (message: string): ExtractResult => ({ problems: [{ path: input.key, message }] });
  try {
    const bytes = await input.source.read(0, HEADER_LENGTH);
    if (bytes.length < HEADER_LENGTH || new TextDecoder().decode(bytes.subarray(0, 7)) !== 'PMTiles') return problem('not a PMTiles archive (no "PMTiles" magic)');
    if (bytes[7] !== 3) return problem(`PMTiles spec version ${bytes[7]} is not supported (only 3)`);
    const header = bytesToHeader(bytes.slice().buffer as ArrayBuffer);
    const { minLon, minLat, maxLon, maxLat } = header;
    const box: Bbox2D = [minLon, minLat, maxLon, maxLat];
    const valid = box.every(Number.isFinite) && minLon >= -180 && maxLon <= 180 && minLat >= -90 && maxLat <= 90 && minLat <= maxLat;
    const problems = valid ? [] : [{ path: input.key, message: `no footprint: the header's bounds ${JSON.stringify(box)} are not a WGS84 box` }];
    const item = fileItem(input, {
      id: itemIdForKey(input.key),
      bbox: valid ? box : undefined,
      geometry: valid ? bboxToPolygon(box) : null,
      datetime: input.lastModified,
      properties: {
        // PMTiles has no STAC extension; these are its header's own terms.
        'pmtiles:tile_type': TILE_TYPES[header.tileType] ?? 'unknown',
        'pmtiles:min_zoom': header.minZoom,
        'pmtiles:max_zoom': header.maxZoom,
        'pmtiles:center': [header.centerLon, header.centerLat, header.centerZoom],
      },
      asset: { type: MEDIA_TYPES.pmtiles },
    });
    return { item, problems };
  } catch (error) {
    return problem(`PMTiles header cannot be read: ${problemText(error)}`);
  }
}
