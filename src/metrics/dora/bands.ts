import type { DoraBand, DoraBands } from './types.ts';

const HOUR = 3600;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;

/**
 * DORA's performance clusters (State of DevOps 2023):
 * - deployment frequency: elite on demand (at least daily), high between daily
 *   and weekly, medium between weekly and monthly, low less often;
 * - lead time for changes: elite under a day, high up to a week, medium up to
 *   a month, low longer;
 * - change failure rate: elite up to 5%, high up to 10%, medium up to 15%, low above;
 * - time to restore: elite under an hour, high under a day, medium up to a
 *   week, low longer.
 * Rework rate has no published clusters.
 */
export function bandsOf(figures: {
  deploymentFrequencyPerDay: number;
  leadTimeMedianSeconds: number | null;
  changeFailureRate: number | null;
  timeToRestoreMedianSeconds: number | null;
}): DoraBands {
  return {
    deploymentFrequency: frequencyBand(figures.deploymentFrequencyPerDay),
    leadTime: figures.leadTimeMedianSeconds === null ? null : leadTimeBand(figures.leadTimeMedianSeconds),
    changeFailureRate: figures.changeFailureRate === null ? null : rateBand(figures.changeFailureRate),
    timeToRestore: figures.timeToRestoreMedianSeconds === null ? null : restoreBand(figures.timeToRestoreMedianSeconds),
  };
}

function frequencyBand(perDay: number): DoraBand {
  if (perDay >= 1) return 'elite';
  if (perDay >= 1 / 7) return 'high';
  if (perDay >= 1 / 30) return 'medium';
  return 'low';
}

function leadTimeBand(seconds: number): DoraBand {
  if (seconds < DAY) return 'elite';
  if (seconds <= WEEK) return 'high';
  if (seconds <= MONTH) return 'medium';
  return 'low';
}

function restoreBand(seconds: number): DoraBand {
  if (seconds < HOUR) return 'elite';
  if (seconds < DAY) return 'high';
  if (seconds <= WEEK) return 'medium';
  return 'low';
}

function rateBand(rate: number): DoraBand {
  if (rate <= 0.05) return 'elite';
  if (rate <= 0.1) return 'high';
  if (rate <= 0.15) return 'medium';
  return 'low';
}
