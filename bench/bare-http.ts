import { fileURLToPath } from 'node:url';
import { residentMb, spawnNode } from './child.js';

const serverPath = fileURLToPath(new URL('./bare-http-server.js', import.meta.url));

export interface BareHttp {
  readonly url: string;
  residentMb(): number;
  stop(): Promise<void>;
}

/** Starts the hello-world `node:http` server in a process of its own. */
export async function startBareHttp(cwd: string): Promise<BareHttp> {
  const started = await spawnNode({
    args: [serverPath],
    cwd,
    ready: /listening (\S+)/,
    timeoutMs: 10_000,
  });
  const url = /listening (\S+)/.exec(started.output())?.[1] as string;
  return { url, residentMb: () => residentMb(started.pid), stop: () => started.stop(2_000) };
}
