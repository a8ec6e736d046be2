// istiod's PeerAuthentication admission rules on objects: a refused object and a nearby admitted one.
import { expectRefusedNearAdmitted, istioObject } from '../../../support/admit';

type Obj = { [key: string]: any };
const pa = (spec: Obj) => istioObject('security.istio.io/v1', 'PeerAuthentication', spec);

describe('PeerAuthentication admission', () => {
  test('port-level mTLS only with a selector', () => {
    expectRefusedNearAdmitted(pa({ mtls: { mode: 'STRICT' }, portLevelMtls: { 9080: { mode: 'PERMISSIVE' } } }),
      pa({ selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9080: { mode: 'PERMISSIVE' } } }),
      'cannot have port-level mTLS');
  });
  test('no wildcards in the selector', () => {
    expectRefusedNearAdmitted(pa({ selector: { matchLabels: { app: 'rev*' } }, mtls: { mode: 'STRICT' } }),
      pa({ selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' } }), 'wildcards are not supported in a selector');
  });
});
