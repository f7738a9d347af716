import { builtinResources, groupVersionOf, type ResourceDef } from './resources.ts';

/** The resources being served, built-in ones plus those of established CRDs. */
export class Registry {
  private readonly resources: ResourceDef[] = builtinResources();

  all(): ResourceDef[] {
    return [...this.resources];
  }

  find(groupVersion: string, plural: string): ResourceDef | undefined {
    return this.resources.find((r) => groupVersionOf(r) === groupVersion && r.plural === plural);
  }

  byKind(apiVersion: string, kind: string): ResourceDef | undefined {
    return this.resources.find((r) => groupVersionOf(r) === apiVersion && r.kind === kind);
  }

  groupVersions(): string[] {
    return [...new Set(this.resources.map(groupVersionOf))];
  }

  add(defs: ResourceDef[]): void {
    for (const def of defs) {
      this.remove(def.group, def.plural);
      this.resources.push(def);
    }
  }

  /** Removes every version of a custom resource; built-in resources stay. */
  remove(group: string, plural: string): void {
    for (let i = this.resources.length - 1; i >= 0; i--) {
      const r = this.resources[i]!;
      if (r.custom && r.group === group && r.plural === plural) this.resources.splice(i, 1);
    }
  }
}
