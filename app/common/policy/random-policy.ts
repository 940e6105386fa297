// Random, reproducible policies: for the property and fuzz tests of the parser, and for
// benchmarks that need large policies.

import {
  OPERATORS,
  PREDICATE_OPERATORS,
  type Action,
  type Expr,
  type Filter,
  type Header,
  type Line,
  type PolicyFile,
  type Span,
} from './ast.js';

/** A small, fast, seeded generator (mulberry32) so that a failing case can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOWHERE: Span = {
  start: { line: 0, col: 0, offset: 0 },
  end: { line: 0, col: 0, offset: 0 },
};
const CALLS = ['fsread', 'fswrite', 'openat', 'connect', 'execve', 'rename', 'mmap', 'setuid'];
const ARGS = ['filename', 'oflags', 'sockaddr', 'uid', 'argv', 'mode'];
const ERRNOS = ['eperm', 'enoent', 'eacces', 'erofs'];
// Values exercise the characters the lexer treats specially.
const VALUES = [
  '/etc/passwd',
  '$HOME/*',
  'inet-*:53',
  'ro',
  '\\.so$',
  'say "hi"',
  'a\\',
  '',
  '#not a comment',
  '/tmp/a, b',
];

export class RandomPolicy {
  constructor(private readonly random: () => number) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  expr(depth = 0): Expr {
    const roll = this.random();
    if (depth > 3 || roll < 0.45) {
      if (roll < 0.05) return { kind: 'true', span: NOWHERE };
      return {
        kind: 'symbol',
        arg: this.pick(ARGS),
        index: this.random() < 0.2 ? Math.floor(this.random() * 3) : null,
        op: this.pick(OPERATORS),
        value: this.pick(VALUES),
        span: NOWHERE,
      };
    }
    if (roll < 0.6) return { kind: 'not', operand: this.expr(depth + 1), span: NOWHERE };
    if (roll < 0.7) return { kind: 'group', inner: this.expr(depth + 1), span: NOWHERE };
    return {
      kind: this.random() < 0.5 ? 'and' : 'or',
      left: this.expr(depth + 1),
      right: this.expr(depth + 1),
      span: NOWHERE,
    };
  }

  action(): Action {
    const name = this.pick(['permit', 'deny', 'ask'] as const);
    let modifier: string | null = null;
    if (name === 'deny' && this.random() < 0.5) modifier = this.pick(ERRNOS);
    if (name === 'permit' && this.random() < 0.2) modifier = this.pick(['inherit', 'detach']);
    return { name, modifier, span: NOWHERE };
  }

  private elevation(): Filter['elevation'] {
    const user = this.pick(['root', '0', null]);
    const group = user === null ? 'wheel' : this.pick(['wheel', null]);
    return { user, group, span: NOWHERE };
  }

  filter(): Filter {
    const r = this.random;
    return {
      kind: 'filter',
      emulation: 'native',
      call: this.pick(CALLS),
      callSpan: NOWHERE,
      expr: r() < 0.2 ? null : this.expr(),
      action: this.action(),
      log: r() < 0.2,
      elevation: r() < 0.1 ? this.elevation() : null,
      predicate:
        r() < 0.15
          ? {
              subject: this.pick(['user', 'group'] as const),
              op: this.pick(PREDICATE_OPERATORS),
              value: this.pick(['0', '1000', 'root']),
              span: NOWHERE,
            }
          : null,
      trailingComment: r() < 0.1 ? ' a note' : null,
      span: NOWHERE,
    };
  }

  header(): Header {
    return {
      kind: 'header',
      type: 'Policy',
      name: '/usr/bin/ls',
      fields: [
        { key: 'Policy', value: '/usr/bin/ls', span: NOWHERE },
        { key: 'Emulation', value: 'native', span: NOWHERE },
      ],
      span: NOWHERE,
    };
  }

  file(rules: number): PolicyFile {
    const lines: Line[] = [this.header()];
    for (let i = 0; i < rules; i++) {
      const roll = this.random();
      if (roll < 0.05)
        lines.push({ kind: 'comment', text: ' generated', indented: true, span: NOWHERE });
      else if (roll < 0.08) lines.push({ kind: 'blank', span: NOWHERE });
      else lines.push(this.filter());
    }
    return { source: '<random>', lines };
  }
}

/** A copy of a tree without positions and without parentheses nodes: what a policy means. */
export function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value === null || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  if (node['kind'] === 'group') return withoutPositions(node['inner']);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(node)) {
    if (key === 'span' || key === 'callSpan' || key === 'source') continue;
    out[key] = withoutPositions(v);
  }
  return out;
}
