// The extent of a collection computed from its items: the smallest box that
// covers every item's bbox — across the antimeridian when that is smaller (two
// items at 179°E and 179°W give 179..-179, not the whole world) — and the
// interval from the earliest to the latest datetime or start/end_datetime.
import { bboxMember, geometryBbox, splitAtAntimeridian, type Bbox2D } from '@meridian/core/geo/bbox';
import { parseRfc3339 } from '@meridian/core/stac/datetime';
import type { StacCollection, StacItem } from '@meridian/core/stac/stac-types';

/** Longitude arcs [west, east] with west <= east, each within -180..180. */
function coveringArc(arcs: [number, number][]): [number, number] {
  if (arcs.length === 0) return [-180, 180];
  const sorted = [...arcs].sort((a, b) => a[0] - b[0]);
  // Merge overlapping arcs, then the widest gap between them (around the circle) is what the cover leaves out.
  const merged: [number, number][] = [];
  for (const [w, e] of sorted) {
    const last = merged[merged.length - 1];
    if (last && w <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([w, e]);
  }
  let gapStart = merged[merged.length - 1][1];
  let gapEnd = merged[0][0] + 360;
  for (let i = 1; i < merged.length; i++) {
    if (merged[i][0] - merged[i - 1][1] > gapEnd - gapStart) {
      gapStart = merged[i - 1][1];
      gapEnd = merged[i][0];
    }
  }
  if (gapEnd - gapStart <= 0) return [-180, 180];
  const west = gapEnd >= 180 ? gapEnd - 360 : gapEnd;
  const east = gapStart;
  // A cover that does not wrap keeps its plain form; one that wraps has west > east.
  return [west, east];
}

export class ExtentBuilder {
  #arcs: [number, number][] = [];
  #south = Infinity;
  #north = -Infinity;
  #start: number | undefined;
  #end: number | undefined;

  add(item: StacItem): void {
    const box = bboxMember(item.bbox) ?? (item.geometry ? geometryBbox(item.geometry) : undefined);
    if (box) {
      for (const [w, s, e, n] of splitAtAntimeridian(box)) {
        this.#arcs.push([w, e]);
        this.#south = Math.min(this.#south, s);
        this.#north = Math.max(this.#north, n);
      }
    }
    const p = item.properties ?? {};
    const times = [p.datetime, p.start_datetime, p.end_datetime].map((t) => (typeof t === 'string' ? parseRfc3339(t) : undefined)).filter((t): t is number => t !== undefined);
    for (const t of times) {
      this.#start = this.#start === undefined ? t : Math.min(this.#start, t);
      this.#end = this.#end === undefined ? t : Math.max(this.#end, t);
    }
  }

  /** undefined while no item had a footprint or a time: the caller keeps its default. */
  extent(): StacCollection['extent'] | undefined {
    if (this.#arcs.length === 0 && this.#start === undefined) return undefined;
    const [west, east] = coveringArc(this.#arcs);
    const bbox: Bbox2D = this.#arcs.length > 0 ? [west, this.#south, east, this.#north] : [-180, -90, 180, 90];
    const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
    return { spatial: { bbox: [bbox] }, temporal: { interval: [[iso(this.#start), iso(this.#end)]] } };
  }
}

export function extentOf(items: Iterable<StacItem>): StacCollection['extent'] | undefined {
  const builder = new ExtentBuilder();
  for (const item of items) builder.add(item);
  return builder.extent();
}
