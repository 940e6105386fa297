// The rule an "always" answer adds: an editable filter expression with the generated suggestions
// in a list (ARIA combobox with a listbox), checked by the policy parser as it is typed.

import { useId, useState, type KeyboardEvent } from 'react';

import type { Suggestion } from '../../app/common/policy/suggest.js';
import type { RuleCheck } from './rule-check.js';

interface Props {
  value: string;
  onChange(value: string): void;
  suggestions: Suggestion[];
  check: RuleCheck;
}

export function RuleCombobox({ value, onChange, suggestions, check }: Props) {
  const id = useId();
  const listId = `${id}-list`;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  function choose(index: number) {
    const suggestion = suggestions[index];
    if (suggestion !== undefined) onChange(suggestion.expression);
    setOpen(false);
    setActive(-1);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      if (event.altKey && event.key === 'ArrowDown') {
        event.preventDefault();
        setOpen(true);
      }
      return;
    }
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        setOpen(true);
        setActive((i) => Math.min(i + 1, suggestions.length - 1));
        break;
      case 'ArrowUp':
        event.preventDefault();
        setOpen(true);
        setActive((i) => Math.max(i - 1, 0));
        break;
      case 'Enter':
        // Enter picks a suggestion; it never answers the question.
        event.preventDefault();
        if (open && active >= 0) choose(active);
        break;
      case 'Escape':
        if (open) {
          event.preventDefault();
          event.stopPropagation();
          setOpen(false);
        }
        break;
    }
  }

  const checkId = `${id}-check`;
  return (
    <div className="rule">
      <label className="field-label" htmlFor={`${id}-input`}>
        Rule
      </label>
      <div className="combobox">
        <input
          id={`${id}-input`}
          type="text"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && active >= 0 ? `${listId}-${active}` : undefined}
          aria-invalid={!check.ok}
          aria-describedby={checkId}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
          autoComplete="off"
          spellCheck={false}
        />
        <button
          type="button"
          className="combobox-toggle"
          tabIndex={-1}
          aria-label="Rule suggestions"
          aria-expanded={open}
          aria-controls={listId}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => setOpen((o) => !o)}
        >
          ▾
        </button>
        <ul id={listId} role="listbox" aria-label="Rule suggestions" hidden={!open}>
          {suggestions.map((s, i) => (
            <li
              key={s.expression}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={s.expression === value ? 'option current' : 'option'}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(i)}
            >
              <code>{s.expression}</code>
              <span className="option-label">{s.label}</span>
            </li>
          ))}
        </ul>
      </div>
      <RuleCheckText id={checkId} value={value} check={check} />
    </div>
  );
}

function RuleCheckText({ id, value, check }: { id: string; value: string; check: RuleCheck }) {
  if (check.ok) {
    return (
      <p id={id} className={check.warnings.length > 0 ? 'rule-check warning' : 'rule-check ok'}>
        {check.warnings.length > 0 ? check.warnings.join('; ') : 'The rule is valid.'}
      </p>
    );
  }
  const caret =
    ' '.repeat(Math.max(0, check.col - 1)) + '^' + '~'.repeat(Math.max(0, check.length - 1));
  return (
    <div className="rule-check error">
      <p id={id}>
        Column {check.col}: {check.message}
      </p>
      {value.trim() !== '' && (
        <pre aria-hidden="true">
          {value}
          {'\n'}
          {caret}
        </pre>
      )}
    </div>
  );
}
