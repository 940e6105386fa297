// The questions waiting for the user (DESIGN §4): identical ones merged into one entry, and so
// are related calls of one path that one rule of their alias decides (statx, lgetxattr and
// getxattr of one file: one question, one answer); each answer reaching every call it covers,
// and a question gone when its process is. Each new question carries the same program's last
// questions about the same call, for the suggestion that covers what comes next.

import { EventEmitter } from 'node:events';

import type { PendingQuestion } from '../../common/contract.js';
import type { CallRequest } from '../../common/policy/request.js';
import type { Answer, Question } from '../../common/session/events.js';
import { similarityKey } from '../../common/session/similar.js';

export type RemovalReason = 'answered' | 'process-exited' | 'session-ended';

interface Waiting {
  /** The supervisor's id of this call's question. */
  questionId: string;
  question: Question;
  respond: (answer: Answer) => void;
}

interface Entry {
  pending: PendingQuestion;
  members: Waiting[];
}

/** A question no longer waiting: why, and the answer when it was answered. */
export interface GoneQuestion {
  pending: PendingQuestion;
  reason: RemovalReason;
  answer: Answer | null;
}

/** How many questions that went are remembered, for an answer that arrives after them. */
const GONE_KEPT = 256;

export interface PromptQueueEvents {
  added: [PendingQuestion];
  changed: [PendingQuestion];
  removed: [{ id: string; reason: RemovalReason }];
}

/** How many of a program's last questions about one call each new question carries. */
export const RECENT = 8;

/**
 * Questions are one when the same program asks the same call with the same arguments, or calls
 * of one alias about the same single file: `native-fsread: filename eq "/etc/passwd"` decides
 * statx, lgetxattr and openat (read only) of it alike, whatever else their arguments say.
 */
function identity(sessionId: string, q: Question): string {
  const names = q.args['filename'];
  if (q.alias !== null && names?.length === 1 && names[0]!.startsWith('/'))
    return JSON.stringify([sessionId, q.policy, q.alias, names[0]]);
  return JSON.stringify([sessionId, q.policy, q.call, q.alias, q.args]);
}

/** What a suggestion needs of a question. */
function requestOf(q: Question): CallRequest {
  return { call: q.call, alias: q.alias, args: q.args, uid: q.uid, gid: q.gid };
}

export class PromptQueue extends EventEmitter<PromptQueueEvents> {
  private readonly entries = new Map<string, Entry>();
  private readonly byIdentity = new Map<string, string>();
  /** The last questions by similarity key (session, program, call or alias). */
  private readonly recent = new Map<string, CallRequest[]>();
  private readonly gone = new Map<string, GoneQuestion>();
  private nextId = 1;

  /** Adds a held call's question; `respond` answers that call. */
  add(
    sessionId: string,
    questionId: string,
    question: Question,
    respond: (answer: Answer) => void,
  ): PendingQuestion {
    const key = identity(sessionId, question);
    const existing = this.byIdentity.get(key);
    const waiting = { questionId, question, respond };
    if (existing !== undefined) {
      const entry = this.entries.get(existing)!;
      entry.members.push(waiting);
      entry.pending = { ...entry.pending, count: entry.members.length, ...callsOf(entry.members) };
      this.emit('changed', entry.pending);
      return entry.pending;
    }
    const pending: PendingQuestion = {
      id: `q${this.nextId++}`,
      sessionId,
      question,
      count: 1,
      arrivedAt: Date.now(),
    };
    const similar = similarityKey(pending);
    const recent = this.recent.get(similar) ?? [];
    if (recent.length > 0) pending.recent = recent;
    this.recent.set(similar, [...recent, requestOf(question)].slice(-RECENT));
    this.entries.set(pending.id, { pending, members: [waiting] });
    this.byIdentity.set(key, pending.id);
    this.emit('added', pending);
    return pending;
  }

  list(): PendingQuestion[] {
    return [...this.entries.values()].map((e) => e.pending);
  }

  get(id: string): PendingQuestion | undefined {
    return this.entries.get(id)?.pending;
  }

  /** A question that waited here and went (the last few hundred): why, and how it was answered. */
  wentAway(id: string): GoneQuestion | undefined {
    return this.gone.get(id);
  }

  /** The other pending questions an "apply to all similar" answer would reach. */
  similarTo(id: string): PendingQuestion[] {
    const entry = this.entries.get(id);
    if (entry === undefined) return [];
    const key = similarityKey(entry.pending);
    return this.list().filter((p) => p.id !== id && similarityKey(p) === key);
  }

  /**
   * Answers a question (every merged call in it) and, with `alsoSimilar`, every similar one.
   * Gives the questions answered; unknown ids answer nothing.
   */
  answer(id: string, answer: Answer, alsoSimilar = false): PendingQuestion[] {
    const targets = [this.get(id), ...(alsoSimilar ? this.similarTo(id) : [])].filter(
      (p): p is PendingQuestion => p !== undefined,
    );
    for (const target of targets) {
      const entry = this.remove(target.id, 'answered', answer)!;
      for (const member of entry.members) member.respond(answer);
    }
    return targets;
  }

  /** Answers every pending question for which `answerFor` gives an answer (a new rule decides it). */
  answerWhere(answerFor: (p: PendingQuestion) => Answer | null): PendingQuestion[] {
    const answered: PendingQuestion[] = [];
    for (const pending of this.list()) {
      const answer = answerFor(pending);
      if (answer === null) continue;
      answered.push(...this.answer(pending.id, answer));
    }
    return answered;
  }

  /** A call's question is void (its process exited): it leaves its entry, and the entry goes when empty. */
  withdraw(sessionId: string, questionId: string): void {
    for (const entry of this.entries.values()) {
      if (entry.pending.sessionId !== sessionId) continue;
      const index = entry.members.findIndex((m) => m.questionId === questionId);
      if (index < 0) continue;
      entry.members.splice(index, 1);
      if (entry.members.length === 0) this.remove(entry.pending.id, 'process-exited');
      else {
        // The entry shows its first remaining call.
        const rest = { ...entry.pending };
        delete rest.calls;
        entry.pending = {
          ...rest,
          question: entry.members[0]!.question,
          count: entry.members.length,
          ...callsOf(entry.members),
        };
        this.emit('changed', entry.pending);
      }
      return;
    }
  }

  /** Drops every question of a session that ended; nothing is answered. */
  withdrawSession(sessionId: string): void {
    for (const pending of this.list())
      if (pending.sessionId === sessionId) this.remove(pending.id, 'session-ended');
    for (const key of this.recent.keys())
      if (key.startsWith(`${sessionId}\0`)) this.recent.delete(key);
  }

  private remove(
    id: string,
    reason: RemovalReason,
    answer: Answer | null = null,
  ): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    this.entries.delete(id);
    this.gone.set(id, { pending: entry.pending, reason, answer });
    if (this.gone.size > GONE_KEPT) this.gone.delete(this.gone.keys().next().value!);
    this.byIdentity.delete(identity(entry.pending.sessionId, entry.pending.question));
    this.emit('removed', { id, reason });
    return entry;
  }
}

/** `{ calls: [...] }` when an entry holds more than one call, else nothing. */
function callsOf(members: readonly Waiting[]): { calls?: string[] } {
  const calls = [...new Set(members.map((m) => m.question.call))];
  return calls.length > 1 ? { calls } : {};
}
