// Patches applied to an ApiObject's final manifest, after its generated binding has rendered
// it. cdk8s applies `addJsonPatch` patches before a generated L1 class maps its props to JSON,
// and that mapping drops values of the wrong shape (a plain number where the binding expects
// an IntOrString, e.g. a probe's `port: 8080`): patches applied here keep what they say.
import { ApiObject, JsonPatch } from 'cdk8s';

const PATCHES = new WeakMap<ApiObject, JsonPatch[]>();

/**
 * Adds JSON patches applied to the final manifest of `apiObject` (what `toJson()` returns),
 * in the order added.
 * @internal
 */
export function addFinalPatches(apiObject: ApiObject, patches: readonly JsonPatch[]): void {
  let list = PATCHES.get(apiObject);
  if (list === undefined) {
    const mine: JsonPatch[] = [];
    list = mine;
    PATCHES.set(apiObject, mine);
    const render = apiObject.toJson.bind(apiObject);
    Object.defineProperty(apiObject, 'toJson', {
      configurable: true,
      writable: true,
      value: () => (mine.length === 0 ? render() : JsonPatch.apply(render(), ...mine)),
    });
  }
  list.push(...patches);
}
