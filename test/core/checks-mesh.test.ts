import { Testing } from 'cdk8s';
import { checkExportTo, checkLabels, isCidr, isFqdn, isIpAddress } from '../../src/core/checks';
import { compact, compactOrUndefined } from '../../src/core/render';

describe('shared checks: exportTo, labels, FQDNs, IPs; render helpers', () => {
  test('compact drops undefined values only', () => {
    expect(compact({ a: 1, b: undefined, c: false, d: 0 })).toEqual({ a: 1, c: false, d: 0 });
    expect(compactOrUndefined({ a: undefined })).toBeUndefined();
  });

  test('address classification', () => {
    expect(isIpAddress('10.0.0.1')).toBe(true);
    expect(isIpAddress('2001:db8::1')).toBe(true);
    expect(isIpAddress('10.0.0.0/8')).toBe(false);
    expect(isCidr('10.0.0.0/8')).toBe(true);
    expect(isCidr('2001:db8::/32')).toBe(true);
    expect(isCidr('10.0.0.0/33')).toBe(false);
    expect(isCidr('example.com/8')).toBe(false);
    expect(isFqdn('api.example.com')).toBe(true);
    expect(isFqdn('api.example.com.')).toBe(true);
    expect(isFqdn('*.example.com')).toBe(false);
    expect(isFqdn('')).toBe(false);
  });

  test('exportTo accepts ".", "*", namespaces and (for ServiceEntry) "~"', () => {
    const scope = Testing.chart();
    expect(() => checkExportTo(scope, 'exportTo', ['.', 'istio-system'])).not.toThrow();
    expect(() => checkExportTo(scope, 'exportTo', ['~'], { allowNone: true })).not.toThrow();
    expect(() => checkExportTo(scope, 'exportTo', ['~'])).toThrow(/only allowed for ServiceEntry/);
    expect(() => checkExportTo(scope, 'exportTo', ['*', 'a'])).toThrow(/cannot be combined/);
    expect(() => checkExportTo(scope, 'exportTo', ['~', 'a'], { allowNone: true })).toThrow(/cannot be combined/);
    expect(() => checkExportTo(scope, 'exportTo', ['a', 'a'])).toThrow(/more than once/);
    expect(() => checkExportTo(scope, 'exportTo', ['Bad_NS'])).toThrow(/DNS-1123 label/);
  });

  test('labels', () => {
    const scope = Testing.chart();
    expect(() => checkLabels(scope, 'labels', { 'app.kubernetes.io/name': 'reviews', 'version': 'v1', 'empty': '' })).not.toThrow();
    expect(() => checkLabels(scope, 'labels', { 'version*': 'v1' })).toThrow(/labels label "version\*" "version\*" is invalid/);
    expect(() => checkLabels(scope, 'labels', { version: 'v*' })).toThrow(/labels label "version" "v\*" is invalid/);
    expect(() => checkLabels(scope, 'labels', { 'Bad_Prefix/x': 'v' })).toThrow(/labels label "Bad_Prefix\/x" "Bad_Prefix\/x" is invalid/);
  });
});
