// What patterns need to know about a workload of the mesh: its name, namespace, pods and
// identity. MeshService (a workload behind a Service) and MeshWorkload (a workload without
// one: a client, bot, job or worker) both provide it.
import { IConstruct } from 'constructs';
import { WorkloadSelector } from '../core/workload-selector';
import { Principal } from '../security/principal';

/**
 * A workload of the mesh with its own identity: a `MeshService` or a `MeshWorkload`. It can
 * be allowed to call a service (`allowFrom`) and have its egress locked down.
 */
export interface IMeshWorkload extends IConstruct {
  /** The workload's name: the `app` label of its pods; object names derive from it. */
  readonly workloadName: string;

  /** The namespace of the workload, if known (its own or its chart's). */
  readonly namespace?: string;

  /** Selects the workload's pods. */
  readonly selector: WorkloadSelector;

  /** The mesh identity of the workload's pods (the principal of its ServiceAccount). */
  readonly principal: Principal;
}
