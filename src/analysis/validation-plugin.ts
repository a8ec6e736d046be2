// cdk8s validation plugin: runs the mesh analyzer on the manifests `cdk8s synth` produced, for
// any cdk8s app (configured in cdk8s.yaml `validations:`).
import * as fs from 'fs';
import { AnalysisLevel, AnalysisSuppression, MeshAnalyzer } from './mesh-analyzer';
import { SYNTH_ASSUMPTIONS, definedOnly } from './synth-marker';

/**
 * Properties of the cdk8s validation plugin (the `properties:` of its `cdk8s.yaml` entry).
 */
export interface MeshAnalysisValidationProps {
  /**
   * Run only these analyzers (Istio's registered names).
   * @default - every analyzer istioctl runs by default
   */
  readonly analyzers?: string[];
  /**
   * Suppressed codes.
   * @default - none
   */
  readonly suppressions?: AnalysisSuppression[];
  /**
   * MeshConfig values merged over Istio's defaults.
   * @default - Istio's default MeshConfig
   */
  readonly meshConfig?: { [key: string]: any };
  /**
   * Treat workload pod templates as running pods (see `AnalysisOptions.workloadPods`).
   * @default true
   */
  readonly workloadPods?: boolean;
  /**
   * TLS Secrets come from outside the app (see `AnalysisOptions.externalSecrets`), as at synth.
   * @default true
   */
  readonly externalSecrets?: boolean;
  /**
   * Namespaces objects are placed in exist even without a Namespace object (see
   * `AnalysisOptions.impliedNamespaces`), as at synth.
   * @default true
   */
  readonly impliedNamespaces?: boolean;
  /**
   * Fail the validation on Warning-level diagnostics too.
   * @default false
   */
  readonly failOnWarnings?: boolean;
}

/**
 * A resource named in a violation (the shape cdk8s expects).
 */
export interface MeshValidationResource {
  /** The resource name (metadata.name). */
  readonly resourceName: string;
  /** Where in the resource (here: the diagnostic's origin). */
  readonly locations: string[];
  /** The manifest file the resource is in. */
  readonly manifestPath: string;
}

/**
 * A violation reported to cdk8s.
 */
export interface MeshValidationViolation {
  /** `IST0101 ReferencedResourceNotFound (Error)`. */
  readonly ruleName: string;
  /** The analyzer's message. */
  readonly recommendation: string;
  /** Where to read about the fix (Istio's analysis message reference). */
  readonly fix: string;
  /** The resources concerned. */
  readonly violatingResources: MeshValidationResource[];
}

/**
 * The validation report cdk8s hands to plugins (structural subset of cdk8s-cli's `ValidationReport`).
 */
export interface IMeshValidationReport {
  /** Adds a violation. */
  addViolation(violation: MeshValidationViolation): void;
  /** Submits the report: `success` or `failure`. */
  submit(status: string, metadata?: { [key: string]: string }): void;
}

/**
 * The validation context cdk8s hands to plugins (structural subset of cdk8s-cli's `ValidationContext`).
 */
export interface IMeshValidationContext {
  /** Paths of the synthesized manifests. */
  readonly manifests: string[];
  /** The report to fill in. */
  readonly report: IMeshValidationReport;
}

/**
 * cdk8s validation plugin running the Istio mesh analyzer on the synthesized manifests.
 *
 * In `cdk8s.yaml`:
 * ```yaml
 * validations:
 *   - package: cdk8s-istio
 *     version: <version>
 *     class: MeshAnalysisValidation
 *     properties:
 *       suppressions: [{ code: IST0118 }]
 * ```
 */
export class MeshAnalysisValidation {
  private readonly props: MeshAnalysisValidationProps;

  constructor(props: MeshAnalysisValidationProps = {}) {
    this.props = props;
  }

  /**
   * Analyzes every manifest together (cross-file references resolve) and reports one violation per
   * diagnostic; fails on Error-level diagnostics (and warnings with `failOnWarnings`).
   */
  public async validate(context: IMeshValidationContext): Promise<void> {
    const objects: { [key: string]: any }[] = [];
    const files: string[] = [];
    for (const manifest of context.manifests) {
      for (const o of MeshAnalyzer.parseYaml(fs.readFileSync(manifest, 'utf8'))) {
        objects.push(o);
        files.push(manifest);
      }
    }
    const diags = MeshAnalyzer.analyze(objects, {
      analyzers: this.props.analyzers,
      suppressions: this.props.suppressions,
      meshConfig: this.props.meshConfig,
      ...SYNTH_ASSUMPTIONS,
      ...definedOnly({
        workloadPods: this.props.workloadPods,
        externalSecrets: this.props.externalSecrets,
        impliedNamespaces: this.props.impliedNamespaces,
      }),
    });
    let failed = false;
    for (const d of diags) {
      if (d.level === AnalysisLevel.ERROR || (this.props.failOnWarnings && d.level === AnalysisLevel.WARNING)) failed = true;
      context.report.addViolation({
        ruleName: `${d.code} ${d.messageName} (${d.level})`,
        recommendation: d.message,
        fix: `https://istio.io/latest/docs/reference/config/analysis/${d.code.toLowerCase()}/`,
        violatingResources: [{
          resourceName: d.name,
          locations: [d.origin],
          manifestPath: d.inputIndex !== undefined ? files[d.inputIndex] : '<implicit>',
        }],
      });
    }
    const count = (l: AnalysisLevel) => String(diags.filter((d) => d.level === l).length);
    context.report.submit(failed ? 'failure' : 'success', {
      errors: count(AnalysisLevel.ERROR), warnings: count(AnalysisLevel.WARNING), infos: count(AnalysisLevel.INFO),
    });
  }
}
