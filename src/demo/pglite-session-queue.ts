// PGlite is a single Postgres session. pglite-socket's own queue lends that session to another connection
// between any two protocol messages unless an explicit transaction is open, so two clients' extended-protocol
// exchanges interleave (Parse/Bind/Execute share the unnamed statement) and a cursor read outside a
// transaction wedges for good once another connection runs a query (electric-sql/pglite#1046, PR #977; both
// reproduced here). This queue lends the session to one connection at a time, from its first message until
// the backend answers ReadyForQuery with status idle: a whole statement, transaction or cursor read.
// pglite-socket's PGLiteSocketHandler still does the socket and message framing and calls this queue.
import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from '../support/logger.ts';
import {
  createBackendMessageTracker,
  encodeFatalError,
  encodeSimpleQuery,
  encodeSyncMessage,
  isTerminateMessage,
} from './postgres-wire.ts';

const SQLSTATE_LOCK_NOT_AVAILABLE = '55P03';

interface QueuedMessage {
  readonly kind: 'message';
  readonly handlerId: number;
  readonly message: Uint8Array;
  readonly onData: (data: Uint8Array) => void;
  readonly resolve: (bytes: number) => void;
  readonly reject: (error: Error) => void;
  readonly queuedAt: number;
  timer?: NodeJS.Timeout;
}

/** A connection left: if it held the session, end its exchange and roll back its transaction. */
interface QueuedRelease {
  readonly kind: 'release';
  readonly handlerId: number;
  readonly done: () => void;
}

type QueuedWork = QueuedMessage | QueuedRelease;

export interface PgliteSessionQueueOptions {
  readonly db: PGlite;
  readonly logger: Logger;
  /** How long a connection may wait for the session before it is refused with a FATAL error; 0 = forever. */
  readonly waitTimeoutMs: number;
}

/** Implements the queue interface PGLiteSocketHandler calls (enqueue, clearQueueForHandler, clearTransactionIfNeeded). */
export class PgliteSessionQueue {
  readonly #db: PGlite;
  readonly #logger: Logger;
  readonly #waitTimeoutMs: number;
  #work: QueuedWork[] = [];
  #owner: number | undefined;
  #ownerMidExchange = false;
  #pumping: Promise<void> | undefined;
  #closed = false;

  constructor(options: PgliteSessionQueueOptions) {
    this.#db = options.db;
    this.#logger = options.logger;
    this.#waitTimeoutMs = options.waitTimeoutMs;
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(new Error('the embedded Postgres server is closing'));
      const item: QueuedMessage = { kind: 'message', handlerId, message, onData, resolve, reject, queuedAt: Date.now() };
      if (this.#waitTimeoutMs > 0) {
        item.timer = setTimeout(() => this.#refuseWaiting(item), this.#waitTimeoutMs);
        item.timer.unref(); // a waiting client must never keep the process alive by itself
      }
      this.#work.push(item);
      this.#pump();
    });
  }

  clearQueueForHandler(handlerId: number): void {
    for (const item of this.#work) {
      if (item.kind === 'message' && item.handlerId === handlerId) {
        clearTimeout(item.timer);
        item.reject(new Error('connection closed'));
      }
    }
    this.#work = this.#work.filter((item) => item.kind !== 'message' || item.handlerId !== handlerId);
  }

  /** Called when a connection detaches; waits until the session is usable by the others again. */
  clearTransactionIfNeeded(handlerId: number): Promise<void> {
    return new Promise((done) => {
      this.#work.push({ kind: 'release', handlerId, done });
      this.#pump();
    });
  }

  getQueueLength(): number {
    return this.#work.length;
  }

  /** Refuses new messages and waits for the one running; the caller has detached every connection first. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clearAll(new Error('the embedded Postgres server closed'));
    await this.#pumping;
  }

  #clearAll(error: Error): void {
    for (const item of this.#work) {
      if (item.kind === 'message') {
        clearTimeout(item.timer);
        item.reject(error);
      } else {
        item.done();
      }
    }
    this.#work = [];
  }

  #pump(): void {
    this.#pumping ??= this.#drain().finally(() => {
      this.#pumping = undefined;
    });
  }

  async #drain(): Promise<void> {
    for (let item = this.#takeNext(); item !== undefined; item = this.#takeNext()) {
      if (item.kind === 'release') await this.#release(item);
      else await this.#execute(item);
    }
  }

  /** The owner's next message, or anyone's while the session is free; releases never wait. */
  #takeNext(): QueuedWork | undefined {
    const index = this.#work.findIndex(
      (item) => item.kind === 'release' || this.#owner === undefined || item.handlerId === this.#owner,
    );
    if (index === -1) return undefined;
    const [item] = this.#work.splice(index, 1);
    return item;
  }

  async #execute(item: QueuedMessage): Promise<void> {
    clearTimeout(item.timer);
    // A leaving client's Terminate must not reach the shared session (nor claim it); its detach resets the session.
    if (isTerminateMessage(item.message)) return item.resolve(0);
    this.#owner = item.handlerId;
    const tracker = createBackendMessageTracker();
    let bytes = 0;
    try {
      await this.#db.runExclusive(() =>
        this.#db.execProtocolRawStream(item.message, {
          onRawData: (data) => {
            bytes += data.length;
            tracker.push(data);
            item.onData(data);
          },
        }),
      );
    } catch (error) {
      // The handler closes this connection on a rejection; its release then resets the session.
      this.#ownerMidExchange = true;
      item.reject(new Error(`the embedded Postgres failed a protocol message: ${String(error)}`, { cause: error }));
      return;
    }
    this.#ownerMidExchange = tracker.readyStatus === undefined;
    if (tracker.readyStatus === 'I') this.#owner = undefined;
    item.resolve(bytes);
  }

  async #release(item: QueuedRelease): Promise<void> {
    if (item.handlerId !== this.#owner) return item.done();
    // Always the stream call with our own sink: PGlite keeps the last stream's output callback, so a plain
    // execProtocolRaw here would write this reset's replies to the socket of whichever client ran last.
    const discard = { onRawData: (): void => undefined };
    try {
      await this.#db.runExclusive(async () => {
        if (this.#ownerMidExchange) await this.#db.execProtocolRawStream(encodeSyncMessage(), discard);
        if (this.#db.isInTransaction()) await this.#db.execProtocolRawStream(encodeSimpleQuery('rollback'), discard);
      });
    } catch (error) {
      this.#logger.error({ err: error }, 'embedded Postgres: resetting the session after a client left failed');
    } finally {
      this.#owner = undefined;
      this.#ownerMidExchange = false;
      item.done();
    }
  }

  /** Breaks what would otherwise be a silent deadlock: a client that waits for a session another client holds. */
  #refuseWaiting(item: QueuedMessage): void {
    const index = this.#work.indexOf(item);
    if (index === -1) return; // it started running meanwhile
    this.#work.splice(index, 1);
    const message =
      `the embedded Postgres (PGlite) serves one session at a time, and this connection waited ` +
      `${Date.now() - item.queuedAt} ms while connection #${this.#owner ?? '?'} kept it (a transaction, an open ` +
      'cursor or a long statement). Commit, roll back or close that before querying on another connection.';
    this.#logger.error({ waitingConnection: item.handlerId, holdingConnection: this.#owner }, message);
    item.onData(encodeFatalError(SQLSTATE_LOCK_NOT_AVAILABLE, message));
    item.reject(new Error(message));
  }
}
