import { parseArgs } from 'node:util';
import { fullMlpWidths, smokeMlpWidths } from './models.js';

export type Mode = 'full' | 'quick' | 'smoke';

/** How long and how often each scenario measures, per mode. Durations are seconds. */
export interface Plan {
  readonly mode: Mode;
  readonly rounds: number;
  /** Load on each side before its first round: a fresh server runs ~40 % slower for ~15 s. */
  readonly warmupSeconds: number;
  readonly latencySeconds: number;
  readonly throughputSeconds: number;
  readonly batchingSeconds: number;
  /** Per batch size and core split of the raw sweep. */
  readonly rawSeconds: number;
  readonly startupRounds: number;
  readonly settleSeconds: number;
  readonly mlpWidths: readonly number[];
  /** Servers under load write V8 CPU profiles into bench/results/. */
  readonly profile: boolean;
}

const plans: Readonly<Record<Mode, Omit<Plan, 'profile'>>> = {
  full: {
    mode: 'full',
    rounds: 5,
    warmupSeconds: 15,
    latencySeconds: 5,
    throughputSeconds: 8,
    batchingSeconds: 10,
    rawSeconds: 1.5,
    startupRounds: 5,
    settleSeconds: 3,
    mlpWidths: fullMlpWidths,
  },
  quick: {
    mode: 'quick',
    rounds: 3,
    warmupSeconds: 2,
    latencySeconds: 0.8,
    throughputSeconds: 1,
    batchingSeconds: 2,
    rawSeconds: 0.2,
    startupRounds: 3,
    settleSeconds: 0.5,
    mlpWidths: fullMlpWidths,
  },
  smoke: {
    mode: 'smoke',
    rounds: 1,
    warmupSeconds: 0.2,
    latencySeconds: 0.5,
    throughputSeconds: 0.5,
    batchingSeconds: 0.5,
    rawSeconds: 0.1,
    startupRounds: 1,
    settleSeconds: 0.2,
    mlpWidths: smokeMlpWidths,
  },
};

export const usage = `Usage: npm run bench -- [--quick | --smoke] [--profile]

  (no flag)   the full run: ${plans.full.rounds} interleaved rounds per comparison, under 15 minutes
  --quick     ${plans.quick.rounds} shorter rounds, for iteration (under 2 minutes)
  --smoke     one very short round and a small MLP: proves the harness works, measures nothing
  --profile   the servers under load write V8 CPU profiles (*.cpuprofile) into bench/results/;
              profiling slows them, so the numbers of such a run are not comparable
`;

/** Reads the command line; `null` when help was asked for. */
export function readPlan(argv: readonly string[]): Plan | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean' },
      smoke: { type: 'boolean' },
      profile: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) return null;
  const mode = values.smoke === true ? 'smoke' : values.quick === true ? 'quick' : 'full';
  return { ...plans[mode], profile: values.profile === true };
}
