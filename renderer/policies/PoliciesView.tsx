// The Policies view: every policy and template file (user, system, shipped), searchable, with the
// ones running sessions use marked, and the open one in the editor. The address can ask for a
// policy, a line in it, or a rule to draft (`#policies&policy=...&line=...`, ../window/route.ts).

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';

import type { PolicyDocument, PolicyFileInfo } from '../../app/common/contract.js';
import { hasErrors } from '../../app/common/policy/diagnostics.js';
import { parseFilter } from '../../app/common/policy/parser.js';
import { policyPrograms } from '../store/policies.js';
import { useServices, useSysgate } from '../window/context.js';
import type { PolicyRequest } from '../window/route.js';
import { PolicyEditor, type EditorRequest } from './PolicyEditor.js';
import './policies.css';

interface Opened {
  doc: PolicyDocument;
  request: EditorRequest;
  /** Bumped for every opening, so that opening the same file again starts afresh. */
  serial: number;
}

export function PoliciesView({
  hidden,
  request,
}: {
  hidden: boolean;
  request: PolicyRequest | null;
}) {
  const { api } = useServices();
  const [files, setFiles] = useState<PolicyFileInfo[]>([]);
  const [query, setQuery] = useState('');
  const [opened, setOpened] = useState<Opened | null>(null);
  const [openPath, setOpenPath] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // Whether the open editor has unsaved edits, and the file asked for meanwhile.
  const [dirty, setDirty] = useState(false);
  const [switching, setSwitching] = useState<{ path: string; request: EditorRequest } | null>(null);
  // A policy a session loads or changes may change what is in use, or add a file.
  const sessionPolicies = useSysgate((s) => s.policies);
  // A session ending stops its files being in use.
  const running = useSysgate(
    (s) => s.sessionIds.filter((id) => s.sessions[id]?.state === 'running').length,
  );
  // Nothing can be asked before the window reaches the host; on reconnecting, everything is asked again.
  const connected = useSysgate((s) => s.connection === 'connected');
  const unsaved = useSysgate(
    useShallow((s) => policyPrograms(s.policies).filter((p) => s.policies[p]!.path === null)),
  );

  const refresh = useCallback(
    () =>
      void api
        .policyFiles()
        .then(setFiles, (e: Error) => setProblem(`Cannot list the policies: ${e.message}`)),
    [api],
  );
  useEffect(() => {
    if (connected) refresh();
  }, [connected, refresh, sessionPolicies, running]);
  useEffect(() => api.on('policyFileChanged', refresh), [api, refresh]);

  const load = useCallback(
    async (path: string, editorRequest: EditorRequest) => {
      setProblem(null);
      setSwitching(null);
      try {
        const doc = await api.readPolicy(path);
        setOpenPath(path);
        setDirty(false);
        setOpened((o) => ({ doc, request: editorRequest, serial: (o?.serial ?? 0) + 1 }));
      } catch (e) {
        setProblem(`Cannot open ${path}: ${(e as Error).message}`);
      }
    },
    [api],
  );

  /**
   * Opens `path`. The file already open stays open, edits and all, and is given the request;
   * another one replaces it, once the user agrees to lose unsaved edits.
   */
  const open = useCallback(
    async (path: string, editorRequest: EditorRequest = { line: null, rule: null }) => {
      if (opened !== null && path === openPath) {
        setOpened({ ...opened, request: editorRequest });
        return;
      }
      if (dirty) {
        setSwitching({ path, request: editorRequest });
        return;
      }
      await load(path, editorRequest);
    },
    [opened, openPath, dirty, load],
  );

  const openLatest = useRef(open);
  useEffect(() => {
    openLatest.current = open;
  }, [open]);
  const handled = useRef<PolicyRequest | null>(null);

  // What the address asks for, once the files are known.
  useEffect(() => {
    // Each request is taken up once, when the window is connected.
    if (request === null || !connected || request === handled.current) return;
    handled.current = request;
    void api.policyFiles().then(
      (list) => {
        setFiles(list);
        const file =
          list.find((f) => f.name === request.policy && !f.overridden && f.problem === null) ??
          list.find((f) => f.name === request.policy || f.path === request.policy);
        if (file === undefined) {
          setProblem(`There is no policy file for ${request.policy} yet.`);
          return;
        }
        let rule = null;
        if (request.rule !== null) {
          const parsed = parseFilter(request.rule);
          if (parsed.filter === null || hasErrors(parsed.diagnostics)) {
            setProblem(`The rule in the address does not parse: ${request.rule}`);
          } else rule = parsed.filter;
        }
        void openLatest.current(file.path, { line: request.line, rule });
      },
      (e: Error) => setProblem(`Cannot list the policies: ${e.message}`),
    );
  }, [api, request, connected]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return files.filter(
      (f) =>
        q === '' || `${f.name ?? ''} ${f.path} ${f.description ?? ''}`.toLowerCase().includes(q),
    );
  }, [files, query]);

  return (
    <section className="view policies-view" aria-labelledby="policies-heading" hidden={hidden}>
      <header className="view-header">
        <h1 id="policies-heading">Policies</h1>
        <p className="muted">
          Your policies, the system’s and the templates. Editing a system policy saves your own
          copy.
        </p>
      </header>
      <div className="policies-layout">
        <nav className="policy-files" aria-label="Policy files">
          <input
            type="search"
            className="policy-search"
            aria-label="Search policies"
            placeholder="Search policies"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <ul className="policy-list" aria-label="Policies">
            {shown.map((file) => (
              <PolicyFileItem
                key={file.path + (file.name ?? '')}
                file={file}
                shown={file.path === openPath}
                onOpen={() => void open(file.path)}
              />
            ))}
            {unsaved.map((program) => (
              <li key={`unsaved-${program}`}>
                <div
                  className="policy-item unsaved"
                  title="No file yet: an “always” answer for the policy file writes one"
                >
                  <span className="policy-item-program">{program}</span>
                  <span className="policy-item-path">in use, no file yet</span>
                </div>
              </li>
            ))}
          </ul>
          {shown.length === 0 && unsaved.length === 0 && (
            <p className="empty">{query === '' ? 'No policy files yet.' : 'No policy matches.'}</p>
          )}
        </nav>
        <div className="policy-pane">
          {problem !== null && (
            <p className="form-error" role="alert">
              {problem}
            </p>
          )}
          {switching !== null && (
            <div className="conflict" role="alert" aria-label="Unsaved edits">
              <p>
                <b>{opened?.doc.name}</b> has unsaved edits. Opening {switching.path} loses them.
              </p>
              <div className="form-buttons">
                <button
                  type="button"
                  className="button danger-text"
                  onClick={() => void load(switching.path, switching.request)}
                >
                  Discard the edits and open it
                </button>
                <button type="button" className="button" onClick={() => setSwitching(null)}>
                  Keep editing
                </button>
              </div>
            </div>
          )}
          {opened !== null ? (
            <PolicyEditor
              key={opened.serial}
              initial={opened.doc}
              request={opened.request}
              onPathChange={setOpenPath}
              onDirtyChange={setDirty}
            />
          ) : (
            <p className="empty">Choose a policy to see and edit its rules.</p>
          )}
        </div>
      </div>
    </section>
  );
}

function PolicyFileItem({
  file,
  shown,
  onOpen,
}: {
  file: PolicyFileInfo;
  shown: boolean;
  onOpen(): void;
}) {
  const marks = [
    file.inUse && 'in use',
    file.kind === 'template' && 'template',
    file.origin,
    file.overridden && 'overridden by your copy',
    file.problem !== null && 'has a problem',
  ].filter(Boolean) as string[];
  return (
    <li>
      <button
        type="button"
        className={shown ? 'policy-item shown' : 'policy-item'}
        aria-current={shown ? 'true' : undefined}
        onClick={onOpen}
        title={file.problem ?? file.description ?? file.path}
      >
        <span className="policy-item-program">{file.name ?? file.path}</span>
        <span className="policy-item-path">{file.path}</span>
        <span className="policy-marks">
          {marks.map((m) => (
            <span key={m} className={m === 'in use' ? 'mark in-use' : 'mark'}>
              {m}
            </span>
          ))}
        </span>
      </button>
    </li>
  );
}
