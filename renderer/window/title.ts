// The page's title, which follows the number of waiting questions. A burst changes that number
// every frame, and each change of document.title is work for the browser (the profile of a
// 1,000-question burst: about 60 ms of the page's main thread in the title's setter, every frame
// one more). The title changes at most every TITLE_SPACING_MS; the last one always comes.

/** The least time between two changes of the title, ms. */
export const TITLE_SPACING_MS = 250;

/** What to do with a new title `at` (ms): set it now, or wait `wait` ms and set the newest then. */
export function titleTiming(lastSet: number, at: number): { wait: number } {
  return { wait: Math.max(0, lastSet + TITLE_SPACING_MS - at) };
}
