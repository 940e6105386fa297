// What a supervised session tells the rest of sysgate: the questions it asks, the decisions it
// records and how its process tree changes. Plain data, shared by the host and the renderer.

import * as v from 'valibot';

// Questions, records and answers also cross processes (a `sysgate` run on a terminal and the
// desktop app, app/core/app-socket.ts): each has one schema, its type derived from it, and what
// arrives is checked against it before anything acts on it.

const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const pid = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0x7fffffff));
const id = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff));
const PATH = 1 << 16;
const ARGS = 1 << 20;

/** Translated arguments by name, in argument order: `filename: ["/a", "/b"]` for rename. */
export const TranslationsSchema = v.record(
  text(64),
  v.pipe(v.array(text(ARGS)), v.maxLength(1024)),
);
export type Translations = v.InferOutput<typeof TranslationsSchema>;

/** A system call no rule answers, held in the kernel until it is answered. */
export const QuestionSchema = v.object({
  id: text(64),
  pid,
  tid: pid,
  ppid: pid,
  uid: id,
  gid: id,
  /** The program's path, as the kernel knows it. */
  exe: text(PATH),
  cwd: text(PATH),
  argv: v.array(text(ARGS)),
  /** The name of the policy in force: the program's path, or a template's name. */
  policy: text(PATH),
  call: text(64),
  nr: v.pipe(v.number(), v.integer()),
  alias: v.nullable(text(64)),
  args: TranslationsSchema,
});
export type Question = v.InferOutput<typeof QuestionSchema>;

export const DecisionSourceSchema = v.picklist(['rule', 'user', 'learn', 'default', 'host-gone']);
export type DecisionSource = v.InferOutput<typeof DecisionSourceSchema>;

/** One decision on one call, as the supervisor made it. */
export const DecisionRecordSchema = v.object({
  /** Milliseconds since the epoch. */
  time: v.pipe(v.number(), v.integer(), v.minValue(0)),
  pid,
  ppid: pid,
  uid: id,
  gid: id,
  exe: text(PATH),
  /** The program's arguments when the call was made (at most 64). */
  argv: v.pipe(v.array(text(ARGS)), v.maxLength(64)),
  policy: text(PATH),
  call: text(64),
  nr: v.pipe(v.number(), v.integer()),
  alias: v.nullable(text(64)),
  args: TranslationsSchema,
  action: v.picklist(['permit', 'deny']),
  /** The error number of a denial, 0 otherwise. */
  errno: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(4095)),
  by: DecisionSourceSchema,
  /** The deciding rule's place in its policy file when `by` is `rule`. */
  line: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))),
  col: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))),
  log: v.boolean(),
  /** `uid:gid` when a rule's `permit as` had the supervisor perform the call so (absent: not). */
  as: v.optional(v.pipe(v.string(), v.regex(/^[0-9]+:[0-9]+$/))),
});
export type DecisionRecord = v.InferOutput<typeof DecisionRecordSchema>;

/**
 * How many calls of one kind the supervisor decided since its last batch (PROTOCOL.md,
 * `count`): permitted ones too, every call that reached it. Calls the kernel's filter allows
 * (the baseline, and under -K the calls it lets through) never reach it and are not counted.
 */
export interface CallCount {
  /** When the batch was sent, milliseconds since the epoch. */
  time: number;
  /** The program's path; `?` for calls the supervisor could not itemise (PROTOCOL.md). */
  exe: string;
  policy: string;
  call: string;
  action: 'permit' | 'deny';
  by: DecisionSource;
  /** The deciding rule's place in its policy when `by` is `rule`. */
  line: number | null;
  col: number | null;
  n: number;
}

export interface ProcessEvent {
  event: 'fork' | 'exec' | 'exit';
  pid: number;
  ppid: number;
  exe: string;
  policy: string;
  /** The exit status for `exit`: the code, or 128 + the signal. */
  status: number | null;
}

/** How the user answered a question. */
export const AnswerSchema = v.variant('action', [
  v.object({ action: v.literal('permit') }),
  v.object({
    action: v.literal('deny'),
    errno: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4095)),
  }),
  v.object({ action: v.literal('kill') }),
  v.object({ action: v.literal('detach') }),
]);
export type Answer = v.InferOutput<typeof AnswerSchema>;

/**
 * `json` (text from another process) as a `schema`'s value; or what is wrong with it, with the
 * place (`args.filename.0: ...`).
 */
export function parseMessage<T>(
  schema: v.GenericSchema<unknown, T>,
  json: string,
): { value: T } | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    return { error: `not JSON: ${(e as Error).message}` };
  }
  const result = v.safeParse(schema, data);
  if (result.success) return { value: result.output };
  const issue = result.issues[0];
  const where = v.getDotPath(issue);
  return { error: where === null ? issue.message : `${where}: ${issue.message}` };
}
