// The tray icon: the number of questions waiting, on the icon itself (tray-icon.ts) and in its
// menu, and a way back to the window.

import { Menu, nativeImage, Tray } from 'electron';

import { trayIconPng } from './tray-icon.js';

export interface TrayActions {
  showWindow(): void;
  newSession(): void;
  quit(): void;
}

export class QuestionTray {
  private readonly tray: Tray;
  private shown = -1;

  constructor(private readonly actions: TrayActions) {
    this.tray = new Tray(nativeImage.createFromBuffer(trayIconPng(0)));
    this.tray.on('click', () => actions.showWindow());
    this.show(0);
  }

  show(count: number): void {
    if (count === this.shown) return;
    this.shown = count;
    const waiting =
      count === 0
        ? 'No questions waiting'
        : count === 1
          ? '1 question waiting'
          : `${count} questions waiting`;
    this.tray.setImage(nativeImage.createFromBuffer(trayIconPng(count)));
    this.tray.setToolTip(`sysgate: ${waiting.toLowerCase()}`);
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: waiting, enabled: count > 0, click: () => this.actions.showWindow() },
        { type: 'separator' },
        { label: 'Show sysgate', click: () => this.actions.showWindow() },
        { label: 'New Session', click: () => this.actions.newSession() },
        { type: 'separator' },
        { label: 'Quit sysgate', click: () => this.actions.quit() },
      ]),
    );
  }

  destroy(): void {
    this.tray.destroy();
  }
}
