// How a waiting question reaches the user when the main window is not in front (DESIGN §4): the
// small prompt window floats above other programs without taking the focus, a desktop
// notification says what is asked, and the tray counts what waits. None of them ever takes the
// keyboard focus: a stray key press must not answer a question.

import { BrowserWindow, Notification } from 'electron';

import type { PendingQuestion } from '../common/contract.js';
import type { EventListener } from '../core/host/endpoint.js';

export interface AlertTargets {
  /** The main window, or null while it is closed. */
  mainWindow(): BrowserWindow | null;
  /** Brings the main window forward (creating it if needed). */
  showMainWindow(): void;
  createPromptWindow(): BrowserWindow;
  /** How many questions wait, merged ones counted. */
  pendingCount(): number;
  showCount(count: number): void;
}

export class QuestionAlerts {
  private prompt: BrowserWindow | null = null;
  /** Whether the prompt window has drawn its page (shown before that, it would flash empty). */
  private promptReady = false;
  private readonly notices = new Map<string, Notification>();
  private quitting = false;

  constructor(private readonly targets: AlertTargets) {}

  /** For endpoint.subscribe. */
  readonly onEvent: EventListener = (event, payload) => {
    if (event === 'questionAdded') this.added(payload as PendingQuestion);
    else if (event === 'questionRemoved') this.notices.get((payload as { id: string }).id)?.close();
    if (event === 'questionAdded' || event === 'questionChanged' || event === 'questionRemoved')
      this.update();
  };

  /** Call when the main window gains or loses the focus, or is shown, hidden or closed. */
  update(): void {
    const count = this.targets.pendingCount();
    this.targets.showCount(count);
    const main = this.targets.mainWindow();
    const mainInFront =
      main !== null && !main.isDestroyed() && main.isVisible() && main.isFocused();
    if (count > 0 && !mainInFront) this.showPrompt();
    else this.hidePrompt();
  }

  /** Lets the prompt window close for good. */
  close(): void {
    this.quitting = true;
    for (const notice of this.notices.values()) notice.close();
    this.notices.clear();
    if (this.prompt !== null && !this.prompt.isDestroyed()) this.prompt.destroy();
    this.prompt = null;
  }

  /** The prompt window, when it exists (for the bridge's list of windows). */
  promptWindow(): BrowserWindow | null {
    return this.prompt !== null && !this.prompt.isDestroyed() ? this.prompt : null;
  }

  private showPrompt(): void {
    if (this.quitting) return;
    let prompt = this.promptWindow();
    if (prompt === null) {
      prompt = this.targets.createPromptWindow();
      this.prompt = prompt;
      this.promptReady = false;
      const created = prompt;
      // Closing it only hides it until the next question; it goes for good when the app quits.
      created.on('close', (event) => {
        if (this.quitting) return;
        event.preventDefault();
        created.hide();
      });
      created.once('ready-to-show', () => {
        this.promptReady = true;
        this.update();
      });
      return;
    }
    if (this.promptReady && !prompt.isVisible()) prompt.showInactive();
  }

  private hidePrompt(): void {
    const prompt = this.promptWindow();
    if (prompt !== null && prompt.isVisible()) prompt.hide();
  }

  private added(pending: PendingQuestion): void {
    // Someone is looking at sysgate already: its windows show the question.
    if (BrowserWindow.getFocusedWindow() !== null || !Notification.isSupported()) return;
    const { question } = pending;
    const argument =
      question.args['filename']?.[0] ??
      question.args['sockaddr']?.[0] ??
      Object.values(question.args)[0]?.[0];
    const call = question.alias === null ? question.call : `${question.call} (${question.alias})`;
    const notice = new Notification({
      title: `${programName(question.exe)} asks for ${call}`,
      body: [argument, `pid ${question.pid} · policy ${question.policy}`]
        .filter((line) => line !== undefined)
        .join('\n'),
      urgency: 'normal',
    });
    notice.on('click', () => this.targets.showMainWindow());
    notice.on('close', () => this.notices.delete(pending.id));
    // Kept, or the notification could be collected (and its click lost) while it is shown.
    this.notices.set(pending.id, notice);
    notice.show();
  }
}

function programName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || path;
}
