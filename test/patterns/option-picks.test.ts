// The option pickers that pass a pattern's props on to the constructs it builds
// (workloadOptionsOf, workloadPodOptionsOf, meshServiceObjectOptionsOf) are written by hand:
// this test reads each options interface from the source (its own members and those of the
// interfaces it extends) and checks that the picker passes every member on, so a new option
// cannot be silently dropped.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { meshServiceObjectOptionsOf } from '../../src/patterns/mesh-service-options';
import { workloadOptionsOf } from '../../src/patterns/workload-options';
import { workloadPodOptionsOf } from '../../src/patterns/workload-pod';

const PATTERNS = path.join(__dirname, '..', '..', 'src', 'patterns');

/** The member names of `name` declared in `file`, following `extends` to interfaces imported from sibling files. */
function membersOf(file: string, name: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const imports = new Map<string, string>();
  let declaration: ts.InterfaceDeclaration | undefined;
  source.forEachChild((node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('./')) {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const e of bindings.elements) imports.set(e.name.text, path.join(path.dirname(file), `${node.moduleSpecifier.text}.ts`));
      }
    }
    if (ts.isInterfaceDeclaration(node) && node.name.text === name) declaration = node;
  });
  if (!declaration) throw new Error(`interface ${name} not found in ${file}`);
  const own = declaration.members.filter(ts.isPropertySignature).map((m) => m.name.getText(source));
  const inherited = (declaration.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText(source)))
    .flatMap((base) => membersOf(imports.get(base) ?? file, base));
  return [...own, ...inherited];
}

const cases: [string, string, string, (props: any) => object][] = [
  ['workloadOptionsOf', 'workload-options.ts', 'WorkloadOptions', workloadOptionsOf],
  ['workloadPodOptionsOf', 'workload-pod.ts', 'WorkloadPodOptions', workloadPodOptionsOf],
  ['meshServiceObjectOptionsOf', 'mesh-service-options.ts', 'MeshServiceObjectOptions', meshServiceObjectOptionsOf],
];

test.each(cases)('%s passes on every member of its options interface', (_name, file, iface, pick) => {
  const members = membersOf(path.join(PATTERNS, file), iface);
  expect(members.length).toBeGreaterThan(5);
  const props = Object.fromEntries(members.map((m) => [m, `value of ${m}`]));
  const picked = pick({ ...props, unrelatedProp: 'not an option' });
  expect(picked).toEqual(props);
});
