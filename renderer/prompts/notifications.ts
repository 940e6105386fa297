// A desktop notification for a question that arrives while the window is not in front (DESIGN
// §4), closed again when the question goes. Permission is asked once, from a user gesture (the
// first Start), as browsers require.

import type { PendingQuestion } from '../../app/common/contract.js';
import type { QuestionNotices } from '../store/bind-events.js';
import { baseName, mainArgument } from './queue.js';
import { callWithAlias } from './question-text.js';

export class QuestionNotifications implements QuestionNotices {
  private readonly shown = new Map<string, Notification>();

  /** `open` brings the question forward when its notification is clicked. */
  constructor(private readonly open: (questionId: string) => void) {}

  /** Asks for permission if it was never asked; call it from a click or a key press. */
  static askPermission(): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
    Notification.requestPermission().catch(() => undefined);
  }

  questionAdded(pending: PendingQuestion): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    if (document.hasFocus()) return;
    const { question } = pending;
    const argument = mainArgument(question);
    const notification = new Notification(
      `${baseName(question.exe)} asks for ${callWithAlias(question.call, question.alias)}`,
      {
        body: [argument?.value, `pid ${question.pid} · policy ${question.policy}`]
          .filter(Boolean)
          .join('\n'),
        tag: `sysgate-${pending.id}`,
        requireInteraction: true,
      },
    );
    notification.onclick = () => {
      window.focus();
      this.open(pending.id);
      notification.close();
    };
    this.shown.set(pending.id, notification);
  }

  questionRemoved(questionId: string): void {
    this.shown.get(questionId)?.close();
    this.shown.delete(questionId);
  }
}
