// The prompts slice: the questions waiting for an answer, in arrival order, and which one the
// prompt shows (see ../prompts/queue.ts for the rules of the queue).

import type { StateCreator } from 'zustand/vanilla';

import type { PendingQuestion, PromptAnswer, SysgateApi } from '../../app/common/contract.js';
import { loadDefaultDeny, saveDefaultDeny, type KeptSettings } from '../prompts/default-answer.js';
import type { QueueOrder } from '../prompts/queue.js';
import type { SysgateState } from './store.js';

export interface PromptsSlice {
  questions: Record<string, PendingQuestion>;
  queue: QueueOrder;
  /** The calls waiting in all the questions (their merged counts added up), kept as they change. */
  callsWaiting: number;
  /** Questions whose answer is on its way to the host. */
  answering: Record<string, true>;
  /** The host refused an answer (the question was gone, the rule did not parse, ...). */
  answerError: { questionId: string; message: string } | null;
  /** The waiting questions the shown prompt's rule would decide, highlighted in the queue. */
  covered: Record<string, true>;
  setCovered(questionIds: readonly string[]): void;
  /** Seconds after which a shown question is denied once; 0: never (the default). */
  defaultDenySeconds: number;
  setDefaultDenySeconds(seconds: number): void;
  questionAdded(question: PendingQuestion): void;
  questionChanged(question: PendingQuestion): void;
  questionRemoved(questionId: string): void;
  selectQuestion(questionId: string | null): void;
  answerQuestion(questionId: string, answer: PromptAnswer): Promise<void>;
}

export const createPromptsSlice =
  (api: SysgateApi): StateCreator<SysgateState, [], [], PromptsSlice> =>
  (set, get) => ({
    questions: {},
    queue: { ids: [], selectedId: null },
    callsWaiting: 0,
    answering: {},
    answerError: null,
    covered: {},
    defaultDenySeconds: loadDefaultDeny(storage()),

    setDefaultDenySeconds: (seconds) => {
      saveDefaultDeny(storage(), seconds);
      set({ defaultDenySeconds: seconds });
    },

    setCovered: (questionIds) => {
      const covered: Record<string, true> = {};
      for (const id of questionIds) covered[id] = true;
      const now = get().covered;
      const same =
        Object.keys(now).length === questionIds.length && questionIds.every((id) => now[id]);
      if (!same) set({ covered });
    },

    // One event at a time; the window applies the host's events in batches (applyEvents).
    questionAdded: (question) => get().applyEvents([{ type: 'questionAdded', question }]),
    questionChanged: (question) => get().applyEvents([{ type: 'questionChanged', question }]),
    questionRemoved: (questionId) => get().applyEvents([{ type: 'questionRemoved', questionId }]),

    selectQuestion: (questionId) =>
      set((s) => ({
        queue: {
          ...s.queue,
          selectedId: questionId !== null && questionId in s.questions ? questionId : null,
        },
      })),

    answerQuestion: async (questionId, answer) => {
      if (get().answering[questionId]) return;
      set((s) => ({ answering: { ...s.answering, [questionId]: true }, answerError: null }));
      try {
        await api.answerQuestion(questionId, answer);
      } catch (e) {
        set({ answerError: { questionId, message: e instanceof Error ? e.message : String(e) } });
      } finally {
        // The question itself goes when the host says so (questionRemoved).
        set((s) => {
          const answering = { ...s.answering };
          delete answering[questionId];
          return { answering };
        });
      }
    },
  });

/** The window's local storage; none in tests without a DOM, or where the browser refuses it. */
function storage(): KeptSettings | undefined {
  try {
    return (globalThis as { localStorage?: KeptSettings }).localStorage;
  } catch {
    return undefined;
  }
}
