// The library's Flagger analyzer: objects the app declares that Flagger generates for one of its
// Canaries (the generated objects themselves are added to the analyzed mesh by the analysis run,
// see ../../controllers.ts, unless the app declares them).
import { flaggerObjects, generatedFor, isFlaggerCanary, objectKey, ObjectLookup } from '../../controllers';
import { AnalyzerDef } from '../../model';

export const flaggerAnalyzer: AnalyzerDef = {
  name: 'controllers.FlaggerAnalyzer',
  description: 'Checks that the app does not declare the objects Flagger generates for its Canaries',
  inputs: ['Canary', 'Deployment', 'DaemonSet', 'HorizontalPodAutoscaler', 'Service', 'DestinationRule', 'VirtualService'],
  analyze(ctx) {
    const own = (collection: string, namespace: string, name: string) => {
      const r = ctx.find(collection, namespace, name);
      return r && generatedFor(r.raw) === undefined ? r : undefined;
    };
    const lookup: ObjectLookup = (collection, namespace, name) => own(collection, namespace, name)?.raw;
    for (const c of ctx.all('Canary')) {
      if (!isFlaggerCanary(c)) continue;
      for (const g of flaggerObjects(c.raw, lookup)) {
        const [collection, namespace, name] = objectKey(g).split('|');
        const r = own(collection, namespace, name);
        if (r) ctx.report(r, 'FlaggerOwnedObject', r.kind, r.fullName, c.fullName);
      }
    }
  },
};
