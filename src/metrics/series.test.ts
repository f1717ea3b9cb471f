import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import type { FamilySpec } from './families.js';
import { registryFamily } from './series.js';

test("histogram series print exactly as prom-client's own histogram", async () => {
  const spec: FamilySpec = {
    name: 'example_seconds',
    help: 'An example.',
    unit: 'Seconds',
    kind: 'histogram',
    labels: ['model_name', 'model_version'],
    buckets: [0.001, 0.01, 0.1, 1],
  };
  const [theirs, ours] = [new Registry(), new Registry()];
  const histogram = new Histogram({
    name: spec.name,
    help: spec.help,
    labelNames: [...spec.labels],
    buckets: [...(spec.buckets ?? [])],
    registers: [theirs],
  });
  const family = registryFamily(spec, ours);
  const observations = [0.0005, 0.001, 0.002, 0.05, 3, 0.1, 7e-5];
  const series: [Record<string, string>, number[]][] = [
    [{ model_name: 'a', model_version: '1.0' }, observations],
    [{ model_name: 'b "quoted"', model_version: '2.0' }, observations.slice(3)],
  ];
  for (const [labels, values] of series) {
    const child = histogram.labels(labels);
    const cell = family.series(labels);
    for (const value of values) {
      child.observe(value);
      cell.record(value);
    }
  }

  const text = await ours.metrics();
  assert.equal(text, await theirs.metrics());
  assert.match(text, /example_seconds_bucket\{le="0\.001",model_name="a",model_version="1\.0"\} 3/);
  assert.match(text, /example_seconds_count\{model_name="b \\"quoted\\"",model_version="2\.0"\} 4/);
});
