// The one contract between the renderer and the host (DESIGN §6): every command the renderer
// may send (request → response) and every event the host pushes. The Electron preload exposes
// exactly these commands, one function each; the web shell carries the same messages over a
// WebSocket. Both ends check every message against the schemas below: each command's arguments
// have one valibot schema, and the types of the structured ones are derived from it, so the check
// and the type cannot drift apart.

import * as v from 'valibot';

import type { CallRequest } from './policy/request.js';

import {
  RECORD_LEVELS,
  type HistoryEntry,
  type HistoryGroup,
  type HistoryPage,
  type HistorySettings,
} from './history/entry.js';
import type { Statistics } from './history/statistics.js';
import type { Arch } from './calls/index.js';
import type { DecisionRecord, Question } from './session/events.js';

// What the schemas are made of. Every limit is on what a window may send, not on what is sensible:
// the host decides the rest.
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const PATH = 4096;
const count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000_000));
/** A session's or question's id. */
const id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
/** A terminal's columns or rows. */
const size = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000));

const SessionModeSchema = v.picklist(['learn', 'ask', 'enforce']);
export type SessionMode = v.InferOutput<typeof SessionModeSchema>;
export type SessionState = 'running' | 'exited';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  exe: string;
  /** The policy the process runs under (a program's path). */
  policy: string;
  alive: boolean;
}

export interface SessionInfo {
  id: string;
  /** The command line as the user typed it. */
  command: string;
  cwd: string;
  mode: SessionMode;
  /** Whether the kernel enforces the policies' file rules (enforce mode only; `sysgate -K`). */
  kernel: boolean;
  state: SessionState;
  /** The exit status once exited: the code, or 128 + the signal. */
  status: number | null;
  /** Milliseconds since the epoch. */
  startedAt: number;
  processes: ProcessInfo[];
  counts: { permitted: number; denied: number; asked: number };
  /** Rules an ended Learn session learned that wait for the user's review before they are saved. */
  toReview?: number;
}

/** What a Learn session learned for one program (or why it cannot be saved). */
export interface LearnedRules {
  program: string;
  /** The rules, printed, in the order they were learned. */
  rules: string[];
  /**
   * The generalisations learning made in them already: names the run made at random written as
   * their shape. Shown for review; `rule` is among `rules`.
   */
  generalised: Array<{ rule: string; replaces: string[]; reason: string }>;
  /** Why they cannot be saved yet (the policy has errors): they wait until it is fixed. */
  problem?: string;
}

/** A question waiting for an answer; identical questions of a session are merged into one. */
export interface PendingQuestion {
  /** The id of this (merged) question in the host. */
  id: string;
  sessionId: string;
  question: Question;
  /** How many identical questions wait behind this one (1 when alone). */
  count: number;
  /** When the first of them arrived, in milliseconds since the epoch. */
  arrivedAt: number;
  /**
   * The calls grouped in it when they differ (`statx`, `lgetxattr`, `getxattr` of one file):
   * related calls of one path that one rule of their alias decides are one question.
   */
  calls?: string[];
  /**
   * The same program's last questions about the same call or alias in this session, oldest
   * first, when it arrived: what a suggestion that covers what comes next is made from.
   */
  recent?: CallRequest[];
}

/**
 * Where an "always" answer's rule is kept and how long it lasts (DESIGN §4): this session
 * (`session`), this session for `minutes` (`minutes`), every session until sysgate quits
 * (`app`), or the policy file (`policy`). Answering this call only is Permit or Deny.
 */
const RuleScopeSchema = v.picklist(['session', 'minutes', 'app', 'policy']);
export type RuleScope = v.InferOutput<typeof RuleScopeSchema>;

/** What the user answered in a prompt. */
const PromptAnswerSchema = v.strictObject({
  action: v.picklist(['permit', 'deny', 'kill', 'detach']),
  /** The error name of a denial (`eperm`, `enoent`, ...). */
  errno: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9]{1,16}$/))),
  /** "Permit always" / "Deny always": the rule's expression and where it is kept. */
  always: v.optional(
    v.strictObject({
      expression: text(4096),
      scope: RuleScopeSchema,
      /** How long a rule of the scope `minutes` lasts (a day at most). */
      minutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1440))),
    }),
  ),
  /** Answer every pending question of the same program and call the same way. */
  applyToSimilar: v.optional(v.boolean()),
});
export type PromptAnswer = v.InferOutput<typeof PromptAnswerSchema>;

export interface PolicyView {
  program: string;
  /** The file it is read from, or null for a policy that exists in this session only. */
  path: string | null;
  text: string;
  /** 1-based lines of rules added while the app runs, newest last, to highlight. */
  addedLines: number[];
}

/** A policy file as the editor lists it (app/core/host/policy-files.ts). */
export interface PolicyFileInfo {
  path: string;
  kind: 'policy' | 'template';
  /** `file` is a `-f FILE`; `shipped` a template that comes with sysgate. */
  origin: 'file' | 'user' | 'system' | 'shipped';
  /** The program of a policy, the name of a template; null when the file cannot be used. */
  name: string | null;
  description: string | null;
  /** Why the file cannot be used (refused, unreadable, a syntax error), or null. */
  problem: string | null;
  /** Whether a running session uses this file. */
  inUse: boolean;
  /** Whether another file takes its place (a system policy the user has a copy of). */
  overridden: boolean;
}

/** A policy file opened in the editor. */
export interface PolicyDocument {
  path: string;
  kind: PolicyFileInfo['kind'];
  origin: PolicyFileInfo['origin'];
  /** The program of a policy, the name of a template. */
  name: string;
  text: string;
  /** Stands for this text: a save based on another version is refused as a conflict. */
  version: string;
  /** Where a save writes (the user's copy, systrace semantics); null when it cannot be saved. */
  savesTo: string | null;
  /** The machine's architecture, for the warnings about calls it does not have. */
  arch: Arch;
}

/** A save either wrote the file, or found it changed since it was read and left it alone. */
export type SaveResult = { saved: PolicyDocument } | { conflict: PolicyDocument };

/**
 * How often a rule decided a call, from the supervisor's counts (permitted calls too) of the
 * sessions this app runs, and from the records of `sysgate` runs that sent their questions
 * here. Calls the kernel's filter allows itself never reach a rule and are not counted.
 */
export interface RuleHit {
  /** The rule as the printer writes it (printFilter), so that it survives moving lines. */
  rule: string;
  hits: number;
  /** Of the hits, how many calls the rule permitted and how many it denied. */
  permitted: number;
  denied: number;
  /** Milliseconds since the epoch. */
  lastHit: number;
}

const StartRequestSchema = v.strictObject({
  command: v.pipe(
    v.string(),
    v.check((c) => c.trim() !== '', 'an empty command'),
    v.maxLength(8192),
  ),
  cwd: text(PATH),
  mode: SessionModeSchema,
  /** With `enforce`: the kernel enforces the policies' file rules (`sysgate -a -K`). */
  kernel: v.optional(v.boolean()),
  cols: size,
  rows: size,
});
export type StartRequest = v.InferOutput<typeof StartRequestSchema>;

/** Everything the host holds that a window needs when it opens. */
export interface Snapshot {
  sessions: SessionInfo[];
  questions: PendingQuestion[];
  policies: PolicyView[];
  /** Recent terminal output of each session, so a reloaded window shows it again. */
  terminals: Record<string, string>;
  /**
   * `$USER` and `$HOME` of the user the policies are for, so the prompt can suggest rules with
   * `$HOME/...` and `$USER` (the browser cannot know them). Optional: without it the prompt
   * suggests `$CWD` and plain paths only.
   */
  user?: { name: string; home: string };
  /**
   * Whether the user administers the system policies (root, or one who may write
   * /etc/sysgate/policies): the History view then offers the system history, the daemons'
   * denials, and turns one into a system rule (addSystemRule).
   */
  systemAdmin?: boolean;
}

/** A page of the history: the records matching `query` (the history's query language). */
const HistoryPageRequestSchema = v.strictObject({
  query: text(4096),
  offset: count,
  limit: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)),
  /** Only records up to this id: a page of what the view already counted. */
  ceiling: v.optional(count),
  /** The system history (daemons under the system policies) instead of the user's. */
  system: v.optional(v.boolean()),
  /**
   * The number of matching records too, when counting them is as quick as the page (the whole
   * history, unfiltered): the view's count then comes without a second round trip.
   */
  count: v.optional(v.boolean()),
});
export type HistoryPageRequest = v.InferOutput<typeof HistoryPageRequestSchema>;

/** One record of the history with the processes above its own, nearest first. */
export interface HistoryDetail {
  entry: HistoryEntry;
  ancestors: { pid: number; program: string | null; argv: string[] }[];
  /**
   * The command the record's session ran, as the user knows the session (its name in the
   * history, `s1@...`, is an id); null when it is not known.
   */
  sessionCommand?: string | null;
}

const ExportFormatSchema = v.picklist(['csv', 'json']);
export type ExportFormat = v.InferOutput<typeof ExportFormatSchema>;

/** Commands: renderer → host. Each resolves with its result or rejects with a message. */
export interface Commands {
  snapshot(): Snapshot;
  startSession(request: StartRequest): SessionInfo;
  /** Asks the program to end (SIGTERM to the traced tree). */
  stopSession(sessionId: string): void;
  /** Ends the program at once (SIGKILL to the traced tree). */
  killSession(sessionId: string): void;
  /** Forgets an exited session. */
  closeSession(sessionId: string): void;
  writeTerminal(sessionId: string, data: string): void;
  resizeTerminal(sessionId: string, cols: number, rows: number): void;
  /** Flow control: the renderer has drawn this many characters of the session's output. */
  terminalDrawn(sessionId: string, chars: number): void;
  answerQuestion(questionId: string, answer: PromptAnswer): void;
  policy(program: string): PolicyView;
  /**
   * A page of records; their number comes with it when asked and quick to count (`total`), else
   * apart (historyCount), as counting a filter's matches takes longer.
   */
  historyPage(request: HistoryPageRequest): HistoryPage;
  /** How many records match `query` with ids above `after` and up to `upTo` (default: all). */
  historyCount(query: string, range: { after: number; upTo?: number; system?: boolean }): number;
  historyDetail(id: number): HistoryDetail;
  /** The records matching `query` grouped by program and call, most records first. */
  historyGroups(query: string): HistoryGroup[];
  /** The counts of decided calls of one run (its history name), or of every run (null). */
  statistics(session: string | null): Statistics;
  /** A record of the system history (the daemons'), for a system administrator. */
  systemHistoryDetail(id: number): HistoryDetail;
  /**
   * Adds `rule` to the system policy of `program` (/etc/sysgate/policies), for a system
   * administrator; gives the file and the rule's line. A daemon reads it when it starts again.
   */
  addSystemRule(program: string, rule: string): { path: string; line: number };
  /** The records matching `query`, newest first (at most 100,000), as a file's text. */
  exportHistory(query: string, format: ExportFormat): string;
  clearHistory(): void;
  historySettings(): HistorySettings;
  setHistorySettings(settings: HistorySettings): void;
  /** Every policy and template file, with which are in use. */
  policyFiles(): PolicyFileInfo[];
  /** A file listed by policyFiles. */
  readPolicy(path: string): PolicyDocument;
  /**
   * Saves an edited policy to the user's copy, when the file is still at `version`; the new
   * rules apply to the running sessions that use the policy at once.
   */
  savePolicy(path: string, text: string, version: string): SaveResult;
  /** The hits of each rule of `program`'s policy that decided a call while the app ran. */
  ruleHits(program: string): RuleHit[];
  /** What an ended Learn session learned, waiting for review. */
  learnedRules(sessionId: string): LearnedRules[];
  /**
   * Saves the reviewed rules of `program` (generalised, some left out) after its policy's own;
   * gives the file written. Running sessions that use the policy get it at once.
   */
  saveLearned(sessionId: string, program: string, rules: string[]): string;
  /** Forgets what an ended Learn session learned. */
  discardLearned(sessionId: string): void;
}

/** Events: host → renderer. */
export interface Events {
  sessionChanged: SessionInfo;
  sessionClosed: { sessionId: string };
  terminalData: { sessionId: string; data: string };
  questionAdded: PendingQuestion;
  /** A question answered, merged count changed, or withdrawn because its process exited. */
  questionChanged: PendingQuestion;
  questionRemoved: { id: string; reason: 'answered' | 'process-exited' | 'session-ended' };
  policyChanged: PolicyView;
  /** A policy file was written (by sysgate or anyone else) or removed. */
  policyFileChanged: { path: string; program: string | null; removed: boolean };
  record: DecisionRecord;
  /** Records were committed to the history; `newest` is the id of the last. */
  historyAdded: { newest: number; count: number };
}

export type CommandName = keyof Commands;

/**
 * What the small prompt window may ask of the host: read and answer questions, nothing more
 * (it must not, say, resize every session's terminal). Electron's main process refuses any other
 * command from that window, and the page itself keeps to the same list in the web shell too.
 */
export const PROMPT_WINDOW_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>([
  'snapshot',
  'answerQuestion',
  'policy',
]);
export type EventName = keyof Events;

/** The API a window talks to: every command as an async function, and event subscription. */
export type SysgateApi = {
  [K in CommandName]: (...args: Parameters<Commands[K]>) => Promise<ReturnType<Commands[K]>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

// ---- validation ------------------------------------------------------------------------------
// One schema per command: its arguments, exactly (no more, no fewer, no unknown keys). A message
// that does not have that shape is refused before anything acts on it.

const HistorySettingsSchema = v.strictObject({
  record: v.picklist(RECORD_LEVELS),
  keepDays: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(36_500)),
  keepRows: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000_000)),
});

const ARGUMENTS = {
  snapshot: v.strictTuple([]),
  startSession: v.strictTuple([StartRequestSchema]),
  stopSession: v.strictTuple([id]),
  killSession: v.strictTuple([id]),
  closeSession: v.strictTuple([id]),
  writeTerminal: v.strictTuple([id, text(1 << 20)]),
  resizeTerminal: v.strictTuple([id, size, size]),
  terminalDrawn: v.strictTuple([id, count]),
  answerQuestion: v.strictTuple([id, PromptAnswerSchema]),
  policy: v.strictTuple([text(PATH)]),
  historyPage: v.strictTuple([HistoryPageRequestSchema]),
  historyCount: v.strictTuple([
    text(4096),
    v.strictObject({ after: count, upTo: v.optional(count), system: v.optional(v.boolean()) }),
  ]),
  historyDetail: v.strictTuple([count]),
  historyGroups: v.strictTuple([text(4096)]),
  statistics: v.strictTuple([v.nullable(text(256))]),
  systemHistoryDetail: v.strictTuple([count]),
  addSystemRule: v.strictTuple([text(PATH), text(8192)]),
  exportHistory: v.strictTuple([text(4096), ExportFormatSchema]),
  clearHistory: v.strictTuple([]),
  historySettings: v.strictTuple([]),
  setHistorySettings: v.strictTuple([HistorySettingsSchema]),
  policyFiles: v.strictTuple([]),
  readPolicy: v.strictTuple([text(PATH)]),
  savePolicy: v.strictTuple([text(PATH), text(1 << 20), text(128)]),
  ruleHits: v.strictTuple([text(PATH)]),
  learnedRules: v.strictTuple([id]),
  saveLearned: v.strictTuple([id, text(PATH), v.pipe(v.array(text(8192)), v.maxLength(100_000))]),
  discardLearned: v.strictTuple([id]),
} satisfies { [K in CommandName]: v.GenericSchema<unknown, Parameters<Commands[K]>> };

// Each schema gives exactly its command's parameters (`satisfies` above checks one direction
// only): a command whose signature changes without its schema does not compile, and the error
// names it.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Mismatched = {
  [K in CommandName]: Same<
    v.InferOutput<(typeof ARGUMENTS)[K]>,
    Parameters<Commands[K]>
  > extends true
    ? never
    : K;
}[CommandName];
const SCHEMAS_MATCH: [Mismatched] extends [never] ? true : { mismatched: Mismatched } = true;
void SCHEMAS_MATCH;

export const COMMAND_NAMES = Object.keys(ARGUMENTS) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ARGUMENTS, name);
}

/** Whether `args` are exactly what `command` takes. */
export function validArguments<K extends CommandName>(
  command: K,
  args: unknown,
): args is Parameters<Commands[K]> {
  return v.is(ARGUMENTS[command], args);
}

/**
 * What is wrong with `args` for `command`, with its place (`1.always.scope: ...`, 0 the first
 * argument); null when they are exactly what it takes.
 */
export function argumentsProblem(command: CommandName, args: unknown): string | null {
  const result = v.safeParse(ARGUMENTS[command], args);
  if (result.success) return null;
  const issue = result.issues[0];
  const where = v.getDotPath(issue);
  const count = ARGUMENTS[command].items.length;
  // An argument past the last: strictTuple's `never`, said as what it is.
  if (issue.expected === 'never' && issue.path?.length === 1)
    return `${where}: one argument more than the ${count} ${command} takes`;
  return where === null ? issue.message : `${where}: ${issue.message}`;
}

export const EVENT_NAMES: readonly EventName[] = [
  'sessionChanged',
  'sessionClosed',
  'terminalData',
  'questionAdded',
  'questionChanged',
  'questionRemoved',
  'policyChanged',
  'policyFileChanged',
  'record',
  'historyAdded',
];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}

// ---- the web shell's wire format ---------------------------------------------------------------
// `sysgate gui --web` serves the renderer on http://127.0.0.1:PORT/ and this API as a WebSocket
// at ws://127.0.0.1:PORT/api?token=TOKEN. The token is printed once in the URL's fragment
// (`#token=...`, never sent to a server by the browser) and the page passes it on. The server
// refuses a wrong token and any Origin but its own. A page of its own Origin with a wrong token
// is told so: its socket opens and closes at once with TOKEN_REFUSED (a browser cannot read an
// HTTP refusal), and the page stops trying. Messages are JSON text frames:

/** The close code of a socket whose token is not this run's. */
export const TOKEN_REFUSED = 4401;

/** Window → host. `id` pairs the reply with the call. */
const WireCallSchema = v.strictObject({
  id: v.pipe(v.number(), v.integer()),
  command: v.picklist(COMMAND_NAMES),
  /** Checked against the command's own schema separately (validArguments). */
  args: v.array(v.unknown()),
});
export type WireCall = v.InferOutput<typeof WireCallSchema>;

/**
 * Host → window: a command's reply, or an event; or an array of them, in order (what the host
 * said within one turn of its event loop).
 */
export type WireReply =
  | { id: number; result: unknown }
  | { id: number; error: string }
  | { event: EventName; payload: unknown };

/** Whether a decoded message has the shape of a call (its arguments are checked separately). */
export function isWireCall(message: unknown): message is WireCall {
  return v.is(WireCallSchema, message);
}
