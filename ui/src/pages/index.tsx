import { useRoute } from '../router.ts';
import { ApplicationPage } from './application.tsx';
import { Applications } from './applications.tsx';
import { Audit } from './audit.tsx';
import { BuildPage } from './build.tsx';
import { Builds } from './builds.tsx';
import { Environments } from './environments.tsx';
import { Metrics } from './metrics.tsx';
import { Previews } from './previews.tsx';
import { Repos } from './repos.tsx';
import { Settings } from './settings.tsx';

/** `#/…` → page. */
export function Pages() {
  const { parts, params } = useRoute();
  const [section = 'repos', a, b, c, d] = parts;
  switch (section) {
    case 'repos':
      if (a && b && c === 'builds' && d) return <BuildPage key={`${a}/${b}/${d}`} repo={`${a}/${b}`} number={Number(d)} />;
      if (a && b) return <Builds key={`${a}/${b}`} repo={`${a}/${b}`} branch={params.get('branch') ?? ''} status={params.get('status') ?? ''} />;
      return <Repos />;
    case 'environments':
      return <Environments />;
    case 'applications':
      return a ? <ApplicationPage key={a} name={a} /> : <Applications />;
    case 'previews':
      return <Previews />;
    case 'metrics':
      return <Metrics />;
    case 'audit':
      return <Audit />;
    case 'settings':
      return <Settings />;
    default:
      return <p role="alert">No page “{section}”.</p>;
  }
}
