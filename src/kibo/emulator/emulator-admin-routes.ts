// Test and operator controls under /_emulator. They need no auth: the emulator binds to 127.0.0.1 by
// default, so only local processes reach them (bind elsewhere only on a trusted network).
import type { FastifyInstance } from 'fastify';
import { findResource } from '../resources/resource-registry.ts';
import { describeError } from '../../support/errors.ts';
import type { EmulatorContext } from './emulator-context.ts';
import { EmulatorHttpError } from './emulator-errors.ts';
import type { EmulatorFaults } from './emulator-faults.ts';

export function registerAdminRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.get('/_emulator/health', async () => ({ status: 'ok', tenantId: context.settings.tenantId }));

  app.get('/_emulator/faults', async () => context.faults.get());

  app.put('/_emulator/faults', async (request) => {
    try {
      context.faults.set((request.body ?? {}) as Partial<EmulatorFaults>);
    } catch (error) {
      throw new EmulatorHttpError(400, 'VALIDATION_ERROR', describeError(error));
    }
    return context.faults.get();
  });

  app.post('/_emulator/expire-tokens', async (_request, reply) => {
    context.tokens.expireAllAccessTokens();
    context.markChanged();
    return reply.code(204).send();
  });

  app.get<{ Params: { resource: string } }>('/_emulator/data/:resource', async (request) => {
    const resource = findResource(request.params.resource);
    if (resource === undefined) {
      throw new EmulatorHttpError(404, 'ITEM_NOT_FOUND', `Unknown resource "${request.params.resource}"`);
    }
    return context.store.listRecords(resource.name);
  });
}
