// The history table draws only the rows in view (plus a few around them), whatever the number of
// records: rows have one height, so the row at a scroll position is a division, and records come
// from the host a page at a time as the view reaches them.

/** Rows fetched per request. */
export const PAGE_SIZE = 200;

/** The rows to draw for a scroll position: [first, end), with `overscan` rows each side. */
export function visibleRows(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 10,
): { first: number; end: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(total, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, end: Math.max(first, end) };
}

/** The pages that hold the rows [first, end). */
export function pagesOf(first: number, end: number, pageSize = PAGE_SIZE): number[] {
  if (end <= first) return [];
  const pages: number[] = [];
  for (let p = Math.floor(first / pageSize); p * pageSize < end; p++) pages.push(p);
  return pages;
}

/**
 * Browsers cap an element's height (Chromium near 33 million pixels): a table of millions of
 * rows is drawn in a space scaled down to that cap, and scroll positions are scaled back.
 */
export const MAX_SCROLL_HEIGHT = 15_000_000;

export function scrollScale(total: number, rowHeight: number): number {
  const height = total * rowHeight;
  return height <= MAX_SCROLL_HEIGHT ? 1 : MAX_SCROLL_HEIGHT / height;
}

/**
 * Where the rows' own space is scrolled to, for a scroll position in the scaled space: the
 * whole scroll range maps onto the whole range of rows, so the top shows the first rows and the
 * bottom the last.
 */
export function virtualScrollTop(
  scrollTop: number,
  total: number,
  rowHeight: number,
  viewportHeight: number,
): number {
  const scale = scrollScale(total, rowHeight);
  if (scale === 1) return scrollTop;
  const scrollRange = total * rowHeight * scale - viewportHeight;
  const rowsRange = total * rowHeight - viewportHeight;
  return scrollRange <= 0 ? 0 : (Math.min(scrollTop, scrollRange) / scrollRange) * rowsRange;
}

/** The scroll position that shows the rows' space from `virtualTop`: virtualScrollTop's inverse. */
export function scrollTopFor(
  virtualTop: number,
  total: number,
  rowHeight: number,
  viewportHeight: number,
): number {
  const scale = scrollScale(total, rowHeight);
  if (scale === 1) return virtualTop;
  const scrollRange = total * rowHeight * scale - viewportHeight;
  const rowsRange = total * rowHeight - viewportHeight;
  return rowsRange <= 0 ? 0 : (virtualTop / rowsRange) * scrollRange;
}
