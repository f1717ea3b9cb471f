import { ServeError } from '../errors/index.js';
import type { Route } from '../server/route.js';
import { keyFileEntry } from './key-file.js';
import type { TokenAuthorization } from './token-authorization.js';

const rotatableKinds = ['management', 'inference'] as const;

function parseKind(type: string | null): (typeof rotatableKinds)[number] {
  const kind = rotatableKinds.find((candidate) => candidate === type);
  if (kind !== undefined) return kind;
  const given = type === null ? 'none was given' : `got ${JSON.stringify(type.slice(0, 40))}`;
  throw new ServeError(
    'BadRequestException',
    `Parameter type must be management or inference; ${given}.`,
  );
}

/**
 * `GET|POST /token?type=management|inference` with the API key: a new key of that type, written
 * to key_file.json and returned, so a client holding the API key need not read the file.
 */
export function tokenRoutes(authorization: TokenAuthorization): Route[] {
  return [
    {
      apis: ['management'],
      path: '/token',
      methods: ['GET', 'POST'],
      access: 'token',
      summary: 'Replace the management or inference key (needs the API key).',
      handle: async (context) => {
        const kind = parseKind(context.query.get('type'));
        const key = await authorization.rotate(kind);
        return { json: { [kind]: keyFileEntry(key) } };
      },
    },
  ];
}
