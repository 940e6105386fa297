// Sets the page's title, at most every TITLE_SPACING_MS (./title.ts says why).

import { useEffect, useRef } from 'react';

import { titleTiming } from './title.js';

export function useDocumentTitle(title: string): void {
  const lastSet = useRef(-Infinity);
  useEffect(() => {
    const set = () => {
      lastSet.current = Date.now();
      if (document.title !== title) document.title = title;
    };
    const { wait } = titleTiming(lastSet.current, Date.now());
    if (wait === 0) {
      set();
      return;
    }
    // A newer title replaces this one before it is set (the effect's cleanup).
    const timer = setTimeout(set, wait);
    return () => clearTimeout(timer);
  }, [title]);
}
