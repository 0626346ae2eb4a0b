/**
 * Starts test/fuzz/serve-app.ts as a child process and keeps it answering: the caller can probe it,
 * kill -9 it when a request has blocked it, and start it again. Collects the child's `FUZZ-5XX`
 * lines (the errors behind 5xx answers) and the last lines of its stderr (why it died).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { REPO_ROOT } from '../../server/config.ts';

export interface ServerError {
  id: string | null;
  status: number;
  message: string;
  code: string | null;
  stack: string[];
}

export interface ServerProcessOptions {
  databaseUrl: string;
  statementTimeoutMs: number;
  /**
   * Keep the app's per-client rate limit on expensive routes (default off: one fuzzing or benchmarking
   * client would mostly get 429 and never reach the analyses).
   */
  rateLimit?: boolean;
  /** Longest wait for `PORT` after a start (the walking graph loads first). */
  startTimeoutMs?: number;
}

export class ServerProcess {
  port = 0;
  child: ChildProcess | undefined;
  /** How many times the server was started. */
  starts = 0;
  /** Errors behind 5xx answers, by x-fuzz-id. */
  readonly errors = new Map<string, ServerError>();
  /** Unexpected exits: code/signal and the tail of stderr. */
  readonly crashes: { at: number; exit: string; stderr: string }[] = [];
  private stderrTail: string[] = [];
  private expectedExit = false;

  constructor(private readonly opts: ServerProcessOptions) {}

  /** Starts the server and resolves when it listens. */
  async start(): Promise<void> {
    this.starts++;
    this.expectedExit = false;
    this.stderrTail = [];
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/fuzz/serve-app.ts')], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: this.opts.databaseUrl,
        STATEMENT_TIMEOUT_MS: String(this.opts.statementTimeoutMs),
        ...(this.opts.rateLimit ? {} : { CITYCHECK_RATE_LIMIT_MAX: '0' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const onParentExit = () => child.kill('SIGKILL');
    process.once('exit', onParentExit);
    child.once('exit', () => process.off('exit', onParentExit));
    readline.createInterface({ input: child.stderr! }).on('line', (l) => {
      this.stderrTail.push(l);
      if (this.stderrTail.length > 40) this.stderrTail.shift();
    });
    const lines = readline.createInterface({ input: child.stdout! });
    this.port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not start in time')), this.opts.startTimeoutMs ?? 60_000);
      lines.on('line', (l) => {
        const m = /^PORT (\d+)$/.exec(l);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        } else if (l.startsWith('FUZZ-5XX ')) {
          const e = JSON.parse(l.slice(9)) as ServerError;
          if (e.id) this.errors.set(e.id, e);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!this.expectedExit) this.crashes.push({ at: Date.now(), exit: `${code ?? signal}`, stderr: this.stderrTail.join('\n') });
        reject(new Error(`the server exited (${code ?? signal}): ${this.stderrTail.slice(-5).join(' | ')}`));
      });
    });
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Whether the server answers a cheap in-memory route within `timeoutMs`. */
  async responsive(timeoutMs = 3_000): Promise<boolean> {
    if (!this.alive) return false;
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: this.port, path: '/conformance', timeout: timeoutMs, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(true));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    });
  }

  /** kill -9 (a blocked event loop ignores SIGTERM) and wait for the exit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    this.expectedExit = true;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Graceful stop (SIGTERM, then SIGKILL after 10 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    this.expectedExit = true;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
  }

  /** CPU seconds (user + system, all threads) the server process has used so far (0 when it is not running). */
  cpuSeconds(): number {
    if (!this.child?.pid || !this.alive) return 0;
    try {
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th, in clock ticks (100/s on Linux).
      const fields = fs.readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  }

  /** Resident set size of the server process in MiB (0 when it is not running). */
  rssMiB(): number {
    if (!this.child?.pid || !this.alive) return 0;
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  }
}
