#!/usr/bin/env node
import { version } from '../version.js';
import { parseFlags, usage, UsageError, type CliRequest } from './flags.js';
import { runForeground } from './foreground.js';
import { launchInBackground } from './launch.js';
import { printError, productName } from './messages.js';
import { stopServer } from './stop.js';

async function run(request: CliRequest, argv: readonly string[]): Promise<number> {
  switch (request.action) {
    case 'version':
      process.stdout.write(`${productName} Version is ${version}\n`);
      return 0;
    case 'help':
      process.stdout.write(`${usage}\n`);
      return 0;
    case 'stop':
      return stopServer(request.config);
    case 'start':
      return request.foreground
        ? runForeground(request.config)
        : launchInBackground(request.config, argv);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    return await run(parseFlags(argv), argv);
  } catch (error: unknown) {
    printError(error instanceof Error ? error.message : String(error));
    if (error instanceof UsageError) process.stderr.write(`${usage.split('\n\n')[0]}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
