// What the history keeps, and for how long: saved in the history's own database, so the desktop
// app and `sysgate` runs from a terminal follow the same settings.

import { useEffect, useId, useState } from 'react';

import {
  RECORD_LEVELS,
  type HistorySettings,
  type RecordLevel,
} from '../../app/common/history/entry.js';
import { useSysgate } from '../window/context.js';

const LEVELS: Record<RecordLevel, string> = {
  denials: 'denials only',
  answers: 'denials and the calls you answered',
  all: 'every decision (permits too; slower)',
};

export function HistorySettingsForm({ onDone }: { onDone(): void }) {
  const id = useId();
  const settings = useSysgate((s) => s.historySettings);
  const load = useSysgate((s) => s.loadHistorySettings);
  const save = useSysgate((s) => s.saveHistorySettings);
  const [draft, setDraft] = useState<HistorySettings | null>(settings);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    load().catch((e: Error) => setProblem(e.message));
  }, [load]);
  useEffect(() => setDraft(settings), [settings]);

  if (draft === null)
    return <p className="history-settings muted">{problem ?? 'Loading the settings…'}</p>;
  const number = (value: string) => Math.max(1, Math.floor(Number(value) || 1));
  return (
    <form
      className="history-settings"
      aria-label="History settings"
      onSubmit={(e) => {
        e.preventDefault();
        save(draft)
          .then(onDone)
          .catch((err: Error) => setProblem(err.message));
      }}
    >
      <div className="field">
        <label className="field-label" htmlFor={`${id}-record`}>
          Record
        </label>
        <select
          id={`${id}-record`}
          value={draft.record}
          onChange={(e) => setDraft({ ...draft, record: e.target.value as RecordLevel })}
        >
          {RECORD_LEVELS.map((level) => (
            <option key={level} value={level}>
              {LEVELS[level]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field-label" htmlFor={`${id}-days`}>
          Keep days
        </label>
        <input
          id={`${id}-days`}
          type="number"
          min={1}
          max={36500}
          value={draft.keepDays}
          onChange={(e) => setDraft({ ...draft, keepDays: number(e.target.value) })}
        />
      </div>
      <div className="field">
        <label className="field-label" htmlFor={`${id}-rows`}>
          Keep records
        </label>
        <input
          id={`${id}-rows`}
          type="number"
          min={1}
          max={100000000}
          value={draft.keepRows}
          onChange={(e) => setDraft({ ...draft, keepRows: number(e.target.value) })}
        />
      </div>
      <button type="submit" className="button primary">
        Save
      </button>
      <span className="muted">
        Permits of sessions already running are recorded from their next start.
      </span>
      {problem !== null && <span role="alert">{problem}</span>}
    </form>
  );
}
