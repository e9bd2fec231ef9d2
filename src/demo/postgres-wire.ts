// The few Postgres wire-protocol (v3) pieces the embedded server needs on top of pglite-socket: knowing
// when the backend has finished an exchange (ReadyForQuery and its transaction status), and writing the
// messages it sends itself (Sync and ROLLBACK to reset the session, FATAL errors to refuse a client).

/** Transaction status carried by ReadyForQuery: idle, in a transaction block, in a failed transaction. */
export type TransactionStatus = 'I' | 'T' | 'E';

const READY_FOR_QUERY = 0x5a; // 'Z'
const TERMINATE = 0x58; // 'X'
const HEADER_BYTES = 5; // type byte + int32 length (which counts itself but not the type byte)

export interface BackendMessageTracker {
  /** Feeds the next chunk of backend output; chunks may split messages anywhere. */
  push(chunk: Uint8Array): void;
  /** The status of the last complete message when it was ReadyForQuery, otherwise undefined. */
  readonly readyStatus: TransactionStatus | undefined;
}

/**
 * Follows a backend's output message by message (not byte patterns, which a DataRow could contain) and
 * remembers whether the last complete message was ReadyForQuery, i.e. whether the exchange is over.
 */
export function createBackendMessageTracker(): BackendMessageTracker {
  const header = new Uint8Array(HEADER_BYTES);
  let headerFilled = 0;
  let bodyRemaining = 0;
  let currentType = 0;
  let lastByte = 0;
  let readyStatus: TransactionStatus | undefined;
  return {
    push(chunk) {
      let offset = 0;
      while (offset < chunk.length) {
        if (bodyRemaining > 0) {
          const take = Math.min(bodyRemaining, chunk.length - offset);
          offset += take;
          bodyRemaining -= take;
          lastByte = chunk[offset - 1] ?? 0;
        } else {
          header[headerFilled++] = chunk[offset++] ?? 0;
          if (headerFilled < HEADER_BYTES) continue;
          headerFilled = 0;
          currentType = header[0] ?? 0;
          bodyRemaining = new DataView(header.buffer).getInt32(1) - 4;
          readyStatus = undefined;
        }
        if (bodyRemaining === 0 && headerFilled === 0 && currentType === READY_FOR_QUERY) {
          readyStatus = String.fromCharCode(lastByte) as TransactionStatus;
        }
      }
    },
    get readyStatus() {
      return readyStatus;
    },
  };
}

/** Terminate ('X'): the client is leaving; the session must not see it, since other clients share it. */
export function isTerminateMessage(message: Uint8Array): boolean {
  return message.length === HEADER_BYTES && message[0] === TERMINATE;
}

/** Sync ('S'): ends an unfinished extended-protocol exchange (and its implicit transaction). */
export function encodeSyncMessage(): Uint8Array {
  return typedMessage('S', new Uint8Array(0));
}

/** Query ('Q'): one simple-protocol statement. */
export function encodeSimpleQuery(sql: string): Uint8Array {
  return typedMessage('Q', cString(sql));
}

/** ErrorResponse ('E') with severity FATAL: the client reports `message` and treats the connection as closed. */
export function encodeFatalError(sqlState: string, message: string): Uint8Array {
  const fields = [
    ...field('S', 'FATAL'),
    ...field('V', 'FATAL'),
    ...field('C', sqlState),
    ...field('M', message),
    0,
  ];
  return typedMessage('E', Uint8Array.from(fields));
}

function field(code: string, value: string): number[] {
  return [code.charCodeAt(0), ...cString(value)];
}

function cString(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  const withNul = new Uint8Array(bytes.length + 1);
  withNul.set(bytes);
  return withNul;
}

function typedMessage(type: string, body: Uint8Array): Uint8Array {
  const message = new Uint8Array(HEADER_BYTES + body.length);
  message[0] = type.charCodeAt(0);
  new DataView(message.buffer).setInt32(1, 4 + body.length);
  message.set(body, HEADER_BYTES);
  return message;
}
