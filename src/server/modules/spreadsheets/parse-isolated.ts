import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../../../shared/messages.js';
import { AppError, badRequest } from '../../errors.js';
import type { TableRow } from './read-table.js';

/** Memory and time one upload's parsing may take; past them the file is refused, the server unharmed. */
const LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 4, timeoutMs: 30_000 };
/**
 * A worker whose heap is above this after a file (what the file left, or the parsers keep) is not
 * given another file: it is ended and a fresh one takes its place.
 */
const REUSE_BELOW_BYTES = 24 * 1024 * 1024;

/** What the thread answers of a file, and its heap in use after it. */
export type ParseResult = { ok: true; rows: TableRow[] } | { ok: false; status: number; code: ErrorCode; message?: string };
export type WorkerReply = ParseResult & { heapUsed: number };

// Under tsx or vitest this module is TypeScript, and so is the worker's entry.
const fromSource = import.meta.url.endsWith('.ts');
const entry = new URL(fromSource ? './parse-worker.ts' : './parse-worker.js', import.meta.url);

const tooHard = () => badRequest('invalid_file', '文件过大或结构异常，无法读取，请检查文件');

/** A parser thread, loaded and waiting for a file (its start-up, ~0.1 s built and ~0.5 s from source, is paid ahead). */
class ParserThread {
  readonly worker: Worker;
  readonly ready: Promise<boolean>;
  /** It has read a file before (it is being reused). */
  used = false;
  /** It took longer than a file may take. */
  timedOut = false;
  private dead = false;

  constructor() {
    // From source, the worker first registers tsx (Node 20 does not pass --import hooks to workers).
    const script = fromSource ? `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })` : entry;
    this.worker = new Worker(script, {
      eval: fromSource,
      resourceLimits: { maxOldGenerationSizeMb: LIMITS.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: LIMITS.maxYoungGenerationSizeMb },
      stdout: false,
      stderr: false,
    });
    this.worker.unref(); // an idle parser never keeps the process alive
    this.worker.once('exit', () => (this.dead = true));
    this.ready = new Promise((resolve) => {
      this.worker.once('message', () => resolve(true)); // 'ready'
      this.worker.once('error', () => resolve(false));
      this.worker.once('exit', () => resolve(false));
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Parses one file; rejects (400) when the thread runs out of memory, crashes or takes too long. */
  parse(data: ArrayBuffer): Promise<WorkerReply> {
    this.used = true;
    return new Promise<WorkerReply>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.worker.off('message', onMessage);
        this.worker.off('error', onFailure);
        this.worker.off('exit', onFailure);
      };
      const onMessage = (m: WorkerReply) => {
        done();
        resolve(m);
      };
      const onFailure = () => {
        done();
        reject(tooHard()); // out of memory (ERR_WORKER_OUT_OF_MEMORY), a crash, or the end of the thread
      };
      const timer = setTimeout(() => {
        this.timedOut = true;
        onFailure();
      }, LIMITS.timeoutMs);
      this.worker.on('message', onMessage);
      this.worker.once('error', onFailure);
      this.worker.once('exit', onFailure);
      this.worker.ref();
      this.worker.postMessage(data, [data]);
    }).finally(() => this.worker.unref());
  }

  end(): void {
    this.dead = true;
    void this.worker.terminate();
  }
}

/** The one parser waiting for the next upload; another upload meanwhile gets a thread of its own. */
let spare: ParserThread | undefined;

function takeThread(): ParserThread {
  const t = spare?.alive ? spare : new ParserThread();
  spare = undefined;
  return t;
}

/** Keeps a loaded parser waiting, so that the next upload does not wait for one to start. */
function keepSpare(t?: ParserThread): void {
  if (spare?.alive) {
    t?.end();
    return;
  }
  spare = t ?? new ParserThread();
}

/**
 * Reads an uploaded spreadsheet in a worker thread with its own heap limit: a hostile file cannot
 * push the server's memory up (its garbage stays in the thread, which is ended after a refusal or
 * when its heap stays high), and one that would exhaust the limit, or take too long, is refused
 * with 400. A thread that read a file well and is small again takes the next one.
 */
export async function readTableIsolated(buf: Buffer): Promise<TableRow[]> {
  const thread = takeThread();
  // A reused thread still holds what earlier files loaded (each format's library, the parsers'
  // caches): a file it has no room for is tried once more on a fresh thread before it is refused,
  // so that whether a large real file is read never depends on the file before it.
  const again = thread.used ? new Uint8Array(buf) : undefined;
  let reply: WorkerReply;
  try {
    reply = await parseOn(thread, handOver(buf));
  } catch (err) {
    if (!again || thread.timedOut) throw err; // a file that takes too long is not given the time twice
    reply = await parseOn(takeThread(), again.buffer);
  }
  return answer(reply);
}

/** The upload's own memory is handed over when the buffer has it to itself; otherwise a copy is. */
function handOver(buf: Buffer): ArrayBuffer {
  const whole = buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && buf.buffer instanceof ArrayBuffer;
  return whole ? (buf.buffer as ArrayBuffer) : new Uint8Array(buf).buffer;
}

/** One file on one thread; a thread that failed, refused the file or stays large is ended and replaced. */
async function parseOn(thread: ParserThread, data: ArrayBuffer): Promise<WorkerReply> {
  let reply: WorkerReply;
  try {
    if (!(await thread.ready)) throw tooHard();
    reply = await thread.parse(data);
  } catch (err) {
    thread.end();
    keepSpare();
    throw err;
  }
  if (reply.ok && reply.heapUsed < REUSE_BELOW_BYTES) keepSpare(thread);
  else {
    thread.end();
    keepSpare();
  }
  return reply;
}

function answer(reply: WorkerReply): TableRow[] {
  if (reply.ok) return reply.rows;
  throw new AppError(reply.status, reply.code, reply.message);
}

/** Starts the parser ahead of the first upload (at start-up); ends the waiting one at shutdown. */
export const parserThreads = {
  warm: () => keepSpare(),
  stop: () => {
    spare?.end();
    spare = undefined;
  },
};
