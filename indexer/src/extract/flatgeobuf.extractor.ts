// FlatGeobuf → a STAC Item from its header alone: the magic bytes, the header's
// length, then the header (a FlatBuffer) parsed by flatgeobuf's own reader.
// The package's entry point pulls in OpenLayers and reads features; its
// header-meta module reads only the header, which is all an item needs.
import { ByteBuffer } from 'flatbuffers';
import { fromByteBuffer } from 'flatgeobuf/lib/mjs/header-meta.js';
import { MEDIA_TYPES } from '@meridian/core/stac/media-types';
import { checkedRange, DEFAULT_READ_CAP } from './byte-source.ts';
import { problemText, type ExtractInput, type ExtractOptions, type ExtractResult } from './extraction.ts';
import { projectionFields, vectorItem } from './vector-item.ts';

// "fgb", major version 3, "fgb", any patch version.
const MAGIC = [0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62];
const GEOMETRY_TYPES = ['Unknown', 'Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'GeometryCollection',
  'CircularString', 'CompoundCurve', 'CurvePolygon', 'MultiCurve', 'MultiSurface', 'Curve', 'Surface', 'PolyhedralSurface', 'TIN', 'Triangle'];

export async function extractFlatgeobuf(input: ExtractInput, options: ExtractOptions = {}): Promise<ExtractResult> {
  const cap = options.readCap ?? DEFAULT_READ_CAP;
  const problem = (message: string): ExtractResult => ({ problems: [{ path: input.key, message }] });
  try {
    const start = await input.source.read(0, 12);
    if (start.length < 12 || MAGIC.some((byte, i) => start[i] !== byte)) return problem('not a FlatGeobuf 3 file (magic bytes differ)');
    const headerLength = new DataView(start.buffer, start.byteOffset, start.byteLength).getUint32(8, true);
    if (headerLength < 4 || 12 + headerLength > input.source.size) return problem(`FlatGeobuf header length ${headerLength} does not fit the file`);
    const [from, to] = checkedRange(input.source, 8, 12 + headerLength, cap);
    const header = fromByteBuffer(new ByteBuffer(await input.source.read(from, to)));
    const epsg = header.crs && (header.crs.org ?? 'EPSG').toUpperCase() === 'EPSG' && header.crs.code > 0 ? header.crs.code : header.crs ? undefined : 4326;
    return await vectorItem(input, {
      box: header.envelope,
      epsg,
      properties: {
        ...(header.title ? { title: header.title } : {}),
        ...(header.description ? { description: header.description } : {}),
        'table:row_count': header.featuresCount,
        ...projectionFields(epsg),
        'flatgeobuf:geometry_type': GEOMETRY_TYPES[header.geometryType] ?? 'Unknown',
        'flatgeobuf:spatial_index': header.indexNodeSize > 0,
      },
      mediaType: MEDIA_TYPES.flatgeobuf,
    });
  } catch (error) {
    return problem(`FlatGeobuf header cannot be read: ${problemText(error)}`);
  }
}
