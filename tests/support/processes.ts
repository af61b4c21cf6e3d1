import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { repoRoot } from '../../server/paths.js';

export interface WorkerEvent {
  event: string;
  worker?: string;
  key?: string;
  attempt?: number;
  [k: string]: unknown;
}

export interface Worker {
  proc: ChildProcess;
  events: WorkerEvent[];
  stderr: string[];
  /** Resolves with the first event (already seen or to come) that matches. */
  waitFor(match: (e: WorkerEvent) => boolean, timeoutMs?: number): Promise<WorkerEvent>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts a TypeScript entry point of the repo as a real child process (through tsx). */
export function spawnTs(entry: string, env: Record<string, string | undefined>): Worker {
  return spawnNode(['--import', 'tsx', entry], env);
}

/** Starts Node with these arguments (e.g. an already compiled entry point) as a real child process. */
export function spawnNode(args: string[], env: Record<string, string | undefined>): Worker {
  const proc = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WorkerEvent[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
    try {
      const parsed = JSON.parse(line) as WorkerEvent;
      if (typeof parsed.event === 'string') {
        events.push(parsed);
        for (const w of waiters) w();
      }
    } catch {
      // not one of ours (a log line in another format)
    }
  });
  readline.createInterface({ input: proc.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const w of waiters) w();
    }),
  );
  return {
    proc,
    events,
    stderr,
    exited,
    kill: (signal) => proc.kill(signal),
    waitFor(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found) {
            cleanup();
            resolve(found);
          } else if (proc.exitCode !== null || proc.signalCode !== null) {
            cleanup();
            reject(new Error(`process exited before the awaited event; stderr:\n${stderr.join('\n')}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms; events: ${JSON.stringify(events)}; stderr:\n${stderr.join('\n')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
