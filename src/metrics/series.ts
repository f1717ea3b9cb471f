import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
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
class Cells {
  private readonly byKey = new Map<string, Cell>();

  constructor(private readonly adds: boolean) {}

  bind(labels: Labels): Cell {
    const key = JSON.stringify(Object.values(labels));
    let cell = this.byKey.get(key);
    if (cell === undefined) {
      cell = new Cell(labels, this.adds);
      this.byKey.set(key, cell);
    }
    return cell;
  }

  all(): Iterable<Cell> {
    return this.byKey.values();
  }
}

function configuration(spec: FamilySpec, registry: Registry) {
  return { name: spec.name, help: spec.help, labelNames: spec.labels, registers: [registry] };
}

/** Counter series print from the moment they are bound, at 0, so rates work from the start. */
function counterFamily(spec: FamilySpec, registry: Registry): Family {
  const cells = new Cells(true);
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
  const cells = new Cells(false);
  new Gauge({
    ...configuration(spec, registry),
    collect() {
      for (const cell of cells.all()) if (cell.recorded) this.set(cell.labels, cell.value);
    },
  });
  return { series: (labels) => cells.bind(labels) };
}

function histogramFamily(spec: FamilySpec, registry: Registry): Family {
  const histogram = new Histogram({
    ...configuration(spec, registry),
    buckets: [...(spec.buckets ?? [])],
  });
  return {
    series(labels) {
      const child = histogram.labels(labels);
      return { record: (value) => child.observe(value) };
    },
  };
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
