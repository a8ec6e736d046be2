// The message catalogue is generated from the vendored messages.json (`npx projen messages`),
// and message names are typed.
import * as fs from 'fs';
import { CATALOGUE_TS, MESSAGES_JSON, renderMessageCatalogue } from '../../projenrc/message-catalogue';
import { MESSAGES, MessageName } from '../../src/analysis/messages.generated';

test('the committed catalogue is what the generator makes of the vendored messages.json', () => {
  const json = JSON.parse(fs.readFileSync(MESSAGES_JSON, 'utf8'));
  expect(fs.readFileSync(CATALOGUE_TS, 'utf8')).toBe(renderMessageCatalogue(json));
  expect(Object.keys(MESSAGES)).toEqual(Object.keys(json));
  expect(MESSAGES.ReferencedResourceNotFound).toEqual(['IST0101', 'Error', 'Referenced %s not found: %q']);
});

test('a misspelt message name does not type-check', () => {
  const good: MessageName = 'ReferencedResourceNotFound';
  // @ts-expect-error: not a message name (the type check, projenrc/check.ts, fails if this compiles)
  const bad: MessageName = 'ReferencedResourceNotFond';
  expect(MESSAGES[good][0]).toBe('IST0101');
  expect(MESSAGES[bad]).toBeUndefined();
});

describe('bad input to the generator', () => {
  test('a malformed code, a repeated code or an unknown level is refused', () => {
    const m = { code: 'IST0101', level: 'Error', template: 'x' };
    expect(() => renderMessageCatalogue({ A: { ...m, code: '101' } })).toThrow('message A: code "101" is malformed or repeated');
    expect(() => renderMessageCatalogue({ A: m, B: m })).toThrow('message B: code "IST0101" is malformed or repeated');
    expect(() => renderMessageCatalogue({ A: { ...m, level: 'Fatal' } })).toThrow('message A: level "Fatal" is not Error, Warning or Info');
    expect(() => renderMessageCatalogue({ 'a-b': m })).toThrow('message name "a-b" is not an identifier');
  });
});
