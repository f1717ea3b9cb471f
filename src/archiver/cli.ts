import { archiveModel } from './archive-model.js';
import { parseCommandLine, usage } from './options.js';

export interface CliOutput {
  write(text: string): unknown;
}

const PROGRAM = 'onnx-model-archiver';

/**
 * Runs the archiver for one command line and returns the exit code: the output path on stdout and
 * 0, or one line on stderr and 1.
 */
export async function runArchiver(
  argv: readonly string[],
  stdout: CliOutput,
  stderr: CliOutput,
  cwd: string = process.cwd(),
): Promise<number> {
  try {
    const command = parseCommandLine(argv, cwd);
    if (command.kind === 'help') {
      stdout.write(usage);
      return 0;
    }
    const result = await archiveModel(command.options);
    for (const warning of result.warnings) stderr.write(`${PROGRAM}: warning: ${warning}\n`);
    stdout.write(`${result.outputPath}\n`);
    return 0;
  } catch (error: unknown) {
    stderr.write(`${PROGRAM}: ${firstLine(error)}\n`);
    return 1;
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
