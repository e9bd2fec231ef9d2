// Kibo's file store: uploaded zips, export results and import logs, each a DropLocation with bytes,
// plus presigned public links (HMAC over id and expiry, like an S3 presigned URL).
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export type EmulatorFileType = 'import' | 'export' | 'log';

export interface DropLocation {
  readonly id: string;
  readonly locationType: 'internal';
  readonly fileName: string;
  readonly fileType: string;
}

export interface StoredFile {
  readonly location: DropLocation;
  readonly content: Buffer;
  readonly createdAt: number;
}

export interface PersistedFile {
  readonly location: DropLocation;
  readonly contentBase64: string;
  readonly createdAt: number;
}

export interface PersistedFiles {
  readonly linkSecret: string;
  readonly files: readonly PersistedFile[];
}

export type LinkCheck = 'valid' | 'badSignature' | 'expired';

export interface FileRegistry {
  add(fileName: string, fileType: string, content: Buffer, createdAt: number): DropLocation;
  get(id: string): StoredFile | undefined;
  /** The query string of a presigned link: `expires=<epoch ms>&signature=<hex>`. */
  signLink(id: string, expiresAt: number): string;
  checkLink(id: string, expires: string | undefined, signature: string | undefined, now: number): LinkCheck;
  snapshot(): PersistedFiles;
}

export function createFileRegistry(restored?: PersistedFiles): FileRegistry {
  const files = new Map<string, StoredFile>();
  for (const file of restored?.files ?? []) {
    files.set(file.location.id, {
      location: file.location,
      content: Buffer.from(file.contentBase64, 'base64'),
      createdAt: file.createdAt,
    });
  }
  // Per tenant state, persisted, so links handed out before a restart still work after it.
  const linkSecret = restored?.linkSecret ?? randomBytes(32).toString('hex');
  const computeSignature = (id: string, expires: string): string =>
    createHmac('sha256', linkSecret).update(`${id}\n${expires}`).digest('hex');

  return {
    add: (fileName, fileType, content, createdAt) => {
      const location: DropLocation = { id: randomUUID(), locationType: 'internal', fileName, fileType };
      files.set(location.id, { location, content, createdAt });
      return location;
    },
    get: (id) => files.get(id),
    signLink: (id, expiresAt) => {
      const expires = String(expiresAt);
      return `expires=${expires}&signature=${computeSignature(id, expires)}`;
    },
    checkLink: (id, expires, signature, now) => {
      if (expires === undefined || signature === undefined || !/^\d+$/.test(expires)) return 'badSignature';
      const expected = Buffer.from(computeSignature(id, expires), 'utf8');
      const given = Buffer.from(signature, 'utf8');
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'badSignature';
      return Number(expires) <= now ? 'expired' : 'valid';
    },
    snapshot: () => ({
      linkSecret,
      files: [...files.values()].map((file) => ({
        location: file.location,
        contentBase64: file.content.toString('base64'),
        createdAt: file.createdAt,
      })),
    }),
  };
}
