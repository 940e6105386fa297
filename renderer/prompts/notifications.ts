// A desktop notification for the questions that arrive while the window is not in front (DESIGN
// §4), closed again when they go. Permission is asked once, from a user gesture (the first Start),
// as browsers require.
//
// A burst of questions is not a burst of notifications: at most one is shown per BURST_MS. The
// first question of a quiet moment gets its own ("cat asks for openat"); those that arrive within
// the next BURST_MS are told together when it is over ("12 questions waiting"). The permission is
// read once (`Notification.permission` is a synchronous call into the browser) and then followed
// through the Permissions API, not read again for every question.

import type { PendingQuestion } from '../../app/common/contract.js';
import type { QuestionNotices } from '../store/bind-events.js';
import { baseName, mainArgument } from './queue.js';
import { callWithAlias } from './question-text.js';

/** At most one notification in this time. */
export const BURST_MS = 1000;

/** Undefined until read; null where the browser has no notifications. */
let permission: NotificationPermission | null | undefined;

function currentPermission(): NotificationPermission | null {
  if (permission !== undefined) return permission;
  if (typeof Notification === 'undefined') return (permission = null);
  permission = Notification.permission;
  // Follow changes (the user answers the request, or changes the site's settings) without asking
  // the browser again for each question.
  navigator.permissions
    ?.query({ name: 'notifications' })
    .then((status) => {
      status.onchange = () => {
        permission = status.state === 'prompt' ? 'default' : status.state;
      };
    })
    .catch(() => undefined);
  return permission;
}

interface Shown {
  notification: Notification;
  /** The questions it tells of that are still waiting; it is closed when none is left. */
  ids: Set<string>;
}

export class QuestionNotifications implements QuestionNotices {
  /** The notifications on the screen. */
  private readonly shown = new Set<Shown>();
  /** Questions that arrived since the last notification, not yet told. */
  private readonly untold = new Map<string, PendingQuestion>();
  private lastShownAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `open` brings the question forward when its notification is clicked. */
  constructor(private readonly open: (questionId: string) => void) {}

  /** Asks for permission if it was never asked; call it from a click or a key press. */
  static askPermission(): void {
    if (currentPermission() !== 'default') return;
    Notification.requestPermission()
      .then((answer) => {
        permission = answer;
      })
      .catch(() => undefined);
  }

  questionAdded(pending: PendingQuestion): void {
    if (currentPermission() !== 'granted') return;
    this.untold.set(pending.id, pending);
    if (this.timer !== null) return;
    const wait = this.lastShownAt + BURST_MS - Date.now();
    if (wait <= 0) {
      this.notify();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.notify();
    }, wait);
  }

  questionRemoved(questionId: string): void {
    this.untold.delete(questionId);
    for (const shown of this.shown) {
      if (!shown.ids.delete(questionId) || shown.ids.size > 0) continue;
      shown.notification.close();
      this.shown.delete(shown);
    }
  }

  private notify(): void {
    const questions = [...this.untold.values()];
    this.untold.clear();
    if (questions.length === 0 || document.hasFocus()) return;
    this.lastShownAt = Date.now();
    const first = questions[0]!;
    let notification: Notification;
    if (questions.length === 1) {
      const { question } = first;
      const argument = mainArgument(question);
      notification = new Notification(
        `${baseName(question.exe)} asks for ${callWithAlias(question.call, question.alias)}`,
        {
          body: [argument?.value, `pid ${question.pid} · policy ${question.policy}`]
            .filter(Boolean)
            .join('\n'),
          tag: `sysgate-${first.id}`,
          requireInteraction: true,
        },
      );
    } else {
      const programs = [...new Set(questions.map((q) => baseName(q.question.exe)))];
      notification = new Notification(`${questions.length} questions waiting`, {
        body:
          `from ${programs.slice(0, 3).join(', ')}` +
          (programs.length > 3 ? ` and ${programs.length - 3} more` : ''),
        tag: `sysgate-burst-${first.id}`,
        requireInteraction: true,
      });
    }
    const shown: Shown = { notification, ids: new Set(questions.map((q) => q.id)) };
    this.shown.add(shown);
    notification.onclick = () => {
      window.focus();
      // The oldest of its questions that is still waiting.
      const next = shown.ids.values().next();
      if (next.done !== true) this.open(next.value);
      notification.close();
      this.shown.delete(shown);
    };
  }
}
