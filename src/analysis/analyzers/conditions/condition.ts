import { AnalyzerDef, arr, obj, str } from '../../model';

const NEGATIVE_CONDITIONS: { [collection: string]: { [type: string]: string } } = {
  Service: { 'istio.io/WaypointBound': 'False' },
  ServiceEntry: { 'istio.io/WaypointBound': 'False' },
  WorkloadEntry: { 'istio.io/WaypointBound': 'False' },
  AuthorizationPolicy: { ZtunnelAccepted: 'False', WaypointAccepted: 'False' },
  KubernetesGateway: { Accepted: 'False', Programmed: 'False', ResolvedRefs: 'False' },
  HTTPRoute: { Accepted: 'False', Programmed: 'False', ResolvedRefs: 'False' },
  GRPCRoute: { Accepted: 'False', Programmed: 'False', ResolvedRefs: 'False' },
};

export const conditionAnalyzer: AnalyzerDef = {
  name: 'conditions.ConditionAnalyzer',
  description: 'Checks for negative status conditions on resources',
  inputs: Object.keys(NEGATIVE_CONDITIONS),
  analyze(ctx) {
    for (const collection of Object.keys(NEGATIVE_CONDITIONS)) {
      for (const r of ctx.all(collection)) {
        const status = obj(r.status);
        const conds = collection === 'HTTPRoute' || collection === 'GRPCRoute'
          ? arr(status.parents).flatMap((p) => arr(p?.conditions)) : arr(status.conditions);
        for (const c of conds) {
          const type = str(c?.type);
          const reason = str(c?.reason);
          const message = str(c?.message);
          if (type in NEGATIVE_CONDITIONS[collection] && NEGATIVE_CONDITIONS[collection][type] === str(c?.status)) {
            ctx.report(r, 'NegativeConditionStatus', type, reason, message);
          }
          if (collection === 'AuthorizationPolicy' && type === 'WaypointAccepted' && reason === 'PartiallyInvalid') {
            ctx.report(r, 'NegativeConditionStatus', type, reason, message);
          }
        }
      }
    }
  },
};
