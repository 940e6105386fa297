// Which page the window is, and which view it shows, from the address's fragment. The Electron
// shell loads the prompt window as `#prompt` and asks the main window for a view by setting
// `#sessions`, `#policies`, `#history`, `#statistics` or `#new-session` (app/main/application-menu.ts). The
// history view keeps its filter beside its name (`#history&q=prog%3Als`). The web shell's
// `#token=...` shares the fragment (`#token=...&prompt`): it is never a route (api/hash-token.ts
// takes it out of the address on load).
//
// The policy editor is addressable, for links from elsewhere in the app (the History view):
//   #policies&policy=<encodeURIComponent(name)>            opens that policy (a program's path,
//                                                          or a template's name)
//   #policies&policy=...&line=<n>                          and selects the rule on line n
//   #policies&policy=...&rule=<encodeURIComponent(rule)>   and drafts that rule as a new one
// (policyHash writes them). Other `name=value` parts are not routes.

export type View = 'sessions' | 'policies' | 'history' | 'statistics';

/** A policy the editor is asked to open, from the address. */
export interface PolicyRequest {
  policy: string;
  /** The 1-based line of a rule to select. */
  line: number | null;
  /** A rule's text to draft as a new, unsaved rule. */
  rule: string | null;
}

export type Route =
  /** The small prompt window: the questions only. */
  | { page: 'prompt' }
  /**
   * The main window, showing `view`; `focusCommand` asks for the New session Command field;
   * `policy`, with the Policies view, a policy to open.
   */
  | { page: 'main'; view: View; focusCommand: boolean; policy?: PolicyRequest };

const ROUTES: Readonly<Record<string, Route>> = {
  prompt: { page: 'prompt' },
  sessions: { page: 'main', view: 'sessions', focusCommand: false },
  policies: { page: 'main', view: 'policies', focusCommand: false },
  history: { page: 'main', view: 'history', focusCommand: false },
  statistics: { page: 'main', view: 'statistics', focusCommand: false },
  'new-session': { page: 'main', view: 'sessions', focusCommand: true },
};

/** The route a fragment names (its first part that is one), or null when it names none. */
export function routeFromHash(hash: string): Route | null {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of body.split('&')) {
    // `token=...` and any other `name=value` part are not routes.
    if (part.includes('=')) continue;
    if (!Object.prototype.hasOwnProperty.call(ROUTES, part)) continue;
    const route = ROUTES[part]!;
    if (route.page !== 'main' || route.view !== 'policies') return route;
    const policy = policyRequest(body);
    return policy === null ? route : { ...route, policy };
  }
  return null;
}

/** The fragment that opens the editor on `request` (see the top of this file). */
export function policyHash(request: PolicyRequest): string {
  let hash = `#policies&policy=${encodeURIComponent(request.policy)}`;
  if (request.line !== null) hash += `&line=${request.line}`;
  if (request.rule !== null) hash += `&rule=${encodeURIComponent(request.rule)}`;
  return hash;
}

function policyRequest(body: string): PolicyRequest | null {
  const policy = hashParameter(body, 'policy');
  if (policy === null || policy === '') return null;
  const line = hashParameter(body, 'line') ?? '';
  const rule = hashParameter(body, 'rule');
  return {
    policy,
    line: /^[1-9][0-9]{0,6}$/.test(line) ? Number(line) : null,
    rule: rule === null || rule === '' ? null : rule,
  };
}

/** Whether the page is the prompt window's (decided once, when the page loads). */
export function isPromptPage(hash: string): boolean {
  return routeFromHash(hash)?.page === 'prompt';
}

/** The fragment that names a view, kept in the address while the view shows. */
export function viewHash(view: View): string {
  return `#${view}`;
}

export type HashChange =
  /** The page must load again: it becomes the other page, or it was given a (new) token. */
  | { action: 'reload' }
  /** The main page follows the route. */
  | { action: 'show'; view: View; focusCommand: boolean; policy?: PolicyRequest }
  | { action: 'ignore' };

/** What a page loaded as the prompt page (or not) does when its fragment changes to `hash`. */
export function hashChange(hash: string, promptPage: boolean): HashChange {
  // The token is read once, on load, and taken out of the address (api/web-api.ts): a new one
  // pasted into the address bar is taken up by loading again, and never left on show.
  if (/(^#?|&)token=[^&]/.test(hash)) return { action: 'reload' };
  const route = routeFromHash(hash);
  // Only the page that loaded as the prompt page is one: it makes no terminals, and the main
  // page has made them already. Switching needs a fresh page (the token is kept in this tab).
  if ((route?.page === 'prompt') !== promptPage) return { action: 'reload' };
  if (route === null || route.page === 'prompt') return { action: 'ignore' };
  const { view, focusCommand, policy } = route;
  return policy === undefined
    ? { action: 'show', view, focusCommand }
    : { action: 'show', view, focusCommand, policy };
}

/** The value of the fragment's `name=value` part, decoded; null when there is none. */
export function hashParameter(hash: string, name: string): string | null {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of body.split('&')) {
    if (!part.startsWith(`${name}=`)) continue;
    try {
      return decodeURIComponent(part.slice(name.length + 1));
    } catch {
      return null;
    }
  }
  return null;
}

/** The history view with its filter: `#history&q=...` (just `#history` without one). */
export function historyHash(query: string): string {
  return query.trim() === '' ? '#history' : `#history&q=${encodeURIComponent(query)}`;
}
