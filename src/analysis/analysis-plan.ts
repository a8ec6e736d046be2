// Which analyzers an analysis runs, in which order, and how the diagnostics of its analyzers
// become its result (istioctl's sorted, deduplicated list). Analyzers are independent of each
// other, so an analysis can run in parts (in two threads, see src/core/synthesis-job.ts), each
// claiming some analyzers, and the parts' diagnostics merge into those of one run.
import { AnalyzerDef } from './model';
import { ANALYZERS, ANALYZERS_BY_NAME } from './registry';

/** What decides the analyzers of a run (the part of the analysis's options that does). */
interface AnalyzerSelection {
  readonly analyzers?: string[];
  readonly schemaValidation?: boolean;
}

/** What sorting and deduplicating a diagnostic looks at. */
interface SortedDiagnostic {
  readonly level: string;
  readonly code: string;
  readonly origin: string;
  readonly message: string;
  readonly analyzer: string;
}

/**
 * Whether this run of an analysis runs the analyzer at `index` of its plan (see `MeshAnalyzer._plan`).
 * @internal
 */
export type AnalyzerClaim = (index: number, schema: boolean) => boolean;

/** The analyzers a run with `options` runs, in order (names are checked by the caller). */
export function plannedAnalyzers(options: AnalyzerSelection): AnalyzerDef[] {
  const selected = options.analyzers && options.analyzers.length > 0 ? options.analyzers : undefined;
  return (selected ? selected.map((n) => ANALYZERS_BY_NAME.get(n)!) : ANALYZERS.filter((a) => a.inAll !== false))
    .filter((a) => !(a.allKinds && options.schemaValidation === false));
}

const REGISTRY_ORDER: ReadonlyMap<string, number> = new Map(ANALYZERS.map((a, i) => [a.name, i]));

/** The order analyzers run in: as named in the options, else the registry's. */
export function analyzerOrder(options: AnalyzerSelection): ReadonlyMap<string, number> {
  return options.analyzers && options.analyzers.length > 0 ? new Map(options.analyzers.map((n, i) => [n, i])) : REGISTRY_ORDER;
}

/**
 * istioctl's SortedDedupedCopy: by level, code, origin, text; identical messages collapse into
 * the first one, which is the one of the analyzer that runs first (the analyzers' order breaks
 * ties, so that diagnostics of analyses run in parts merge as one run gives them).
 */
export function sortedDeduped<T extends SortedDiagnostic>(all: T[], analyzers: ReadonlyMap<string, number>): T[] {
  const rank = (l: string) => (l === 'Error' ? 0 : l === 'Warning' ? 1 : 2);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const order = (d: T) => analyzers.get(d.analyzer) ?? analyzers.size;
  const sorted = [...all].sort((a, b) => rank(a.level) - rank(b.level) || cmp(a.code, b.code) || cmp(a.origin, b.origin)
    || cmp(a.message, b.message) || order(a) - order(b));
  const diagnostics: T[] = [];
  for (const d of sorted) {
    const prev = diagnostics[diagnostics.length - 1];
    if (prev && prev.code === d.code && prev.origin === d.origin && prev.message === d.message && prev.level === d.level) continue;
    diagnostics.push(d);
  }
  return diagnostics;
}
