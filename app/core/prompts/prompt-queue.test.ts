import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PromptQueue } from './prompt-queue.js';
import type { Answer, Question } from '../../common/session/events.js';

function question(pid: number, filename: string, call = 'openat'): Question {
  return {
    id: call === 'openat' ? `s${pid}-${filename}` : `s${pid}-${call}-${filename}`,
    pid,
    tid: pid,
    ppid: 1,
    uid: 1000,
    gid: 1000,
    exe: '/usr/bin/cat',
    cwd: '/home/jose',
    argv: ['cat', filename],
    policy: '/usr/bin/cat',
    call,
    nr: 257,
    alias: 'fsread',
    args: { filename: [filename], oflags: ['ro'] },
  };
}

function queue() {
  const q = new PromptQueue();
  const answers = new Map<string, Answer>();
  const events: string[] = [];
  q.on('added', (p) => events.push(`added ${p.id} x${p.count}`));
  q.on('changed', (p) => events.push(`changed ${p.id} x${p.count}`));
  q.on('removed', (r) => events.push(`removed ${r.id} ${r.reason}`));
  const ask = (session: string, ques: Question) =>
    q.add(session, ques.id, ques, (a) => answers.set(ques.id, a));
  return { q, answers, events, ask };
}

test('identical questions are merged, and one answer reaches every call behind them', () => {
  const { q, answers, events, ask } = queue();
  const first = ask('s1', question(10, '/etc/hostname'));
  ask('s1', question(11, '/etc/hostname'));
  ask('s1', question(12, '/etc/passwd'));
  assert.equal(q.list().length, 2);
  assert.equal(q.get(first.id)?.count, 2);
  q.answer(first.id, { action: 'permit' });
  assert.deepEqual([...answers.keys()].sort(), ['s10-/etc/hostname', 's11-/etc/hostname']);
  assert.deepEqual(events, ['added q1 x1', 'changed q1 x2', 'added q2 x1', 'removed q1 answered']);
});

test('the same call in two sessions is two questions', () => {
  const { q, ask } = queue();
  ask('s1', question(10, '/etc/hostname'));
  ask('s2', question(10, '/etc/hostname'));
  assert.equal(q.list().length, 2);
});

test('"apply to all similar" answers every pending question of the same program and call', () => {
  const { q, answers, ask } = queue();
  const a = ask('s1', question(10, '/etc/hostname'));
  ask('s1', question(10, '/etc/passwd'));
  ask('s1', question(10, '/etc/passwd', 'newfstatat'));
  ask('s2', question(10, '/etc/group'));
  // The newfstatat of /etc/passwd is grouped with its openat (one rule of fsread decides both).
  assert.equal(q.similarTo(a.id).length, 1);
  q.answer(a.id, { action: 'deny', errno: 13 }, true);
  assert.equal(answers.size, 3);
  assert.deepEqual(
    q.list().map((p) => p.sessionId),
    ['s2'],
  );
});

test('a question whose process exited disappears; a merged one counts down first', () => {
  const { q, events, ask } = queue();
  const a = ask('s1', question(10, '/etc/hostname'));
  ask('s1', question(11, '/etc/hostname'));
  q.withdraw('s1', 's10-/etc/hostname');
  assert.equal(q.get(a.id)?.count, 1);
  assert.equal(q.get(a.id)?.question.pid, 11);
  q.withdraw('s1', 's11-/etc/hostname');
  assert.equal(q.get(a.id), undefined);
  assert.equal(events.at(-1), `removed ${a.id} process-exited`);
});

test('answering a question that is gone answers nothing', () => {
  const { q, answers } = queue();
  assert.deepEqual(q.answer('q99', { action: 'permit' }), []);
  assert.equal(answers.size, 0);
});

test('a rule added for one question answers the other pending questions it decides', () => {
  const { q, answers, ask } = queue();
  ask('s1', question(10, '/tmp/a'));
  ask('s1', question(10, '/tmp/b'));
  ask('s1', question(10, '/etc/c'));
  const answered = q.answerWhere((p) =>
    p.question.args['filename']![0]!.startsWith('/tmp/') ? { action: 'permit' } : null,
  );
  assert.equal(answered.length, 2);
  assert.equal(answers.size, 2);
  assert.equal(q.list().length, 1);
});

test('related calls of one file that one rule of their alias decides are one question', () => {
  const { q, answers, events, ask } = queue();
  const statx = { ...question(10, '/etc/passwd', 'statx'), args: { filename: ['/etc/passwd'] } };
  const xattr = {
    ...question(10, '/etc/passwd', 'lgetxattr'),
    args: { filename: ['/etc/passwd'], string: ['security.selinux'] },
  };
  const first = ask('s1', statx);
  ask('s1', xattr);
  ask('s1', question(10, '/etc/passwd'));
  // Another file, and a call of no alias, stay questions of their own.
  ask('s1', { ...statx, id: 'other', args: { filename: ['/etc/group'] } });
  ask('s1', { ...statx, id: 'kill', call: 'kill', alias: null, args: { signame: ['SIGTERM'] } });
  assert.equal(q.list().length, 3);
  assert.deepEqual(q.get(first.id)?.calls, ['statx', 'lgetxattr', 'openat']);
  assert.equal(q.get(first.id)?.count, 3);
  q.answer(first.id, { action: 'permit' });
  assert.deepEqual([...answers.keys()], [statx.id, xattr.id, 's10-/etc/passwd']);
  assert.ok(events.includes(`removed ${first.id} answered`));
});

test("a new question carries its program's last questions about the same call", () => {
  const { q, ask } = queue();
  ask('s1', question(10, '/etc/a'));
  q.answer('q1', { action: 'permit' });
  ask('s1', question(10, '/etc/b'));
  ask('s2', question(10, '/etc/c')); // another session
  const third = ask('s1', question(10, '/etc/d'));
  assert.deepEqual(
    third.recent?.map((r) => r.args['filename']![0]),
    ['/etc/a', '/etc/b'],
  );
  assert.equal(q.get('q1'), undefined);
  assert.equal(ask('s3', question(10, '/x')).recent, undefined);
});
