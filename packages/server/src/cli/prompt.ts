// Questions at the terminal for values not given as options. One reader serves every question, so
// answers typed ahead are never lost between prompts; hidden answers switch the terminal to raw
// mode so nothing is echoed.
import { stdin, stdout } from 'node:process';

export function canPrompt(): boolean {
  return Boolean(stdin.isTTY);
}

class LineReader {
  private buffer = '';
  private waiting: ((line: string | null) => void) | null = null;
  private ended = false;
  private hidden = false;

  constructor() {
    stdin.setEncoding('utf8');
    stdin.on('data', (chunk: string) => this.receive(chunk));
    stdin.on('end', () => {
      this.ended = true;
      this.deliver();
    });
  }

  private receive(chunk: string): void {
    for (const char of chunk) {
      if (char === '\u0003') {
        // Ctrl-C in raw mode reaches us as a character rather than a signal.
        if (stdin.isTTY) stdin.setRawMode(false);
        stdout.write('\n');
        process.exit(130);
      }
      if (this.hidden && (char === '\u007f' || char === '\b')) {
        this.buffer = this.buffer.slice(0, -1);
        continue;
      }
      this.buffer += char;
    }
    this.deliver();
  }

  private deliver(): void {
    if (!this.waiting) return;
    const match = /\r\n|\r|\n/.exec(this.buffer);
    if (match) {
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const resolve = this.waiting;
      this.waiting = null;
      resolve(line);
    } else if (this.ended) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve(this.buffer.length > 0 ? this.buffer : null);
      this.buffer = '';
    }
  }

  read(hidden: boolean): Promise<string | null> {
    this.hidden = hidden;
    if (stdin.isTTY) stdin.setRawMode(hidden);
    stdin.resume();
    return new Promise((resolve) => {
      this.waiting = (line) => {
        if (stdin.isTTY) stdin.setRawMode(false);
        if (hidden) stdout.write('\n');
        this.hidden = false;
        stdin.pause();
        resolve(line);
      };
      this.deliver();
    });
  }
}

let reader: LineReader | undefined;

export class PromptAborted extends Error {}

export async function ask(question: string, options: { hidden?: boolean } = {}): Promise<string> {
  reader ??= new LineReader();
  stdout.write(`${question}: `);
  const line = await reader.read(options.hidden ?? false);
  if (line === null) throw new PromptAborted('input ended before an answer was given');
  return line;
}

/** Asks for a new password twice, hidden, until both answers match (at most three times). */
export async function askNewPassword(question = 'Password'): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = await ask(question, { hidden: true });
    const second = await ask('Repeat for confirmation', { hidden: true });
    if (first === second) return first;
    stdout.write('Error: the two entered values do not match.\n');
  }
  throw new PromptAborted('the passwords did not match');
}
