// A command whose policy has errors does not start from the window: it would run with no rules,
// and its first question would be sysgate's own execve. The host says so in one message that the
// window reads back, to offer to open the policy where its first error is.

const PREFIX = 'the policy for ';
const MIDDLE = ' has errors: fix them to run it\n';

/** What the host says; `errors` are formatted diagnostics (file:line:col: error: ...), first first. */
export function policyErrorsMessage(program: string, errors: readonly string[]): string {
  return `${PREFIX}${program}${MIDDLE}${errors.join('\n')}`;
}

/** The program and the line of its policy's first error, when `message` is the one above. */
export function policyWithErrors(message: string): { program: string; line: number } | null {
  if (!message.startsWith(PREFIX)) return null;
  const middle = message.indexOf(MIDDLE);
  if (middle < 0) return null;
  const first = message.slice(middle + MIDDLE.length).split('\n')[0] ?? '';
  const where = /:(\d+):\d+: error: /.exec(first);
  return {
    program: message.slice(PREFIX.length, middle),
    line: where === null ? 1 : Number(where[1]),
  };
}
