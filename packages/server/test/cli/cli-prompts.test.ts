// `argilla users create` in a terminal: missing values are asked for, the password hidden and asked
// twice. The CLI runs inside a pseudo-terminal made by util-linux `script`; answers are typed only
// once the question has appeared, the way a person would.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { verify as argon2Verify } from '@node-rs/argon2';
import { describe, it } from 'node:test';
import { ARGILLA_BIN } from '../helpers/cli.js';
import { backends } from '../helpers/databases.js';
import { migratedTarget, snapshot, userByName, type Target } from './support.js';

const SCRIPT = '/usr/bin/script';
const GIVE_UP_MS = 15_000;

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** One `argilla` run inside a pseudo-terminal. */
class TerminalSession {
  output = '';
  private position = 0;
  private waiter: { text: string; resolve: () => void; reject: (e: Error) => void } | null = null;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly timer: NodeJS.Timeout;
  readonly exit: Promise<number | null>;
  private closed = false;

  constructor(args: string[], env: Record<string, string>) {
    const command = [process.execPath, ARGILLA_BIN, ...args].map(shellQuote).join(' ');
    this.child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', HOME: env.ARGILLA_HOME_PATH ?? '/tmp', TERM: 'dumb', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: string) => this.receive(chunk));
    // A hang fails the test instead of blocking it forever.
    this.timer = setTimeout(() => this.child.kill('SIGKILL'), GIVE_UP_MS);
    this.exit = new Promise((resolve) => {
      this.child.on('close', (code) => {
        clearTimeout(this.timer);
        this.closed = true;
        this.waiter?.reject(new Error(`the command ended while waiting for ${JSON.stringify(this.waiter.text)}; output:\n${this.output}`));
        this.waiter = null;
        resolve(code);
      });
    });
  }

  private receive(chunk: string): void {
    this.output += chunk;
    this.check();
  }

  private check(): void {
    if (!this.waiter) return;
    const index = this.output.indexOf(this.waiter.text, this.position);
    if (index < 0) return;
    this.position = index + this.waiter.text.length;
    const { resolve } = this.waiter;
    this.waiter = null;
    resolve();
  }

  /** Waits until `text` appears in the output after what was already waited for. */
  expect(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Error(`the command had ended before ${JSON.stringify(text)}; output:\n${this.output}`));
        return;
      }
      this.waiter = { text, resolve, reject };
      this.check();
    });
  }

  /** Answers the question just asked, as typed at a terminal (Enter sends a carriage return). */
  async answer(prompt: string, text: string): Promise<void> {
    await this.expect(prompt);
    // Let the program finish switching the terminal mode it set up for this question.
    await new Promise((r) => setTimeout(r, 50));
    this.child.stdin.write(`${text}\r`);
  }

  async finish(): Promise<number | null> {
    const code = await this.exit;
    this.child.stdin.end();
    return code;
  }
}

const usable = existsSync(SCRIPT);

for (const backend of backends()) {
  describe(`argilla users create at a terminal (${backend.name})`, { skip: usable ? false : `${SCRIPT} is not installed` }, () => {
    async function session(target: Target, ...args: string[]) {
      return new TerminalSession(['users', 'create', ...args], target.env);
    }

    it('asks for the missing values, hides the password, asks it twice and creates the user', { timeout: 30_000 }, async () => {
      const target = await migratedTarget(backend);
      const password = 'Hidden-Pa55word';
      const term = await session(target, '--role', 'annotator');
      await term.answer('First name: ', 'Hulio');
      await term.answer('Username: ', 'hurra');
      await term.answer('Password: ', password);
      await term.answer('Repeat for confirmation: ', password);
      const code = await term.finish();
      assert.equal(code, 0, term.output);
      assert.match(term.output, /User successfully created:/);
      assert.match(term.output, /• username: 'hurra'/);
      assert.match(term.output, /• role: 'annotator'/);
      assert.ok(!term.output.includes(password), `the password was echoed:\n${term.output}`);
      assert.ok(!term.output.includes(password.slice(0, 6)), 'not even in part');
      const user = await userByName(target, 'hurra');
      assert.ok(user);
      assert.equal(user.first_name, 'Hulio');
      assert.equal(user.role, 'annotator');
      assert.equal(await argon2Verify(user.password_hash, password), true);
    });

    it('asks only for what the options did not give', { timeout: 30_000 }, async () => {
      const target = await migratedTarget(backend);
      const term = await session(target, '--first-name', 'Given', '--username', 'given', '--role', 'admin');
      await term.answer('Password: ', 'only-the-password');
      await term.answer('Repeat for confirmation: ', 'only-the-password');
      const code = await term.finish();
      assert.equal(code, 0, term.output);
      assert.doesNotMatch(term.output, /First name: |Username: /);
      const user = (await userByName(target, 'given'))!;
      assert.equal(user.role, 'admin');
      assert.equal(await argon2Verify(user.password_hash, 'only-the-password'), true);
    });

    it('mismatching confirmations print an error and ask again', { timeout: 30_000 }, async () => {
      const target = await migratedTarget(backend);
      const term = await session(target, '--first-name', 'Mis', '--username', 'mismatch');
      await term.answer('Password: ', 'first-try-123');
      await term.answer('Repeat for confirmation: ', 'first-try-124');
      await term.expect('do not match');
      await term.answer('Password: ', 'second-try-123');
      await term.answer('Repeat for confirmation: ', 'second-try-123');
      const code = await term.finish();
      assert.equal(code, 0, term.output);
      assert.match(term.output, /User successfully created:/);
      for (const typed of ['first-try', 'second-try']) assert.ok(!term.output.includes(typed), 'passwords stay hidden');
      const user = (await userByName(target, 'mismatch'))!;
      assert.equal(await argon2Verify(user.password_hash, 'second-try-123'), true);
      assert.equal(await argon2Verify(user.password_hash, 'first-try-123'), false);
    });

    it('gives up after three mismatches: exit 1, nothing written', { timeout: 30_000 }, async () => {
      const target = await migratedTarget(backend);
      const initial = await snapshot(target);
      const term = await session(target, '--first-name', 'Mis', '--username', 'giveup', '--workspace', 'never-made');
      for (let attempt = 0; attempt < 3; attempt++) {
        await term.answer('Password: ', `attempt-${attempt}-aaaa`);
        await term.answer('Repeat for confirmation: ', `attempt-${attempt}-bbbb`);
      }
      const code = await term.finish();
      assert.equal(code, 1, term.output);
      assert.match(term.output, /Error: /);
      assert.doesNotMatch(term.output, /successfully created/);
      assert.deepEqual(await snapshot(target), initial);
    });
  });
}
