// xterm.js's DOM renderer puts its theme, font and cell layout into <style> elements it creates,
// and 24-bit colours into style attributes. The window's Content-Security-Policy allows styles
// from files only (`style-src 'self'`), which blocks both. The CSSOM is not restricted by CSP, so
// this carries them over: each blocked <style> element's text into a constructed stylesheet, each
// blocked style attribute into element.style. Where the policy allows inline styles nothing is
// blocked, and nothing is done.

export function carryInlineStyles(root: HTMLElement): () => void {
  const sheets = new Map<HTMLStyleElement, CSSStyleSheet>();

  function adopt(style: HTMLStyleElement): void {
    // A <style> the policy let through has its own sheet.
    if (!style.isConnected || style.sheet !== null) return;
    let sheet = sheets.get(style);
    if (sheet === undefined) {
      sheet = new CSSStyleSheet();
      sheets.set(style, sheet);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }
    sheet.replaceSync(style.textContent ?? '');
  }

  function drop(style: HTMLStyleElement): void {
    const sheet = sheets.get(style);
    if (sheet === undefined) return;
    sheets.delete(style);
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
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
