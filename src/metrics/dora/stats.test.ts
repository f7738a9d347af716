import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bandsOf } from './bands.ts';
import { median, percentile } from './stats.ts';

it('takes the median of odd and even counts', () => {
  assert.equal(median([]), null);
  assert.equal(median([5]), 5);
  assert.equal(median([9, 1, 5]), 5);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

it('takes nearest-rank percentiles', () => {
  assert.equal(percentile([], 90), null);
  assert.equal(percentile([7], 90), 7);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
  assert.equal(percentile([10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11], 90), 10);
  assert.equal(percentile([3, 1, 2], 0), 1);
});

it('places figures in DORA bands at their limits', () => {
  const day = 86_400;
  const band = (figures: Partial<Parameters<typeof bandsOf>[0]>) =>
    bandsOf({ deploymentFrequencyPerDay: 0, leadTimeMedianSeconds: null, changeFailureRate: null, timeToRestoreMedianSeconds: null, ...figures });
  assert.equal(band({ deploymentFrequencyPerDay: 1 }).deploymentFrequency, 'elite');
  assert.equal(band({ deploymentFrequencyPerDay: 1 / 7 }).deploymentFrequency, 'high');
  assert.equal(band({ deploymentFrequencyPerDay: 1 / 30 }).deploymentFrequency, 'medium');
  assert.equal(band({ deploymentFrequencyPerDay: 1 / 31 }).deploymentFrequency, 'low');
  assert.equal(band({ leadTimeMedianSeconds: day - 1 }).leadTime, 'elite');
  assert.equal(band({ leadTimeMedianSeconds: 7 * day }).leadTime, 'high');
  assert.equal(band({ leadTimeMedianSeconds: 30 * day }).leadTime, 'medium');
  assert.equal(band({ leadTimeMedianSeconds: 30 * day + 1 }).leadTime, 'low');
  assert.equal(band({ changeFailureRate: 0.05 }).changeFailureRate, 'elite');
  assert.equal(band({ changeFailureRate: 0.1 }).changeFailureRate, 'high');
  assert.equal(band({ changeFailureRate: 0.15 }).changeFailureRate, 'medium');
  assert.equal(band({ changeFailureRate: 0.16 }).changeFailureRate, 'low');
  assert.equal(band({ timeToRestoreMedianSeconds: 3599 }).timeToRestore, 'elite');
  assert.equal(band({ timeToRestoreMedianSeconds: 3600 }).timeToRestore, 'high');
  assert.equal(band({ timeToRestoreMedianSeconds: day }).timeToRestore, 'medium');
  assert.equal(band({ timeToRestoreMedianSeconds: 7 * day + 1 }).timeToRestore, 'low');
});
