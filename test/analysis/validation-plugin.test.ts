// The cdk8s validation plugin, driven through cdk8s-cli's own ValidationContext.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValidationContext } from 'cdk8s-cli/plugins';
import { MeshAnalysisValidation } from '../../src/analysis/validation-plugin';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-plugin-'));
  fs.writeFileSync(path.join(dir, 'routes.k8s.yaml'), `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v2}}]}]
`);
  fs.writeFileSync(path.join(dir, 'rules.k8s.yaml'), `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  subsets: [{name: v1, labels: {version: v1}}]
`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function context(files: string[]): ValidationContext {
  return new ValidationContext(files.map((f) => path.join(dir, f)), 'cdk8s-istio', '0.0.0',
    { reviews: { path: 'app/shop/reviews' } });
}

test('Error-level diagnostics fail the report, with the construct path from cdk8s metadata', async () => {
  const ctx = context(['routes.k8s.yaml', 'rules.k8s.yaml']);
  await new MeshAnalysisValidation({ analyzers: ['virtualservice.DestinationRuleAnalyzer'] }).validate(ctx as any);
  const json = ctx.report.toJson();
  expect(json.summary.status).toBe('failure');
  expect(json.summary.metadata).toEqual({ errors: '1', warnings: '0', infos: '0' });
  expect(json.violations).toEqual([{
    ruleName: 'IST0101 ReferencedResourceNotFound (Error)',
    recommendation: 'Referenced host+subset in destinationrule not found: "reviews+v2"',
    fix: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/',
    violatingConstructs: [{
      resourceName: 'reviews',
      locations: ['VirtualService shop/reviews'],
      manifestPath: path.join(dir, 'routes.k8s.yaml'),
      constructPath: 'app/shop/reviews',
    }],
  }]);
});

test('suppressed or clean manifests pass', async () => {
  const ctx = context(['routes.k8s.yaml']);
  await new MeshAnalysisValidation({ analyzers: ['virtualservice.DestinationRuleAnalyzer'], suppressions: [{ code: 'IST0101' }] }).validate(ctx as any);
  expect(ctx.report.success).toBe(true);
});

test('warnings pass unless failOnWarnings', async () => {
  const se = path.join(dir, 'se.k8s.yaml');
  fs.writeFileSync(se, 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: db, namespace: shop}\nspec:\n  hosts: [db.example.com]\n  ports: [{number: 5432, name: tcp, protocol: TCP}]\n');
  const a = context(['se.k8s.yaml']);
  await new MeshAnalysisValidation().validate(a as any);
  expect(a.report.success).toBe(true);
  const b = context(['se.k8s.yaml']);
  await new MeshAnalysisValidation({ failOnWarnings: true }).validate(b as any);
  expect(b.report.success).toBe(false);
});
