import { Counter, Gauge, type Metric, type Registry } from 'prom-client';
import type { FamilySpec } from './families.js';
import { formatLogLine, logTags } from './log-line.js';

export type Labels = Readonly<Record<string, string>>;

/** One labelled series: `record` adds to a counter, sets a gauge or observes a histogram. */
export interface Series {
  record(value: number): void;
}

/** A metric family bound to where its values go: the Prometheus registry or the metrics log. */
export interface Family {
  series(labels: Labels): Series;
}

/** Reads the current value of every series of a gauge that is sampled, not set. */
export type Poll = () => Iterable<readonly [Labels, number]>;

/**
 * A counter or gauge series kept as a plain number, so recording allocates nothing and hashes
 * no labels; each scrape copies the numbers into the prom-client metric.
 */
class Cell implements Series {
  value = 0;
  recorded = false;

  constructor(
    readonly labels: Labels,
    private readonly adds: boolean,
  ) {}

  record(value: number): void {
    this.value = this.adds ? this.value + value : value;
    this.recorded = true;
  }
}

/** Cells by their label values: binding the same labels twice shares one series. */
class Cells<C extends Series> {
  private readonly byKey = new Map<string, C>();

  constructor(private readonly create: (labels: Labels) => C) {}

  bind(labels: Labels): C {
    const key = JSON.stringify(Object.values(labels));
    let cell = this.byKey.get(key);
    if (cell === undefined) {
      cell = this.create(labels);
      this.byKey.set(key, cell);
    }
    return cell;
  }

  all(): Iterable<C> {
    return this.byKey.values();
  }

  clear(): void {
    this.byKey.clear();
  }
}

function configuration(spec: FamilySpec, registry: Registry) {
  return { name: spec.name, help: spec.help, labelNames: spec.labels, registers: [registry] };
}

/** Counter series print from the moment they are bound, at 0, so rates work from the start. */
function counterFamily(spec: FamilySpec, registry: Registry): Family {
  const cells = new Cells((labels) => new Cell(labels, true));
  new Counter({
    ...configuration(spec, registry),
    collect() {
      this.reset();
      for (const cell of cells.all()) this.inc(cell.labels, cell.value);
    },
  });
  return { series: (labels) => cells.bind(labels) };
}

/** Gauge series print once they have a value. */
function gaugeFamily(spec: FamilySpec, registry: Registry): Family {
  const cells = new Cells((labels) => new Cell(labels, false));
  new Gauge({
    ...configuration(spec, registry),
    collect() {
      for (const cell of cells.all()) if (cell.recorded) this.set(cell.labels, cell.value);
    },
  });
  return { series: (labels) => cells.bind(labels) };
}

/** A histogram series as plain numbers: observing allocates nothing and hashes no labels. */
class HistogramCell implements Series {
  /** Per bucket, not cumulative; the last one counts what lies above every bound. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  record(value: number): void {
    if (!Number.isFinite(value)) return;
    let bucket = 0;
    while (bucket < this.bounds.length && value > (this.bounds[bucket] as number)) bucket++;
    this.counts[bucket] = (this.counts[bucket] as number) + 1;
    this.sum += value;
    this.count += 1;
  }
}

interface ExportedValue {
  readonly metricName: string;
  readonly value: number;
  readonly labels: Record<string, string | number>;
  readonly sharedLabels: Labels;
}

/** One series as prom-client prints a histogram: cumulative buckets with `le` first, sum, count. */
function exportHistogram(name: string, bounds: readonly number[], cell: HistogramCell) {
  const values: ExportedValue[] = [];
  const sharedLabels = cell.labels;
  let cumulative = 0;
  bounds.forEach((bound, bucket) => {
    cumulative += cell.counts[bucket] as number;
    values.push({
      metricName: `${name}_bucket`,
      value: cumulative,
      labels: { le: bound },
      sharedLabels,
    });
  });
  values.push(
    { metricName: `${name}_bucket`, value: cell.count, labels: { le: '+Inf' }, sharedLabels },
    { metricName: `${name}_sum`, value: cell.sum, labels: {}, sharedLabels },
    { metricName: `${name}_count`, value: cell.count, labels: {}, sharedLabels },
  );
  return values;
}

/**
 * Histogram series kept in cells like the counters; the family registers itself with the registry
 * as prom-client's own histogram would, printing the same text. prom-client's `observe` hashes the
 * labels on every call, which cost more than anything else the metrics do per request.
 */
function histogramFamily(spec: FamilySpec, registry: Registry): Family {
  const bounds = [...(spec.buckets ?? [])];
  const cells = new Cells((labels) => new HistogramCell(labels, bounds));
  const values = () => [...cells.all()].flatMap((cell) => exportHistogram(spec.name, bounds, cell));
  const metric = {
    name: spec.name,
    help: spec.help,
    type: 'histogram',
    aggregator: 'sum',
    getForPromString: () => Promise.resolve({ ...metric, values: values() }),
    get: () =>
      Promise.resolve({
        ...metric,
        values: values().map(({ labels, sharedLabels, ...rest }) => ({
          ...rest,
          labels: { ...sharedLabels, ...labels },
        })),
      }),
    reset: () => cells.clear(),
  };
  // The registry takes any object with prom-client's metric shape; its type names the classes.
  registry.registerMetric(metric as unknown as Metric);
  return { series: (labels) => cells.bind(labels) };
}

/** A family served on the endpoint. */
export function registryFamily(spec: FamilySpec, registry: Registry): Family {
  switch (spec.kind) {
    case 'counter':
      return counterFamily(spec, registry);
    case 'gauge':
      return gaugeFamily(spec, registry);
    case 'histogram':
      return histogramFamily(spec, registry);
  }
}

/** A gauge served on the endpoint whose series are read at each scrape. */
export function polledGauge(spec: FamilySpec, registry: Registry, poll: Poll): void {
  new Gauge({
    ...configuration(spec, registry),
    collect() {
      this.reset();
      for (const [labels, value] of poll()) this.set(labels, value);
    },
  });
}

/** A family written to the metrics log, one TorchServe-style line per value recorded. */
export function logFamily(spec: FamilySpec, write: (line: string) => void): Family {
  return {
    series(labels) {
      const tags = logTags(labels);
      return { record: (value) => write(formatLogLine(spec, tags, value, Date.now())) };
    },
  };
}
