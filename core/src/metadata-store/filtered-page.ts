// One page of a store listing that only keeps some entries (what the caller may
// see, what matches a query), with a cursor that never skips anything.
//
// The store's cursors are opaque: a cursor continues right after the last entry
// of the store page that produced it, and nowhere else. So an entry may be
// returned only as part of a store page whose every entry was looked at. When a
// store page holds more matches than the page still needs, the same store page
// is read again with a smaller limit, ending exactly on the last match wanted:
// the store's own cursor then lands right after it. Pages are read until this
// page is full or the store is exhausted (or the scan budget below is spent, in
// which case a shorter page comes back with a cursor that continues correctly).
// The last page may be empty: when the entries after a full page all fail `keep`,
// that is only known by reading them.
import type { ListOptions, ListPage } from './metadata-store.port.ts';

export interface FilteredPageOptions {
  limit: number;
  cursor?: string;
  /** Entries read from the store per request; default 10 000. A bound on the work one request can cause. */
  scanBudget?: number;
  /** First store page size; default max(limit × 4, 50). It doubles, up to 1000, while pages are read through. */
  batch?: number;
}

/** `keep` must be pure: it may be asked twice about one entry. */
export async function filteredPage<T>(
  list: (options: ListOptions) => Promise<ListPage<T>>,
  keep: (item: T) => boolean,
  options: FilteredPageOptions,
): Promise<ListPage<T>> {
  const { limit } = options;
  const batch = Math.min(1000, Math.max(1, options.batch ?? Math.max(limit * 4, 50)));
  let budget = options.scanBudget ?? 10_000;
  const items: T[] = [];
  let from = options.cursor;
  let size = batch;
  for (;;) {
    const wanted = limit - items.length;
    const page = await list({ limit: size, cursor: from });
    budget -= page.items.length;
    let matches = 0;
    let cut = page.items.length;
    for (let i = 0; i < page.items.length; i++) {
      if (keep(page.items[i]) && ++matches === wanted) {
        cut = i + 1;
        break;
      }
    }
    if (cut < page.items.length) {
      // More matches than room: read this store page again, ending on the last one wanted.
      // `cut` is below the page's length, so the size strictly shrinks and this ends.
      size = cut;
      continue;
    }
    items.push(...page.items.filter(keep));
    from = page.next;
    // Through long runs of entries that are not kept, read ever larger store pages.
    size = Math.min(1000, Math.max(batch, page.items.length * 2));
    if (from === undefined || items.length >= limit || budget <= 0) return { items, next: from };
  }
}

