import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ModelLoader } from '../api/management/index.js';
import { ServeError } from '../errors/index.js';
import type { ModelRegistry } from '../registry/index.js';

/**
 * Registration and scaling over the model store. Loading archives into workers is not wired
 * in yet: a registration that finds its archive is refused with a 500 that says so.
 */
export function createModelLoader(registry: ModelRegistry, modelStore: string): ModelLoader {
  return {
    register: (context) => {
      const url = context.query.get('url');
      if (url === null || url === '') {
        return Promise.reject(new ServeError('BadRequestException', 'Parameter url is required.'));
      }
      if (!existsSync(resolve(modelStore, url))) {
        return Promise.reject(
          new ServeError('ModelNotFoundException', `Model not found in model store: ${url}`),
        );
      }
      return Promise.reject(
        new ServeError('InternalServerException', 'Loading models is not available yet.'),
      );
    },
    scale: (context) => {
      registry.get(context.params.model_name ?? '', context.params.model_version);
      return Promise.reject(
        new ServeError('InternalServerException', 'Scaling is not available yet.'),
      );
    },
  };
}
