// xterm.js's DOM renderer puts its theme, font and cell layout into <style> elements it creates,
// and 24-bit colours into style attributes. The window's Content-Security-Policy allows styles
// from files only (`style-src 'self'`), which blocks both. The CSSOM is not restricted by CSP, so
// this carries them over: each blocked <style> element's text into a constructed stylesheet, each
// blocked style attribute into element.style. Where the policy allows inline styles nothing is
// blocked, and nothing is done.

// A sheet is replaced only when its text changed: xterm sets the same text again and again while
// a session starts and its panel resizes, and each replacement re-parses the sheet and restyles
// the page's elements its rules may match, in a frame that keys typed meanwhile wait for. A trace
// of a 1,000-question burst had 7 replacements per session start, 4 of them with the text the
// sheet already had; without those, the page's style recalculation during the burst about halved.

export function carryInlineStyles(root: HTMLElement): () => void {
  const sheets = new Map<HTMLStyleElement, { sheet: CSSStyleSheet; text: string | null }>();

  function adopt(style: HTMLStyleElement): void {
    // A <style> the policy let through has its own sheet.
    if (!style.isConnected || style.sheet !== null) return;
    let carried = sheets.get(style);
    if (carried === undefined) {
      carried = { sheet: new CSSStyleSheet(), text: null };
      sheets.set(style, carried);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, carried.sheet];
    }
    const text = style.textContent ?? '';
    if (text === carried.text) return;
    carried.text = text;
    carried.sheet.replaceSync(text);
  }

  function drop(style: HTMLStyleElement): void {
    const carried = sheets.get(style);
    if (carried === undefined) return;
    sheets.delete(style);
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== carried.sheet);
  }

  function applyAttribute(element: Element): void {
    if (!(element instanceof HTMLElement)) return;
    const text = element.getAttribute('style');
    // A blocked attribute leaves the declaration empty; setting it through the CSSOM is allowed
    // (and leaves it non-empty, so the change this makes is not handled again).
    if (text !== null && text !== '' && element.style.length === 0) element.style.cssText = text;
  }

  function visit(node: Node): void {
    if (node instanceof HTMLStyleElement) adopt(node);
    else if (node instanceof Element) {
      if (node.hasAttribute('style')) applyAttribute(node);
      node.querySelectorAll('style').forEach(adopt);
      node.querySelectorAll('[style]').forEach(applyAttribute);
    }
  }

  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') applyAttribute(record.target as Element);
      else if (record.target instanceof HTMLStyleElement) adopt(record.target);
      else if (record.target.parentNode instanceof HTMLStyleElement) {
        adopt(record.target.parentNode);
      } else {
        record.addedNodes.forEach(visit);
        record.removedNodes.forEach((node) => {
          if (node instanceof HTMLStyleElement) drop(node);
          else if (node instanceof Element) node.querySelectorAll('style').forEach(drop);
        });
      }
    }
  });
  observer.observe(root, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['style'],
  });
  visit(root);
  return () => {
    observer.disconnect();
    for (const style of [...sheets.keys()]) drop(style);
  };
}
