import type { Geometry, Polygon } from 'geojson';

/** A STAC bbox (4 or 6 numbers) as a polygon; one that crosses the antimeridian becomes two. */
export function bboxPolygons(bbox: number[]): Polygon[] {
  const [w, s, e, n] = bbox.length === 6 ? [bbox[0], bbox[1], bbox[3], bbox[4]] : bbox;
  const box = (west: number, east: number): Polygon => ({ type: 'Polygon', coordinates: [[[west, s], [east, s], [east, n], [west, n], [west, s]]] });
  return w > e ? [box(w, 180), box(-180, e)] : [box(w, e)];
}

/** A collection's extent boxes; the first is the overall one, so it is left out when others follow. */
export function collectionExtent(collection: { extent?: { spatial?: { bbox?: number[][] } } }): Geometry[] {
  const boxes = collection.extent?.spatial?.bbox ?? [];
  return (boxes.length > 1 ? boxes.slice(1) : boxes).flatMap(bboxPolygons);
}
