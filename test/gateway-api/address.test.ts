import { Testing } from 'cdk8s';
import { GatewayApiAddress, GatewayApiAddressType } from '../../src/gateway-api/address';

describe('GatewayApiAddress', () => {
  test('renders type and value', () => {
    expect(GatewayApiAddress.ipAddress('fd00::1')._render()).toEqual({ type: 'IPAddress', value: 'fd00::1' });
    expect(GatewayApiAddress.named('istio-ingressgateway.istio-system.svc.cluster.local').type).toBe(GatewayApiAddressType.NAMED_ADDRESS);
    expect(() => GatewayApiAddress.hostname('*.example.com')._validate(Testing.chart(), 'a')).not.toThrow();
  });

  describe('bad input', () => {
    test('IP address that is not one', () => {
      expect(() => GatewayApiAddress.ipAddress('10.0.0.300')._validate(Testing.chart(), 'addresses[0]'))
        .toThrow(/\[test\] addresses\[0\]\.value "10\.0\.0\.300" is invalid: it is not an IPv4 or IPv6 address/);
    });

    test('hostname with a port', () => {
      expect(() => GatewayApiAddress.hostname('gw.example.com:80')._validate(Testing.chart(), 'addresses[0]'))
        .toThrow(/addresses\[0\]\.value "gw\.example\.com:80" is invalid: a hostname must be a lower-case DNS name/);
    });
  });
});
