// `npm run demo` on a machine without Postgres: PGlite (Postgres compiled to WebAssembly, running in this
// process) behind a TCP socket, so the demo drives it through the same pg / knex / COPY code as production.
// PGlite is ONE session shared by every connection: statements of different connections never run at the same
// time, and session state (SET, advisory locks, prepared statement names) is common to all of them.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';
import { createSilentLogger, type Logger } from '../support/logger.ts';
import { PgliteSessionQueue } from './pglite-session-queue.ts';
import { encodeFatalError } from './postgres-wire.ts';

export const EMBEDDED_POSTGRES_HOST = '127.0.0.1';
export const EMBEDDED_POSTGRES_MAX_CONNECTIONS = 32;
export const EMBEDDED_SESSION_WAIT_TIMEOUT_MS = 30_000;
const SQLSTATE_TOO_MANY_CONNECTIONS = '53300';

export interface EmbeddedPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (no password: PGlite accepts any). */
  readonly url: string;
  /** Disconnects every client, stops listening and closes PGlite. Safe to call more than once. */
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Where PGlite keeps its files; in memory when absent. */
  readonly dataDir?: string;
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
  readonly logger?: Logger;
  /** A connection waiting this long for the session another one holds gets a FATAL error (0 = wait forever). */
  readonly sessionWaitTimeoutMs?: number;
  readonly maxConnections?: number;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const logger = options.logger ?? createSilentLogger();
  const startedAt = performance.now();
  const db = await openPglite(options.dataDir);
  const queue = new PgliteSessionQueue({
    db,
    logger,
    waitTimeoutMs: options.sessionWaitTimeoutMs ?? EMBEDDED_SESSION_WAIT_TIMEOUT_MS,
  });
  const connections = new ConnectionSet(queue, logger, options.maxConnections ?? EMBEDDED_POSTGRES_MAX_CONNECTIONS);
  const server = createServer((socket) => connections.accept(socket));
  try {
    await listen(server, options.port ?? 0);
  } catch (error) {
    await db.close();
    throw new Error(
      `The embedded Postgres could not listen on ${EMBEDDED_POSTGRES_HOST}:${options.port ?? 0}: ${String(error)}. ` +
        'Choose another port, or 0 for any free one.',
      { cause: error },
    );
  }
  const { port } = server.address() as AddressInfo;
  const url = `postgres://postgres@${EMBEDDED_POSTGRES_HOST}:${port}/postgres`;
  logger.info(
    { url, dataDir: options.dataDir ?? 'memory', startupMs: Math.round(performance.now() - startedAt) },
    'embedded Postgres (PGlite) is listening',
  );
  let closing: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    await connections.closeAll();
    await stopped;
    await queue.close();
    await db.close();
    logger.info({ url }, 'embedded Postgres (PGlite) stopped');
  };
  return { url, close: () => (closing ??= shutdown()) };
}

async function openPglite(dataDir: string | undefined): Promise<PGlite> {
  try {
    return await PGlite.create(dataDir === undefined ? {} : { dataDir });
  } catch (error) {
    const where = dataDir === undefined ? 'in memory' : `in ${dataDir}`;
    throw new Error(
      `Could not start the embedded Postgres (PGlite) ${where}: ${String(error)}. ` +
        'A data directory must be one PGlite created (not a regular Postgres data directory); delete it to start afresh.',
      { cause: error },
    );
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, EMBEDDED_POSTGRES_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The open client connections, each a pglite-socket handler feeding the shared session queue. */
class ConnectionSet {
  readonly #handlers = new Set<PGLiteSocketHandler>();
  /** Every accepted socket, refused ones included: server.close() waits for all of them. */
  readonly #sockets = new Set<Socket>();
  #closing = false;

  constructor(
    private readonly queue: PgliteSessionQueue,
    private readonly logger: Logger,
    private readonly maxConnections: number,
  ) {}

  accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    // A reset from a client must not crash the process; the handler (when attached) reports it on its own.
    socket.on('error', () => undefined);
    if (this.#closing) {
      socket.destroy();
      return;
    }
    if (this.#handlers.size >= this.maxConnections) {
      this.logger.warn({ maxConnections: this.maxConnections }, 'embedded Postgres refused a connection: too many');
      const message = `sorry, too many clients already: the embedded Postgres accepts ${this.maxConnections} connections`;
      // end() flushes the error; destroy() then frees the socket even if the client never closes its side.
      socket.end(encodeFatalError(SQLSTATE_TOO_MANY_CONNECTIONS, message), () => socket.destroy());
      return;
    }
    const handler = new PGLiteSocketHandler({
      // The handler is typed against pglite-socket's unexported queue class; ours has the same public methods.
      queryQueue: this.queue as unknown as PGLiteSocketHandlerOptions['queryQueue'],
      closeOnDetach: true,
    });
    this.#handlers.add(handler);
    const forget = (): void => {
      this.#handlers.delete(handler);
    };
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    void handler.attach(socket);
    this.logger.debug({ connection: handler.handlerId, open: this.#handlers.size }, 'embedded Postgres: client connected');
  }

  async closeAll(): Promise<void> {
    this.#closing = true;
    const open = [...this.#handlers];
    this.#handlers.clear();
    await Promise.all(open.map((handler) => handler.detach(true)));
    // detach only ends sockets that are still writable; a half-closed one must not hold server.close() open.
    for (const socket of this.#sockets) socket.destroy();
  }
}
