// Kibo's Files API: raw uploads of any content type, file info, download, presigned public links.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorContext } from './emulator-context.ts';
import { EmulatorHttpError } from './emulator-errors.ts';
import type { StoredFile } from './emulator-files.ts';

export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
const DEFAULT_LINK_HOURS = 24;
const MS_PER_HOUR = 3_600_000;

interface FileParams {
  id: string;
}

export async function registerFileRoutes(app: FastifyInstance, context: EmulatorContext): Promise<void> {
  // Encapsulated so that every content type (octet-stream, zip, JSON, none) arrives as the raw bytes sent:
  // a client that JSON-encodes its zip gets a corrupt file and an import error, as on real Kibo.
  await app.register(async (files) => {
    files.removeAllContentTypeParsers();
    files.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_request, body, done) => {
      done(null, body);
    });
    files.post<{ Querystring: { fileType?: string; fileName?: string } }>(
      '/api/platform/data/files',
      { bodyLimit: MAX_UPLOAD_BYTES },
      async (request) => {
        const content = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const location = context.files.add(
          request.query.fileName ?? 'upload.zip',
          request.query.fileType ?? 'import',
          content,
          context.clock.now(),
        );
        context.markChanged();
        return location;
      },
    );
  });

  app.get<{ Params: FileParams }>('/api/platform/data/files/:id', async (request) => {
    return findFile(context, request.params.id).location;
  });

  app.get<{ Params: FileParams }>('/api/platform/data/files/:id/content', async (request, reply) => {
    return sendFileContent(reply, findFile(context, request.params.id));
  });

  app.post<{ Params: FileParams; Querystring: { hourDuration?: string } }>(
    '/api/platform/data/files/:id/generatelink',
    async (request, reply) => {
      const file = findFile(context, request.params.id);
      const hours = request.query.hourDuration === undefined ? DEFAULT_LINK_HOURS : Number(request.query.hourDuration);
      if (!Number.isFinite(hours) || hours <= 0) {
        throw new EmulatorHttpError(400, 'VALIDATION_ERROR', `hourDuration must be a positive number of hours, got "${request.query.hourDuration}"`);
      }
      const expiresAt = context.clock.now() + Math.round(hours * MS_PER_HOUR);
      const query = context.files.signLink(file.location.id, expiresAt);
      const link = `${context.baseUrl()}/_public/files/${encodeURIComponent(file.location.id)}?${query}`;
      // Kibo answers the link as a JSON-encoded string (quotes included).
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(link));
    },
  );

  // The presigned URL: no Kibo auth, like the storage service behind Kibo's real links.
  app.get<{ Params: FileParams; Querystring: { expires?: string; signature?: string } }>(
    '/_public/files/:id',
    async (request, reply) => {
      const { id } = request.params;
      const check = context.files.checkLink(id, request.query.expires, request.query.signature, context.clock.now());
      if (check === 'badSignature') {
        throw new EmulatorHttpError(403, 'FORBIDDEN', 'The link signature does not match: request a new link with generatelink');
      }
      if (check === 'expired') {
        throw new EmulatorHttpError(403, 'FORBIDDEN', 'The link has expired: request a new link with generatelink');
      }
      return sendFileContent(reply, findFile(context, id));
    },
  );
}

function findFile(context: EmulatorContext, id: string): StoredFile {
  const file = context.files.get(id);
  if (file === undefined) {
    throw new EmulatorHttpError(404, 'FILE_NOT_FOUND', `No file with id "${id}" exists in this tenant`);
  }
  return file;
}

function sendFileContent(reply: FastifyReply, file: StoredFile): FastifyReply {
  const safeName = file.location.fileName.replace(/["\\\r\n]/g, '_');
  return reply
    .type('application/zip')
    .header('content-disposition', `attachment; filename="${safeName}"`)
    .send(file.content);
}
