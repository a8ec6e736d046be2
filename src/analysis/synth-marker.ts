// How `cdk8s-istio analyze` recognizes files the library synthesized, so that it analyzes them
// with the assumptions synth-time analysis makes (and gives the same findings).
import * as fs from 'fs';
import { AnalysisOptions } from './mesh-analyzer';

/** The first line of every YAML file an app using the library synthesizes. */
export const SYNTH_MARKER = '# Synthesized by cdk8s-istio; `cdk8s-istio analyze` checks it with the synth-time assumptions.';

/**
 * What synth-time analysis assumes about an app's manifests: pod templates stand for running
 * pods, TLS Secrets come from outside the app, namespaces objects are placed in exist.
 */
export const SYNTH_ASSUMPTIONS: AnalysisOptions = { workloadPods: true, externalSecrets: true, impliedNamespaces: true };

/** `options` without its undefined fields (so that spreading it keeps defaults). */
export function definedOnly(options: AnalysisOptions): AnalysisOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as AnalysisOptions;
}

/** Prefixes synthesized YAML with the marker. */
export function markSynthesized(yaml: string): string {
  return `${SYNTH_MARKER}\n${yaml}`;
}

/** Whether the file starts with the marker (reads only its first bytes; false if unreadable). */
export function fileHasSynthMarker(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(SYNTH_MARKER.length + 3);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
    return head.startsWith(SYNTH_MARKER);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
