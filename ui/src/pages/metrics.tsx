import { useState } from 'react';
import { query } from '../api.ts';
import { BarChart } from '../components/chart.tsx';
import { Facts } from '../components/facts.tsx';
import { Loaded } from '../components/feedback.tsx';
import { useApi } from '../components/use-api.ts';
import { duration } from '../format.ts';
import type { Matrix } from '../types.ts';

interface Dora {
  summary: {
    deployments: number;
    deploymentFrequencyPerDay: number;
    leadTimeSeconds: { median: number; p90: number } | null;
    changeFailureRate: number | null;
    timeToRestoreSeconds: { median: number } | null;
    reworkRate: number | null;
    failures: number;
  };
  series: { date: string; deployments: number; failures: number; leadTimeMedianSeconds: number | null }[];
}

const percent = (v: number | null) => (v === null ? '–' : `${Math.round(v * 1000) / 10}%`);

/** The four DORA keys (and rework rate) over 7, 30 or 90 days, per service and environment. */
export function Metrics() {
  const [service, setService] = useState('');
  const [environment, setEnvironment] = useState('');
  const [days, setDays] = useState('30');
  const dora = useApi<Dora>(`/api/metrics/dora${query({ service, environment, days })}`);
  const matrix = useApi<Matrix>('/api/environments/matrix');
  return (
    <>
      <h1>Delivery metrics</h1>
      <form className="filters" aria-label="Metrics filters" onSubmit={(event) => event.preventDefault()}>
        <label className="field inline">
          Service
          <select value={service} onChange={(event) => setService(event.target.value)}>
            <option value="">all</option>
            {(matrix.data?.services ?? []).map((s) => (
              <option key={s.service}>{s.service}</option>
            ))}
          </select>
        </label>
        <label className="field inline">
          Environment
          <select value={environment} onChange={(event) => setEnvironment(event.target.value)}>
            <option value="">all</option>
            {(matrix.data?.environments ?? []).map((e) => (
              <option key={e}>{e}</option>
            ))}
          </select>
        </label>
        <label className="field inline">
          Period
          <select value={days} onChange={(event) => setDays(event.target.value)}>
            <option value="7">7 days</option>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
          </select>
        </label>
      </form>
      <Loaded {...dora}>
        {({ summary, series }) => (
          <>
            <Facts
              big
              label="Summary"
              items={[
                ['Deployments', `${summary.deployments}${summary.failures ? ` (${summary.failures} failed)` : ''}`],
                ['Deployment frequency', `${Math.round(summary.deploymentFrequencyPerDay * 100) / 100} / day`],
                ['Lead time (median)', summary.leadTimeSeconds ? duration(summary.leadTimeSeconds.median * 1000) : '–'],
                ['Change failure rate', percent(summary.changeFailureRate)],
                ['Time to restore (median)', summary.timeToRestoreSeconds ? duration(summary.timeToRestoreSeconds.median * 1000) : '–'],
                ['Rework rate', percent(summary.reworkRate)],
              ]}
            />
            <div className="charts">
              <BarChart title="Deployments per day" points={series.map((d) => ({ label: d.date, value: d.deployments }))} />
              <BarChart title="Failed deployments per day" points={series.map((d) => ({ label: d.date, value: d.failures }))} />
              <BarChart
                title="Change failure rate per day"
                unit="%"
                points={series.map((d) => ({ label: d.date, value: d.deployments ? (d.failures / d.deployments) * 100 : null }))}
              />
              <BarChart
                title="Lead time per day (median, hours)"
                unit=" h"
                points={series.map((d) => ({ label: d.date, value: d.leadTimeMedianSeconds === null ? null : d.leadTimeMedianSeconds / 3600 }))}
              />
            </div>
          </>
        )}
      </Loaded>
    </>
  );
}
