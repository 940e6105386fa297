// The host side of the contract (app/common/contract.ts): what a window may ask and what it is
// told. It runs the sessions, hands their questions to the prompt broker (../prompts/broker.ts)
// and its rules to the rule writer (../prompts/rule-writer.ts), and notices policy files
// edited elsewhere.

import type {
  Commands,
  EventName,
  Events,
  ExportFormat,
  HistoryDetail,
  HistoryPageRequest,
  PolicyView,
  PromptAnswer,
  SessionInfo,
  Snapshot,
  StartRequest,
} from '../../common/contract.js';
import { splitCommandLine } from '../../common/command-line.js';
import type { HistoryEntry, HistoryGroup, HistoryPage } from '../../common/history/entry.js';
import { historyCsv, historyJson } from '../../common/history/export.js';
import { parseQuery, QueryError, type HistoryQuery } from '../../common/history/query.js';
import { printFilter } from '../../common/policy/printer.js';
import type { Macros } from '../../common/policy/request.js';
import { printable } from '../../common/session/log-line.js';
import { policyErrorsMessage } from '../../common/session/policy-errors.js';
import { Accounts } from '../accounts.js';
import { resolveProgram } from '../program-path.js';
import { MAX_PAGE, type HistoryStore } from '../records/history-store.js';
import { SessionRecorder, sessionName } from '../records/recorder.js';
import { syslogSink, type LineSink } from '../records/denial-log.js';
import { countsReader, hitsReader, historyReader, logReader } from '../records/decision-sink.js';
import type { PolicyChange, PolicyStore } from '../policy/store.js';
import { PromptBroker } from '../prompts/broker.js';
import type { PromptQueue } from '../prompts/prompt-queue.js';
import { RuleWriter } from '../prompts/rule-writer.js';
import type { SessionPolicy, TemporaryRule } from '../runs/policy-source.js';
import { Session } from '../runs/session.js';
import type { TracedSession } from '../runs/traced-session.js';
import {
  checkedCall,
  CommandError,
  type ContractEndpoint,
  type EventListener,
} from './endpoint.js';
import { PolicyFiles } from './policy-files.js';
import { SystemAdmin, SystemAdminError } from './system-admin.js';
import { RuleHits } from '../records/rule-hits.js';

const SESSION_CHANGES_MS = 100;
/** An export holds at most this many records, the newest. */
const EXPORT_MAX = 100_000;
/** How often the history is looked at for records other processes (`sysgate -a`) wrote. */
const OTHER_WRITERS_MS = 1000;

export class Host implements ContractEndpoint {
  private readonly sessions = new Map<string, TracedSession>();
  /** The command of every session adopted, by its name in the history (closed ones too). */
  private readonly sessionCommands = new Map<string, string>();
  private readonly listeners = new Set<EventListener>();
  /** Lines of rules added while the app runs, by policy program, to highlight. */
  private readonly addedLines = new Map<string, number[]>();
  private readonly stopWatching: () => void;
  private nextSession = 1;
  private readonly changedSessions = new Map<string, SessionInfo>();
  private readonly accounts = new Accounts();
  /** Denials of the sessions this app starts go to syslog (a `sysgate` run logs its own). */
  private readonly syslog: LineSink = syslogSink((message) => console.error(`sysgate: ${message}`));
  private historyNewest = 0;
  private readonly watchHistory: NodeJS.Timeout | null = null;
  private readonly files: PolicyFiles;
  private readonly hits = new RuleHits();
  private readonly rules: RuleWriter<TracedSession>;
  private readonly broker: PromptBroker<TracedSession>;
  /** The questions waiting, the broker's. */
  private readonly prompts: PromptQueue;

  constructor(
    private readonly store: PolicyStore,
    private readonly macros: Macros,
    /** Where decisions are kept; null when the history cannot be opened. */
    private readonly history: HistoryStore | null = null,
    /** The system history and policies, when the user administers them; else null. */
    private readonly system: SystemAdmin | null = null,
  ) {
    if (history !== null) {
      this.historyNewest = history.newestId();
      history.onCommitted((newest, count) => this.historyAdded(newest, count));
      this.watchHistory = setInterval(() => {
        const newest = history.newestId();
        if (newest > this.historyNewest) this.historyAdded(newest, newest - this.historyNewest);
      }, OTHER_WRITERS_MS).unref();
    }
    this.rules = new RuleWriter(store, () => this.running());
    this.broker = new PromptBroker(this.rules, macros, (id) => this.session(id));
    this.prompts = this.broker.queue;
    this.prompts.on('added', (p) => this.emit('questionAdded', p));
    this.prompts.on('changed', (p) => this.emit('questionChanged', p));
    this.prompts.on('removed', (r) => this.emit('questionRemoved', r));
    this.files = new PolicyFiles(store, () => this.pathsInUse());
    this.stopWatching = store.watch((change) => void this.fileChanged(change));
  }

  call(command: unknown, args: unknown): Promise<unknown> {
    return checkedCall(this.handlers, command, args);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pending questions, for the tray's count. */
  pendingCount(): number {
    return this.prompts.list().reduce((n, p) => n + p.count, 0);
  }

  /** Kills every session; used when the app quits. */
  async shutdown(): Promise<void> {
    this.stopWatching();
    this.rules.close();
    const running = [...this.sessions.values()].filter((s) => s.snapshot().state === 'running');
    for (const session of running) session.kill();
    await Promise.all(running.map((s) => s.exited.catch(() => undefined)));
    if (this.watchHistory !== null) clearInterval(this.watchHistory);
    this.history?.close();
    this.system?.close();
    await this.syslog.close();
  }

  /**
   * A session's counts change with every call decided; windows hear of it at most every 100 ms,
   * the latest state always last, so that a burst of calls is not a burst of messages.
   */
  private sessionChanged(info: SessionInfo): void {
    const waiting = this.changedSessions.has(info.id);
    this.changedSessions.set(info.id, info);
    if (waiting) return;
    setTimeout(() => {
      const latest = this.changedSessions.get(info.id);
      this.changedSessions.delete(info.id);
      if (latest !== undefined && this.sessions.has(info.id)) this.emit('sessionChanged', latest);
    }, SESSION_CHANGES_MS);
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  private readonly handlers: {
    [K in keyof Commands]: (
      ...args: Parameters<Commands[K]>
    ) => ReturnType<Commands[K]> | Promise<ReturnType<Commands[K]>>;
  } = {
    snapshot: () => this.snapshot(),
    startSession: (request) => this.start(request),
    stopSession: (id) => this.session(id).stop(),
    killSession: (id) => this.session(id).kill(),
    closeSession: (id) => this.close(id),
    writeTerminal: (id, data) => this.session(id).write(data),
    resizeTerminal: (id, cols, rows) => this.session(id).resize(cols, rows),
    terminalDrawn: (id, chars) => this.session(id).drawn(chars),
    answerQuestion: (id, answer) => this.answer(id, answer),
    policy: (program) => this.policyView(program),
    historyPage: (request) => this.historyPage(request),
    historyCount: (query, range) =>
      this.historyStore(range.system).count(this.query(query), range.after, range.upTo),
    historyDetail: (id) => this.historyDetail(id),
    historyGroups: (query) => this.historyGroups(query),
    statistics: (session) => {
      const store = this.historyStore();
      store.flush();
      return store.statistics(session);
    },
    systemHistoryDetail: (id) => this.historyDetail(id, true),
    addSystemRule: (program, rule) => this.addSystemRule(program, rule),
    exportHistory: (query, format) => this.exportHistory(query, format),
    clearHistory: () => this.historyStore().clear(),
    historySettings: () => this.historyStore().settings(),
    setHistorySettings: (settings) => this.historyStore().setSettings(settings),
    policyFiles: () => this.files.list(),
    readPolicy: (path) => this.files.read(path),
    savePolicy: (path, text, version) => this.savePolicy(path, text, version),
    ruleHits: (program) => this.hits.of(program),
    learnedRules: (id) => this.learnSession(id).learned(),
    saveLearned: (id, program, rules) => this.saveLearned(id, program, rules),
    discardLearned: (id) => this.learnSession(id).discardLearned(),
  };

  private session(id: string): TracedSession {
    const session = this.sessions.get(id);
    if (session === undefined) throw new CommandError(`no session ${id}`);
    return session;
  }

  private snapshot(): Snapshot {
    const terminals: Record<string, string> = {};
    for (const [id, session] of this.sessions) {
      terminals[id] = session.terminalOutput();
      session.windowOpened();
    }
    const views = new Map<string, PolicyView>();
    for (const session of this.sessions.values()) {
      for (const policy of session.policies.all()) views.set(policy.program, this.view(policy));
    }
    return {
      sessions: [...this.sessions.values()].map((s) => s.snapshot()),
      questions: this.prompts.list(),
      policies: [...views.values()],
      terminals,
      user: { name: this.macros.USER, home: this.macros.HOME },
      systemAdmin: this.system !== null,
    };
  }

  private async start(request: StartRequest): Promise<SessionInfo> {
    await this.refuseBrokenPolicy(request);
    let session: Session;
    try {
      session = new Session(this.newSessionId(), request, this.store, this.macros, {
        recordPermits: this.history?.settings().record === 'all',
        appRules: (program) => this.rules.rulesOfApp(program),
      });
    } catch (e) {
      throw new CommandError((e as Error).message);
    }
    return this.adopt(session, { logged: true });
  }

  /**
   * A command whose own policy has errors is not started: it would run with no rules, and its
   * first question would be sysgate's own execve of it. (What it runs later with a broken policy
   * runs with no rules, and says so.) A command that cannot start at all is the session's to say.
   */
  private async refuseBrokenPolicy(request: StartRequest): Promise<void> {
    const [command] = splitCommandLine(request.command);
    if (command === undefined) return;
    let program: string;
    try {
      program = resolveProgram(command, process.env, request.cwd);
    } catch {
      return;
    }
    const found = await this.store.lookup(program);
    if (found === null) return;
    const { diagnostics } = await this.store.load(found.path);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0)
      throw new CommandError(
        policyErrorsMessage(
          printable(program),
          errors.map((d) =>
            printable(`${d.source}:${d.span.start.line}:${d.span.start.col}: error: ${d.message}`),
          ),
        ),
      );
  }

  newSessionId(): string {
    return `s${this.nextSession++}`;
  }

  /**
   * Shows a session in the windows, routes its questions through the broker, and reads its
   * records from its sink. `logged`: its denials go to syslog here (a run from a terminal
   * logs its own).
   */
  adopt(session: TracedSession, { logged = false } = {}): SessionInfo {
    const id = session.id;
    this.sessions.set(id, session);
    const { startedAt, command } = session.snapshot();
    this.sessionCommands.set(sessionName(id, startedAt), command);
    session.on('changed', (info) => this.sessionChanged(info));
    session.on('output', (data) => this.emit('terminalData', { sessionId: id, data }));
    session.on('question', (question) =>
      this.broker.ask(session, question, (answer) => session.answer(question.id, answer)),
    );
    session.on('cancel', (questionId) => this.broker.withdraw(session, questionId));
    const decisions = session.decisions;
    const name = sessionName(id, session.snapshot().startedAt);
    if (this.history !== null)
      decisions.read(
        historyReader(
          new SessionRecorder(
            this.history,
            name,
            this.accounts,
            (policy) =>
              session.policies.all().find((p) => p.program === policy)?.origin?.path ?? null,
          ),
        ),
      );
    if (logged) decisions.read(logReader(this.syslog, this.accounts));
    // A session of this app counts every call its supervisor decided, a rule's hits with them;
    // a `sysgate` run that sends its questions here has its records alone.
    if (session instanceof Session)
      session.on(
        'count',
        countsReader(() => session.policies.all(), this.history, name, this.hits),
      );
    else decisions.read(hitsReader(this.hits));
    decisions.read((record) => this.emit('record', record));
    session.on('policy', (policy) => this.emit('policyChanged', this.view(policy)));
    session.on('problem', (message) => this.tell(session, message));
    void session.exited.then(() => this.broker.withdrawRun(session));
    this.emit('sessionChanged', session.snapshot());
    return session.snapshot();
  }

  /** Says `message` in the session's terminal, on lines of its own. */
  private tell(session: TracedSession, message: string): void {
    const data = `\r\n[sysgate] ${message.replace(/\r?\n/g, '\r\n')}\r\n`;
    this.emit('terminalData', { sessionId: session.id, data });
  }

  private close(id: string): void {
    const session = this.session(id);
    if (session.snapshot().state === 'running')
      throw new CommandError('the session is still running: stop or kill it first');
    const waiting = session.snapshot().toReview ?? 0;
    if (waiting > 0)
      throw new CommandError(
        `the session learned ${waiting} rule${waiting === 1 ? '' : 's'} that wait for review: save or discard them first`,
      );
    this.sessions.delete(id);
    this.emit('sessionClosed', { sessionId: id });
  }

  /** A window's answer; a rule it made is shown as added, or said not saved. */
  private async answer(id: string, reply: PromptAnswer): Promise<void> {
    const written = await this.broker.answer(id, reply);
    if (written === null) return;
    const { program, path, line, unsaved, reached } = written;
    if (path !== null && line !== null) {
      this.emit('policyFileChanged', { path, program, removed: false });
      this.addedLines.set(program, [...(this.addedLines.get(program) ?? []), line]);
    }
    if (unsaved !== null)
      this.tell(reached[0]!, `${unsaved}; the rule applies to this session only`);
    else if ('late' in written)
      this.tell(
        reached[0]!,
        path === null
          ? `the process had ended before the answer; the rule was still added for this session`
          : `the process had ended before the answer; the rule was still added to ${path}:${line}`,
      );
  }

  /** An edited policy saved from the editor: the running sessions that use it get it at once. */
  private async savePolicy(path: string, text: string, version: string) {
    const result = await this.files.save(path, text, version);
    if ('saved' in result) await this.saved(result.saved.name, result.saved.path);
    return result;
  }

  /** The session whose learned rules are reviewed: one the desktop app started. */
  private learnSession(id: string): Session {
    const session = this.session(id);
    if (!(session instanceof Session)) throw new CommandError(`${id} learned nothing here`);
    return session;
  }

  private async saveLearned(id: string, program: string, rules: string[]): Promise<string> {
    let path: string;
    try {
      path = await this.learnSession(id).saveLearned(program, rules, this.store);
    } catch (e) {
      throw new CommandError((e as Error).message);
    }
    await this.saved(program, path);
    return path;
  }

  /** `program`'s policy file was written here: windows are told, running sessions reload it. */
  private async saved(program: string, path: string): Promise<void> {
    this.emit('policyFileChanged', { path, program, removed: false });
    await this.rules.reload(program);
  }

  private *running(): Iterable<TracedSession> {
    for (const session of this.sessions.values())
      if (session.snapshot().state === 'running') yield session;
  }

  private pathsInUse(): Set<string> {
    const paths = new Set<string>();
    for (const session of this.sessions.values()) {
      if (session.snapshot().state !== 'running') continue;
      for (const policy of session.policies.all())
        if (policy.origin !== null) paths.add(policy.origin.path);
    }
    return paths;
  }

  /** A policy file changed outside sysgate: windows are told, and the sessions using it reload it. */
  private async fileChanged(change: PolicyChange): Promise<void> {
    const listed = (await this.store.list()).find((l) => l.path === change.path);
    this.emit('policyFileChanged', {
      path: change.path,
      program: listed?.name ?? null,
      removed: change.kind === 'removed',
    });
    await this.rules.reloadFile(change.path, (session, message) =>
      this.tell(
        session,
        `${change.path} changed but cannot be used; the session keeps the policy it had:\n${message}`,
      ),
    );
  }

  private historyAdded(newest: number, count: number): void {
    this.historyNewest = newest;
    this.emit('historyAdded', { newest, count });
  }

  /** The user's history, or with `system` the system's (a system administrator's only). */
  private historyStore(system = false): HistoryStore {
    if (system) return this.systemAdmin((admin) => admin.history());
    if (this.history === null) throw new CommandError('the history is not available (see the log)');
    return this.history;
  }

  private systemAdmin<T>(act: (admin: SystemAdmin) => T): T {
    if (this.system === null)
      throw new CommandError('only an administrator of the system policies may do this');
    try {
      return act(this.system);
    } catch (e) {
      if (e instanceof SystemAdminError) throw new CommandError(e.message);
      throw e;
    }
  }

  /** A rule for a daemon, in its system policy: it applies when the daemon starts again. */
  private async addSystemRule(program: string, rule: string) {
    const written = await this.systemAdmin((admin) => admin.addRule(program, rule)).catch((e) => {
      if (e instanceof SystemAdminError) throw new CommandError(e.message);
      throw e;
    });
    this.emit('policyFileChanged', { path: written.path, program, removed: false });
    return written;
  }

  private query(text: string): HistoryQuery {
    try {
      return parseQuery(text);
    } catch (e) {
      if (e instanceof QueryError) throw new CommandError(`column ${e.column}: ${e.message}`);
      throw e;
    }
  }

  private historyPage(request: HistoryPageRequest): HistoryPage {
    const store = this.historyStore(request.system);
    // Records still queued belong on the page the user is about to see.
    store.flush();
    return store.page(this.query(request.query), request);
  }

  private historyGroups(text: string): HistoryGroup[] {
    const store = this.historyStore();
    store.flush();
    return store.groups(this.query(text));
  }

  private historyDetail(id: number, system = false): HistoryDetail {
    const store = this.historyStore(system);
    const entry = store.entry(id);
    if (entry === null) throw new CommandError(`no record ${id} in the history (cleared?)`);
    // A session of this app is known by the command typed; an older one (or a run from a
    // terminal) by the arguments of its first recorded process.
    const command =
      this.sessionCommands.get(entry.session) ?? store.firstArgv(entry.session)?.join(' ') ?? null;
    return { entry, ancestors: store.ancestors(entry), sessionCommand: command };
  }

  private exportHistory(text: string, format: ExportFormat): string {
    const store = this.historyStore();
    const query = this.query(text);
    const ceiling = store.newestId();
    const entries: HistoryEntry[] = [];
    while (entries.length < EXPORT_MAX) {
      const limit = Math.min(MAX_PAGE, EXPORT_MAX - entries.length);
      const page = store.page(query, { offset: entries.length, limit, ceiling }).entries;
      entries.push(...page);
      if (page.length < limit) break;
    }
    return format === 'csv' ? historyCsv(entries) : historyJson(entries);
  }

  private view(policy: SessionPolicy): PolicyView {
    const temporary =
      policy.temporaryRules ??
      policy.sessionRules.map((filter) => ({ filter, lasts: 'run' as const, expires: null }));
    const sessionOnly = temporary
      .map((r) => `\t# ${temporaryNote(r)}\n\t${printFilter(r.filter)}\n`)
      .join('');
    return {
      program: policy.program,
      path: policy.origin?.path ?? null,
      text: policy.text + sessionOnly,
      addedLines: this.addedLines.get(policy.program) ?? [],
    };
  }

  private async policyView(program: string): Promise<PolicyView> {
    for (const session of this.sessions.values()) {
      const policy = session.policies.all().find((p) => p.program === program);
      if (policy !== undefined) return this.view(policy);
    }
    const found = await this.store.lookup(program);
    if (found === null) throw new CommandError(`no policy for ${program}`);
    const loaded = await this.store.load(found.path);
    return { program, path: found.path, text: loaded.text, addedLines: [] };
  }
}

/** How the editor marks a rule kept outside the file: temporary, and until when. */
export function temporaryNote(rule: TemporaryRule): string {
  if (rule.lasts === 'app') return 'temporary: until sysgate quits';
  if (rule.expires === null) return 'temporary: this session only';
  const until = new Date(rule.expires).toTimeString().slice(0, 8);
  return `temporary: expires at ${until}`;
}
