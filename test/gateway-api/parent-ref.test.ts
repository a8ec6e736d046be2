import { Testing } from 'cdk8s';
import { Service } from 'cdk8s-plus-28';
import { GatewayApiGateway } from '../../src/gateway-api/gateway';
import { GatewayApiListener } from '../../src/gateway-api/listener';
import { GatewayApiParentRef } from '../../src/gateway-api/parent-ref';

describe('GatewayApiParentRef', () => {
  test('Gateway construct: namespace written only when it differs from the route', () => {
    const chart = Testing.chart();
    const gw = new GatewayApiGateway(chart, 'gw', { metadata: { name: 'public', namespace: 'ingress' }, listeners: [GatewayApiListener.http()] });
    const ref = GatewayApiParentRef.fromGateway(gw, { sectionName: 'http' });
    expect(ref._render('ingress')).toEqual({ name: 'public', sectionName: 'http' });
    expect(ref._render('bookinfo')).toEqual({ name: 'public', namespace: 'ingress', sectionName: 'http' });
    expect(ref.name).toBe('public');
    expect(ref.kind).toBe('Gateway');
  });

  test('cdk8s-plus Service parent (GAMMA)', () => {
    const chart = Testing.chart();
    const svc = new Service(chart, 'reviews', { metadata: { name: 'reviews', namespace: 'bookinfo' }, ports: [{ port: 9080 }] });
    const ref = GatewayApiParentRef.fromService(svc, { port: 9080 });
    expect(ref._render('bookinfo')).toEqual({ group: '', kind: 'Service', name: 'reviews', port: 9080 });
    expect(ref._render('other')).toEqual({ group: '', kind: 'Service', name: 'reviews', namespace: 'bookinfo', port: 9080 });
    expect(ref._key(undefined)).toBe('Service/bookinfo/reviews');
  });

  describe('bad input', () => {
    test('port out of range', () => {
      expect(() => GatewayApiParentRef.fromServiceName('reviews', { port: 99999 })._validate(Testing.chart(), 'parentRefs[0]'))
        .toThrow(/\[test\] parentRefs\[0\]\.port 99999 is invalid: a port number must be an integer from 1 to 65535/);
    });

    test('namespace that is not a DNS-1123 label', () => {
      expect(() => GatewayApiParentRef.fromGatewayName('gw', { namespace: 'Istio_Ingress' })._validate(Testing.chart(), 'parentRefs[0]'))
        .toThrow(/parentRefs\[0\]\.namespace "Istio_Ingress" is invalid: it must be a DNS-1123 label/);
    });

    test('empty gateway name and bad sectionName', () => {
      expect(() => GatewayApiParentRef.fromGatewayName('')._validate(Testing.chart(), 'p')).toThrow(/p\.name "" is invalid: it must be 1 to 253 characters/);
      expect(() => GatewayApiParentRef.fromGatewayName('gw', { sectionName: 'HTTPS' })._validate(Testing.chart(), 'p')).toThrow(/p\.sectionName "HTTPS" is invalid: it must be a DNS-1123 subdomain/);
    });
  });
});
