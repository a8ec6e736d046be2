// istiod's metadata rules for every Istio kind: the dry-run annotation and reserved annotations.
import { expectRefusedNearAdmitted, istioObject } from '../../../support/admit';

type Obj = { [key: string]: any };
const pair = (refused: Obj, admitted: Obj, text: string) => expectRefusedNearAdmitted(refused, admitted, text);
const ap = (spec: Obj, annotations: Obj) => istioObject('security.istio.io/v1', 'AuthorizationPolicy', spec, { annotations });
const vs = (annotations: Obj) => istioObject('networking.istio.io/v1', 'VirtualService', { hosts: ['ratings'], http: [{ route: [{ destination: { host: 'ratings' } }] }] }, { annotations });

describe('Istio metadata admission', () => {
  test('istio.io/dry-run: only on an ALLOW/DENY AuthorizationPolicy, with a boolean', () => {
    pair(vs({ 'istio.io/dry-run': 'true' }), vs({}), 'only an AuthorizationPolicy supports istio.io/dry-run');
    pair(ap({ action: 'CUSTOM', provider: { name: 'x' }, rules: [{}] }, { 'istio.io/dry-run': 'true' }), ap({ action: 'CUSTOM', provider: { name: 'x' }, rules: [{}] }, {}), 'only works with action ALLOW or DENY, not CUSTOM');
    pair(ap({ action: 'DENY', rules: [{}] }, { 'istio.io/dry-run': 'yes' }), ap({ action: 'DENY', rules: [{}] }, { 'istio.io/dry-run': 'TRUE' }), '"yes" is not a boolean');
    pair(ap({}, { 'istio.io/dry-run': '' }), ap({}, { 'istio.io/dry-run': '0' }), '"" is not a boolean');
  });
  test('annotations reserved for istiod', () => {
    for (const key of ['internal.istio.io/webhook-always-reject', 'internal.istio.io/parent-namespace', 'internal.istio.io/parents']) {
      pair(vs({ [key]: 'x' }), vs({ 'example.com/owner': 'x' }), `${key} is reserved for istiod`);
    }
  });
});
